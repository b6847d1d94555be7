/* SPDX-License-Identifier: BSD-3-Clause */
#include "sa_table.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>

#include "esp_crypto.h"

/* One installed SA, main lcore only.  conf keeps the keys (to tell an
 * update with new keys from one without) and is wiped on free. */
struct sa_rec {
	struct chan_sa conf;
	struct esp_sa *sa;
	struct sad_entry *ent; /* inbound: what the SAD points to */
	uint32_t reported;     /* ESP_SA_EV_* bits already sent */
	uint64_t idle_packets; /* packets when last seen moving */
	uint64_t idle_since;   /* seconds */
	bool idle_sent;
};

struct sa_table {
	struct sa_table_conf conf;
	struct sad *sad;
	struct spd *spd;
	struct esp_crypto *cx; /* the installer's, for key expansion */
	unsigned int next_owner;
	unsigned int n_sas;
	uint32_t idle_timeout;
};

static void grace(const struct sa_table *t)
{
	if (t->conf.rcu)
		rte_rcu_qsbr_synchronize(t->conf.rcu, RTE_QSBR_THRID_INVALID);
}

struct sa_table *sa_table_create(const struct sa_table_conf *conf)
{
	static unsigned int serial;
	struct sa_table *t = calloc(1, sizeof(*t));
	char name[32];

	if (!t)
		return NULL;
	t->conf = *conf;
	if (t->conf.n_workers == 0)
		t->conf.n_workers = 1;
	snprintf(name, sizeof(name), "sad%u", serial);
	t->sad = sad_create(name, conf->max_sas, conf->socket);
	snprintf(name, sizeof(name), "spd%u", serial++);
	t->spd = spd_create(name, conf->max_sas, conf->socket, conf->rcu);
	t->cx = esp_crypto_create(conf->socket);
	if (!t->sad || !t->spd || !t->cx) {
		sa_table_free(t);
		return NULL;
	}
	return t;
}

static void rec_free(struct sa_rec *r)
{
	esp_sa_free(r->sa);
	rte_free(r->ent);
	explicit_bzero(r, sizeof(*r));
	free(r);
}

void sa_table_free(struct sa_table *t)
{
	uint32_t it = 0;
	struct sa_rec *r;

	if (!t)
		return;
	if (t->sad) {
		while ((r = sad_id_next(t->sad, &it)) != NULL)
			rec_free(r);
	}
	spd_free(t->spd);
	sad_free(t->sad);
	esp_crypto_free(t->cx);
	free(t);
}

struct sad *sa_table_sad(struct sa_table *t)
{
	return t->sad;
}

struct spd *sa_table_spd(struct sa_table *t)
{
	return t->spd;
}

void sa_table_set_replay_window(struct sa_table *t, uint32_t window)
{
	t->conf.replay_window = window;
}

void sa_table_set_idle_timeout(struct sa_table *t, uint32_t seconds)
{
	t->idle_timeout = seconds;
}

/* ---- records to parameters ---- */

enum chan_err sa_table_params(const struct chan_sa *c, uint32_t def_window,
			      struct esp_params *p)
{
	const struct algo *enc = algo_by_id(c->enc_algo);
	enum chan_err err = chan_sa_check(c);

	if (err != CHAN_ERR_OK)
		return err;
	memset(p, 0, sizeof(*p));
	p->spi = ntohl(c->spi);
	p->dir = c->dir == CHAN_DIR_IN ? ESP_DIR_IN : ESP_DIR_OUT;
	p->mode = c->mode == CHAN_MODE_TUNNEL ? ESP_MODE_TUNNEL
					      : ESP_MODE_TRANSPORT;
	p->esn = c->esn;
	p->natt = c->natt;
	p->local = c->local;
	p->remote = c->remote;
	p->local_port = c->natt_local_port;
	p->remote_port = c->natt_remote_port;
	p->cipher = (uint16_t)c->enc_algo;
	p->integ = (uint16_t)c->integ_algo;
	p->replay_window = (uint16_t)(c->replay_window ? c->replay_window
						       : def_window);
	memcpy(p->cipher_key, c->enc_key, enc->key_len);
	memcpy(p->salt, c->enc_key + enc->key_len, enc->salt_len);
	memcpy(p->auth_key, c->integ_key, c->integ_key_len);
	p->life = (struct esp_lifetime){
		.soft_bytes = c->soft_bytes, .hard_bytes = c->hard_bytes,
		.soft_packets = c->soft_packets,
		.hard_packets = c->hard_packets,
	};
	return CHAN_ERR_OK;
}

