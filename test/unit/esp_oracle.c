/* SPDX-License-Identifier: BSD-3-Clause */
#include "esp_oracle.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#define NATT_PORT 4500

static bool is_gcm(const struct esp_params *p)
{
	return p->cipher == ALGO_AES_128_GCM || p->cipher == ALGO_AES_256_GCM;
}

static const EVP_CIPHER *cipher_of(const struct esp_params *p)
{
	switch (p->cipher) {
	case ALGO_AES_128_CBC: return EVP_aes_128_cbc();
	case ALGO_AES_256_CBC: return EVP_aes_256_cbc();
	case ALGO_AES_128_GCM: return EVP_aes_128_gcm();
	case ALGO_AES_256_GCM: return EVP_aes_256_gcm();
	default: return NULL;
	}
}

/* RFC 2404 and RFC 4868: digest, key bytes, truncated ICV bytes. */
static const char *digest_of(const struct esp_params *p, size_t *key,
			     size_t *icv)
{
	switch (p->integ) {
	case ALGO_HMAC_SHA1_96: *key = 20; *icv = 12; return "SHA1";
	case ALGO_HMAC_SHA256_128: *key = 32; *icv = 16; return "SHA256";
	case ALGO_HMAC_SHA384_192: *key = 48; *icv = 24; return "SHA384";
	case ALGO_HMAC_SHA512_256: *key = 64; *icv = 32; return "SHA512";
	default: *key = 0; *icv = 16; return NULL; /* GCM: 16-byte tag */
	}
}

static size_t iv_len_of(const struct esp_params *p)
{
	return is_gcm(p) ? 8 : 16;
}

uint16_t oracle_csum(const uint8_t *b, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)b[i] << 8 | b[i + 1];
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static void put32(uint8_t *b, uint32_t v)
{
	put16(b, (uint16_t)(v >> 16));
	put16(b + 2, (uint16_t)v);
}

static uint16_t get16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static uint32_t get32(const uint8_t *b)
{
	return (uint32_t)get16(b) << 16 | get16(b + 2);
}

static int hmac(const struct esp_params *p, const uint8_t *d, size_t len,
		uint8_t *out)
{
	size_t key, icv, outl = 0;
	const char *md = digest_of(p, &key, &icv);
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						 (char *)md, 0),
		OSSL_PARAM_construct_end(),
	};
	int ok = ctx && EVP_MAC_init(ctx, p->auth_key, key, params) &&
		 EVP_MAC_update(ctx, d, len) &&
		 EVP_MAC_final(ctx, out, &outl, 64);

	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return ok ? 0 : -1;
}

/* AES-CBC without padding (RFC 3602); enc 1 or 0; in place. */
static int cbc(const struct esp_params *p, const uint8_t *iv, uint8_t *buf,
	       size_t len, int enc)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int l1 = 0, l2 = 0;
	int ok = c && EVP_CipherInit_ex(c, cipher_of(p), NULL, p->cipher_key,
					iv, enc) &&
		 EVP_CIPHER_CTX_set_padding(c, 0) &&
		 EVP_CipherUpdate(c, buf, &l1, buf, (int)len) &&
		 EVP_CipherFinal_ex(c, buf + l1, &l2);

	EVP_CIPHER_CTX_free(c);
	return ok && (size_t)(l1 + l2) == len ? 0 : -1;
}

/* AES-GCM (RFC 4106): nonce salt | iv, in place; tag out (enc) or in. */
static int gcm(const struct esp_params *p, const uint8_t *iv,
	       const uint8_t *aad, size_t aad_len, uint8_t *buf, size_t len,
	       uint8_t *tag, int enc)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	uint8_t nonce[12];
	int l = 0, ok;

	memcpy(nonce, p->salt, 4);
	memcpy(nonce + 4, iv, 8);
	ok = c && EVP_CipherInit_ex(c, cipher_of(p), NULL, NULL, NULL, enc) &&
	     EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) &&
	     EVP_CipherInit_ex(c, NULL, NULL, p->cipher_key, nonce, enc) &&
	     EVP_CipherUpdate(c, NULL, &l, aad, (int)aad_len) &&
	     EVP_CipherUpdate(c, buf, &l, buf, (int)len);
	if (ok && !enc)
		ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, tag);
	ok = ok && EVP_CipherFinal_ex(c, buf + l, &l);
	if (ok && enc)
		ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, tag);
	EVP_CIPHER_CTX_free(c);
	return ok ? 0 : -1;
}

