/* SPDX-License-Identifier: BSD-3-Clause */
#include "ike_sk.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#define AES_BLOCK   16
#define GCM_NONCE   12 /* salt 4 | IV 8, RFC 5282 section 4 */
#define IV_MAX	    16
#define DIR_ENCRYPT 1
#define DIR_DECRYPT 0

static bool aead(const struct ike_sk *sk)
{
	return sk->encr->flags & ALGO_AEAD;
}

static size_t icv_len(const struct ike_sk *sk)
{
	return aead(sk) ? sk->encr->out_len : sk->integ->out_len;
}

size_t ike_sk_iv_len(const struct ike_sk *sk)
{
	/* Section 3.14: a CBC IV is one block; RFC 5282 section 3.1: 8. */
	return aead(sk) ? sk->encr->iv_len : AES_BLOCK;
}

int ike_sk_init(struct ike_sk *sk, const struct algo *encr,
		const struct algo *integ, const uint8_t *ek, const uint8_t *ak)
{
	memset(sk, 0, sizeof(*sk));
	if (!encr || encr->type != ALGO_ENCR || !(encr->flags & ALGO_IKE))
		return -1;
	if ((encr->flags & ALGO_AEAD) ? integ != NULL : !ike_keys_digest(integ))
		return -1;
	sk->encr = encr;
	sk->integ = integ;
	sk->ek_len = (size_t)encr->key_len + encr->salt_len;
	sk->ak_len = integ ? integ->key_len : 0;
	if (sk->ek_len > IKE_KEY_MAX || sk->ak_len > IKE_KEY_MAX)
		return -1;
	memcpy(sk->ek, ek, sk->ek_len);
	if (integ)
		memcpy(sk->ak, ak, sk->ak_len);
	return 0;
}

void ike_sk_wipe(struct ike_sk *sk)
{
	ike_keys_wipe(sk, sizeof(*sk));
}

static EVP_CIPHER *cipher(const struct ike_sk *sk)
{
	char name[32];

	snprintf(name, sizeof(name), "AES-%u-%s", sk->encr->key_len * 8u,
		 aead(sk) ? "GCM" : "CBC");
	return EVP_CIPHER_fetch(NULL, name, NULL);
}

/*
 * AES-CBC in place over whole blocks, no OpenSSL padding: the SK payload
 * carries its own (section 3.14).
 */
static int cbc(const struct ike_sk *sk, int enc, const uint8_t *iv,
	       uint8_t *buf, size_t len)
{
	EVP_CIPHER *c = cipher(sk);
	EVP_CIPHER_CTX *ctx = c ? EVP_CIPHER_CTX_new() : NULL;
	int n = 0, rc = -1;

	if (ctx && EVP_CipherInit_ex2(ctx, c, sk->ek, iv, enc, NULL) &&
	    EVP_CIPHER_CTX_set_padding(ctx, 0) &&
	    EVP_CipherUpdate(ctx, buf, &n, buf, (int)len) && (size_t)n == len &&
	    EVP_CipherFinal_ex(ctx, buf + n, &n))
		rc = 0;
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(c);
	return rc;
}

/*
 * AES-GCM in place; aad is the IKE header through the SK payload header
 * (RFC 5282 section 5.1).  Encrypting writes the tag, decrypting checks it.
 */
static int gcm(const struct ike_sk *sk, int enc, const uint8_t *iv,
	       struct ike_slice aad, uint8_t *buf, size_t len, uint8_t *tag)
{
	size_t key_len = sk->encr->key_len, tlen = sk->encr->out_len;
	EVP_CIPHER *c = cipher(sk);
	EVP_CIPHER_CTX *ctx = c ? EVP_CIPHER_CTX_new() : NULL;
	uint8_t nonce[GCM_NONCE];
	int n = 0, rc = -1;

