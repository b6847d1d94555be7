/* SPDX-License-Identifier: BSD-3-Clause */
#include "ike_dh.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/dh.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

enum kind { MODP, ECP, X25519 };

/*
 * How each group of common/algo.h is run; sizes come from that table.
 *
 * exp_bits: private exponent length where OpenSSL would otherwise use a
 * full-length one.  OpenSSL knows the RFC 3526 groups by their prime and
 * picks twice their security strength (NIST SP 800-56A), within the sizes
 * RFC 3526 section 8 suggests.  It does not know RFC 2409's 1024-bit
 * group, so that one gets 256 bits here (RFC 3526's estimate for such a
 * group is 160 to 240), which makes its exchanges about four times cheaper.
 */
static const struct impl {
	enum algo_id id;
	enum kind kind;
	BIGNUM *(*prime)(BIGNUM *bn);
	const char *name;
	int exp_bits;
} impls[] = {
	{ALGO_MODP1024, MODP, BN_get_rfc2409_prime_1024, NULL, 256},
	{ALGO_MODP1536, MODP, BN_get_rfc3526_prime_1536, NULL, 0},
	{ALGO_MODP2048, MODP, BN_get_rfc3526_prime_2048, NULL, 0},
	{ALGO_MODP3072, MODP, BN_get_rfc3526_prime_3072, NULL, 0},
	{ALGO_MODP4096, MODP, BN_get_rfc3526_prime_4096, NULL, 0},
	{ALGO_ECP256, ECP, NULL, "P-256", 0},
	{ALGO_ECP384, ECP, NULL, "P-384", 0},
	{ALGO_CURVE25519, X25519, NULL, "X25519", 0},
};

#define N_IMPLS (sizeof(impls) / sizeof(impls[0]))

struct ike_dh {
	const struct algo *group;
	const struct impl *impl;
	EVP_PKEY *key;
	unsigned int refs; /* holders less one */
};

static const struct impl *impl_of(const struct algo *group)
{
	if (!group || group->type != ALGO_DH)
		return NULL;
	for (size_t i = 0; i < N_IMPLS; i++)
		if (impls[i].id == group->id)
			return &impls[i];
	return NULL;
}

bool ike_dh_supported(const struct algo *group)
{
	return impl_of(group) != NULL;
}

size_t ike_dh_public_len(const struct algo *group)
{
	return group ? group->out_len : 0;
}

size_t ike_dh_secret_len(const struct algo *group)
{
	const struct impl *im = impl_of(group);

	if (!im)
		return 0;
	return im->kind == ECP ? group->out_len / 2u : group->out_len;
}

const struct algo *ike_dh_group(const struct ike_dh *dh)
{
	return dh->group;
}

struct ike_dh *ike_dh_ref(struct ike_dh *dh)
{
	dh->refs++;
	return dh;
}

void ike_dh_free(struct ike_dh *dh)
{
	if (!dh)
		return;
	if (dh->refs) {
		dh->refs--;
		return;
	}
	EVP_PKEY_free(dh->key);
	free(dh);
}

/* An EVP_PKEY of type from params; selection says which parts. */
static EVP_PKEY *from_params(const char *type, int selection,
			     OSSL_PARAM *params)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	EVP_PKEY *pkey = NULL;

	if (!ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &pkey, selection, params) <= 0)
		pkey = NULL;
	EVP_PKEY_CTX_free(ctx);
	return pkey;
}

/*
 * A MODP key: the group's p and g = 2 (RFC 3526 and RFC 2409 use 2 for
 * every group), with priv and pub when given, else domain parameters only.
 */
static EVP_PKEY *modp_key(const struct impl *im, const BIGNUM *priv,
			  const BIGNUM *pub)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	BIGNUM *p = im->prime(NULL), *g = BN_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY *pkey = NULL;
	int sel = EVP_PKEY_KEY_PARAMETERS;

	if (!bld || !p || !g || !BN_set_word(g, 2) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_P, p) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_G, g))
		goto out;
	if (pub && !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY, pub))
		goto out;
	if (priv &&
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv))
		goto out;
	if (pub)
		sel = priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY;
	params = OSSL_PARAM_BLD_to_param(bld);
	if (params)
		pkey = from_params("DH", sel, params);
