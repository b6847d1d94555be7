/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The two-engine harness of ike_pair.h: fake clock, fake data planes,
 * fake network.
 */
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "ike_pair.h"

/* ---- clock ---- */

struct ftimer timers[MAX_TIMERS];
uint64_t now_ms = 1000000;

static void *t_add(void *arg, uint64_t after, ike_timer_fn fn, void *a)
{
	(void)arg;
	for (int i = 0; i < MAX_TIMERS; i++)
		if (!timers[i].live) {
			timers[i] = (struct ftimer){ now_ms + after, fn, a, true };
			return &timers[i];
		}
	fail_msg("out of fake timers");
	return NULL;
}

static void t_cancel(void *arg, void *t)
{
	(void)arg;
	((struct ftimer *)t)->live = false;
}

static uint64_t t_now(void *arg)
{
	(void)arg;
	return now_ms;
}

void advance(uint64_t ms)
{
	uint64_t end = now_ms + ms;

	for (int n = 0; n < 10000; n++) {
		struct ftimer *best = NULL;

		for (int i = 0; i < MAX_TIMERS; i++)
			if (timers[i].live && timers[i].due <= end &&
			    (!best || timers[i].due < best->due))
				best = &timers[i];
		if (!best)
			break;
		now_ms = best->due;
		best->live = false;
		best->fn(best->arg);
		run();
	}
	now_ms = end;
}

/* ---- data plane ---- */

struct chan_sa *dp_sa(struct dp *d, uint64_t id)
{
	for (unsigned int i = 0; i < d->n_sa; i++)
		if (d->sa[i].id == id)
			return &d->sa[i];
	return NULL;
}

struct chan_sa *dp_sa_by_spi(struct dp *d, uint32_t spi, uint8_t dir)
{
	for (unsigned int i = 0; i < d->n_sa; i++)
		if (d->sa[i].spi == spi && d->sa[i].dir == dir)
			return &d->sa[i];
	return NULL;
}

struct chan_policy *dp_pol_of_sa(struct dp *d, uint64_t sa_id)
{
	for (unsigned int i = 0; i < d->n_pol; i++)
		if (d->pol[i].sa_id == sa_id)
			return &d->pol[i];
	return NULL;
}

unsigned int out_policies(const struct dp *d)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < d->n_pol; i++)
		n += d->pol[i].dir == CHAN_DIR_OUT;
	return n;
}

uint32_t spi_of(struct dp *d, uint8_t dir)
{
	for (unsigned int i = 0; i < d->n_sa; i++)
		if (d->sa[i].dir == dir)
			return d->sa[i].spi;
	return 0;
}

static void dp_sa_put(struct dp *d, const struct chan_sa *s, bool add)
{
	struct chan_sa *o = dp_sa(d, s->id);

	assert_int_equal(chan_sa_check(s), CHAN_ERR_OK);
	if (add) {
		assert_null(o); /* no id twice */
		assert_true(d->n_sa < MAX_DP);
		d->sa[d->n_sa++] = *s;
		d->sa_adds++;
	} else {
		assert_non_null(o);
		*o = *s;
		d->updates++;
	}
}

static void dp_del_sa(struct dp *d, uint64_t id)
{
	struct chan_sa *o = dp_sa(d, id);

	assert_non_null(o);
	*o = d->sa[--d->n_sa];
}

bool watch_out;

static void dp_del_pol(struct dp *d, uint64_t id)
{
	for (unsigned int i = 0; i < d->n_pol; i++)
		if (d->pol[i].id == id) {
			if (watch_out && d->pol[i].dir == CHAN_DIR_OUT)
				assert_true(out_policies(d) >= 2);
			d->pol[i] = d->pol[--d->n_pol];
			return;
		}
	fail_msg("policy %llu not installed", (unsigned long long)id);
}

/* As espgw-dataplane's SA table: the SA a policy names is installed
 * first and is of the policy's own direction, the inbound SA for an
 * inbound policy (RFC 4301 section 4.4.1). */
static void dp_pol_add(struct dp *d, const struct chan_policy *p)
{
	const struct chan_sa *sa = p->sa_id ? dp_sa(d, p->sa_id) : NULL;

	assert_int_equal(chan_policy_check(p), CHAN_ERR_OK);
	assert_true(d->n_pol < MAX_DP);
	assert_non_null(sa);
	assert_int_equal(sa->dir, p->dir);
	d->pol[d->n_pol++] = *p;
}

