/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ESP cryptography on Intel IPsec-MB: one manager per worker, whole bursts
 * of jobs (submit all, then flush), cipher and HMAC chained in one job.
 *
 * Keys are expanded once per SA at install (esp_crypto_sa_init): AES key
 * schedules (IMB_AES_KEYEXP_128/256), GCM key data (IMB_AES128/256_GCM_PRE),
 * and the HMAC inner and outer hash states, H(K ^ ipad) and H(K ^ opad),
 * from the SHA one-block functions (RFC 2104 section 2).
 *
 * CBC IVs (RFC 3602 section 2: unpredictable) come from a per-worker
 * generator: the AES-128-CTR keystream under a random per-worker key, one
 * job per burst.  AES under a secret key is a pseudo-random permutation and
 * the counter blocks never repeat, so the IVs are unpredictable to anyone
 * without the key and distinct within a worker.  rte_rand() was not used:
 * it is an LFSR whose state an observer recovers from the IVs on the wire.
 * GCM IVs are the 64-bit sequence number (RFC 4106 section 3.1), which the
 * SA never reuses (esp_sa.h), so nonces never repeat under a key.
 */
#ifndef ESPGW_ESP_CRYPTO_H
#define ESPGW_ESP_CRYPTO_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <intel-ipsec-mb.h>
#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_ip.h>

#include "esp_params.h"

struct esp_sa;

/* Most packets one call of esp_outb_process()/esp_inb_process() handles
 * in one pass; larger bursts are cut into passes of this size. */
#define ESP_BURST_MAX 64

#define ESP_HDR_LEN 8  /* SPI, sequence number */
#define ESP_IV_MAX  16
#define ESP_ICV_MAX 32

/* Per-packet scratch, one per burst slot in struct esp_crypto. */
struct esp_pkt {
	uint8_t *esp;     /* ESP header in the mbuf */
	uint64_t seq;     /* full (64-bit) sequence number */
	uint32_t ct_len;  /* bytes enciphered: payload, padding, trailer */
	uint32_t len;     /* inner bytes, for counters and lifetimes */
	uint8_t pad[8];
	uint8_t nonce[16] __rte_aligned(16); /* GCM: salt | IV */
	uint8_t aad[16];  /* GCM AAD: SPI | seq high | seq low */
	uint8_t icv[ESP_ICV_MAX];  /* inbound: the ICV as received */
	uint8_t calc[ESP_ICV_MAX]; /* inbound: the ICV computed */
} __rte_aligned(64);

/*
 * Counter slots: each context holds one, 1 to ESP_CTR_SLOTS - 1, so that
 * an outbound SA sent on by several workers keeps one set of counters per
 * worker, written without locked instructions (esp_sa.h).  Slot 0 is the
 * shared set, added to atomically by contexts without a slot of their own.
 */
#define ESP_CTR_SLOTS 64

/* One per worker; not shared. */
struct esp_crypto {
	IMB_MGR *mgr;
	uint16_t ctr_slot;   /* this context's counters in outbound SAs */
	bool sole_sender;    /* esp_crypto_sole_sender() */
	uint64_t iv_burst;   /* CTR nonce counter for the IV generator */
	uint8_t iv_nonce[16] __rte_aligned(16);
	uint8_t iv_enc[16 * 15] __rte_aligned(16);
	uint8_t iv_dec[16 * 15] __rte_aligned(16);
	uint8_t ivs[ESP_BURST_MAX * ESP_IV_MAX] __rte_aligned(64);
	struct esp_pkt pkt[ESP_BURST_MAX];
};

/* A worker's crypto context on NUMA node socket; NULL on failure. */
struct esp_crypto *esp_crypto_create(int socket);
void esp_crypto_free(struct esp_crypto *cx);

/*
 * sole: a promise that no other thread sends on the outbound SAs cx sends
 * on, as in a data plane with one worker.  cx then takes their sequence
 * numbers with a plain load and store instead of a locked add (esp_sa.h),
 * which costs a tenth of a 64-byte packet's time when each packet of a
 * burst is on another SA.  Breaking the promise puts sequence numbers on
 * the wire twice.  Change it only while no thread sends.
 */
void esp_crypto_sole_sender(struct esp_crypto *cx, bool sole);

/* Counter slots an SA created now needs: one past the highest slot any
 * context has held.  Any thread. */
uint16_t esp_crypto_slots(void);

/* Expand p's keys into sa and pick sa->job for sa->dir.  0 or -1. */
int esp_crypto_sa_init(struct esp_sa *sa, const struct esp_params *p,
		       struct esp_crypto *cx, const char **err);

/* Fill cx->ivs with n fresh CBC IVs (one job).  0, or -1 on failure. */
int esp_crypto_gen_ivs(struct esp_crypto *cx, uint16_t n);

/*
 * One job per packet i with why[i] == 0, filled by sa[i]->job from
 * cx->pkt[i]; submit them all, flush, and set why[i] to ESP_DROP_CRYPTO
 * for jobs IPsec-MB did not complete.  Fetches the keys of packets
 * ESP_KEYS_AHEAD and on while it runs; the caller fetches those of the
 * first ESP_KEYS_AHEAD (esp_sa_prefetch_keys()).
 */
void esp_crypto_run(struct esp_crypto *cx, struct esp_sa *const sa[],
		    uint8_t why[], uint16_t n);

/* ICV comparison in constant time (no early exit). */
static inline bool esp_icv_equal(const uint8_t *a, const uint8_t *b,
				 uint32_t len)
{
	uint8_t diff = 0;

	for (uint32_t i = 0; i < len; i++)
		diff |= a[i] ^ b[i];
	return diff == 0;
}

/* Unaligned big-endian accessors for packet bytes. */
static inline uint16_t esp_ld16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return rte_be_to_cpu_16(v);
}

static inline uint32_t esp_ld32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return rte_be_to_cpu_32(v);
}

static inline void esp_st16(uint8_t *p, uint16_t v)
{
	v = rte_cpu_to_be_16(v);
	memcpy(p, &v, sizeof(v));
}

static inline void esp_st32(uint8_t *p, uint32_t v)
{
	v = rte_cpu_to_be_32(v);
	memcpy(p, &v, sizeof(v));
}

/* Set the header checksum of the IPv4 header at ip. */
static inline void esp_ipv4_csum_set(uint8_t *ip)
{
	uint16_t sum;

	ip[10] = 0;
	ip[11] = 0;
	sum = rte_ipv4_cksum((const struct rte_ipv4_hdr *)ip);
	memcpy(ip + 10, &sum, sizeof(sum)); /* in network order already */
}

static inline void esp_st64(uint8_t *p, uint64_t v)
{
	v = rte_cpu_to_be_64(v);
	memcpy(p, &v, sizeof(v));
}

#endif
