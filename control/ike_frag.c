/* SPDX-License-Identifier: BSD-3-Clause */
#include "ike_frag.h"

#include <stdlib.h>
#include <string.h>

#include "ike_exchange.h"
#include "log.h"

void ike_frag_rx_free(struct ike_sa *sa)
{
	struct ike_frag_rx *rx = sa->frag_rx;

	if (!rx)
		return;
	for (unsigned int i = 0; i <= IKE_FRAG_MAX; i++)
		free(rx->piece[i]);
	free(rx);
	sa->frag_rx = NULL;
}

static int drop(struct ike_sa *sa, const char *why)
{
	sa->eng->stats.frag_dropped++;
	ike_sa_log(LOG_LVL_DEBUG, sa, "IKE fragment dropped: %s", why);
	return -1;
}

/* Section 2.6.1: a set for another message, or too old, goes. */
static bool stale(const struct ike_sa *sa, const struct ike_msg *m)
{
	const struct ike_frag_rx *rx = sa->frag_rx;

	return rx->msg_id != m->hdr.msg_id ||
	       rx->exchange != m->hdr.exchange ||
	       rx->response != !!(m->hdr.flags & IKE_FLAG_RESPONSE) ||
	       ike_now(sa->eng) - rx->since_ms > IKE_FRAG_TIMEOUT_MS;
}

static int start(struct ike_sa *sa, const struct ike_msg *m)
{
	struct ike_frag_rx *rx = calloc(1, sizeof(*rx));

	if (!rx)
		return -1;
	rx->msg_id = m->hdr.msg_id;
	rx->exchange = m->hdr.exchange;
	rx->response = m->hdr.flags & IKE_FLAG_RESPONSE;
	rx->total = m->sk.frag_total;
	rx->since_ms = ike_now(sa->eng);
	sa->frag_rx = rx;
	return 0;
}

/* Every piece is in: join them in order and parse the whole. */
static int join(struct ike_sa *sa, struct ike_msg *m)
{
	struct ike_engine *e = sa->eng;
	struct ike_frag_rx *rx = sa->frag_rx;
	uint8_t *all = malloc(rx->bytes ? rx->bytes : 1), first = rx->first;
	size_t off = 0, len = rx->bytes;

	if (!all) {
		ike_frag_rx_free(sa);
		return drop(sa, "out of memory");
	}
	for (unsigned int i = 1; i <= rx->total; i++) {
		memcpy(all + off, rx->piece[i], rx->piece_len[i]);
		off += rx->piece_len[i];
	}
	ike_frag_rx_free(sa);
	free(e->frag_plain); /* the last message's, no longer in use */
	e->frag_plain = all;
	if (ike_pld_parse_inner(m, first, all, len) != 0) {
		e->stats.malformed++;
		return -1;
	}
	return 1;
}

static int keep(struct ike_sa *sa, struct ike_msg *m,
		struct ike_slice plain)
{
	struct ike_frag_rx *rx = sa->frag_rx;
	uint16_t num = m->sk.frag_num;
	uint8_t *copy;

	if (rx->piece[num])
		return 0; /* a duplicate: the first copy stands */
	if (plain.len > IKE_FRAG_MAX_BYTES - rx->bytes) {
		ike_frag_rx_free(sa);
		return drop(sa, "message too long, set dropped");
	}
	if (!(copy = malloc(plain.len ? plain.len : 1)))
		return drop(sa, "out of memory");
	memcpy(copy, plain.ptr, plain.len);
	rx->piece[num] = copy;
	rx->piece_len[num] = plain.len;
	rx->bytes += plain.len;
	if (num == 1)
		rx->first = m->sk.first_payload;
	return ++rx->n_have == rx->total ? join(sa, m) : 0;
}