static void dp_send(void *arg, uint16_t type, const void *body, uint32_t len)
{
	struct dp *d = arg;

	assert_int_equal(len, chan_msg_body_len(type));
	switch (type) {
	case CHAN_MSG_SA_ADD:
	case CHAN_MSG_SA_UPDATE:
		dp_sa_put(d, body, type == CHAN_MSG_SA_ADD);
		break;
	case CHAN_MSG_SA_DEL:
		dp_del_sa(d, ((const struct chan_sa_del *)body)->id);
		break;
	case CHAN_MSG_POLICY_ADD:
		dp_pol_add(d, body);
		break;
	case CHAN_MSG_POLICY_DEL:
		dp_del_pol(d, ((const struct chan_policy_del *)body)->id);
		break;
	case CHAN_MSG_COUNTER_REQ:
		d->counter_reqs++;
		break;
	default:
		fail_msg("unexpected command %u", type);
	}
}

/* ---- network ---- */

struct node nodes[2];
struct pkt queue[MAX_PKTS];
unsigned int n_queued;
int nat_offset;
bool (*drop)(const struct pkt *p);
struct pkt captured;

static int net_send(void *arg, const struct ike_ep *local,
		    const struct ike_ep *remote, const uint8_t *buf, size_t len)
{
	struct node *n = arg;
	struct pkt *p;

	assert_true(n_queued < MAX_PKTS);
	assert_true(len <= IKE_MSG_MAX);
	p = &queue[n_queued++];
	p->from = (int)(n - nodes);
	p->src = *local;
	if (!p->src.addr.family)
		p->src.addr = n->ep.addr;
	p->dst = *remote;
	memcpy(p->buf, buf, len);
	p->len = len;
	n->sent[buf[18] - IKE_EX_IKE_SA_INIT]++;
	return 0;
}

void run(void)
{
	for (unsigned int i = 0; i < 200 && n_queued; i++) {
		struct pkt p = queue[0];

		memmove(queue, queue + 1, --n_queued * sizeof(queue[0]));
		if (drop && drop(&p))
			continue;
		if (p.from == 1)
			p.src.port = (uint16_t)(p.src.port + nat_offset);
		else
			p.dst.port = (uint16_t)(p.dst.port - nat_offset);
		ike_engine_input(nodes[!p.from].e, &p.dst, &p.src, p.buf,
				 p.len);
	}
	assert_int_equal(n_queued, 0);
}

/* NAT-keepalives are counted, not delivered: they carry nothing. */
static int net_keepalive(void *arg, const struct ike_ep *local,
			 const struct ike_ep *remote)
{
	struct node *n = arg;

	n->keepalives++;
	n->keepalive_src = *local;
	n->keepalive_dst = *remote;
	return 0;
}

static void node_dp_send(void *arg, uint16_t type, const void *body,
			 uint32_t len)
{
	dp_send(&((struct node *)arg)->dp, type, body, len);
	if (type == CHAN_MSG_COUNTER_REQ)
		dp_answer(arg, body);
}

static void node_new(int i, const char *conf, const char *addr)
{
	struct node *n = &nodes[i];
	char path[512];

	memset(n, 0, sizeof(*n));
	snprintf(path, sizeof(path), "%s/%s", getenv("IKE_CONFIGS"), conf);
	n->cfg = cfg_load(path, stderr);
	assert_non_null(n->cfg);
	assert_true(addr_parse(addr, &n->ep.addr));
	n->ops = (struct ike_engine_ops){
		.send = net_send, .send_keepalive = net_keepalive,
		.dp_send = node_dp_send,
		.timer_add = t_add, .timer_cancel = t_cancel,
		.now_ms = t_now, .arg = n,
	};
	n->e = ike_engine_create(n->cfg, &n->ops);
	assert_non_null(n->e);
}

int setup(void **state)
{
	(void)state;
	memset(timers, 0, sizeof(timers));
	n_queued = 0;
	nat_offset = 0;
	drop = NULL;
	node_new(0, "gw.conf", "192.0.2.1");
	node_new(1, "client.conf", "198.51.100.7");
	return 0;
}

int teardown(void **state)
{
	(void)state;
	for (int i = 0; i < 2; i++) {
		ike_engine_destroy(nodes[i].e);
		/* Destroying uninstalls: nothing may be left behind. */
		assert_int_equal(nodes[i].dp.n_sa, 0);
		assert_int_equal(nodes[i].dp.n_pol, 0);
		cfg_free(nodes[i].cfg);
	}
	return 0;
}

