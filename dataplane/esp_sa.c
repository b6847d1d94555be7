/* SPDX-License-Identifier: BSD-3-Clause */
#include "esp_sa.h"

#include <stddef.h>
#include <string.h>

#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "esp_crypto.h"
#include "esp_inb.h"
#include "esp_outb.h"

static const char *check_addrs(const struct esp_params *p)
{
	if (p->local.family != ADDR_V4 && p->local.family != ADDR_V6)
		return "local address family must be IPv4 or IPv6";
	if (p->mode == ESP_MODE_TUNNEL && p->remote.family != p->local.family)
		return "tunnel end points must be of one family";
	if (p->natt && p->dir == ESP_DIR_OUT && p->remote_port == 0)
		return "NAT-T needs the peer's UDP port";
	return NULL;
}

static const char *check_params(const struct esp_params *p)
{
	if (p->spi < 256)
		return "SPI 0-255 is reserved (RFC 4303 section 2.1)";
	if (p->dir != ESP_DIR_IN && p->dir != ESP_DIR_OUT)
		return "direction must be in or out";
	if (p->mode != ESP_MODE_TUNNEL && p->mode != ESP_MODE_TRANSPORT)
		return "mode must be tunnel or transport";
	if (p->dir == ESP_DIR_IN && (p->replay_window < ESP_REPLAY_MIN ||
				     p->replay_window > ESP_REPLAY_MAX))
		return "replay window must be 64 to 4096 packets";
	return check_addrs(p);
}

static uint64_t limit(uint64_t v)
{
	return v == 0 ? UINT64_MAX : v;
}

/* Whether packets read the lifetime limits (ESP_SA_F_LIMITS): outbound,
 * the packet ones are sequence numbers in line 0 (seq_soft, seq_lim). */
static bool reads_limits(const struct esp_params *p)
{
	bool bytes = p->life.hard_bytes || p->life.soft_bytes;

	if (p->dir == ESP_DIR_OUT)
		return bytes;
	return bytes || p->life.hard_packets || p->life.soft_packets;
}

static void copy_params(struct esp_sa *sa, const struct esp_params *p)
{
	sa->spi = rte_cpu_to_be_32(p->spi);
	sa->dir = p->dir;
	sa->mode = p->mode;
	sa->natt = p->natt != 0;
	sa->esn = p->esn != 0;
	sa->ttl = p->ttl ? p->ttl : ESP_TTL_DEFAULT;
	sa->local_port = rte_cpu_to_be_16(p->local_port ? p->local_port
							: ESP_NATT_PORT);
	sa->remote_port = rte_cpu_to_be_16(p->remote_port);
	sa->local = p->local;
	sa->remote = p->remote;
	sa->seq_max = p->esn ? UINT64_MAX : UINT32_MAX;
	sa->seq_lim = sa->seq_max;
	sa->hard_packets = limit(p->life.hard_packets);
	sa->hard_bytes = limit(p->life.hard_bytes);
	sa->soft_packets = limit(p->life.soft_packets);
	sa->soft_bytes = limit(p->life.soft_bytes);
	sa->path = esp_path_of(p->mode == ESP_MODE_TRANSPORT,
			       p->local.family == ADDR_V6, p->natt != 0);
	if (reads_limits(p))
		sa->flags |= ESP_SA_F_LIMITS;
}

/* used + packets, or UINT64_MAX for no limit or past it. */
static uint64_t seq_after(uint64_t used, uint64_t packets)
{
	return packets > UINT64_MAX - used ? UINT64_MAX : used + packets;
}

/* Outbound: the packet lifetimes as the sequence numbers that reach them,
 * counted from the next one, and the last usable one (esp_sa_gate). */
static void set_seq_lim(struct esp_sa *sa)
{
	uint64_t used = __atomic_load_n(&sa->seq_out, __ATOMIC_RELAXED);

	sa->seq_lim = sa->seq_max;
	if (sa->dir != ESP_DIR_OUT)
		return;
	sa->seq_soft = seq_after(used, sa->soft_packets);
	sa->seq_hard = seq_after(used, sa->hard_packets);
	sa->seq_lim = RTE_MIN(sa->seq_max, sa->seq_hard);
}

struct esp_sa *esp_sa_create(const struct esp_params *p,
			     struct esp_crypto *cx, int socket,
			     const char **err)
{
	uint16_t n_ctr = p->dir == ESP_DIR_OUT ? esp_crypto_slots() : 0;
	size_t ext = p->dir == ESP_DIR_IN ? replay_ext_size(p->replay_window)
					  : n_ctr * sizeof(struct esp_ctr);
	struct esp_sa *sa;

	*err = check_params(p);
	if (*err != NULL)
		return NULL;
	sa = rte_zmalloc_socket("esp_sa", sizeof(*sa) + ext,
				RTE_CACHE_LINE_SIZE, socket);
	if (sa == NULL) {
		*err = "out of memory";
		return NULL;
	}
	copy_params(sa, p);
	set_seq_lim(sa);
	if (esp_crypto_sa_init(sa, p, cx, err) < 0) {
		esp_sa_free(sa);
		return NULL;
	}
	sa->n_ctr = n_ctr;
	esp_outb_sa_init(sa, p);
	esp_inb_sa_init(sa, p);
	return sa;
}