static void ts_to_sel(const struct chan_ts *local, const struct chan_ts *remote,
		      struct spd_sel *s)
{
	memset(s, 0, sizeof(*s));
	s->local = local->prefix;
	s->remote = remote->prefix;
	/* One protocol for the pair: where the sides disagree, the narrower
	 * (non-zero) one. */
	s->proto = local->proto ? local->proto : remote->proto;
	s->lport_lo = local->port_lo;
	s->lport_hi = local->port_hi;
	s->rport_lo = remote->port_lo;
	s->rport_hi = remote->port_hi;
}

/* ---- install ---- */

static struct esp_sa *make_sa(struct sa_table *t, const struct chan_sa *c,
			      int *err, const char **why)
{
	struct esp_params p;
	struct esp_sa *sa;

	*err = sa_table_params(c, t->conf.replay_window, &p);
	if (*err != CHAN_ERR_OK) {
		*why = chan_err_str(*err);
		return NULL;
	}
	sa = esp_sa_create(&p, t->cx, t->conf.socket, why);
	explicit_bzero(&p, sizeof(p));
	if (!sa)
		*err = CHAN_ERR_SA_ALGO;
	return sa;
}

static int check_twin(const struct sa_table *t, const struct chan_sa *c,
		      const char **why)
{
	const struct sa_rec *tw;

	if (c->twin_id == 0)
		return 0;
	if (c->twin_id == c->id) {
		*why = "an SA cannot be its own twin";
		return CHAN_ERR_SA_ID;
	}
	tw = sad_id_find(t->sad, c->twin_id);
	if (tw && tw->conf.dir == c->dir) {
		*why = "the twin SA has the same direction";
		return CHAN_ERR_SA_DIR;
	}
	return 0;
}

static struct sad_entry *make_entry(struct sa_table *t, struct esp_sa *sa,
				    const struct chan_sa *c, uint32_t owner)
{
	struct sad_entry *e = rte_zmalloc_socket("sad_entry", sizeof(*e),
						 RTE_CACHE_LINE_SIZE,
						 t->conf.socket);

	if (!e)
		return NULL;
	e->sa = sa;
	e->owner = owner;
	ts_to_sel(&c->ts_local, &c->ts_remote, &e->sel);
	return e;
}

static int publish_in(struct sa_table *t, struct sa_rec *r, const char **why)
{
	if (sad_lookup(t->sad, r->conf.spi)) {
		*why = "an inbound SA with this SPI is installed";
		return CHAN_ERR_SA_SPI;
	}
	r->ent = make_entry(t, r->sa, &r->conf,
			    t->next_owner++ % t->conf.n_workers);
	if (!r->ent || sad_add(t->sad, r->conf.spi, r->ent, NULL) != 0) {
		*why = "the SAD is full";
		return CHAN_ERR_SA_ID;
	}
	return 0;
}

int sa_table_sa_add(struct sa_table *t, const struct chan_sa *c,
		    const char **why)
{
	const char *dummy;
	struct sa_rec *r;
	int err;

	why = why ? why : &dummy;
	if (sad_id_find(t->sad, c->id)) {
		*why = "an SA with this id is installed";
		return CHAN_ERR_SA_ID;
	}
	err = check_twin(t, c, why);
	if (err)
		return err;
	r = calloc(1, sizeof(*r));
	if (!r) {
		*why = "out of memory";
		return CHAN_ERR_SA_ID;
	}
	r->conf = *c;
	r->sa = make_sa(t, c, &err, why);
	if (r->sa && c->dir == CHAN_DIR_IN)
		err = publish_in(t, r, why);
	if (err == 0 && sad_id_add(t->sad, c->id, r) != 0) {
		*why = "the SA id map is full";
		err = CHAN_ERR_SA_ID;
		if (c->dir == CHAN_DIR_IN)
			sad_reclaim(t->sad, sad_del(t->sad, c->spi));
	}
	if (err) {
		rec_free(r);
		return err;
	}
	if (c->dir == CHAN_DIR_OUT)
		spd_bind_sa(t->spd, c->id, r->sa);
	t->n_sas++;
	return 0;
}