int setup_s2s(void **state)
{
	(void)state;
	memset(timers, 0, sizeof(timers));
	n_queued = 0;
	nat_offset = 0;
	drop = NULL;
	node_new(0, "s2s-b.conf", "192.0.2.1");
	node_new(1, "s2s-a.conf", "198.51.100.7");
	return 0;
}

struct ike_engine *gw(void)
{
	return nodes[0].e;
}

struct ike_engine *cl(void)
{
	return nodes[1].e;
}

void connect_client(void)
{
	struct ike_initiate_opts o = { .request_vip = true };

	assert_int_equal(ike_engine_initiate(cl(), 0, &o), 0);
	run();
}

struct ike_sa *only_sa(struct ike_engine *e)
{
	struct ike_sa *found = NULL;

	for (size_t i = 0; i <= e->sa_by_spi.mask; i++)
		if (e->sa_by_spi.b[i])
			found = container_of(e->sa_by_spi.b[i], struct ike_sa,
					     by_spi);
	assert_non_null(found);
	return found;
}

void expect_pair(struct dp *a, struct dp *b)
{
	for (unsigned int i = 0; i < a->n_sa; i++) {
		struct chan_sa *x = &a->sa[i];
		struct chan_sa *y = dp_sa_by_spi(b, x->spi,
						 x->dir == CHAN_DIR_IN ?
							 CHAN_DIR_OUT :
							 CHAN_DIR_IN);

		assert_non_null(y);
		assert_int_equal(x->enc_algo, y->enc_algo);
		assert_int_equal(x->integ_algo, y->integ_algo);
		assert_int_equal(x->enc_key_len, y->enc_key_len);
		assert_memory_equal(x->enc_key, y->enc_key, x->enc_key_len);
		assert_memory_equal(x->integ_key, y->integ_key,
				    x->integ_key_len);
		assert_true(addr_equal(&x->local, &y->remote));
		assert_int_equal(x->twin_id ^ x->id, 1);
	}
}

void expect_prefix(const struct chan_ts *t, const char *s)
{
	char buf[ADDR_STRLEN];

	assert_string_equal(prefix_format(&t->prefix, buf), s);
}

char *capture(void (*show)(struct ike_engine *, FILE *, bool),
	      struct ike_engine *e, bool json)
{
	static char buf[8192];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	show(e, f, json);
	fclose(f);
	return buf;
}
void inject(struct pkt *p)
{
	ike_engine_input(gw(), &p->dst, &p->src, p->buf, p->len);
}

/* ---- counter replies ---- */

#define MAX_REPLIES 64

struct dp_count dp_count[2];

static struct pending_reply {
	int node;
	bool used;
	struct chan_msg m;
} replies[MAX_REPLIES];

void dp_count_reset(void)
{
	memset(dp_count, 0, sizeof(dp_count));
	memset(replies, 0, sizeof(replies));
}

static void deliver_reply(void *arg)
{
	struct pending_reply *r = arg;

	r->used = false;
	if (!nodes[r->node].e)
		return; /* the test destroyed that engine */
	dp_count[r->node].replies++;
	ike_engine_dp_event(nodes[r->node].e, &r->m);
}

void dp_answer(struct node *n, const struct chan_counter_req *req)
{
	int i = (int)(n - nodes);
	const struct chan_sa *sa = dp_sa(&n->dp, req->sa_id);
	struct pending_reply *r = NULL;

	if (!dp_count[i].on || !sa)
		return;
	for (int k = 0; k < MAX_REPLIES && !r; k++)
		if (!replies[k].used)
			r = &replies[k];
	assert_non_null(r);
	memset(r, 0, sizeof(*r));
	r->node = i;
	r->used = true;
	r->m.hdr.type = CHAN_MSG_COUNTER_REPLY;
	r->m.body.COUNTER_REPLY.cookie = req->cookie;
	r->m.body.COUNTER_REPLY.sa_id = req->sa_id;
	r->m.body.COUNTER_REPLY.packets =
		sa->dir == CHAN_DIR_IN ? dp_count[i].in_packets : 0;
	r->m.body.COUNTER_REPLY.bytes = r->m.body.COUNTER_REPLY.packets * 100;
	t_add(NULL, dp_count[i].delay_ms, deliver_reply, r);
}