void esp_sa_free(struct esp_sa *sa)
{
	if (sa == NULL)
		return;
	explicit_bzero(&sa->keys, sizeof(sa->keys));
	explicit_bzero(sa->salt, sizeof(sa->salt));
	rte_free(sa);
}

int esp_sa_set_remote(struct esp_sa *sa, const struct ip_addr *addr,
		      uint16_t port)
{
	if (addr->family != sa->local.family)
		return -1;
	sa->remote = *addr;
	if (port != 0)
		sa->remote_port = rte_cpu_to_be_16(port);
	if (sa->dir == ESP_DIR_OUT) /* inbound, the line holds the window */
		esp_outb_tmpl_update(sa);
	return 0;
}

void esp_sa_stats_get(const struct esp_sa *sa, struct esp_sa_stats *st)
{
	const struct esp_ctr *c = (const struct esp_ctr *)sa->ext;

	memset(st, 0, sizeof(*st));
	if (sa->dir == ESP_DIR_IN) {
		st->packets = __atomic_load_n(&sa->packets, __ATOMIC_RELAXED);
		st->bytes = __atomic_load_n(&sa->bytes, __ATOMIC_RELAXED);
	}
	for (uint16_t i = 0; i < sa->n_ctr; i++) {
		st->packets += __atomic_load_n(&c[i].packets, __ATOMIC_RELAXED);
		st->bytes += __atomic_load_n(&c[i].bytes, __ATOMIC_RELAXED);
	}
	for (int i = 0; i < ESP_DROP_COUNT; i++) {
		st->drop[i] = __atomic_load_n(&sa->drops[i], __ATOMIC_RELAXED);
		st->drops += st->drop[i];
	}
	if (sa->dir == ESP_DIR_OUT)
		st->seq_out = __atomic_load_n(&sa->seq_out, __ATOMIC_RELAXED);
	/* XXX torn read possible on 32-bit targets; espgw is 64-bit only. */
	if (sa->dir == ESP_DIR_IN)
		st->replay_top = __atomic_load_n(&sa->win.top,
						 __ATOMIC_RELAXED);
}

uint32_t esp_sa_events(const struct esp_sa *sa)
{
	return __atomic_load_n(&sa->events, __ATOMIC_ACQUIRE);
}

uint32_t esp_sa_spi(const struct esp_sa *sa)
{
	return rte_be_to_cpu_32(sa->spi);
}

void esp_sa_set_next_seq(struct esp_sa *sa, uint64_t seq)
{
	if (sa->dir != ESP_DIR_OUT)
		return; /* seq_out's word holds inbound's counters */
	__atomic_store_n(&sa->seq_out, seq - 1, __ATOMIC_RELAXED);
	set_seq_lim(sa);
}

uint8_t esp_sa_gate_slow(struct esp_sa *sa, uint64_t seq)
{
	if (seq > sa->seq_max) {
		esp_sa_raise(sa, ESP_SA_EV_SEQ_EXHAUSTED);
		return ESP_DROP_SEQ_EXHAUSTED;
	}
	esp_sa_raise(sa, ESP_SA_EV_HARD_EXPIRED);
	return ESP_DROP_SA_EXPIRED;
}

/* One SA's run [i, j) went past hard_bytes: end is the reservation with
 * its by bytes.  Keep the packets that fit, drop the rest. */
static void refuse_excess(struct esp_sa *sa, const struct esp_pkt *pkt,
			  uint8_t why[], uint16_t i, uint16_t j,
			  uint64_t end, uint64_t by)
{
	uint64_t at = end - by;
	bool full = at > sa->hard_bytes;

	for (uint16_t k = i; k < j; k++) {
		if (why[k] != ESP_DROP_NONE)
			continue;
		if (!full && pkt[k].len <= sa->hard_bytes - at)
			at += pkt[k].len;
		else
			full = true;
		if (full)
			why[k] = ESP_DROP_SA_EXPIRED;
	}
	esp_sa_raise(sa, ESP_SA_EV_HARD_EXPIRED);
}

void esp_sa_reserve_bytes(struct esp_sa *sa, const struct esp_pkt *pkt,
			  uint8_t why[], uint16_t i, uint16_t j)
{
	uint64_t by = 0, end;

	for (uint16_t k = i; k < j; k++)
		by += why[k] == ESP_DROP_NONE ? pkt[k].len : 0;
	if (by == 0)
		return;
	end = __atomic_add_fetch(&sa->bytes_rsv, by, __ATOMIC_RELAXED);
	if (unlikely(end > sa->hard_bytes || end < by))
		refuse_excess(sa, pkt, why, i, j, end, by);
	else if (unlikely(end == sa->hard_bytes))
		esp_sa_raise(sa, ESP_SA_EV_HARD_EXPIRED);
	if (unlikely(end >= sa->soft_bytes))
		esp_sa_raise(sa, ESP_SA_EV_SOFT_EXPIRED);
}

