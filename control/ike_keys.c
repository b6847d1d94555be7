/* SPDX-License-Identifier: BSD-3-Clause */
#include "ike_keys.h"

#include <endian.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

/*
 * Every PRF and integrity transform in common/algo.h is HMAC over a SHA
 * digest; the digest is the one whose output has the PRF's length (for
 * integrity, the key length, RFC 2404 and RFC 4868).
 */
const char *ike_keys_digest(const struct algo *a)
{
	size_t n;

	if (!a || (a->type != ALGO_PRF && a->type != ALGO_INTEG))
		return NULL;
	n = a->type == ALGO_PRF ? a->out_len : a->key_len;
	switch (n) {
	case 20:
		return "SHA1";
	case 32:
		return "SHA256";
	case 48:
		return "SHA384";
	case 64:
		return "SHA512";
	}
	return NULL;
}

/*
 * HMAC with each digest, fetched and set up once: ike_prf() copies the
 * digest's template and keys the copy, where it fetched HMAC, fetched the
 * digest and parsed parameters on every call (about a fifth of the CPU per
 * curve25519 IKE SA setup).  The templates never change once built, so
 * threads share them; every copy is the caller's own, and OpenSSL wipes it
 * when it is freed.
 */
static const char *const hmac_digests[] = {"SHA1", "SHA256", "SHA384",
					   "SHA512"};
#define N_HMAC (sizeof(hmac_digests) / sizeof(hmac_digests[0]))
static EVP_MAC_CTX *hmac_templates[N_HMAC];
static pthread_once_t hmac_once = PTHREAD_ONCE_INIT;

static void hmac_free(void)
{
	for (size_t i = 0; i < N_HMAC; i++) {
		EVP_MAC_CTX_free(hmac_templates[i]);
		hmac_templates[i] = NULL;
	}
}

static void hmac_build(void)
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);

	for (size_t i = 0; mac && i < N_HMAC; i++) {
		EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(mac);
		OSSL_PARAM params[] = {
			OSSL_PARAM_construct_utf8_string(
				OSSL_MAC_PARAM_DIGEST,
				(char *)hmac_digests[i], 0),
			OSSL_PARAM_construct_end(),
		};

		if (ctx && !EVP_MAC_CTX_set_params(ctx, params)) {
			EVP_MAC_CTX_free(ctx);
			ctx = NULL;
		}
		hmac_templates[i] = ctx;
	}
	EVP_MAC_free(mac); /* the contexts hold their own reference */
	atexit(hmac_free);
}

/* A new HMAC context for a's digest, not yet keyed; or NULL. */
static EVP_MAC_CTX *hmac_new(const struct algo *a)
{
	const char *digest = ike_keys_digest(a);

	if (!digest)
		return NULL;
	pthread_once(&hmac_once, hmac_build);
	for (size_t i = 0; i < N_HMAC; i++)
		if (strcmp(digest, hmac_digests[i]) == 0)
			return hmac_templates[i]
				       ? EVP_MAC_CTX_dup(hmac_templates[i])
				       : NULL;
	return NULL;
}

void ike_keys_wipe(void *p, size_t len)
{
	OPENSSL_cleanse(p, len);
}

int ike_prf(const struct algo *a, const uint8_t *key, size_t key_len,
	    const struct ike_slice *data, size_t n, uint8_t *out)
{
	EVP_MAC_CTX *ctx;
	size_t got = 0;
	int rc = -1;

	if (key_len == 0 || !(ctx = hmac_new(a)))
		return -1;
	if (!EVP_MAC_init(ctx, key, key_len, NULL))
		goto out;
	for (size_t i = 0; i < n; i++)
		if (data[i].len &&
		    !EVP_MAC_update(ctx, data[i].ptr, data[i].len))
			goto out;
	if (EVP_MAC_final(ctx, out, &got, IKE_PRF_MAX) && got > 0)
		rc = 0;
out:
	EVP_MAC_CTX_free(ctx);
	return rc;
}