/* ---- update ---- */

/* Do a and b differ in what a live SA cannot change (keys apart)? */
static bool fixed_differs(const struct chan_sa *a, const struct chan_sa *b)
{
	return a->mode != b->mode || a->flags != b->flags ||
	       a->natt != b->natt || a->esn != b->esn ||
	       a->natt_local_port != b->natt_local_port ||
	       !addr_equal(&a->local, &b->local) ||
	       a->replay_window != b->replay_window ||
	       a->soft_bytes != b->soft_bytes ||
	       a->hard_bytes != b->hard_bytes ||
	       a->soft_packets != b->soft_packets ||
	       a->hard_packets != b->hard_packets;
}

static bool keys_differ(const struct chan_sa *a, const struct chan_sa *b)
{
	return a->enc_algo != b->enc_algo || a->integ_algo != b->integ_algo ||
	       a->enc_key_len != b->enc_key_len ||
	       a->integ_key_len != b->integ_key_len ||
	       !esp_icv_equal(a->enc_key, b->enc_key, a->enc_key_len) ||
	       !esp_icv_equal(a->integ_key, b->integ_key, a->integ_key_len);
}

/* The peer moved, or the selectors changed: no new SA needed. */
static int update_in_place(struct sa_table *t, struct sa_rec *r,
			   const struct chan_sa *c, const char **why)
{
	struct sad_entry *e, *old = NULL;

	if (!addr_equal(&r->conf.remote, &c->remote) ||
	    r->conf.natt_remote_port != c->natt_remote_port) {
		if (esp_sa_set_remote(r->sa, &c->remote,
				      c->natt_remote_port) != 0) {
			*why = "the new remote address is of another family";
			return CHAN_ERR_SA_ADDR;
		}
	}
	if (c->dir == CHAN_DIR_IN &&
	    memcmp(&r->conf.ts_local, &c->ts_local, 2 * sizeof(c->ts_local))) {
		e = make_entry(t, r->sa, c, r->ent->owner);
		if (!e || sad_add(t->sad, c->spi, e, &old) != 0) {
			rte_free(e);
			*why = "out of memory";
			return CHAN_ERR_SA_ID;
		}
		r->ent = e;
		grace(t);
		rte_free(old);
	}
	r->conf = *c;
	return 0;
}

/* New keys: a new SA in place of the old one, same owner and SPI. */
static int replace(struct sa_table *t, struct sa_rec *r,
		   const struct chan_sa *c, const char **why)
{
	struct sad_entry *e = NULL, *old_e = NULL;
	struct esp_sa *sa, *old = r->sa;
	int err;

	sa = make_sa(t, c, &err, why);
	if (!sa)
		return err;
	if (c->dir == CHAN_DIR_IN) {
		e = make_entry(t, sa, c, r->ent->owner);
		if (!e || sad_add(t->sad, c->spi, e, &old_e) != 0) {
			rte_free(e);
			esp_sa_free(sa);
			*why = "out of memory";
			return CHAN_ERR_SA_ID;
		}
		r->ent = e;
		grace(t);
	} else if (spd_bind_sa(t->spd, c->id, sa) == 0) {
		grace(t); /* no policy named it: nobody held it */
	}
	r->sa = sa;
	r->conf = *c;
	r->reported = 0;
	rte_free(old_e);
	esp_sa_free(old);
	return 0;
}