out:
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(p);
	BN_free(g);
	return pkey;
}

/*
 * Each MODP group's domain parameters, built once instead of for every key
 * and peer value (that was about 5% of the responder's CPU per modp2048
 * setup): an EVP_PKEY of p and g, and p - 1 for the range check.
 * Read-only once built, so threads share them; freed at exit.
 */
static struct modp_params {
	EVP_PKEY *params;
	BIGNUM *p_minus_1;
} modp_cache[N_IMPLS];
static pthread_once_t modp_once = PTHREAD_ONCE_INIT;

static void modp_free(void)
{
	for (size_t i = 0; i < N_IMPLS; i++) {
		EVP_PKEY_free(modp_cache[i].params);
		BN_free(modp_cache[i].p_minus_1);
		modp_cache[i] = (struct modp_params){NULL, NULL};
	}
}

static void modp_build(void)
{
	for (size_t i = 0; i < N_IMPLS; i++) {
		BIGNUM *p;

		if (impls[i].kind != MODP)
			continue;
		modp_cache[i].params = modp_key(&impls[i], NULL, NULL);
		p = impls[i].prime(NULL);
		if (p && BN_sub_word(p, 1))
			modp_cache[i].p_minus_1 = p;
		else
			BN_free(p);
	}
	atexit(modp_free);
}

/* Its fields are NULL if OpenSSL failed to build them. */
static const struct modp_params *modp_params(const struct impl *im)
{
	pthread_once(&modp_once, modp_build);
	return &modp_cache[im - impls];
}

static EVP_PKEY *modp_generate(const struct impl *im)
{
	EVP_PKEY *params = modp_params(im)->params;
	EVP_PKEY_CTX *ctx =
		params ? EVP_PKEY_CTX_new_from_pkey(NULL, params, NULL) : NULL;
	int bits = im->exp_bits;
	OSSL_PARAM set[] = {
		OSSL_PARAM_construct_int(OSSL_PKEY_PARAM_DH_PRIV_LEN, &bits),
		OSSL_PARAM_construct_end(),
	};
	EVP_PKEY *key = NULL;

	if (!ctx || EVP_PKEY_keygen_init(ctx) <= 0 ||
	    (bits && EVP_PKEY_CTX_set_params(ctx, set) <= 0) ||
	    EVP_PKEY_generate(ctx, &key) <= 0)
		key = NULL;
	EVP_PKEY_CTX_free(ctx);
	return key;
}

struct ike_dh *ike_dh_new(const struct algo *group)
{
	const struct impl *im = impl_of(group);
	struct ike_dh *dh;

	if (!im || !(dh = calloc(1, sizeof(*dh))))
		return NULL;
	dh->group = group;
	dh->impl = im;
	if (im->kind == MODP)
		dh->key = modp_generate(im);
	else if (im->kind == ECP)
		dh->key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", im->name);
	else
		dh->key = EVP_PKEY_Q_keygen(NULL, NULL, im->name);
	if (!dh->key) {
		ike_dh_free(dh);
		return NULL;
	}
	return dh;
}

/* pub = 2^priv mod p, for a key given by its private exponent. */
static EVP_PKEY *modp_private(const struct impl *im, const uint8_t *priv,
			      size_t len)
{
	BIGNUM *x = BN_bin2bn(priv, (int)len, NULL);
	BIGNUM *p = im->prime(NULL), *g = BN_new(), *y = BN_new();
	BN_CTX *bnctx = BN_CTX_new();
	EVP_PKEY *key = NULL;

	if (x && p && g && y && bnctx && BN_set_word(g, 2) &&
	    BN_mod_exp(y, g, x, p, bnctx))
		key = modp_key(im, x, y);
	BN_clear_free(x);
	BN_free(p);
	BN_free(g);
	BN_free(y);
	BN_CTX_free(bnctx);
	return key;
}