void esp_sa_count_out_slow(struct esp_sa *sa, uint16_t slot, uint64_t seq,
			   uint32_t len)
{
	struct esp_ctr *c = esp_sa_ctr(sa);

	if (seq >= sa->seq_soft)
		esp_sa_raise(sa, ESP_SA_EV_SOFT_EXPIRED);
	/* seq_lim <= seq_hard, and seq_lim is on line 0 */
	if (seq >= sa->seq_lim && seq >= sa->seq_hard)
		esp_sa_raise(sa, ESP_SA_EV_HARD_EXPIRED);
	if (slot != 0 && slot < sa->n_ctr) {
		c += slot;
		__atomic_store_n(&c->packets, c->packets + 1, __ATOMIC_RELAXED);
		__atomic_store_n(&c->bytes, c->bytes + len, __ATOMIC_RELAXED);
		return;
	}
	__atomic_fetch_add(&c->packets, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&c->bytes, len, __ATOMIC_RELAXED);
}

/*
 * Exact: only the SA's owning worker adds to its counters, one packet at
 * a time, so a packet that would take the SA past a hard lifetime is
 * known before it is counted.
 */
uint8_t esp_sa_count_in_limited(struct esp_sa *sa, uint32_t len)
{
	uint64_t np = sa->packets + 1, nb = sa->bytes + len;

	if (np > sa->hard_packets || nb > sa->hard_bytes || nb < len) {
		esp_sa_raise(sa, ESP_SA_EV_HARD_EXPIRED);
		esp_sa_count_drop(sa, ESP_DROP_SA_EXPIRED);
		return ESP_DROP_SA_EXPIRED;
	}
	__atomic_store_n(&sa->packets, np, __ATOMIC_RELAXED);
	__atomic_store_n(&sa->bytes, nb, __ATOMIC_RELAXED);
	if (np >= sa->soft_packets || nb >= sa->soft_bytes)
		esp_sa_raise(sa, ESP_SA_EV_SOFT_EXPIRED);
	if (np >= sa->hard_packets || nb >= sa->hard_bytes)
		esp_sa_raise(sa, ESP_SA_EV_HARD_EXPIRED);
	return ESP_DROP_NONE;
}

uint16_t esp_burst_split(struct rte_mbuf *mb[], struct esp_sa *sa[],
			 uint8_t why[], uint16_t n)
{
	struct rte_mbuf *bad_mb[ESP_BURST_MAX];
	struct esp_sa *bad_sa[ESP_BURST_MAX];
	uint8_t bad_why[ESP_BURST_MAX];
	uint16_t good = 0, bad = 0;

	for (uint16_t i = 0; i < n; i++) {
		if (why[i] == ESP_DROP_NONE) {
			mb[good] = mb[i];
			sa[good] = sa[i];
			why[good++] = ESP_DROP_NONE;
		} else {
			bad_mb[bad] = mb[i];
			bad_sa[bad] = sa[i];
			bad_why[bad++] = why[i];
		}
	}
	memcpy(mb + good, bad_mb, bad * sizeof(mb[0]));
	memcpy(sa + good, bad_sa, bad * sizeof(sa[0]));
	memcpy(why + good, bad_why, bad);
	return good;
}

static void reverse(struct rte_mbuf *mb[], struct esp_sa *sa[],
		    uint8_t why[], uint32_t lo, uint32_t hi)
{
	while (lo + 1 < hi) {
		struct rte_mbuf *m = mb[lo];
		struct esp_sa *s = sa[lo];
		uint8_t w = why[lo];

		hi--;
		mb[lo] = mb[hi];
		sa[lo] = sa[hi];
		why[lo] = why[hi];
		mb[hi] = m;
		sa[hi] = s;
		why[hi] = w;
		lo++;
	}
}

uint16_t esp_burst_run(struct esp_crypto *cx, struct rte_mbuf *mb[],
		       struct esp_sa *sa[], uint8_t why[], uint16_t n,
		       esp_pass_fn pass)
{
	uint32_t good = 0, off, c, g;

	for (off = 0; off < n; off += c) {
		c = RTE_MIN((uint32_t)n - off, (uint32_t)ESP_BURST_MAX);
		g = pass(cx, mb + off, sa + off, why + off, (uint16_t)c);
		/* Rotate [good, off) (earlier drops) behind this pass's
		 * good packets [off, off + g), by three reversals. */
		reverse(mb, sa, why, good, off);
		reverse(mb, sa, why, off, off + g);
		reverse(mb, sa, why, good, off + g);
		good += g;
	}
	return (uint16_t)good;
}