/* GCM AAD, RFC 4106 section 5: SPI | seq (32 bits), or SPI | ESN. */
static size_t gcm_aad(const struct esp_params *p, uint64_t seq, uint8_t *aad)
{
	put32(aad, p->spi);
	if (!p->esn) {
		put32(aad + 4, (uint32_t)seq);
		return 8;
	}
	put32(aad + 4, (uint32_t)(seq >> 32));
	put32(aad + 8, (uint32_t)seq);
	return 12;
}

/* The ICV input of RFC 4303 section 2.8 / 3.3.2.1: ESP .. ciphertext, then
 * with ESN the high-order 32 bits.  esp has 4 spare bytes after len. */
static int cbc_icv(const struct esp_params *p, uint64_t seq, uint8_t *esp,
		   size_t len, uint8_t *icv)
{
	uint8_t save[4];
	int rc;

	memcpy(save, esp + len, 4);
	put32(esp + len, (uint32_t)(seq >> 32));
	rc = hmac(p, esp, len + (p->esn ? 4 : 0), icv);
	memcpy(esp + len, save, 4);
	return rc;
}

/* Encrypt and authenticate ESP at esp: header, IV and plaintext in place
 * (pt bytes); appends the ICV.  Returns the ESP length. */
static size_t seal(const struct esp_params *p, uint64_t seq, uint8_t *esp,
		   size_t pt)
{
	size_t key, icv, ivl = iv_len_of(p);
	uint8_t full[64], aad[12];

	digest_of(p, &key, &icv);
	if (is_gcm(p)) {
		size_t al = gcm_aad(p, seq, aad);

		if (gcm(p, esp + 8, aad, al, esp + 8 + ivl, pt,
			esp + 8 + ivl + pt, 1) < 0)
			return 0;
		return 8 + ivl + pt + 16;
	}
	if (cbc(p, esp + 8, esp + 8 + ivl, pt, 1) < 0 ||
	    cbc_icv(p, seq, esp, 8 + ivl + pt, full) < 0)
		return 0;
	memcpy(esp + 8 + ivl + pt, full, icv);
	return 8 + ivl + pt + icv;
}

/* SPI, seq, IV, payload, padding, trailer at esp; returns plaintext len. */
static size_t esp_plain(const struct esp_params *p, const struct oracle_opts *o,
			const uint8_t *pl, size_t len, uint8_t nh, uint8_t *esp)
{
	size_t blk = is_gcm(p) ? 4 : 16, ivl = iv_len_of(p);
	size_t pad = (blk - (len + o->tfc + 2) % blk) % blk +
		     o->extra_pad * blk;
	uint8_t *pt = esp + 8 + ivl;

	put32(esp, p->spi);
	put32(esp + 4, (uint32_t)o->seq);
	/* Without a given IV: the sequence number, big-endian, repeated. */
	for (size_t i = 0; i < ivl; i++)
		esp[8 + i] = o->iv ? o->iv[i]
				   : (uint8_t)(o->seq >> (8 * (7 - i % 8)));
	memcpy(pt, pl, len);
	memset(pt + len, 0, o->tfc);
	len += o->tfc;
	for (size_t i = 0; i < pad; i++)
		pt[len + i] = (uint8_t)(i + 1);
	if (o->bad_pad && pad > 0)
		pt[len + pad - 1] ^= 0x80;
	pt[len + pad] = o->pad_len >= 0 ? (uint8_t)o->pad_len : (uint8_t)pad;
	pt[len + pad + 1] = o->nh >= 0 ? (uint8_t)o->nh : nh;
	return len + pad + 2;
}