	memcpy(nonce, sk->ek + key_len, 4);
	memcpy(nonce + 4, iv, 8);
	if (!ctx || !EVP_CipherInit_ex2(ctx, c, NULL, NULL, enc, NULL) ||
	    !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, GCM_NONCE,
				 NULL) ||
	    !EVP_CipherInit_ex2(ctx, NULL, sk->ek, nonce, enc, NULL) ||
	    !EVP_CipherUpdate(ctx, NULL, &n, aad.ptr, (int)aad.len) ||
	    (len && !EVP_CipherUpdate(ctx, buf, &n, buf, (int)len)))
		goto out;
	if (!enc &&
	    !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, (int)tlen, tag))
		goto out;
	if (!EVP_CipherFinal_ex(ctx, buf + len, &n))
		goto out;
	if (enc &&
	    !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, (int)tlen, tag))
		goto out;
	rc = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(c);
	return rc;
}

/* The HMAC ICV of msg[0, len), truncated to the transform's ICV length. */
static int icv(const struct ike_sk *sk, const uint8_t *msg, size_t len,
	       uint8_t *out)
{
	const struct ike_slice data = {msg, len};

	return ike_prf(sk->integ, sk->ak, sk->ak_len, &data, 1, out);
}

size_t ike_sk_tail_max(const struct ike_sk *sk)
{
	/* The Pad Length octet and, for CBC, up to a block less one. */
	return (aead(sk) ? 1 : AES_BLOCK) + icv_len(sk);
}

static size_t pad_len(const struct ike_sk *sk, size_t plain_len)
{
	/* GCM needs no alignment (RFC 5282 section 3); CBC whole blocks,
	 * counting the Pad Length octet. */
	if (aead(sk))
		return 0;
	return (AES_BLOCK - (plain_len + 1) % AES_BLOCK) % AES_BLOCK;
}

static void put_iv(struct ike_sk *sk, uint8_t *iv, size_t iv_len)
{
	uint64_t seq = sk->iv_seq++;

	for (size_t i = iv_len; i-- > 0; seq >>= 8)
		iv[i] = seq & 0xff;
}

/* Write the SK payload length and the message length; lengths are
 * covered by the ICV, so they go in before it is computed. */
static int close_lengths(struct ike_gen *g)
{
	size_t n = g->len - g->sk_off;

	if (n > UINT16_MAX || !g->has_hdr)
		return -1;
	ike_gen_put16(g, g->sk_off + 2, (uint16_t)n);
	ike_gen_put32(g, 24, (uint32_t)g->len);
	return g->failed ? -1 : 0;
}

enum ike_sk_error ike_sk_seal(struct ike_sk *sk, struct ike_gen *g, size_t *len)
{
	size_t iv_len = ike_sk_iv_len(sk), tlen = icv_len(sk);
	size_t iv_off, plain_off, plain_len, pad, enc_len;
	uint8_t *tail, tag[IKE_PRF_MAX];

	if (g->failed || g->sk_off == IKE_GEN_NONE ||
	    g->pld_off != IKE_GEN_NONE || g->iv_len != iv_len)
		return IKE_SK_E_SPACE;
	/* RFC 7383 section 2.5: an SKF header has the fragment numbers. */
	iv_off = g->sk_off + IKE_PLD_HDR_LEN + (g->sk_frag ? 4 : 0);
	plain_off = iv_off + iv_len;
	plain_len = g->len - plain_off;
	pad = pad_len(sk, plain_len);
	tail = ike_gen_reserve(g, pad + 1 + tlen);
	if (!tail)
		return IKE_SK_E_SPACE;
	tail[pad] = (uint8_t)pad; /* the padding octets stay zero */
	enc_len = plain_len + pad + 1;
	if (close_lengths(g) < 0)
		return IKE_SK_E_SPACE;