/* An EC key from the x | y encoding of RFC 5903 section 7, with priv. */
static EVP_PKEY *ec_key(const struct impl *im, const uint8_t *xy, size_t len,
			const BIGNUM *priv)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	uint8_t point[1 + 2 * 66];
	OSSL_PARAM *params = NULL;
	EVP_PKEY *pkey = NULL;

	if (!bld || len > sizeof(point) - 1)
		goto out;
	point[0] = POINT_CONVERSION_UNCOMPRESSED;
	memcpy(point + 1, xy, len);
	if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
					     im->name, 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
					      point, len + 1) ||
	    (priv &&
	     !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv)))
		goto out;
	params = OSSL_PARAM_BLD_to_param(bld);
	if (params)
		pkey = from_params(
			"EC", priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
			params);
out:
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	return pkey;
}

/* The public point of a given scalar, then the key pair. */
static EVP_PKEY *ec_private(const struct impl *im, size_t pub_len,
			    const uint8_t *priv, size_t len)
{
	int nid = EC_curve_nist2nid(im->name);
	EC_GROUP *grp = EC_GROUP_new_by_curve_name(nid);
	EC_POINT *pt = grp ? EC_POINT_new(grp) : NULL;
	BIGNUM *k = BN_bin2bn(priv, (int)len, NULL);
	BN_CTX *bnctx = BN_CTX_new();
	uint8_t point[1 + 2 * 66];
	EVP_PKEY *key = NULL;

	if (pt && k && bnctx && EC_POINT_mul(grp, pt, k, NULL, NULL, bnctx) &&
	    EC_POINT_point2oct(grp, pt, POINT_CONVERSION_UNCOMPRESSED, point,
			       sizeof(point), bnctx) == pub_len + 1)
		key = ec_key(im, point + 1, pub_len, k);
	BN_clear_free(k);
	BN_CTX_free(bnctx);
	EC_POINT_free(pt);
	EC_GROUP_free(grp);
	return key;
}

struct ike_dh *ike_dh_new_private(const struct algo *group, const uint8_t *priv,
				  size_t len)
{
	const struct impl *im = impl_of(group);
	struct ike_dh *dh;

	if (!im || len == 0 || len > IKE_DH_MAX ||
	    !(dh = calloc(1, sizeof(*dh))))
		return NULL;
	dh->group = group;
	dh->impl = im;
	if (im->kind == MODP)
		dh->key = modp_private(im, priv, len);
	else if (im->kind == ECP)
		dh->key = ec_private(im, group->out_len, priv, len);
	else
		dh->key = EVP_PKEY_new_raw_private_key_ex(NULL, im->name, NULL,
							  priv, len);
	if (!dh->key) {
		ike_dh_free(dh);
		return NULL;
	}
	return dh;
}

size_t ike_dh_public(const struct ike_dh *dh, uint8_t *out, size_t cap)
{
	size_t n = dh->group->out_len, got = 0;
	uint8_t point[1 + 2 * 66];
	BIGNUM *y = NULL;

	if (cap < n)
		return 0;
	switch (dh->impl->kind) {
	case MODP:
		if (!EVP_PKEY_get_bn_param(dh->key, OSSL_PKEY_PARAM_PUB_KEY,
					   &y) ||
		    BN_bn2binpad(y, out, (int)n) != (int)n)
			n = 0;
		BN_free(y);
		return n;
	case ECP:
		/* RFC 5903 section 7: x | y, without the 0x04 of SEC 1. */
		if (!EVP_PKEY_get_octet_string_param(
			    dh->key, OSSL_PKEY_PARAM_PUB_KEY, point,
			    sizeof(point), &got) ||
		    got != n + 1 || point[0] != POINT_CONVERSION_UNCOMPRESSED)
			return 0;
		memcpy(out, point + 1, n);
		return n;
	case X25519:
		got = cap;
		if (!EVP_PKEY_get_raw_public_key(dh->key, out, &got) ||
		    got != n)
			return 0;
		return n;
	}
	return 0;
}

/* Section 3.4 leaves validation to the implementation: a MODP value must
 * lie in 2 .. p-2, which also rules out the subgroup of order 2. */
