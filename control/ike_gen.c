/* SPDX-License-Identifier: BSD-3-Clause */
#include "ike_gen.h"

#include <string.h>

void ike_gen_init(struct ike_gen *g, uint8_t *buf, size_t cap)
{
	*g = (struct ike_gen){
		.buf = buf,
		.cap = cap,
		.next_off = IKE_GEN_NONE,
		.pld_off = IKE_GEN_NONE,
		.prop_off = IKE_GEN_NONE,
		.xf_off = IKE_GEN_NONE,
		.sk_off = IKE_GEN_NONE,
	};
}

uint8_t *ike_gen_reserve(struct ike_gen *g, size_t n)
{
	uint8_t *p;

	if (g->failed || n > g->cap - g->len) {
		g->failed = true;
		return NULL;
	}
	p = g->buf + g->len;
	memset(p, 0, n);
	g->len += n;
	return p;
}

void ike_gen_bytes(struct ike_gen *g, const void *p, size_t len)
{
	uint8_t *d = ike_gen_reserve(g, len);

	if (d && len)
		memcpy(d, p, len);
}

void ike_gen_u8(struct ike_gen *g, uint8_t v)
{
	ike_gen_bytes(g, &v, 1);
}

void ike_gen_u16(struct ike_gen *g, uint16_t v)
{
	uint8_t b[2] = {v >> 8, v & 0xff};

	ike_gen_bytes(g, b, sizeof(b));
}

void ike_gen_u32(struct ike_gen *g, uint32_t v)
{
	ike_gen_u16(g, v >> 16);
	ike_gen_u16(g, v & 0xffff);
}

void ike_gen_put16(struct ike_gen *g, size_t off, uint16_t v)
{
	if (g->failed || off > g->len || g->len - off < 2) {
		g->failed = true;
		return;
	}
	g->buf[off] = v >> 8;
	g->buf[off + 1] = v & 0xff;
}

void ike_gen_put32(struct ike_gen *g, size_t off, uint32_t v)
{
	ike_gen_put16(g, off, v >> 16);
	ike_gen_put16(g, off + 2, v & 0xffff);
}

void ike_gen_hdr(struct ike_gen *g, uint64_t spi_i, uint64_t spi_r,
		 uint8_t exchange, uint8_t flags, uint32_t msg_id)
{
	if (g->len != 0)
		g->failed = true;
	ike_gen_u32(g, spi_i >> 32);
	ike_gen_u32(g, spi_i & 0xffffffff);
	ike_gen_u32(g, spi_r >> 32);
	ike_gen_u32(g, spi_r & 0xffffffff);
	ike_gen_u8(g, IKE_PLD_NONE);
	ike_gen_u8(g, IKE_VERSION);
	ike_gen_u8(g, exchange);
	ike_gen_u8(g, flags);
	ike_gen_u32(g, msg_id);
	ike_gen_u32(g, 0); /* length: ike_gen_finish() or ike_sk_seal() */
	g->next_off = 16;
	g->has_hdr = true;
}

void ike_gen_begin(struct ike_gen *g, uint8_t type, bool critical)
{
	size_t start = g->len;

	if (g->pld_off != IKE_GEN_NONE) {
		g->failed = true;
		return;
	}
	if (g->failed)
		return;
	if (g->next_off != IKE_GEN_NONE)
		g->buf[g->next_off] = type;
	ike_gen_u8(g, IKE_PLD_NONE);
	ike_gen_u8(g, critical ? IKE_PLD_CRITICAL : 0);
	ike_gen_u16(g, 0);
	g->pld_off = start;
	g->next_off = start;
}

void ike_gen_end(struct ike_gen *g)
{
	size_t n = g->len - g->pld_off;

	if (g->pld_off == IKE_GEN_NONE || n > UINT16_MAX) {
		g->failed = true;
		return;
	}
	ike_gen_put16(g, g->pld_off + 2, (uint16_t)n);
	g->pld_off = IKE_GEN_NONE;
}

/* Close the open proposal: its length and its count of transforms. */
static void proposal_close(struct ike_gen *g)
{
	size_t n = g->len - g->prop_off;

	if (g->prop_off == IKE_GEN_NONE)
		return;
	if (n > UINT16_MAX)
		g->failed = true;
	ike_gen_put16(g, g->prop_off + 2, (uint16_t)n);
	if (!g->failed)
		g->buf[g->prop_off + 7] = g->n_xf;
}