int ike_prf_plus(const struct algo *prf, const uint8_t *key, size_t key_len,
		 const struct ike_slice *seed, size_t n, uint8_t *out,
		 size_t out_len)
{
	struct ike_slice parts[8];
	uint8_t t[IKE_PRF_MAX];
	size_t done = 0;
	uint8_t i = 1;

	if (!prf || prf->type != ALGO_PRF || n == 0 || n > 6 ||
	    out_len > 255u * prf->out_len)
		return -1;

	/* T1 = prf(K, S | 0x01); Tn = prf(K, Tn-1 | S | n). */
	while (done < out_len) {
		size_t k = 0, take;

		if (i > 1)
			parts[k++] = (struct ike_slice){t, prf->out_len};
		memcpy(parts + k, seed, n * sizeof(*seed));
		k += n;
		parts[k++] = (struct ike_slice){&i, 1};
		if (ike_prf(prf, key, key_len, parts, k, t) < 0) {
			ike_keys_wipe(t, sizeof(t));
			return -1;
		}
		take = out_len - done < prf->out_len ? out_len - done
						     : prf->out_len;
		memcpy(out + done, t, take);
		done += take;
		i++;
	}
	ike_keys_wipe(t, sizeof(t));
	return 0;
}

int ike_skeyseed(const struct algo *prf, struct ike_slice ni,
		 struct ike_slice nr, struct ike_slice gir, uint8_t *out)
{
	uint8_t key[2 * IKE_NONCE_MAX];
	int rc;

	if (!ni.len || !nr.len || ni.len > IKE_NONCE_MAX ||
	    nr.len > IKE_NONCE_MAX)
		return -1;
	memcpy(key, ni.ptr, ni.len);
	memcpy(key + ni.len, nr.ptr, nr.len);
	rc = ike_prf(prf, key, ni.len + nr.len, &gir, 1, out);
	ike_keys_wipe(key, sizeof(key));
	return rc;
}

int ike_skeyseed_rekey(const struct algo *old_prf, struct ike_slice sk_d_old,
		       struct ike_slice gir, struct ike_slice ni,
		       struct ike_slice nr, uint8_t *out)
{
	const struct ike_slice data[] = {gir, ni, nr};

	return ike_prf(old_prf, sk_d_old.ptr, sk_d_old.len, data, 3, out);
}

/* An AEAD cipher comes without integrity, any other with it (RFC 5282
 * section 8). */
static bool aead_ok(const struct algo *encr, const struct algo *integ)
{
	return (encr->flags & ALGO_AEAD) ? integ == NULL : integ != NULL;
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = v & 0xff;
}

/* Copy len bytes from *src into dst and move *src past them. */
static void take(uint8_t *dst, const uint8_t **src, size_t len)
{
	memcpy(dst, *src, len);
	*src += len;
}

int ike_keys_sa(struct ike_sa_keys *k, const struct algo *prf,
		const struct algo *encr, const struct algo *integ,
		const uint8_t *skeyseed, struct ike_slice ni,
		struct ike_slice nr, uint64_t spi_i, uint64_t spi_r)
{
	uint8_t spis[2 * IKE_SPI_LEN];
	const struct ike_slice seed[] = {ni, nr, {spis, sizeof(spis)}};
	uint8_t buf[3 * IKE_PRF_MAX + 4 * IKE_KEY_MAX];
	const uint8_t *p = buf;
	size_t total;
	int rc;

	if (!prf || !encr || !aead_ok(encr, integ))
		return -1;
	memset(k, 0, sizeof(*k));
	k->d_len = k->p_len = prf->out_len;
	k->a_len = integ ? integ->key_len : 0;
	k->e_len = (size_t)encr->key_len + encr->salt_len;
	if (k->a_len > IKE_KEY_MAX || k->e_len > IKE_KEY_MAX)
		return -1;
	total = 3 * k->d_len + 2 * k->a_len + 2 * k->e_len;

	put64(spis, spi_i);
	put64(spis + IKE_SPI_LEN, spi_r);
	rc = ike_prf_plus(prf, skeyseed, prf->out_len, seed, 3, buf, total);
	if (rc == 0) {
		take(k->sk_d, &p, k->d_len);
		take(k->sk_ai, &p, k->a_len);
		take(k->sk_ar, &p, k->a_len);
		take(k->sk_ei, &p, k->e_len);
		take(k->sk_er, &p, k->e_len);
		take(k->sk_pi, &p, k->p_len);
		take(k->sk_pr, &p, k->p_len);
	}
	ike_keys_wipe(buf, sizeof(buf));
	return rc;
}