	if (aead(sk)) {
		const struct ike_slice aad = {g->buf, iv_off};

		put_iv(sk, g->buf + iv_off, iv_len);
		if (gcm(sk, DIR_ENCRYPT, g->buf + iv_off, aad,
			g->buf + plain_off, enc_len, tag) < 0)
			return IKE_SK_E_CRYPTO;
	} else {
		if (RAND_bytes(g->buf + iv_off, (int)iv_len) != 1 ||
		    cbc(sk, DIR_ENCRYPT, g->buf + iv_off, g->buf + plain_off,
			enc_len) < 0 ||
		    icv(sk, g->buf, g->len - tlen, tag) < 0)
			return IKE_SK_E_CRYPTO;
	}
	memcpy(g->buf + g->len - tlen, tag, tlen);
	g->sk_off = IKE_GEN_NONE;
	*len = g->len;
	return IKE_SK_OK;
}

/* Check the ICV of a CBC message and decrypt; data is IV | enc | ICV. */
static enum ike_sk_error open_cbc(const struct ike_sk *sk, uint8_t *msg,
				  uint8_t *data, size_t enc_len)
{
	size_t iv_len = ike_sk_iv_len(sk), tlen = icv_len(sk);
	uint8_t *enc = data + iv_len;
	uint8_t want[IKE_PRF_MAX];

	if (enc_len == 0 || enc_len % AES_BLOCK)
		return IKE_SK_E_LENGTH;
	if (icv(sk, msg, (size_t)(enc + enc_len - msg), want) < 0)
		return IKE_SK_E_CRYPTO;
	if (CRYPTO_memcmp(want, enc + enc_len, tlen) != 0)
		return IKE_SK_E_ICV;
	if (cbc(sk, DIR_DECRYPT, data, enc, enc_len) < 0)
		return IKE_SK_E_CRYPTO;
	return IKE_SK_OK;
}

enum ike_sk_error ike_sk_open(const struct ike_sk *sk, uint8_t *msg, size_t len,
			      const struct ike_sk_pld *pld,
			      struct ike_slice *plain)
{
	size_t iv_len = ike_sk_iv_len(sk), tlen = icv_len(sk);
	size_t data_off, enc_len, pad;
	enum ike_sk_error e;
	uint8_t *data;

	/* The parser's slice must lie in this message. */
	if (!pld->data.ptr || pld->data.ptr < msg ||
	    (size_t)(pld->data.ptr - msg) > len ||
	    pld->data.len > len - (size_t)(pld->data.ptr - msg))
		return IKE_SK_E_LENGTH;
	data_off = (size_t)(pld->data.ptr - msg);
	data = msg + data_off;
	if (pld->data.len < iv_len + tlen + 1 || pld->data.len > INT_MAX)
		return IKE_SK_E_LENGTH;
	enc_len = pld->data.len - iv_len - tlen;

	if (aead(sk)) {
		const struct ike_slice aad = {msg, data_off};

		if (gcm(sk, DIR_DECRYPT, data, aad, data + iv_len, enc_len,
			data + iv_len + enc_len) < 0)
			return IKE_SK_E_ICV;
	} else if ((e = open_cbc(sk, msg, data, enc_len)) != IKE_SK_OK) {
		return e;
	}

	/* Section 3.14: the last octet is the Pad Length. */
	pad = data[iv_len + enc_len - 1];
	if (pad + 1 > enc_len)
		return IKE_SK_E_PAD;
	plain->ptr = data + iv_len;
	plain->len = enc_len - pad - 1;
	return IKE_SK_OK;
}

const char *ike_sk_strerror(enum ike_sk_error e)
{
	switch (e) {
	case IKE_SK_OK:
		return "no error";
	case IKE_SK_E_LENGTH:
		return "encrypted payload too short or not whole blocks";
	case IKE_SK_E_ICV:
		return "integrity check failed";
	case IKE_SK_E_PAD:
		return "pad length longer than the plaintext";
	case IKE_SK_E_SPACE:
		return "no room to seal the encrypted payload";
	case IKE_SK_E_CRYPTO:
		return "cryptographic library failure";
	}
	return "unknown error";
}