static size_t outer_ip(const struct esp_params *p, uint8_t *out, uint8_t tos,
		       size_t total, uint8_t proto)
{
	uint8_t ttl = p->ttl ? p->ttl : 64;

	if (p->local.family == 6) {
		memset(out, 0, 40);
		out[0] = (uint8_t)(0x60 | tos >> 4);
		out[1] = (uint8_t)(tos << 4);
		put16(out + 4, (uint16_t)(total - 40));
		out[6] = proto;
		out[7] = ttl;
		memcpy(out + 8, p->remote.v6, 16); /* the peer sends */
		memcpy(out + 24, p->local.v6, 16);
		return 40;
	}
	memset(out, 0, 20);
	out[0] = 0x45;
	out[1] = tos;
	put16(out + 2, (uint16_t)total);
	out[8] = ttl;
	out[9] = proto;
	memcpy(out + 12, p->remote.v4, 4);
	memcpy(out + 16, p->local.v4, 4);
	put16(out + 10, oracle_csum(out, 20, 0));
	return 20;
}

static void udp_fill(const struct esp_params *p, uint8_t *ip, size_t hl,
		     size_t total, bool to_local)
{
	uint8_t *u = ip + hl;
	uint16_t lp = p->local_port ? p->local_port : NATT_PORT;

	put16(u, to_local ? p->remote_port : lp);
	put16(u + 2, to_local ? lp : p->remote_port);
	put16(u + 4, (uint16_t)(total - hl));
	put16(u + 6, 0); /* RFC 3948 section 2.1 (IPv4) */
	if (ip[0] >> 4 == 6) {
		uint8_t ph[40];
		uint32_t sum = 0;

		memcpy(ph, ip + 8, 32);
		put32(ph + 32, (uint32_t)(total - hl));
		put32(ph + 36, 17);
		sum = (uint16_t)~oracle_csum(ph, 40, 0);
		put16(u + 6, oracle_csum(u, total - hl, sum));
		if (get16(u + 6) == 0)
			put16(u + 6, 0xffff);
	}
}

static size_t encap_tunnel(const struct esp_params *p,
			   const struct oracle_opts *o, const uint8_t *pkt,
			   size_t len, uint8_t *out)
{
	size_t hl = p->local.family == 6 ? 40 : 20, udp = p->natt ? 8 : 0;
	uint8_t nh = pkt[0] >> 4 == 6 ? 41 : 4;
	uint8_t tos = nh == 41 ? (uint8_t)(pkt[0] << 4 | pkt[1] >> 4) : pkt[1];
	uint8_t *esp = out + hl + udp;
	size_t pt = esp_plain(p, o, pkt, len, nh, esp);
	size_t el = seal(p, o->seq, esp, pt);

	if (el == 0)
		return 0;
	if (o->outer_tos || o->keep_tos)
		tos = o->outer_tos;
	outer_ip(p, out, tos, hl + udp + el, p->natt ? 17 : 50);
	if (p->natt)
		udp_fill(p, out, hl, hl + udp + el, true);
	return hl + udp + el;
}

static size_t encap_transport(const struct esp_params *p,
			      const struct oracle_opts *o, const uint8_t *pkt,
			      size_t len, uint8_t *out)
{
	bool v6 = pkt[0] >> 4 == 6;
	size_t hl = v6 ? 40 : (pkt[0] & 0xfu) * 4u, udp = p->natt ? 8 : 0;
	uint8_t *esp = out + hl + udp;
	size_t pt = esp_plain(p, o, pkt + hl, len - hl, v6 ? pkt[6] : pkt[9],
			      esp);
	size_t el = seal(p, o->seq, esp, pt), total = hl + udp + el;

	if (el == 0)
		return 0;
	memcpy(out, pkt, hl);
	if (v6) {
		out[6] = p->natt ? 17 : 50;
		put16(out + 4, (uint16_t)(total - 40));
	} else {
		out[9] = p->natt ? 17 : 50;
		put16(out + 2, (uint16_t)total);
		put16(out + 10, 0);
		put16(out + 10, oracle_csum(out, hl, 0));
	}
	if (p->natt)
		udp_fill(p, out, hl, total, true);
	return total;
}