int ike_frag_input(struct ike_sa *sa, struct ike_msg *m)
{
	struct ike_engine *e = sa->eng;
	struct ike_slice plain;

	e->stats.fragments++;
	if (m->sk.frag_total > IKE_FRAG_MAX)
		return drop(sa, "too many fragments");
	/* Section 2.6: authenticate before anything changes. */
	if (ike_sk_open(&sa->sk_in, e->rx_buf, e->rx_len, &m->sk, &plain) !=
	    IKE_SK_OK) {
		e->stats.bad_icv++;
		return drop(sa, "integrity check failed");
	}
	/* Section 2.6.1: a higher Total Fragments means the peer has cut
	 * the message again, smaller; a lower one is late. */
	if (sa->frag_rx &&
	    (stale(sa, m) || m->sk.frag_total > sa->frag_rx->total))
		ike_frag_rx_free(sa);
	if (sa->frag_rx && m->sk.frag_total < sa->frag_rx->total)
		return drop(sa, "from an older cut of the message");
	if (!sa->frag_rx && start(sa, m) != 0)
		return drop(sa, "out of memory");
	return keep(sa, m, plain);
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* Fragment num of total carrying plain[0, n) into buf; its length or 0. */
static size_t seal_one(struct ike_sa *sa, const struct ike_gen *g,
		       uint8_t *buf, size_t max, uint16_t num, uint16_t total,
		       const uint8_t *plain, size_t n)
{
	const uint8_t *h = g->buf;
	struct ike_gen f;
	uint8_t *p;
	size_t len = 0;

	ike_gen_init(&f, buf, max);
	ike_gen_hdr(&f, get64(h), get64(h + 8), h[18], h[19], get32(h + 20));
	ike_gen_skf_begin(&f, ike_sk_iv_len(&sa->sk_out), num, total);
	if (num == 1 && !f.failed) /* RFC 7383 section 2.5: others 0 */
		f.buf[f.sk_off] = g->buf[g->sk_off];
	if (!(p = ike_gen_reserve(&f, n)))
		return 0;
	memcpy(p, plain, n);
	if (ike_sk_seal(&sa->sk_out, &f, &len) != IKE_SK_OK)
		return 0;
	return len;
}

uint8_t *ike_frag_seal(struct ike_sa *sa, const struct ike_gen *g,
		       size_t max, size_t *len)
{
	size_t iv_len = ike_sk_iv_len(&sa->sk_out);
	size_t over = IKE_HDR_LEN + IKE_PLD_HDR_LEN + 4 + iv_len +
		      ike_sk_tail_max(&sa->sk_out);
	size_t plain_off = g->sk_off + IKE_PLD_HDR_LEN + g->iv_len;
	size_t plain_len = g->len - plain_off, chunk, total, off = 0;
	uint8_t *out;

	if (g->failed || g->sk_off == IKE_GEN_NONE || max <= over)
		return NULL;
	chunk = max - over;
	total = (plain_len + chunk - 1) / chunk;
	if (total == 0 || total > IKE_FRAG_MAX || !(out = malloc(total * max)))
		return NULL;
	for (size_t i = 0; i < total; i++) {
		size_t n = i + 1 < total ? chunk : plain_len - i * chunk;
		size_t flen = seal_one(sa, g, out + off, max, (uint16_t)(i + 1),
				       (uint16_t)total, g->buf + plain_off +
				       i * chunk, n);

		if (flen == 0) {
			free(out);
			return NULL;
		}
		off += flen;
	}
	*len = off;
	return out;
}

size_t ike_frag_size(const struct ike_sa *sa)
{
	if (sa->eng->frag_size)
		return sa->eng->frag_size;
	return sa->remote.addr.family == ADDR_V6 ? IKE_FRAG_SIZE_DEFAULT6
						 : IKE_FRAG_SIZE_DEFAULT;
}

void ike_frag_each(const uint8_t *buf, size_t len,
		   void (*send)(struct ike_sa *, const uint8_t *, size_t),
		   struct ike_sa *sa)
{
	/* Each message's own length (section 3.1) finds the next. */
	while (len >= IKE_HDR_LEN) {
		size_t n = get32(buf + 24);

		if (n < IKE_HDR_LEN || n > len)
			return;
		send(sa, buf, n);
		buf += n;
		len -= n;
	}
}