int ike_keymat(const struct algo *prf, struct ike_slice sk_d,
	       struct ike_slice gir, struct ike_slice ni, struct ike_slice nr,
	       uint8_t *out, size_t out_len)
{
	const struct ike_slice seed[] = {gir, ni, nr};

	return ike_prf_plus(prf, sk_d.ptr, sk_d.len, seed, 3, out, out_len);
}

int ike_keys_child(struct ike_child_keys *k, const struct algo *prf,
		   struct ike_slice sk_d, const struct algo *encr,
		   const struct algo *integ, struct ike_slice gir,
		   struct ike_slice ni, struct ike_slice nr)
{
	uint8_t buf[4 * IKE_KEY_MAX];
	const uint8_t *p = buf;
	int rc;

	if (!encr || !aead_ok(encr, integ))
		return -1;
	memset(k, 0, sizeof(*k));
	k->e_len = (size_t)encr->key_len + encr->salt_len;
	k->a_len = integ ? integ->key_len : 0;
	if (k->a_len > IKE_KEY_MAX || k->e_len > IKE_KEY_MAX)
		return -1;

	rc = ike_keymat(prf, sk_d, gir, ni, nr, buf, 2 * (k->e_len + k->a_len));
	if (rc == 0) {
		take(k->ei, &p, k->e_len);
		take(k->ai, &p, k->a_len);
		take(k->er, &p, k->e_len);
		take(k->ar, &p, k->a_len);
	}
	ike_keys_wipe(buf, sizeof(buf));
	return rc;
}

int ike_auth_psk(const struct algo *prf, struct ike_slice psk,
		 struct ike_slice msg, struct ike_slice nonce,
		 struct ike_slice sk_p, struct ike_slice id, uint8_t *out)
{
	const struct ike_slice pad = {(const uint8_t *)IKE_KEY_PAD,
				      IKE_KEY_PAD_LEN};
	uint8_t key[IKE_PRF_MAX], maced_id[IKE_PRF_MAX];
	struct ike_slice signed_octets[3] = {msg, nonce, {maced_id, 0}};
	int rc = -1;

	if (!prf || prf->type != ALGO_PRF)
		return -1;
	signed_octets[2].len = prf->out_len;
	if (ike_prf(prf, sk_p.ptr, sk_p.len, &id, 1, maced_id) == 0 &&
	    ike_prf(prf, psk.ptr, psk.len, &pad, 1, key) == 0)
		rc = ike_prf(prf, key, prf->out_len, signed_octets, 3, out);
	ike_keys_wipe(key, sizeof(key));
	return rc;
}

bool ike_auth_psk_check(const struct algo *prf, struct ike_slice psk,
			struct ike_slice msg, struct ike_slice nonce,
			struct ike_slice sk_p, struct ike_slice id,
			struct ike_slice auth)
{
	uint8_t want[IKE_PRF_MAX];
	bool ok;

	if (!prf || auth.len != prf->out_len)
		return false;
	ok = ike_auth_psk(prf, psk, msg, nonce, sk_p, id, want) == 0 &&
	     CRYPTO_memcmp(want, auth.ptr, auth.len) == 0;
	ike_keys_wipe(want, sizeof(want));
	return ok;
}

void ike_natd_hash(uint64_t spi_i, uint64_t spi_r, const struct ip_addr *addr,
		   uint16_t port, uint8_t out[IKE_NATD_LEN])
{
	uint8_t in[8 + 8 + 16 + 2];
	uint64_t i = htobe64(spi_i), r = htobe64(spi_r);
	uint16_t p = htobe16(port);
	size_t alen = addr_len(addr);

	memcpy(in, &i, 8);
	memcpy(in + 8, &r, 8);
	memcpy(in + 16, addr->bytes, alen);
	memcpy(in + 16 + alen, &p, 2);
	EVP_Digest(in, 18 + alen, out, NULL, EVP_sha1(), NULL);
}