size_t oracle_encap(const struct esp_params *p, const struct oracle_opts *o,
		    const uint8_t *pkt, size_t len, uint8_t *out, size_t cap)
{
	if (len + o->tfc + o->extra_pad * 16 + 160 > cap)
		return 0;
	if (p->mode == ESP_MODE_TUNNEL)
		return encap_tunnel(p, o, pkt, len, out);
	return encap_transport(p, o, pkt, len, out);
}

#define FAIL(msg)               \
	do {                    \
		r->err = (msg); \
		return -1;      \
	} while (0)

/* Outer IP header of a packet from SA p: sets *hl, checks every field. */
static int check_outer(const struct esp_params *p, const uint8_t *pkt,
		       size_t len, size_t *hl, struct oracle_out *r)
{
	bool tun = p->mode == ESP_MODE_TUNNEL;
	uint8_t ttl = p->ttl ? p->ttl : 64, proto = p->natt ? 17 : 50;

	if (p->local.family == 6) {
		if (len < 40 || pkt[0] >> 4 != 6 || 40u + get16(pkt + 4) != len)
			FAIL("outer IPv6 header or payload length");
		if (pkt[6] != proto)
			FAIL("outer next header");
		if (tun && (pkt[7] != ttl ||
			    memcmp(pkt + 8, p->local.v6, 16) != 0 ||
			    memcmp(pkt + 24, p->remote.v6, 16) != 0))
			FAIL("outer IPv6 hop limit or addresses");
		r->outer_tos = (uint8_t)(pkt[0] << 4 | pkt[1] >> 4);
		*hl = 40;
		return 0;
	}
	if (len < 20 || pkt[0] >> 4 != 4 || get16(pkt + 2) != len)
		FAIL("outer IPv4 header or total length");
	*hl = (pkt[0] & 0xfu) * 4u;
	if (oracle_csum(pkt, *hl, 0) != 0)
		FAIL("outer IPv4 header checksum");
	if (pkt[9] != proto || (get16(pkt + 6) & 0x3fff) != 0)
		FAIL("outer protocol or fragment bits");
	if (tun && (*hl != 20 || pkt[8] != ttl ||
		    memcmp(pkt + 12, p->local.v4, 4) != 0 ||
		    memcmp(pkt + 16, p->remote.v4, 4) != 0))
		FAIL("outer IPv4 TTL or addresses");
	r->outer_tos = pkt[1];
	r->outer_df = pkt[6] & 0x40;
	return 0;
}

static int check_udp(const struct esp_params *p, const uint8_t *pkt,
		     size_t len, size_t hl, struct oracle_out *r)
{
	const uint8_t *u = pkt + hl;
	uint16_t lp = p->local_port ? p->local_port : NATT_PORT;

	if (len < hl + 8 || get16(u) != lp || get16(u + 2) != p->remote_port)
		FAIL("UDP ports (RFC 3948)");
	if (get16(u + 4) != len - hl)
		FAIL("UDP length");
	if (pkt[0] >> 4 == 4) {
		if (get16(u + 6) != 0)
			FAIL("UDP checksum must be 0 (RFC 3948 2.1)");
	} else {
		uint8_t ph[40];
		uint32_t sum;

		memcpy(ph, pkt + 8, 32);
		put32(ph + 32, (uint32_t)(len - hl));
		put32(ph + 36, 17);
		sum = (uint16_t)~oracle_csum(ph, 40, 0);
		if (get16(u + 6) == 0 || oracle_csum(u, len - hl, sum) != 0)
			FAIL("UDP checksum over IPv6");
	}
	return 0;
}