static enum ike_dh_error modp_check(const struct impl *im, const uint8_t *peer,
				    size_t len)
{
	BIGNUM *y = BN_bin2bn(peer, (int)len, NULL);
	const BIGNUM *pm1 = modp_params(im)->p_minus_1;
	enum ike_dh_error e = IKE_DH_E_CRYPTO;

	if (y && pm1)
		e = BN_cmp(y, BN_value_one()) <= 0 || BN_cmp(y, pm1) >= 0
			    ? IKE_DH_E_RANGE
			    : IKE_DH_OK;
	BN_free(y);
	return e;
}

/* The group's parameters with the peer's value as public key. */
static EVP_PKEY *modp_peer(const struct impl *im, const uint8_t *peer,
			   size_t len)
{
	EVP_PKEY *params = modp_params(im)->params;
	EVP_PKEY *key = params ? EVP_PKEY_dup(params) : NULL;

	if (key && EVP_PKEY_set1_encoded_public_key(key, peer, len) != 1) {
		EVP_PKEY_free(key);
		key = NULL;
	}
	return key;
}

/* The peer's EVP_PKEY, or NULL with *e saying why. */
static EVP_PKEY *peer_key(const struct ike_dh *dh, const uint8_t *peer,
			  size_t len, enum ike_dh_error *e)
{
	const struct impl *im = dh->impl;
	EVP_PKEY_CTX *ctx;
	EVP_PKEY *key;

	*e = IKE_DH_E_CRYPTO;
	if (im->kind == MODP) {
		if ((*e = modp_check(im, peer, len)) != IKE_DH_OK)
			return NULL;
		return modp_peer(im, peer, len);
	}
	if (im->kind == X25519)
		return EVP_PKEY_new_raw_public_key_ex(NULL, im->name, NULL,
						      peer, len);

	/* ECP: decoding already refuses a point off the curve; the quick
	 * check says so explicitly (the cofactor is 1, RFC 5903 section 2). */
	key = ec_key(im, peer, len, NULL);
	ctx = key ? EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL) : NULL;
	if (!ctx || EVP_PKEY_public_check_quick(ctx) != 1) {
		EVP_PKEY_free(key);
		key = NULL;
		*e = IKE_DH_E_POINT;
	}
	EVP_PKEY_CTX_free(ctx);
	return key;
}

enum ike_dh_error ike_dh_derive(const struct ike_dh *dh, const uint8_t *peer,
				size_t len, uint8_t *secret, size_t cap)
{
	size_t want = ike_dh_secret_len(dh->group), got = want;
	enum ike_dh_error e;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pk;

	if (len != dh->group->out_len)
		return IKE_DH_E_LENGTH;
	if (cap < want)
		return IKE_DH_E_CRYPTO;
	if (!(pk = peer_key(dh, peer, len, &e)))
		return e;

	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, dh->key, NULL);
	e = IKE_DH_E_CRYPTO;
	if (!ctx || EVP_PKEY_derive_init(ctx) <= 0 ||
	    (dh->impl->kind == MODP && EVP_PKEY_CTX_set_dh_pad(ctx, 1) <= 0) ||
	    EVP_PKEY_derive_set_peer_ex(ctx, pk, 0) <= 0)
		goto out;
	if (EVP_PKEY_derive(ctx, secret, &got) <= 0 || got != want) {
		/* RFC 8031 section 2: OpenSSL refuses an all-zero X25519
		 * result, the one way that derivation can fail here. */
		if (dh->impl->kind == X25519)
			e = IKE_DH_E_ZERO;
		goto out;
	}
	e = IKE_DH_OK;
out:
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pk);
	return e;
}

const char *ike_dh_strerror(enum ike_dh_error e)
{
	switch (e) {
	case IKE_DH_OK:
		return "no error";
	case IKE_DH_E_LENGTH:
		return "public value of the wrong length";
	case IKE_DH_E_RANGE:
		return "public value outside 2 .. p-2";
	case IKE_DH_E_POINT:
		return "public value not a point on the curve";
	case IKE_DH_E_ZERO:
		return "shared secret all zero";
	case IKE_DH_E_CRYPTO:
		return "cryptographic library failure";
	}
	return "unknown error";
}
