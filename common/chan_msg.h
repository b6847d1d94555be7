/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The records that cross the shared-memory channel between espgw-control
 * and espgw-dataplane: a fixed layout, no pointers, versioned.
 *
 * Byte order: both processes run on one host, so every multi-byte integer
 * is in host byte order, with two exceptions: addresses (struct ip_addr,
 * network order, see addr.h) and the SPI, which is kept as it appears on
 * the wire (network order) so that the data plane hashes it unconverted.
 * Ports are host order.
 *
 * Any change to a record below changes CHAN_MSG_VERSION and the segment's
 * CHAN_LAYOUT_VERSION (chan.h); the static_asserts pin every size and the
 * offsets a reader would otherwise silently disagree on.
 */
#ifndef ESPGW_CHAN_MSG_H
#define ESPGW_CHAN_MSG_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "algo.h"

#define CHAN_MSG_MAGIC   0x4547574du /* "EGWM" */
#define CHAN_MSG_VERSION 1u

/* Which way a message type may travel. */
#define CHAN_TO_DP 0x1u /* commands: espgw-control -> espgw-dataplane */
#define CHAN_TO_CP 0x2u /* events: espgw-dataplane -> espgw-control */

/* X(name, value, directions, body) */
#define CHAN_MSG_TYPES(X)                                              \
	X(SA_ADD, 0x01, CHAN_TO_DP, struct chan_sa)                    \
	X(SA_UPDATE, 0x02, CHAN_TO_DP, struct chan_sa)                 \
	X(SA_DEL, 0x03, CHAN_TO_DP, struct chan_sa_del)                \
	X(POLICY_ADD, 0x04, CHAN_TO_DP, struct chan_policy)            \
	X(POLICY_DEL, 0x05, CHAN_TO_DP, struct chan_policy_del)        \
	X(TUNING, 0x06, CHAN_TO_DP, struct chan_tuning)                \
	X(COUNTER_REQ, 0x07, CHAN_TO_DP, struct chan_counter_req)      \
	X(FLUSH_ALL, 0x08, CHAN_TO_DP, struct chan_flush)              \
	X(LIFETIME, 0x41, CHAN_TO_CP, struct chan_ev_lifetime)         \
	X(SEQ_EXHAUSTED, 0x42, CHAN_TO_CP, struct chan_ev_seq)         \
	X(SA_IDLE, 0x43, CHAN_TO_CP, struct chan_ev_idle)              \
	X(COUNTER_REPLY, 0x44, CHAN_TO_CP, struct chan_counter_reply)  \
	X(CMD_ERROR, 0x45, CHAN_TO_CP, struct chan_ev_cmd_error)       \
	X(PING, 0x7f, CHAN_TO_DP | CHAN_TO_CP, struct chan_ping)

enum chan_msg_type {
#define CHAN_TYPE_ENUM(n, v, ...) CHAN_MSG_##n = v,
	CHAN_MSG_TYPES(CHAN_TYPE_ENUM)
#undef CHAN_TYPE_ENUM
};

#define CHAN_MSG_TYPE_MAX 0x80 /* every type value is below this */

/* Why a received message was rejected; counted per reason. */
#define CHAN_ERRORS(X)                                                 \
	X(OK, "ok")                                                    \
	X(BAD_MAGIC, "bad magic")                                      \
	X(BAD_VERSION, "bad version")                                  \
	X(BAD_TYPE, "unknown type or wrong direction")                 \
	X(BAD_LEN, "bad length")                                       \
	X(BAD_CSUM, "bad checksum")                                    \
	X(SA_ID, "SA id is zero")                                      \
	X(SA_SPI, "SPI is reserved (below 256)")                       \
	X(SA_DIR, "SA direction is not in or out")                     \
	X(SA_MODE, "SA mode is not tunnel or transport")               \
	X(SA_ALGO, "cipher or integrity algorithm not usable for ESP") \
	X(SA_KEYLEN, "key length does not match the algorithm")        \
	X(SA_REPLAY, "replay window not 0 or 64..4096")                \
	X(SA_ADDR, "outer addresses missing or of mixed families")     \
	X(SA_NATT, "NAT-T flag or ports invalid")                      \
	X(SA_ESN, "ESN flag not 0 or 1")                               \
	X(SA_FLAGS, "unknown SA flags")                                \
	X(SA_TS, "traffic selector invalid")                           \
	X(SA_LIFETIME, "soft lifetime beyond the hard one")            \
	X(POLICY_ID, "policy id is zero")                              \
	X(POLICY_DIR, "policy direction is not in or out")             \
	X(POLICY_ACTION, "policy action or SA id invalid")             \
	X(POLICY_SEL, "policy selector invalid")                       \
	X(TUNING, "unknown tuning key")                                \
	X(EVENT, "event fields invalid")