void ike_gen_sa_begin(struct ike_gen *g)
{
	ike_gen_begin(g, IKE_PLD_SA, false);
	g->prop_off = IKE_GEN_NONE;
}

void ike_gen_proposal(struct ike_gen *g, uint8_t num, uint8_t protocol,
		      const uint8_t *spi, uint8_t spi_len)
{
	size_t start = g->len;

	if (g->pld_off == IKE_GEN_NONE || g->failed) {
		g->failed = true;
		return;
	}
	proposal_close(g);
	/* Section 3.3.1: Last Substruc says whether another follows. */
	if (g->prop_off != IKE_GEN_NONE)
		g->buf[g->prop_off] = IKE_MORE_PROPOSALS;
	ike_gen_u8(g, IKE_LAST_PROPOSAL);
	ike_gen_u8(g, 0);
	ike_gen_u16(g, 0);
	ike_gen_u8(g, num);
	ike_gen_u8(g, protocol);
	ike_gen_u8(g, spi_len);
	ike_gen_u8(g, 0);
	ike_gen_bytes(g, spi, spi_len);
	g->prop_off = start;
	g->xf_off = IKE_GEN_NONE;
	g->n_xf = 0;
}

void ike_gen_transform(struct ike_gen *g, uint8_t type, uint16_t id,
		       uint16_t key_bits)
{
	size_t start = g->len;

	if (g->prop_off == IKE_GEN_NONE || g->n_xf == UINT8_MAX || g->failed) {
		g->failed = true;
		return;
	}
	if (g->xf_off != IKE_GEN_NONE)
		g->buf[g->xf_off] = IKE_MORE_TRANSFORMS;
	ike_gen_u8(g, IKE_LAST_TRANSFORM);
	ike_gen_u8(g, 0);
	ike_gen_u16(g, key_bits ? 12 : 8);
	ike_gen_u8(g, type);
	ike_gen_u8(g, 0);
	ike_gen_u16(g, id);
	if (key_bits) {
		ike_gen_u16(g, IKE_ATTR_TV | IKE_ATTR_KEY_LENGTH);
		ike_gen_u16(g, key_bits);
	}
	g->xf_off = start;
	g->n_xf++;
}

void ike_gen_sa_end(struct ike_gen *g)
{
	if (g->prop_off == IKE_GEN_NONE)
		g->failed = true; /* section 3.3: at least one proposal */
	proposal_close(g);
	g->prop_off = IKE_GEN_NONE;
	ike_gen_end(g);
}

/* A payload of a few fixed octets followed by data. */
static void simple(struct ike_gen *g, uint8_t type, const uint8_t *fixed,
		   size_t flen, const uint8_t *data, size_t len)
{
	ike_gen_begin(g, type, false);
	ike_gen_bytes(g, fixed, flen);
	ike_gen_bytes(g, data, len);
	ike_gen_end(g);
}

void ike_gen_ke(struct ike_gen *g, uint16_t group, const uint8_t *pub,
		size_t len)
{
	uint8_t f[4] = {group >> 8, group & 0xff, 0, 0};

	simple(g, IKE_PLD_KE, f, sizeof(f), pub, len);
}

void ike_gen_nonce(struct ike_gen *g, const uint8_t *nonce, size_t len)
{
	simple(g, IKE_PLD_NONCE, NULL, 0, nonce, len);
}

void ike_gen_id(struct ike_gen *g, uint8_t type, uint8_t id_type,
		const uint8_t *data, size_t len)
{
	uint8_t f[4] = {id_type, 0, 0, 0};

	simple(g, type, f, sizeof(f), data, len);
}

void ike_gen_auth(struct ike_gen *g, uint8_t method, const uint8_t *data,
		  size_t len)
{
	uint8_t f[4] = {method, 0, 0, 0};

	simple(g, IKE_PLD_AUTH, f, sizeof(f), data, len);
}

void ike_gen_cert(struct ike_gen *g, uint8_t type, uint8_t encoding,
		  const uint8_t *data, size_t len)
{
	simple(g, type, &encoding, 1, data, len);
}