/* ICV and decryption; buf holds the ESP packet with 4 spare bytes. */
static int open_esp(const struct esp_params *p, uint32_t seq_hi,
		    uint8_t *buf, size_t ct, struct oracle_out *r)
{
	size_t key, icv, ivl = iv_len_of(p);
	uint64_t seq = (uint64_t)seq_hi << 32 | get32(buf + 4);
	uint8_t full[64], aad[12];

	digest_of(p, &key, &icv);
	if (is_gcm(p)) {
		size_t al = gcm_aad(p, seq, aad);

		if (gcm(p, buf + 8, aad, al, buf + 8 + ivl, ct,
			buf + 8 + ivl + ct, 0) < 0)
			FAIL("GCM tag");
		return 0;
	}
	if (cbc_icv(p, seq, buf, 8 + ivl + ct, full) < 0 ||
	    CRYPTO_memcmp(full, buf + 8 + ivl + ct, icv) != 0)
		FAIL("HMAC ICV");
	if (cbc(p, buf + 8, buf + 8 + ivl, ct, 0) < 0)
		FAIL("CBC decryption");
	return 0;
}

/* Padding per RFC 4303 2.4 and minimal; returns the payload length. */
static int check_trailer(const struct esp_params *p, const uint8_t *pt,
			 size_t ct, size_t *plen, struct oracle_out *r)
{
	size_t pad = pt[ct - 2], blk = is_gcm(p) ? 4 : 16;

	if (pad + 2 > ct || pad >= blk)
		FAIL("pad length not minimal");
	for (size_t i = 0; i < pad; i++) {
		if (pt[ct - 2 - pad + i] != i + 1)
			FAIL("padding bytes not 1, 2, 3, ...");
	}
	r->pad_len = (uint8_t)pad;
	*plen = ct - 2 - pad;
	return 0;
}

static int restore(const struct esp_params *p, const uint8_t *pkt, size_t hl,
		   const uint8_t *pt, size_t plen, uint8_t nh,
		   struct oracle_out *r)
{
	if (p->mode == ESP_MODE_TUNNEL) {
		bool ok4 = nh == 4 && plen >= 20 && pt[0] >> 4 == 4 &&
			   get16(pt + 2) == plen;
		bool ok6 = nh == 41 && plen >= 40 && pt[0] >> 4 == 6 &&
			   40u + get16(pt + 4) == plen;

		if (!ok4 && !ok6)
			FAIL("tunnel next header or inner length");
		memcpy(r->pkt, pt, plen);
		r->len = plen;
		return 0;
	}
	memcpy(r->pkt, pkt, hl);
	memcpy(r->pkt + hl, pt, plen);
	r->len = hl + plen;
	if (pkt[0] >> 4 == 6) {
		r->pkt[6] = nh;
		put16(r->pkt + 4, (uint16_t)plen);
	} else {
		r->pkt[9] = nh;
		put16(r->pkt + 2, (uint16_t)(hl + plen));
		put16(r->pkt + 10, 0);
		put16(r->pkt + 10, oracle_csum(r->pkt, hl, 0));
	}
	return 0;
}

int oracle_decap(const struct esp_params *p, uint32_t seq_hi,
		 const uint8_t *pkt, size_t len, struct oracle_out *r)
{
	size_t key, icv, hl, off, el, ct, plen, ivl = iv_len_of(p);
	uint8_t buf[4200];
	const uint8_t *pt = buf + 8 + ivl;

	r->err = NULL;
	digest_of(p, &key, &icv);
	if (check_outer(p, pkt, len, &hl, r) < 0)
		return -1;
	off = hl;
	if (p->natt) {
		if (check_udp(p, pkt, len, hl, r) < 0)
			return -1;
		off += 8;
	}
	el = len - off;
	if (el < 8 + ivl + icv + 4 || el + 4 > sizeof(buf))
		FAIL("ESP too short");
	ct = el - 8 - ivl - icv;
	if (ct % (is_gcm(p) ? 4 : 16) != 0)
		FAIL("ciphertext not aligned");
	if (get32(pkt + off) != p->spi)
		FAIL("SPI");
	memcpy(buf, pkt + off, el);
	r->seq_lo = get32(buf + 4);
	memcpy(r->iv, buf + 8, ivl);
	if (open_esp(p, seq_hi, buf, ct, r) < 0 ||
	    check_trailer(p, pt, ct, &plen, r) < 0)
		return -1;
	return restore(p, pkt, hl, pt, plen, pt[ct - 1], r);
}