int sa_table_sa_update(struct sa_table *t, const struct chan_sa *c,
		       const char **why)
{
	struct sa_rec *r = sad_id_find(t->sad, c->id);
	const char *dummy;
	int err;

	why = why ? why : &dummy;
	if (!r) {
		*why = "no SA with this id";
		return SA_TABLE_NOT_FOUND;
	}
	err = chan_sa_check(c);
	if (err != CHAN_ERR_OK) {
		*why = chan_err_str(err);
		return err;
	}
	if (c->spi != r->conf.spi || c->dir != r->conf.dir) {
		*why = "an update keeps the SPI and the direction";
		return CHAN_ERR_SA_SPI;
	}
	err = check_twin(t, c, why);
	if (err)
		return err;
	if (keys_differ(&r->conf, c))
		return replace(t, r, c, why);
	if (fixed_differs(&r->conf, c)) {
		*why = "mode, NAT-T, ESN, window or lifetimes changed under "
		       "the same keys; install a new SA";
		return CHAN_ERR_SA_FLAGS;
	}
	return update_in_place(t, r, c, why);
}

/* ---- delete ---- */

int sa_table_sa_del(struct sa_table *t, uint64_t id)
{
	struct sa_rec *r = sad_id_find(t->sad, id);
	int32_t pos = -1;

	if (!r)
		return SA_TABLE_NOT_FOUND;
	if (r->conf.dir == CHAN_DIR_IN)
		pos = sad_del(t->sad, r->conf.spi);
	else
		spd_bind_sa(t->spd, id, NULL);
	/* spd_bind_sa() waited already when a policy held the SA; one
	 * more wait covers a packet between lookup and use all the same. */
	grace(t);
	sad_reclaim(t->sad, pos);
	sad_id_del(t->sad, id);
	rec_free(r);
	t->n_sas--;
	return 0;
}

/* ---- policies ---- */

int sa_table_policy_add(struct sa_table *t, const struct chan_policy *p,
			const char **why)
{
	struct spd_policy sp = {
		.id = p->id, .priority = p->priority, .dir = p->dir,
		.action = p->action, .sa_id = p->sa_id,
	};
	const struct sa_rec *r;
	const char *dummy;
	int rc;

	why = why ? why : &dummy;
	rc = chan_policy_check(p);
	if (rc != CHAN_ERR_OK) {
		*why = chan_err_str(rc);
		return rc;
	}
	sp.sel = (struct spd_sel){
		.local = p->local, .remote = p->remote, .proto = p->proto,
		.lport_lo = p->local_port_lo, .lport_hi = p->local_port_hi,
		.rport_lo = p->remote_port_lo, .rport_hi = p->remote_port_hi,
	};
	/* An outbound policy names the SA it encrypts with; an inbound one
	 * (RFC 4301 section 4.4.1: the SPD has both) names the SA its
	 * traffic must arrive under, and discards it in clear. */
	r = p->sa_id ? sad_id_find(t->sad, p->sa_id) : NULL;
	if (r && r->conf.dir != p->dir) {
		*why = "an ENCRYPT policy names an SA of the other direction";
		return CHAN_ERR_POLICY_ACTION;
	}
	sp.sa = r && p->dir == CHAN_DIR_OUT ? r->sa : NULL;
	rc = spd_add(t->spd, &sp);
	if (rc == 0)
		return 0;
	*why = rc == -EEXIST   ? "a policy with this id, or an SA for this "
				 "virtual IP, is installed"
	       : rc == -ENOSPC ? "the SPD is full"
			       : "out of memory for the SPD";
	return CHAN_ERR_POLICY_ID;
}

int sa_table_policy_del(struct sa_table *t, uint64_t id)
{
	return spd_del(t->spd, id) == 0 ? 0 : SA_TABLE_NOT_FOUND;
}

void sa_table_flush(struct sa_table *t)
{
	uint32_t it = 0;
	struct sa_rec *r;

	spd_flush(t->spd, SA_TABLE_STATIC_ID);
	while ((r = sad_id_next(t->sad, &it)) != NULL)
		if (!(r->conf.id & SA_TABLE_STATIC_ID))
			sa_table_sa_del(t, r->conf.id);
}

/* ---- the configuration's static SAs and policies ---- */

static void static_ts(const struct ip_prefix *p, uint8_t proto,
		      struct chan_ts *ts)
{
	memset(ts, 0, sizeof(*ts));
	ts->prefix = *p;
	ts->proto = proto;
	ts->port_hi = UINT16_MAX;
}

void sa_table_static_sa(const struct cfg_dataplane *dc, unsigned int i,
			struct chan_sa *c)
{
	const struct cfg_static_sa *s = &dc->static_sas[i];