void ike_gen_notify(struct ike_gen *g, uint8_t protocol, const uint8_t *spi,
		    uint8_t spi_len, uint16_t type, const uint8_t *data,
		    size_t len)
{
	ike_gen_begin(g, IKE_PLD_N, false);
	ike_gen_u8(g, protocol);
	ike_gen_u8(g, spi_len);
	ike_gen_u16(g, type);
	ike_gen_bytes(g, spi, spi_len);
	ike_gen_bytes(g, data, len);
	ike_gen_end(g);
}

void ike_gen_delete(struct ike_gen *g, uint8_t protocol, uint8_t spi_size,
		    const uint8_t *spis, uint16_t n_spi)
{
	ike_gen_begin(g, IKE_PLD_D, false);
	ike_gen_u8(g, protocol);
	ike_gen_u8(g, spi_size);
	ike_gen_u16(g, n_spi);
	ike_gen_bytes(g, spis, (size_t)spi_size * n_spi);
	ike_gen_end(g);
}

void ike_gen_vendor(struct ike_gen *g, const uint8_t *id, size_t len)
{
	simple(g, IKE_PLD_V, NULL, 0, id, len);
}

static void selector(struct ike_gen *g, const struct ike_ts *ts)
{
	size_t alen = ts->type == IKE_TS_IPV4_ADDR_RANGE ? 4 : 16;
	uint8_t family = alen == 4 ? ADDR_V4 : ADDR_V6;

	if ((ts->type != IKE_TS_IPV4_ADDR_RANGE &&
	     ts->type != IKE_TS_IPV6_ADDR_RANGE) ||
	    ts->start.family != family || ts->end.family != family) {
		g->failed = true;
		return;
	}
	ike_gen_u8(g, ts->type);
	ike_gen_u8(g, ts->ip_proto);
	ike_gen_u16(g, (uint16_t)(8 + 2 * alen));
	ike_gen_u16(g, ts->start_port);
	ike_gen_u16(g, ts->end_port);
	ike_gen_bytes(g, ts->start.bytes, alen);
	ike_gen_bytes(g, ts->end.bytes, alen);
}

void ike_gen_ts(struct ike_gen *g, uint8_t type, const struct ike_ts *ts,
		uint8_t n)
{
	uint8_t f[4] = {n, 0, 0, 0};

	ike_gen_begin(g, type, false);
	ike_gen_bytes(g, f, sizeof(f));
	for (uint8_t i = 0; i < n; i++)
		selector(g, &ts[i]);
	ike_gen_end(g);
}

void ike_gen_cp_begin(struct ike_gen *g, uint8_t cfg_type)
{
	uint8_t f[4] = {cfg_type, 0, 0, 0};

	ike_gen_begin(g, IKE_PLD_CP, false);
	ike_gen_bytes(g, f, sizeof(f));
}

void ike_gen_cp_attr(struct ike_gen *g, uint16_t type, const uint8_t *value,
		     uint16_t len)
{
	if (g->pld_off == IKE_GEN_NONE) {
		g->failed = true;
		return;
	}
	ike_gen_u16(g, type & IKE_CP_ATTR_TYPE_MASK);
	ike_gen_u16(g, len);
	ike_gen_bytes(g, value, len);
}

void ike_gen_eap(struct ike_gen *g, const uint8_t *msg, size_t len)
{
	simple(g, IKE_PLD_EAP, NULL, 0, msg, len);
}

void ike_gen_sk_begin(struct ike_gen *g, size_t iv_len)
{
	ike_gen_begin(g, IKE_PLD_SK, false);
	g->sk_off = g->pld_off;
	g->pld_off = IKE_GEN_NONE; /* the inner payloads come next */
	g->iv_len = iv_len;
	ike_gen_reserve(g, iv_len);
}

void ike_gen_skf_begin(struct ike_gen *g, size_t iv_len, uint16_t num,
		       uint16_t total)
{
	ike_gen_begin(g, IKE_PLD_SKF, false);
	ike_gen_u16(g, num);
	ike_gen_u16(g, total);
	g->sk_off = g->pld_off;
	g->pld_off = IKE_GEN_NONE;
	g->iv_len = iv_len;
	g->sk_frag = true;
	ike_gen_reserve(g, iv_len);
}

size_t ike_gen_finish(struct ike_gen *g)
{
	if (!g->has_hdr || g->pld_off != IKE_GEN_NONE ||
	    g->sk_off != IKE_GEN_NONE || g->len > UINT32_MAX)
		g->failed = true;
	ike_gen_put32(g, 24, (uint32_t)g->len);
	return g->failed ? 0 : g->len;
}
