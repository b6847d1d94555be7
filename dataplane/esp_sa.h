/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The data-plane ESP SA (RFC 4303), as the workers use it.
 *
 * Design
 * - An SA is one direction.  esp_sa_create() resolves everything that
 *   depends on configuration once: it expands the AES and GCM keys and
 *   precomputes the HMAC inner and outer hash states (esp_crypto.c), builds
 *   the template of the outer headers (outer IP in tunnel mode, UDP with
 *   NAT-T, the ESP header), and picks the per-packet routines for the mode,
 *   the outer family, NAT-T and the cipher.  Numbers that differ between
 *   configurations (IV, ICV and block sizes, the ESN high-order bytes that
 *   go into the ICV, the offset of the GCM AAD) are fields used in
 *   arithmetic, so the per-packet code does not branch on configuration.
 * - Workers process bursts of (mbuf, SA) pairs: esp_outb_process() and
 *   esp_inb_process().  Each worker owns a struct esp_crypto (one IPsec-MB
 *   manager and its scratch space); a burst becomes a burst of jobs.
 * - The fields are grouped by who reads and writes them, by cache line
 *   (see the layout comment at struct esp_sa).
 *
 * Rules with several workers (DESIGN.md decision 5)
 * - Outbound: any number of workers may send on one SA at once.  Sequence
 *   numbers come from an atomic fetch-and-add on seq_out, one per run of
 *   packets of the SA in a burst, so no two packets, on any worker, ever
 *   carry the same sequence number; a context promised to be the only
 *   sender (esp_crypto_sole_sender(), a data plane with one worker) uses
 *   a plain load and store, its own numbers being all there are.
 *   Packets may leave in a slightly different order than their numbers;
 *   the peer's replay window absorbs that (it only has to be larger than
 *   the reordering).
 * - Inbound: the replay window of an SA is read and written by ONE worker
 *   at a time, the SA's owning worker.  The dispatcher (RSS or a hand-off
 *   ring, not part of this module) must deliver every packet of an inbound
 *   SA to that worker; esp_inb_process() does not lock the window.
 *   Ownership may move only while no worker holds the SA (after an RCU
 *   grace period).
 * - Counters are written without locked instructions, which cost a
 *   worker more than a tenth of its time when every packet is on another
 *   SA: inbound by the owning worker alone; outbound in one set per
 *   worker (its esp_crypto's ctr_slot, esp_sa_ctr()), with slot 0 shared
 *   and atomic for contexts created after the SA.  Any thread may read
 *   them (esp_sa_stats_get(), which sums the sets); they are exact, but a
 *   reader may see packets and bytes of a burst at slightly different
 *   moments.
 * - Lifetimes: outbound, the packet ones are sequence numbers (seq_soft,
 *   seq_hard) and the byte ones a reservation made before a packet is
 *   encrypted (esp_sa_gate, esp_sa_reserve_bytes), so the hard ones are
 *   never overshot and no worker needs the others' counters; inbound,
 *   soft ones raise an event when the counters reach them, and packets
 *   past a hard one are dropped after the ICV check and before delivery
 *   (esp_sa_count_in), as exactly.
 * - esp_sa_set_remote() may run on the main lcore while workers send: the
 *   header template is protected by a sequence lock (writers: one thread).
 * - Freeing: remove the SA from every table, wait for an RCU grace period,
 *   then esp_sa_free().
 */
#ifndef ESPGW_ESP_SA_H
#define ESPGW_ESP_SA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <intel-ipsec-mb.h>
#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_prefetch.h>

#include "esp_drop.h"
#include "esp_params.h"
#include "replay.h"

struct esp_sa;
struct esp_pkt;
struct esp_crypto;
struct rte_mbuf;

/*
 * Per-packet routines, chosen at install.  Those returning uint8_t return
 * 0 or an enum esp_drop reason.  An SA keeps one byte that picks them,
 * esp_sa.path, an index into esp_outb.c's and esp_inb.c's tables, rather
 * than three pointers that would take line 0's room (ESP_PATH_COUNT).
 */
#define ESP_PATH_COUNT 8

static inline uint8_t esp_path_of(bool transport, bool v6, bool natt)
{
	return (uint8_t)(transport << 2 | v6 << 1 | natt);
}

typedef uint8_t (*esp_outb_hdr_fn)(struct esp_sa *sa, struct rte_mbuf *m,
				   struct esp_pkt *p);
typedef void (*esp_outb_post_fn)(struct rte_mbuf *m);
typedef uint8_t (*esp_inb_parse_fn)(struct esp_sa *sa, struct rte_mbuf *m,
				    struct esp_pkt *p);
typedef uint8_t (*esp_inb_finish_fn)(struct esp_sa *sa, struct rte_mbuf *m,
				     struct esp_pkt *p);
typedef void (*esp_job_fn)(const struct esp_sa *sa, IMB_JOB *job,
			   struct esp_pkt *p, const uint8_t *iv);

/* Outer IPv6 (40) + UDP (8) + ESP header (8). */
#define ESP_TMPL_MAX 56

/* Header template, under a sequence lock (odd `lock`: being written). */
struct esp_tmpl {
	uint32_t lock;
	uint8_t len;     /* bytes of hdr[] */
	uint8_t udp_off; /* offset of the UDP header with NAT-T */
	uint16_t sum4;   /* IPv4 tunnel: one's-complement sum of the outer
			  * header's fixed words (esp_outb.c) */
	uint8_t hdr[ESP_TMPL_MAX];
};

/*
 * Key schedules and HMAC states, expanded at install (esp_crypto.c).  An SA
 * is one direction, so CBC keeps only the AES schedule its packets use
 * (encryption outbound, decryption inbound) with the HMAC inner state
 * H(K ^ ipad) and outer one H(K ^ opad) on the line behind it (two lines
 * for SHA-384 and SHA-512).  GCM keeps IPsec-MB's own layout, whose hash
 * key powers lie at the end with the VAES code and near the start with
 * the others.  Which lines a packet reads is therefore a property of the
 * SA, esp_sa.key_lines, set at install, and with the VAES code of the
 * packet's length too: it reads H^n..H^1 for n blocks, up to n = 48
 * (esp_sa.hkey_end, esp_sa_key_lines()).
 */
struct esp_keys {
	union {
		struct {
			uint8_t aes[16 * 15];
			uint8_t hmac[128] __rte_aligned(64);
		} cbc;
		struct gcm_key_data gcm;
	};
} __rte_aligned(64);

_Static_assert(sizeof(struct esp_keys) <= 32 * 64, "key_lines: 32 bits");

/* Bits of esp_sa.events, for the main lcore to raise channel events. */
#define ESP_SA_EV_SEQ_EXHAUSTED 0x1u /* outbound SA stopped, RFC 4303 3.3.3 */
#define ESP_SA_EV_SOFT_EXPIRED  0x2u /* soft byte/packet lifetime reached */
#define ESP_SA_EV_HARD_EXPIRED  0x4u /* hard lifetime: the SA drops all */

/* Bits of esp_sa.flags. */
#define ESP_SA_F_LIMITS 0x1u /* the lifetimes line is read: inbound per
			      * packet for any lifetime, outbound per run
			      * for byte lifetimes */

/*
 * Layout (cache lines of 64 bytes).  With many SAs every line a packet
 * touches is a miss, so a packet touches few: line 0, everything it reads
 * of the SA and the counters it writes; line 1, the outbound header
 * template or the inbound replay window; then the keys (lines 2-6 for
 * AES-256-CBC with HMAC-SHA-256), and an outbound worker's counter set
 * (ext[]).  Line 0 is per SA, so only workers on the same SA share it,
 * and those write seq_out anyway.  The lifetime limits are read only
 * when ESP_SA_F_LIMITS says so.
 */
struct esp_sa {
	/* Line 0: read by every packet; the last two words written. */
	uint32_t spi;       /* network byte order */
	uint8_t dir;        /* enum esp_dir */
	uint8_t mode;       /* enum esp_mode */
	uint8_t iv_len;     /* 16 CBC, 8 GCM */
	uint8_t icv_len;
	uint8_t blk_mask;   /* ciphertext alignment - 1: 15 CBC, 3 GCM */
	uint8_t sqh_len;    /* 4: ESN high bits appended for the HMAC */
	uint8_t aad_off;    /* GCM AAD starts at esp_pkt.aad + aad_off */
	uint8_t key_len;    /* AES key bytes */
	uint16_t local_port; /* NAT-T, network byte order */
	uint8_t ttl;
	uint8_t cipher_mode; /* IMB_CIPHER_MODE */
	uint8_t hash_alg;    /* IMB_HASH_ALG */
	uint8_t path;       /* esp_path_of(): the per-packet routines */
	uint16_t n_ctr;     /* outbound: counter sets in ext[] */
	uint32_t events;    /* ESP_SA_EV_*, set once, read by the main lcore */
	uint8_t salt[ESP_SALT_LEN];
	uint32_t key_lines; /* bit l: a packet reads line l of keys */
	uint64_t seq_lim;   /* last usable outbound sequence number: before
			     * seq_max and the hard packet lifetime */
	uint8_t job;        /* how esp_crypto.c fills the SA's jobs */
	uint8_t flags;      /* ESP_SA_F_* */
	uint8_t hkey_end;   /* GCM, VAES layout: H^k at keys + 16 * (hkey_end
			     * - k); 0: key_lines is all a packet reads */
	union {
		struct {            /* outbound */
			uint64_t seq_out;  /* last sequence number used */
			uint64_t seq_soft; /* reaches the soft packet
					    * lifetime */
		};
		struct {            /* inbound, the owning worker's */
			uint64_t packets; /* inner packets and bytes */
			uint64_t bytes;
		};
	} __rte_aligned(8);

	/* Line 1, read by every packet.  Inbound: the owning worker's alone;
	 * a window too large for it keeps its bitmap in ext[]. */
	union {
		struct esp_tmpl tmpl;
		struct replay_window win;
	} __rte_cache_aligned;

	struct esp_keys keys; /* line 2 on */

	/* Lifetimes (UINT64_MAX: none), read with ESP_SA_F_LIMITS. */
	uint64_t hard_packets __rte_cache_aligned;
	uint64_t hard_bytes;
	uint64_t soft_packets, soft_bytes;
	uint64_t seq_hard;  /* outbound: reaches the hard packet lifetime */
	uint64_t bytes_rsv; /* outbound bytes reserved against lifetimes */

	/* Rarely written. */
	uint64_t drops[ESP_DROP_COUNT] __rte_cache_aligned;

	/* Cold. */
	uint64_t seq_max;   /* last sequence number without cycling */
	/* Kept to rebuild the template. */
	struct ip_addr local, remote;
	uint16_t remote_port; /* network byte order */
	uint8_t natt;
	uint8_t esn;

	/* Inbound: the bitmap of a window over 192 packets, replay_ext_size()
	 * bytes.  Outbound: n_ctr counter sets (esp_sa_ctr()). */
	uint64_t ext[] __rte_cache_aligned;
};

_Static_assert(offsetof(struct esp_sa, bytes) + 8 == 64, "esp_sa line 0");
_Static_assert(offsetof(struct esp_sa, seq_soft) + 8 == 64, "esp_sa line 0");
_Static_assert(IMB_CIPHER_NUM <= 256 && IMB_AUTH_NUM <= 256,
	       "esp_sa: cipher_mode and hash_alg in a byte");
_Static_assert(offsetof(struct esp_sa, tmpl) == 64, "esp_sa line 1");
_Static_assert(sizeof(struct replay_window) <= 64, "esp_sa: window");
_Static_assert(offsetof(struct esp_sa, keys) == 128, "esp_sa line 2");

/* Outbound counters, one set per counter slot (esp_crypto.h). */
struct esp_ctr {
	uint64_t packets; /* inner packets and bytes protected */
	uint64_t bytes;
};

static inline struct esp_ctr *esp_sa_ctr(struct esp_sa *sa)
{
	return (struct esp_ctr *)sa->ext;
}

struct esp_sa_stats {
	uint64_t packets;
	uint64_t bytes;
	uint64_t drops;                  /* sum of drop[] */
	uint64_t drop[ESP_DROP_COUNT];   /* by enum esp_drop */
	uint64_t seq_out;                /* outbound: last number used */
	uint64_t replay_top;             /* inbound: highest number accepted */
};

/*
 * Install an SA.  Validates p, expands keys with cx's IPsec-MB manager (the
 * installer's own, on the main lcore) and allocates on NUMA node socket
 * (SOCKET_ID_ANY is fine).  Returns NULL with *err set to a reason
 * (never containing key material) on failure.
 */
struct esp_sa *esp_sa_create(const struct esp_params *p,
			     struct esp_crypto *cx, int socket,
			     const char **err);

/* Wipe the keys and free.  Only after an RCU grace period, see above. */
void esp_sa_free(struct esp_sa *sa);

/*
 * NAT-T: the peer's address or port changed (the control plane learnt it
 * from IKE, RFC 3948 / RFC 7296 section 2.23).  Safe while workers send on
 * the SA; callers on one thread only.  port in host order; 0 keeps the
 * current port.  Returns -1 if the family differs from the SA's.
 */
int esp_sa_set_remote(struct esp_sa *sa, const struct ip_addr *addr,
		      uint16_t port);

/* A consistent-enough snapshot of the counters; any thread. */
void esp_sa_stats_get(const struct esp_sa *sa, struct esp_sa_stats *st);

/* ESP_SA_EV_* bits raised so far; any thread. */
uint32_t esp_sa_events(const struct esp_sa *sa);

/* The SPI in host byte order. */
uint32_t esp_sa_spi(const struct esp_sa *sa);

/*
 * Tests and benchmarks only: the next outbound packet gets sequence number
 * seq.  Not safe while workers send on the SA.
 */
void esp_sa_set_next_seq(struct esp_sa *sa, uint64_t seq);

/*
 * Burst plumbing shared by esp_outb.c and esp_inb.c.
 */

/* Raise event bits once; any thread. */
static inline void esp_sa_raise(struct esp_sa *sa, uint32_t ev)
{
	if ((__atomic_load_n(&sa->events, __ATOMIC_RELAXED) & ev) != ev)
		__atomic_fetch_or(&sa->events, ev, __ATOMIC_RELEASE);
}

/* seq is past seq_lim: sequence numbers or the hard packet lifetime are
 * used up. */
uint8_t esp_sa_gate_slow(struct esp_sa *sa, uint64_t seq);

/*
 * May a packet with sequence number seq (0 inbound) use sa?  Without ESN
 * the counter must not cycle (RFC 4303 section 3.3.3): past seq_max the SA
 * stops and tells the main lcore.  Outbound, the hard packet lifetime is a
 * limit on sequence numbers too (seq_lim), so the reservation of sequence
 * numbers reserves packets against it: exact, whatever the burst size and
 * the number of workers.  It counts sequence numbers used, which includes
 * packets dropped after the reservation (malformed, no room).
 */
static inline uint8_t esp_sa_gate(struct esp_sa *sa, uint64_t seq)
{
	if (unlikely(seq > sa->seq_lim))
		return esp_sa_gate_slow(sa, seq);
	if (unlikely(__atomic_load_n(&sa->events, __ATOMIC_RELAXED) &
		     ESP_SA_EV_HARD_EXPIRED))
		return ESP_DROP_SA_EXPIRED;
	return ESP_DROP_NONE;
}

/*
 * Start loading what the packets of a pass will read of their SAs.  With
 * many SAs every line is a cache miss; misses overlap when issued
 * together, but a core tracks only a few dozen at once, and a prefetch
 * beyond that stalls the core until a slot frees.  So the fetching runs
 * a fixed distance ahead of the work that reads the lines, and memory
 * time overlaps work instead of adding to it:
 * - esp_sa_prefetch_upto(), ESP_SA_AHEAD packets before the first stage
 *   reaches them: lines 0 and 1 and, outbound, the worker's counter set.
 *   Only addresses are computed, nothing of the SA is read.
 * - esp_sa_prefetch_keys(), ESP_KEYS_AHEAD packets before the crypto jobs
 *   that read them (esp_crypto_run() submits its jobs that many at a
 *   time): the key lines of one SA, by esp_sa.key_lines, so it reads
 *   line 0, which the first stage has loaded.  With the PREFETCHT1 hint:
 *   on the Zen 4 measured, GCM decap at 10,000 SAs ran 6% faster so,
 *   perhaps as the fills stop competing with the first stage's for the
 *   first-level cache's miss buffers.
 * A run of packets of one SA fetches once.
 */
#define ESP_SA_AHEAD 8
#define ESP_KEYS_AHEAD 8

/* The first-stage lines of packets *next up to upto (and below n), and
 * counter set slot (outbound; -1: none). */
static inline void esp_sa_prefetch_upto(struct esp_sa *const sa[],
					uint16_t *next, uint16_t upto,
					uint16_t n, int slot)
{
	for (; *next < n && *next < upto; (*next)++) {
		struct esp_sa *s = sa[*next];

		if (*next > 0 && s == sa[*next - 1])
			continue;
		__builtin_prefetch(s, 1, 3); /* its last words written */
		rte_prefetch0(&s->tmpl); /* or the window */
		if (slot >= 0) /* past n_ctr it is harmless: nothing is read */
			__builtin_prefetch(esp_sa_ctr(s) + slot, 1, 3);
	}
}

/* The GHASH key powers the VAES code holds (esp_keys). */
#define ESP_GCM_HKEYS 48

/* The lines of keys a packet of sa with ct_len bytes of ciphertext
 * reads: n blocks, the last one maybe partial, read H^n..H^1 (the AAD
 * and the length block take H^1). */
static inline uint32_t esp_sa_key_lines(const struct esp_sa *sa,
					uint32_t ct_len)
{
	uint32_t n, first, last;

	if (sa->hkey_end == 0)
		return sa->key_lines;
	n = RTE_MIN((ct_len + 15) / 16, (uint32_t)ESP_GCM_HKEYS);
	first = 16 * (sa->hkey_end - n) / RTE_CACHE_LINE_SIZE;
	last = (16 * sa->hkey_end - 1) / RTE_CACHE_LINE_SIZE;
	return sa->key_lines | ((2u << last) - (1u << first));
}

/* The keys of sa[i], a packet of ct_len bytes of ciphertext, unless
 * sa[i - 1] has fetched them (a longer packet of it may read a few more
 * lines; they miss). */
static inline void esp_sa_prefetch_keys(struct esp_sa *const sa[],
					uint16_t i, uint32_t ct_len)
{
	const uint8_t *k = (const uint8_t *)&sa[i]->keys;

	if (i > 0 && sa[i] == sa[i - 1])
		return;
	for (uint32_t m = esp_sa_key_lines(sa[i], ct_len); m != 0; m &= m - 1)
		rte_prefetch1(k + __builtin_ctz(m) * RTE_CACHE_LINE_SIZE);
}

/*
 * Outbound byte lifetimes, on an SA with ESP_SA_F_LIMITS: reserve the
 * inner bytes of the good packets [i, j) of a run on sa before they are
 * encrypted (one atomic add); reaching soft_bytes raises the soft event;
 * a packet that would take the SA past hard_bytes, and every later one,
 * is dropped as ESP_DROP_SA_EXPIRED.  Exact for one worker; with several
 * sending on the SA, bytes of packets that fail later (crypto errors)
 * stay reserved, so the SA may stop a little early, never late.
 */
void esp_sa_reserve_bytes(struct esp_sa *sa, const struct esp_pkt *pkt,
			  uint8_t why[], uint16_t i, uint16_t j);

/* Count a drop of one packet on sa; any worker. */
static inline void esp_sa_count_drop(struct esp_sa *sa, uint8_t why)
{
	__atomic_fetch_add(&sa->drops[why], 1, __ATOMIC_RELAXED);
}

/*
 * Counting, one packet at a time in the last loop over a pass, while its
 * SA's lines are still near: a separate pass over the burst by runs of
 * one SA cost GCM at 10,000 SAs 3-5%.
 */

/* Outbound, the unusual cases: a lifetime reached, or no counter set of
 * this context's own (slot 0: the shared one, two atomic adds a packet,
 * for contexts created after the SA). */
void esp_sa_count_out_slow(struct esp_sa *sa, uint16_t slot, uint64_t seq,
			   uint32_t len);

/* An outbound packet with sequence number seq and len inner bytes, sent
 * (why 0) or dropped, into counter set slot; raises lifetime events (the
 * packet ones by sequence number, the byte ones in the reservation). */
static inline void esp_sa_count_out(struct esp_sa *sa, uint8_t why,
				    uint64_t seq, uint32_t len, uint16_t slot)
{
	struct esp_ctr *c = esp_sa_ctr(sa) + slot;

	if (unlikely(why != ESP_DROP_NONE)) {
		esp_sa_count_drop(sa, why);
		return;
	}
	if (unlikely(seq >= sa->seq_soft || seq >= sa->seq_lim ||
		     slot == 0 || slot >= sa->n_ctr)) {
		esp_sa_count_out_slow(sa, slot, seq, len);
		return;
	}
	__atomic_store_n(&c->packets, c->packets + 1, __ATOMIC_RELAXED);
	__atomic_store_n(&c->bytes, c->bytes + len, __ATOMIC_RELAXED);
}

/* Inbound on an SA with lifetimes: count, or refuse a packet that would
 * take it past a hard one; raise events.  0 or ESP_DROP_SA_EXPIRED. */
uint8_t esp_sa_count_in_limited(struct esp_sa *sa, uint32_t len);

/* An inbound packet of len inner bytes that passed (*why 0) or was
 * dropped.  Past a hard lifetime it becomes a drop, after the ICV check
 * and before delivery.  The owning worker is the only writer: plain
 * stores. */
static inline void esp_sa_count_in(struct esp_sa *sa, uint8_t *why,
				   uint32_t len)
{
	if (unlikely(*why != ESP_DROP_NONE)) {
		esp_sa_count_drop(sa, *why);
		return;
	}
	if (unlikely(sa->flags & ESP_SA_F_LIMITS)) {
		*why = esp_sa_count_in_limited(sa, len);
		return;
	}
	__atomic_store_n(&sa->packets, sa->packets + 1, __ATOMIC_RELAXED);
	__atomic_store_n(&sa->bytes, sa->bytes + len, __ATOMIC_RELAXED);
}

/* Stable partition of a pass: good packets first.  Returns their count. */
uint16_t esp_burst_split(struct rte_mbuf *mb[], struct esp_sa *sa[],
			 uint8_t why[], uint16_t n);

typedef uint16_t (*esp_pass_fn)(struct esp_crypto *cx, struct rte_mbuf *mb[],
				struct esp_sa *sa[], uint8_t why[],
				uint16_t n);

/* Run pass over passes of at most ESP_BURST_MAX packets and gather the
 * good packets of all of them first. */
uint16_t esp_burst_run(struct esp_crypto *cx, struct rte_mbuf *mb[],
		       struct esp_sa *sa[], uint8_t why[], uint16_t n,
		       esp_pass_fn pass);

#endif