	memset(c, 0, sizeof(*c));
	c->id = SA_TABLE_STATIC_ID + i + 1;
	c->twin_id = s->twin >= 0 ? SA_TABLE_STATIC_ID + (uint64_t)s->twin + 1
				  : 0;
	c->spi = htonl(s->spi);
	c->dir = s->direction == CFG_DIR_IN ? CHAN_DIR_IN : CHAN_DIR_OUT;
	c->mode = s->mode == CFG_MODE_TUNNEL ? CHAN_MODE_TUNNEL
					     : CHAN_MODE_TRANSPORT;
	c->flags = CHAN_SA_F_STATIC;
	c->local = s->local_address;
	c->remote = s->remote_address;
	c->natt = s->encap_sport != 0;
	c->natt_local_port = s->encap_sport;
	c->natt_remote_port = s->encap_dport;
	c->esn = s->esn;
	c->enc_algo = (uint16_t)s->enc_algorithm;
	c->integ_algo = (uint16_t)s->auth_algorithm;
	c->enc_key_len = s->enc_key_len;
	c->integ_key_len = s->auth_key_len;
	memcpy(c->enc_key, s->enc_key, s->enc_key_len);
	memcpy(c->integ_key, s->auth_key, s->auth_key_len);
	c->replay_window = s->replay_window;
	c->hard_bytes = s->lifetime_bytes;
	c->hard_packets = s->lifetime_packets;
	static_ts(&s->local_ts, s->protocol, &c->ts_local);
	static_ts(&s->remote_ts, s->protocol, &c->ts_remote);
}

static uint16_t port_hi(uint16_t port)
{
	return port == CFG_PORT_ANY ? UINT16_MAX : port;
}

void sa_table_static_policy(const struct cfg_dataplane *dc, unsigned int i,
			    struct chan_policy *p)
{
	const struct cfg_static_policy *s = &dc->static_policies[i];
	static const uint8_t action[] = {
		[CFG_ACTION_ENCRYPT] = CHAN_ACT_ENCRYPT,
		[CFG_ACTION_NONE] = CHAN_ACT_BYPASS,
		[CFG_ACTION_DISCARD] = CHAN_ACT_DISCARD,
	};

	memset(p, 0, sizeof(*p));
	p->id = SA_TABLE_STATIC_ID + i + 1;
	p->sa_id = s->sa >= 0 ? SA_TABLE_STATIC_ID + (uint64_t)s->sa + 1 : 0;
	p->priority = SA_TABLE_STATIC_PRIORITY + i; /* the file's order */
	p->dir = CHAN_DIR_OUT;
	p->action = action[s->action];
	p->proto = s->protocol;
	p->local = s->src_address;
	p->remote = s->dst_address;
	p->local_port_lo = s->src_port;
	p->local_port_hi = port_hi(s->src_port);
	p->remote_port_lo = s->dst_port;
	p->remote_port_hi = port_hi(s->dst_port);
}

int sa_table_load_static(struct sa_table *t, const struct cfg_dataplane *dc,
			 const char **why, unsigned int *line)
{
	struct chan_policy p;
	struct chan_sa c;
	int rc;

	for (unsigned int i = 0; i < dc->n_static_sas; i++) {
		sa_table_static_sa(dc, i, &c);
		rc = sa_table_sa_add(t, &c, why);
		explicit_bzero(&c, sizeof(c));
		if (rc != 0) {
			*line = dc->static_sas[i].line;
			return rc;
		}
	}
	for (unsigned int i = 0; i < dc->n_static_policies; i++) {
		sa_table_static_policy(dc, i, &p);
		rc = sa_table_policy_add(t, &p, why);
		if (rc != 0) {
			*line = dc->static_policies[i].line;
			return rc;
		}
	}
	return 0;
}

/* ---- lookups and counters ---- */

struct esp_sa *sa_table_find(const struct sa_table *t, uint64_t id)
{
	const struct sa_rec *r = sad_id_find(t->sad, id);

	return r ? r->sa : NULL;
}

unsigned int sa_table_count(const struct sa_table *t)
{
	return t->n_sas;
}

