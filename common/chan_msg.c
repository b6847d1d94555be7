/* SPDX-License-Identifier: BSD-3-Clause */
#include "chan_msg.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <string.h>

typedef enum chan_err (*body_check_fn)(const void *body);

struct type_info {
	const char *name;
	uint32_t len;
	unsigned int dirs;
	body_check_fn check;
};

static enum chan_err check_sa(const void *body);
static enum chan_err check_policy(const void *body);
static enum chan_err check_tuning(const void *body);
static enum chan_err check_lifetime(const void *body);
static enum chan_err check_counter_reply(const void *body);

/* Records whose fields can be wrong in ways worth rejecting. */
#define check_SA_ADD        check_sa
#define check_SA_UPDATE     check_sa
#define check_SA_DEL        NULL
#define check_POLICY_ADD    check_policy
#define check_POLICY_DEL    NULL
#define check_TUNING        check_tuning
#define check_COUNTER_REQ   NULL
#define check_FLUSH_ALL     NULL
#define check_LIFETIME      check_lifetime
#define check_SEQ_EXHAUSTED NULL
#define check_SA_IDLE       NULL
#define check_COUNTER_REPLY check_counter_reply
#define check_CMD_ERROR     NULL
#define check_PING          NULL

static const struct type_info types[CHAN_MSG_TYPE_MAX] = {
#define TYPE_ENTRY(n, v, d, body)                                        \
	[v] = { .name = #n, .len = sizeof(body), .dirs = d,              \
		.check = check_##n },
	CHAN_MSG_TYPES(TYPE_ENTRY)
#undef TYPE_ENTRY
};

static const char *const err_names[CHAN_ERR_COUNT] = {
#define ERR_NAME(n, s) [CHAN_ERR_##n] = s,
	CHAN_ERRORS(ERR_NAME)
#undef ERR_NAME
};

static const struct type_info *type_info(uint16_t type)
{
	if (type >= CHAN_MSG_TYPE_MAX || types[type].name == NULL)
		return NULL;
	return &types[type];
}

uint32_t chan_msg_body_len(uint16_t type)
{
	const struct type_info *t = type_info(type);

	return t ? t->len : 0;
}

unsigned int chan_msg_dirs(uint16_t type)
{
	const struct type_info *t = type_info(type);

	return t ? t->dirs : 0;
}

const char *chan_msg_type_name(uint16_t type)
{
	const struct type_info *t = type_info(type);

	return t ? t->name : "unknown";
}

const char *chan_err_str(enum chan_err err)
{
	if ((unsigned int)err >= CHAN_ERR_COUNT)
		return "unknown error";
	return err_names[err];
}

uint32_t chan_msg_build(void *buf, uint16_t type, uint64_t seq,
			const void *body, uint32_t len)
{
	struct chan_msg_hdr h = {
		.magic = CHAN_MSG_MAGIC,
		.version = CHAN_MSG_VERSION,
		.type = type,
		.len = len,
		.csum = 0,
		.seq = seq,
	};
	uint32_t crc;

	if (chan_msg_body_len(type) == 0 || chan_msg_body_len(type) != len)
		return 0;
	crc = chan_crc32c(0, &h, sizeof(h));
	h.csum = chan_crc32c(crc, body, len);
	memcpy(buf, &h, sizeof(h));
	memcpy((uint8_t *)buf + sizeof(h), body, len);
	return (uint32_t)sizeof(h) + len;
}

static uint32_t msg_csum(const struct chan_msg *m)
{
	struct chan_msg_hdr h = m->hdr;
	uint32_t crc;

	h.csum = 0;
	crc = chan_crc32c(0, &h, sizeof(h));
	return chan_crc32c(crc, &m->body, m->hdr.len);
}

enum chan_err chan_msg_check(const struct chan_msg *m, uint32_t avail,
			     unsigned int dir)
{
	const struct type_info *t;

	if (avail < sizeof(m->hdr) || m->hdr.magic != CHAN_MSG_MAGIC)
		return CHAN_ERR_BAD_MAGIC;
	if (m->hdr.version != CHAN_MSG_VERSION)
		return CHAN_ERR_BAD_VERSION;
	t = type_info(m->hdr.type);
	if (t == NULL || !(t->dirs & dir))
		return CHAN_ERR_BAD_TYPE;
	if (m->hdr.len != t->len || avail - sizeof(m->hdr) < m->hdr.len)
		return CHAN_ERR_BAD_LEN;
	if (msg_csum(m) != m->hdr.csum)
		return CHAN_ERR_BAD_CSUM;
	return t->check ? t->check(&m->body) : CHAN_ERR_OK;
}

/* The algorithm behind a u16 id if it is one ESP may use for type. */
static const struct algo *esp_algo(uint16_t id, enum algo_type type)
{
	const struct algo *a = algo_by_id((enum algo_id)id);

	if (a == NULL || a->type != type || !(a->flags & ALGO_ESP))
		return NULL;
	return a;
}

/* RFC 8221 section 5: ESP needs integrity, from an AEAD or a MAC. */
static enum chan_err check_sa_algos(const struct chan_sa *sa)
{
	const struct algo *enc = esp_algo(sa->enc_algo, ALGO_ENCR);
	const struct algo *integ;

	if (enc == NULL)
		return CHAN_ERR_SA_ALGO;
	if (sa->enc_key_len != enc->key_len + enc->salt_len)
		return CHAN_ERR_SA_KEYLEN;
	if (enc->flags & ALGO_AEAD) {
		if (sa->integ_algo != ALGO_INVALID)
			return CHAN_ERR_SA_ALGO;
		return sa->integ_key_len ? CHAN_ERR_SA_KEYLEN : CHAN_ERR_OK;
	}
	integ = esp_algo(sa->integ_algo, ALGO_INTEG);
	if (integ == NULL)
		return CHAN_ERR_SA_ALGO;
	if (sa->integ_key_len != integ->key_len)
		return CHAN_ERR_SA_KEYLEN;
	return CHAN_ERR_OK;
}

static bool prefix_valid(const struct ip_prefix *p, bool any_ok)
{
	switch (p->addr.family) {
	case 0:
		return any_ok && p->len == 0;
	case ADDR_V4:
		return p->len <= 32;
	case ADDR_V6:
		return p->len <= 128;
	}
	return false;
}

static bool ts_valid(const struct chan_ts *ts)
{
	return prefix_valid(&ts->prefix, true) && ts->port_lo <= ts->port_hi;
}

static bool outer_valid(const struct chan_sa *sa)
{
	uint8_t f = sa->local.family;

	return (f == ADDR_V4 || f == ADDR_V6) && sa->remote.family == f;
}

static bool lifetime_valid(uint64_t soft, uint64_t hard)
{
	return hard == 0 || soft <= hard;
}

/* Fields other than the algorithms, in the order of the record. */
static enum chan_err check_sa_fields(const struct chan_sa *sa)
{
	if (sa->id == 0)
		return CHAN_ERR_SA_ID;
	/* RFC 4303 section 2.1: SPIs 1-255 are reserved, 0 is never sent. */
	if (ntohl(sa->spi) < 256)
		return CHAN_ERR_SA_SPI;
	if (sa->dir != CHAN_DIR_IN && sa->dir != CHAN_DIR_OUT)
		return CHAN_ERR_SA_DIR;
	if (sa->mode != CHAN_MODE_TUNNEL && sa->mode != CHAN_MODE_TRANSPORT)
		return CHAN_ERR_SA_MODE;
	if (sa->flags & ~CHAN_SA_F_MASK)
		return CHAN_ERR_SA_FLAGS;
	if (!outer_valid(sa))
		return CHAN_ERR_SA_ADDR;
	if (sa->natt > 1 || (sa->natt && (sa->natt_local_port == 0 ||
					  sa->natt_remote_port == 0)))
		return CHAN_ERR_SA_NATT;
	if (sa->esn > 1)
		return CHAN_ERR_SA_ESN;
	return CHAN_ERR_OK;
}

enum chan_err chan_sa_check(const struct chan_sa *sa)
{
	enum chan_err err = check_sa_fields(sa);

	if (err != CHAN_ERR_OK)
		return err;
	err = check_sa_algos(sa);
	if (err != CHAN_ERR_OK)
		return err;
	if (sa->replay_window != 0 && (sa->replay_window < CHAN_REPLAY_MIN ||
				       sa->replay_window > CHAN_REPLAY_MAX))
		return CHAN_ERR_SA_REPLAY;
	if (!ts_valid(&sa->ts_local) || !ts_valid(&sa->ts_remote))
		return CHAN_ERR_SA_TS;
	if (!lifetime_valid(sa->soft_bytes, sa->hard_bytes) ||
	    !lifetime_valid(sa->soft_packets, sa->hard_packets))
		return CHAN_ERR_SA_LIFETIME;
	return CHAN_ERR_OK;
}

static bool policy_sel_valid(const struct chan_policy *p)
{
	if (!prefix_valid(&p->local, false) || !prefix_valid(&p->remote, false))
		return false;
	if (p->local.addr.family != p->remote.addr.family)
		return false;
	return p->local_port_lo <= p->local_port_hi &&
	       p->remote_port_lo <= p->remote_port_hi;
}

enum chan_err chan_policy_check(const struct chan_policy *p)
{
	if (p->id == 0)
		return CHAN_ERR_POLICY_ID;
	if (p->dir != CHAN_DIR_IN && p->dir != CHAN_DIR_OUT)
		return CHAN_ERR_POLICY_DIR;
	if (p->action < CHAN_ACT_ENCRYPT || p->action > CHAN_ACT_DISCARD)
		return CHAN_ERR_POLICY_ACTION;
	if (p->action != CHAN_ACT_ENCRYPT && p->sa_id != 0)
		return CHAN_ERR_POLICY_ACTION;
	if (!policy_sel_valid(p))
		return CHAN_ERR_POLICY_SEL;
	return CHAN_ERR_OK;
}

static enum chan_err check_sa(const void *body)
{
	return chan_sa_check(body);
}

static enum chan_err check_policy(const void *body)
{
	return chan_policy_check(body);
}

static enum chan_err check_tuning(const void *body)
{
	const struct chan_tuning *t = body;

	if (t->key < CHAN_TUNE_REPLAY_WINDOW || t->key >= CHAN_TUNE_KEY_END)
		return CHAN_ERR_TUNING;
	return CHAN_ERR_OK;
}

static enum chan_err check_lifetime(const void *body)
{
	const struct chan_ev_lifetime *e = body;

	if (e->kind != CHAN_LT_SOFT && e->kind != CHAN_LT_HARD)
		return CHAN_ERR_EVENT;
	if (e->by != CHAN_LT_BYTES && e->by != CHAN_LT_PACKETS)
		return CHAN_ERR_EVENT;
	return CHAN_ERR_OK;
}

static enum chan_err check_counter_reply(const void *body)
{
	const struct chan_counter_reply *r = body;

	if (r->n_reasons > CHAN_COUNTER_REASONS || (r->flags & ~CHAN_CR_LAST))
		return CHAN_ERR_EVENT;
	return CHAN_ERR_OK;
}

/* CRC-32C, reflected polynomial 0x82f63b78 (RFC 3720 appendix B.4). */
static uint32_t crc_table[256];

__attribute__((constructor)) static void crc_table_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0x82f63b78u & (0u - (c & 1u)));
		crc_table[i] = c;
	}
}

uint32_t chan_crc32c_sw(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	crc = ~crc;
	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xffu] ^ (crc >> 8);
	return ~crc;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) static uint32_t
crc32c_hw(uint32_t crc, const uint8_t *p, size_t len)
{
	uint64_t c = ~crc;

	for (; len >= 8; p += 8, len -= 8) {
		uint64_t v;

		memcpy(&v, p, 8);
		c = __builtin_ia32_crc32di(c, v);
	}
	for (; len > 0; p++, len--)
		c = __builtin_ia32_crc32qi((uint32_t)c, *p);
	return ~(uint32_t)c;
}

uint32_t chan_crc32c(uint32_t crc, const void *buf, size_t len)
{
	if (__builtin_cpu_supports("sse4.2"))
		return crc32c_hw(crc, buf, len);
	return chan_crc32c_sw(crc, buf, len);
}
#else
uint32_t chan_crc32c(uint32_t crc, const void *buf, size_t len)
{
	return chan_crc32c_sw(crc, buf, len);
}
#endif