enum chan_err {
#define CHAN_ERR_ENUM(n, s) CHAN_ERR_##n,
	CHAN_ERRORS(CHAN_ERR_ENUM)
#undef CHAN_ERR_ENUM
	CHAN_ERR_COUNT
};

/* Every message starts with this header; len counts the body after it. */
struct chan_msg_hdr {
	uint32_t magic;   /* CHAN_MSG_MAGIC */
	uint16_t version; /* CHAN_MSG_VERSION */
	uint16_t type;    /* enum chan_msg_type */
	uint32_t len;     /* body bytes; exactly sizeof the type's body */
	uint32_t csum;    /* CRC-32C of header (csum = 0) and body */
	uint64_t seq;     /* sender's running count in this ring */
};

/*
 * The checksum guards against torn or stale slots, a peer built from other
 * sources and stray writes into the segment, not against an adversary (who
 * could write the segment could also fix a checksum).  CRC-32C catches every
 * error burst up to 32 bits and costs one instruction per 8 bytes where
 * SSE4.2 is present, which matters at millions of messages per second; a
 * table-driven software version stands in elsewhere.
 */

#define CHAN_DIR_IN  1
#define CHAN_DIR_OUT 2

#define CHAN_MODE_TUNNEL    1
#define CHAN_MODE_TRANSPORT 2

/* RFC 4303 section 2.2: replay window; 0 turns the check off. */
#define CHAN_REPLAY_MIN 64u
#define CHAN_REPLAY_MAX 4096u

/* Key buffers: the longest key + salt in ALGO_TABLE fits. */
#define CHAN_KEY_MAX 64

/* SA flags. */
#define CHAN_SA_F_STATIC    0x0001u /* manually keyed, from the config */
#define CHAN_SA_F_COPY_DSCP 0x0002u /* RFC 4301 section 5.1.2.1 */
#define CHAN_SA_F_MASK      0x0003u

/* A traffic selector side as a prefix, RFC 7296 section 3.13.1 narrowed. */
struct chan_ts {
	struct ip_prefix prefix; /* family 0: any address */
	uint8_t proto;           /* IP protocol, 0: any */
	uint8_t pad;
	uint16_t port_lo; /* inclusive, host order; 0..65535 for any */
	uint16_t port_hi;
	uint16_t pad2;
};

/*
 * One SA as the data plane installs it.
 *
 * KEY MATERIAL: enc_key and integ_key hold live keys while the record sits
 * in a ring slot.  The receiver wipes the slot (explicit_bzero) as soon as
 * it has copied the record out, the data plane wipes both rings when it
 * closes the segment, and espgw-control wipes the command ring when it lets
 * go of a dead segment; nobody may log these fields.
 */