int sa_table_stats(const struct sa_table *t, uint64_t id,
		   struct esp_sa_stats *st)
{
	const struct sa_rec *r = sad_id_find(t->sad, id);

	if (!r)
		return SA_TABLE_NOT_FOUND;
	esp_sa_stats_get(r->sa, st);
	return 0;
}

bool sa_table_next(const struct sa_table *t, uint32_t *it, uint64_t *id,
		   struct esp_sa_stats *st)
{
	const struct sa_rec *r = sad_id_next(t->sad, it);

	if (!r)
		return false;
	*id = r->conf.id;
	esp_sa_stats_get(r->sa, st);
	return true;
}

/* ---- events ---- */

static bool emit_lifetime(struct sa_rec *r, uint8_t kind,
			  const struct esp_sa_stats *st,
			  sa_table_emit_fn emit, void *arg)
{
	uint64_t bytes_limit = kind == CHAN_LT_SOFT ? r->conf.soft_bytes
						    : r->conf.hard_bytes;
	struct chan_ev_lifetime ev = {
		.sa_id = r->conf.id,
		.kind = kind,
		.bytes = st->bytes,
		.packets = st->packets,
	};

	ev.by = bytes_limit && st->bytes >= bytes_limit ? CHAN_LT_BYTES
							 : CHAN_LT_PACKETS;
	return emit(arg, CHAN_MSG_LIFETIME, &ev, sizeof(ev));
}

/* The event of one bit, sent; true when it went. */
static bool emit_bit(struct sa_rec *r, uint32_t bit,
		     const struct esp_sa_stats *st, sa_table_emit_fn emit,
		     void *arg)
{
	struct chan_ev_seq seq = { .sa_id = r->conf.id, .seq = st->seq_out };

	switch (bit) {
	case ESP_SA_EV_SEQ_EXHAUSTED:
		return emit(arg, CHAN_MSG_SEQ_EXHAUSTED, &seq, sizeof(seq));
	case ESP_SA_EV_SOFT_EXPIRED:
		return emit_lifetime(r, CHAN_LT_SOFT, st, emit, arg);
	case ESP_SA_EV_HARD_EXPIRED:
		return emit_lifetime(r, CHAN_LT_HARD, st, emit, arg);
	}
	return true;
}

static unsigned int poll_idle(struct sa_table *t, struct sa_rec *r,
			      const struct esp_sa_stats *st, uint64_t now,
			      sa_table_emit_fn emit, void *arg)
{
	struct chan_ev_idle ev = { .sa_id = r->conf.id };

	if (st->packets != r->idle_packets || r->idle_since == 0) {
		r->idle_packets = st->packets;
		r->idle_since = now;
		r->idle_sent = false;
		return 0;
	}
	if (r->idle_sent || t->idle_timeout == 0 ||
	    now - r->idle_since < t->idle_timeout)
		return 0;
	ev.idle_seconds = (uint32_t)(now - r->idle_since);
	r->idle_sent = emit(arg, CHAN_MSG_SA_IDLE, &ev, sizeof(ev));
	return r->idle_sent;
}

unsigned int sa_table_poll_events(struct sa_table *t, uint64_t now_s,
				  sa_table_emit_fn emit, void *arg)
{
	static const uint32_t bits[] = { ESP_SA_EV_SEQ_EXHAUSTED,
					 ESP_SA_EV_SOFT_EXPIRED,
					 ESP_SA_EV_HARD_EXPIRED };
	struct esp_sa_stats st;
	unsigned int sent = 0;
	uint32_t it = 0;
	struct sa_rec *r;

	/* The origin must not be 0: idle_since 0 means "not seen yet". */
	now_s++;
	while ((r = sad_id_next(t->sad, &it)) != NULL) {
		uint32_t ev = esp_sa_events(r->sa) & ~r->reported;

		esp_sa_stats_get(r->sa, &st);
		for (unsigned int i = 0; i < RTE_DIM(bits); i++) {
			if (!(ev & bits[i]) || !emit_bit(r, bits[i], &st, emit,
							 arg))
				continue;
			r->reported |= bits[i];
			sent++;
		}
		sent += poll_idle(t, r, &st, now_s, emit, arg);
	}
	return sent;
}