struct chan_sa {
	uint64_t id;      /* unique per SA, chosen by espgw-control; not 0 */
	uint64_t twin_id; /* the SA of the other direction, 0 if none */
	uint32_t spi;     /* network byte order, as on the wire */
	uint8_t dir;      /* CHAN_DIR_* */
	uint8_t mode;     /* CHAN_MODE_* */
	uint16_t flags;   /* CHAN_SA_F_* */
	struct ip_addr local;  /* outer source for outbound SAs */
	struct ip_addr remote; /* outer destination for outbound SAs */
	uint8_t natt;          /* 1: ESP in UDP, RFC 3948 */
	uint8_t esn;           /* 1: extended sequence numbers, RFC 4303 */
	uint16_t natt_local_port;
	uint16_t natt_remote_port;
	uint16_t enc_algo;   /* enum algo_id, ALGO_ENCR */
	uint16_t integ_algo; /* enum algo_id, ALGO_INTEG; 0 with AEAD */
	uint8_t enc_key_len; /* key_len + salt_len of enc_algo */
	uint8_t integ_key_len;
	uint32_t replay_window; /* packets; 0 or 64..4096 */
	uint64_t soft_bytes;    /* lifetimes; 0: none */
	uint64_t hard_bytes;
	uint64_t soft_packets;
	uint64_t hard_packets;
	struct chan_ts ts_local;
	struct chan_ts ts_remote;
	uint8_t enc_key[CHAN_KEY_MAX]; /* key then salt, RFC 4106 section 8.1 */
	uint8_t integ_key[CHAN_KEY_MAX];
};

struct chan_sa_del {
	uint64_t id;
};

#define CHAN_ACT_ENCRYPT 1 /* protect with the SA sa_id */
#define CHAN_ACT_BYPASS  2
#define CHAN_ACT_DISCARD 3

/* An SPD entry, RFC 4301 section 4.4.1. */
struct chan_policy {
	uint64_t id;
	uint64_t sa_id; /* ENCRYPT: the SA, or 0 while it is negotiated */
	uint32_t priority; /* lower wins */
	uint8_t dir;       /* CHAN_DIR_* */
	uint8_t action;    /* CHAN_ACT_* */
	uint8_t proto;     /* 0: any */
	uint8_t pad;
	struct ip_prefix local;
	struct ip_prefix remote;
	uint16_t local_port_lo;
	uint16_t local_port_hi;
	uint16_t remote_port_lo;
	uint16_t remote_port_hi;
};

struct chan_policy_del {
	uint64_t id;
};

/* Run-time knobs of the data plane. */
enum chan_tune_key {
	CHAN_TUNE_REPLAY_WINDOW = 1, /* default for SAs that carry 0 */
	CHAN_TUNE_IDLE_TIMEOUT,      /* seconds before SA_IDLE is sent */
	CHAN_TUNE_LOG_LEVEL,         /* enum log_level */
	CHAN_TUNE_KEY_END
};

struct chan_tuning {
	uint32_t key; /* enum chan_tune_key */
	uint32_t pad;
	uint64_t value;
};

struct chan_counter_req {
	uint64_t sa_id;  /* 0: every SA, one reply each */
	uint64_t cookie; /* echoed in the replies */
};

/*
 * Drop everything installed.  espgw-control sends it first after it
 * attached to a new generation, or after its own restart, and then
 * re-installs what it holds.
 */
struct chan_flush {
	uint64_t generation; /* the segment generation control attached to */
};

#define CHAN_LT_SOFT    1
#define CHAN_LT_HARD    2
#define CHAN_LT_BYTES   1
#define CHAN_LT_PACKETS 2

/* A lifetime was reached, RFC 4301 section 4.4.2.1. */
struct chan_ev_lifetime {
	uint64_t sa_id;
	uint8_t kind; /* CHAN_LT_SOFT or CHAN_LT_HARD */
	uint8_t by;   /* CHAN_LT_BYTES or CHAN_LT_PACKETS */
	uint8_t pad[6];
	uint64_t bytes; /* counts when it was reached */
	uint64_t packets;
};

/* The outbound sequence number would cycle, RFC 4303 section 3.3.3. */
struct chan_ev_seq {
	uint64_t sa_id;
	uint64_t seq;
};

struct chan_ev_idle {
	uint64_t sa_id;
	uint32_t idle_seconds;
	uint32_t pad;
};

#define CHAN_COUNTER_REASONS 16

#define CHAN_CR_LAST 0x1u /* last reply to this cookie */

struct chan_counter_reply {
	uint64_t cookie;
	uint64_t sa_id;
	uint64_t packets;
	uint64_t bytes;
	uint64_t drops;
	uint32_t n_reasons; /* used entries of reasons */
	uint32_t flags;     /* CHAN_CR_* */
	uint64_t reasons[CHAN_COUNTER_REASONS]; /* per drop reason */
};

/* The data plane refused a command. */
struct chan_ev_cmd_error {
	uint64_t seq; /* header seq of the command */
	uint64_t id;  /* SA or policy id it named, if any */
	uint16_t type;
	uint16_t err; /* enum chan_err, or CHAN_ERR_OK for "not found" */
	uint32_t pad;
};

/* Liveness and tests: carries a number both ends agree on. */
struct chan_ping {
	uint64_t seq;
	uint64_t stamp;
};

union chan_body {
#define CHAN_BODY_MEMBER(n, v, d, body) body n;
	CHAN_MSG_TYPES(CHAN_BODY_MEMBER)
#undef CHAN_BODY_MEMBER
};

struct chan_msg {
	struct chan_msg_hdr hdr;
	union chan_body body;
};

/* Every ring slot holds one message; 6 cache lines. */
#define CHAN_SLOT_SIZE 384u

static_assert(sizeof(struct chan_msg_hdr) == 24, "header layout");
static_assert(offsetof(struct chan_msg_hdr, csum) == 12, "header layout");
static_assert(offsetof(struct chan_msg, body) == 24, "body offset");
static_assert(sizeof(struct chan_ts) == 32, "traffic selector layout");
static_assert(offsetof(struct chan_sa, local) == 24, "SA layout");
static_assert(offsetof(struct chan_sa, natt) == 64, "SA layout");
static_assert(offsetof(struct chan_sa, replay_window) == 76, "SA layout");
static_assert(offsetof(struct chan_sa, soft_bytes) == 80, "SA layout");
static_assert(offsetof(struct chan_sa, ts_local) == 112, "SA layout");
static_assert(offsetof(struct chan_sa, enc_key) == 176, "SA layout");
static_assert(sizeof(struct chan_sa) == 304, "SA layout");
static_assert(sizeof(struct chan_policy) == 80, "policy layout");
static_assert(offsetof(struct chan_policy, local) == 24, "policy layout");
static_assert(sizeof(struct chan_tuning) == 16, "tuning layout");
static_assert(sizeof(struct chan_ev_lifetime) == 32, "event layout");
static_assert(sizeof(struct chan_ev_cmd_error) == 24, "event layout");
static_assert(sizeof(struct chan_counter_reply) == 176, "reply layout");
static_assert(sizeof(struct chan_msg) <= CHAN_SLOT_SIZE, "slot too small");
static_assert(CHAN_SLOT_SIZE % 64 == 0, "slots are whole cache lines");
static_assert(ALGO_COUNT <= UINT16_MAX, "algorithm ids travel as u16");

/* The body size of a type, or 0 for a type that does not exist. */
uint32_t chan_msg_body_len(uint16_t type);

/* CHAN_TO_DP, CHAN_TO_CP, both, or 0 for an unknown type. */
unsigned int chan_msg_dirs(uint16_t type);

/* "SA_ADD", ..., or "unknown". */
const char *chan_msg_type_name(uint16_t type);

const char *chan_err_str(enum chan_err err);

/*
 * Write a complete message into buf (at least sizeof(hdr) + len bytes):
 * header, body, checksum.  Returns the bytes written, or 0 when type is
 * unknown or len is not its body size.
 */
uint32_t chan_msg_build(void *buf, uint16_t type, uint64_t seq,
			const void *body, uint32_t len);

/*
 * Validate a message in private memory (copy it out of the ring first):
 * header fields, that the type may travel in direction dir (CHAN_TO_*),
 * exact length, checksum, then the record itself.  avail is how many bytes
 * of buf may be read.
 */
enum chan_err chan_msg_check(const struct chan_msg *m, uint32_t avail,
			     unsigned int dir);

/* Field checks of the records, also usable before sending. */
enum chan_err chan_sa_check(const struct chan_sa *sa);
enum chan_err chan_policy_check(const struct chan_policy *p);

/* CRC-32C (Castagnoli), RFC 3720 appendix B.4; crc starts at 0. */
uint32_t chan_crc32c(uint32_t crc, const void *buf, size_t len);
uint32_t chan_crc32c_sw(uint32_t crc, const void *buf, size_t len);

#endif
