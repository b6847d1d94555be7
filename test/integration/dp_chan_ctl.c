/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A test-only espgw-control for dp_chan.sh: attaches to a running
 * espgw-dataplane's channel, sends one scenario's commands and checks the
 * events that come back.  Exit 0 when the data plane answered as expected.
 *
 *   dp_chan_ctl CHAN churn N        add N SA pairs with policies for other
 *                                   flows, delete them all; no CMD_ERROR
 *   dp_chan_ctl CHAN pair a|b add   the SA pair and policy for the hosts
 *   dp_chan_ctl CHAN pair a|b del   10.1.0.3 <-> 10.2.0.3, on gateway A or
 *                                   B; del removes the SAs, not the policy
 *   dp_chan_ctl CHAN bad            refusals: duplicate SPI, reserved SPI,
 *                                   unknown id, each a CMD_ERROR
 *   dp_chan_ctl CHAN counters ID MIN  a COUNTER_REPLY for SA ID (hex) with
 *                                   at least MIN packets
 *
 * Every wait is bounded (3 s).  The keys below are test values.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "chan.h"

#define WAIT_MS 3000

static struct chan *ch;
static uint64_t sent; /* header seq of the next command */

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000,
			       .tv_nsec = (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* Send, retrying while the ring is full; returns the command's seq. */
static uint64_t send_cmd(uint16_t type, const void *body, uint32_t len)
{
	for (int i = 0; i < WAIT_MS; i++) {
		int rc = chan_send(ch, type, body, len);

		if (rc == 1)
			return sent++;
		if (rc < 0)
			break;
		sleep_ms(1);
	}
	fprintf(stderr, "cannot send %s\n", chan_msg_type_name(type));
	exit(1);
}

/* The next event of type want, or false after WAIT_MS.  CMD_ERRORs met
 * on the way are counted in *errors (may be NULL). */
static bool wait_event(uint16_t want, struct chan_msg *out,
		       unsigned int *errors)
{
	for (int i = 0; i < WAIT_MS; i++) {
		while (chan_recv_burst(ch, out, 1) == 1) {
			if (out->hdr.type == want)
				return true;
			if (out->hdr.type == CHAN_MSG_CMD_ERROR && errors) {
				(*errors)++;
				fprintf(stderr, "CMD_ERROR seq %" PRIu64
					" id %" PRIx64 ": %s\n",
					out->body.CMD_ERROR.seq,
					out->body.CMD_ERROR.id,
					chan_err_str(out->body.CMD_ERROR.err));
			}
		}
		sleep_ms(1);
	}
	return false;
}

/* Commands are applied in order: once the PING comes back, all before it
 * were. */
static bool sync_ping(unsigned int *errors)
{
	struct chan_ping p = { .seq = sent, .stamp = 0x5eed };
	struct chan_msg m;

	send_cmd(CHAN_MSG_PING, &p, sizeof(p));
	while (wait_event(CHAN_MSG_PING, &m, errors))
		if (m.body.PING.seq == p.seq)
			return true;
	return false;
}

static void ts(struct chan_ts *t, const char *prefix)
{
	char buf[64];

	memset(t, 0, sizeof(*t));
	snprintf(buf, sizeof(buf), "%s", prefix);
	if (!prefix_parse(buf, &t->prefix))
		abort();
	t->port_hi = UINT16_MAX;
}

/* An AES-128-GCM tunnel SA between the gateways, keyed from spi. */
static void make_sa(struct chan_sa *sa, uint64_t id, uint32_t spi, bool in,
		    bool gw_a, const char *lts, const char *rts)
{
	memset(sa, 0, sizeof(*sa));
	sa->id = id;
	sa->spi = htonl(spi);
	sa->dir = in ? CHAN_DIR_IN : CHAN_DIR_OUT;
	sa->mode = CHAN_MODE_TUNNEL;
	addr_parse(gw_a ? "192.0.2.1" : "192.0.2.2", &sa->local);
	addr_parse(gw_a ? "192.0.2.2" : "192.0.2.1", &sa->remote);
	sa->enc_algo = ALGO_AES_128_GCM;
	sa->enc_key_len = 20;
	for (int i = 0; i < 20; i++)
		sa->enc_key[i] = (uint8_t)(spi * 7 + (uint32_t)i);
	ts(&sa->ts_local, lts);
	ts(&sa->ts_remote, rts);
}

static void make_policy(struct chan_policy *p, uint64_t id, uint64_t sa_id,
			const char *local, const char *remote)
{
	char l[64], r[64];

	memset(p, 0, sizeof(*p));
	p->id = id;
	p->sa_id = sa_id;
	p->dir = CHAN_DIR_OUT;
	p->action = CHAN_ACT_ENCRYPT;
	snprintf(l, sizeof(l), "%s", local);
	snprintf(r, sizeof(r), "%s", remote);
	if (!prefix_parse(l, &p->local) || !prefix_parse(r, &p->remote))
		abort();
	p->local_port_hi = p->remote_port_hi = UINT16_MAX;
}

/* N pairs for 172.16.i.0/24 <-> 172.17.i.0/24, then their deletion. */
static int churn(unsigned int n)
{
	unsigned int errors = 0;
	struct chan_policy p;
	struct chan_sa sa;
	char l[32], r[32];

	for (unsigned int i = 0; i < n; i++) {
		snprintf(l, sizeof(l), "172.16.%u.0/24", i % 256);
		snprintf(r, sizeof(r), "172.17.%u.0/24", i % 256);
		make_sa(&sa, 0x10000 + 2 * i, 0x100000 + 2 * i, false, true,
			l, r);
		sa.twin_id = sa.id + 1;
		send_cmd(CHAN_MSG_SA_ADD, &sa, sizeof(sa));
		make_sa(&sa, 0x10001 + 2 * i, 0x100001 + 2 * i, true, true, l,
			r);
		sa.twin_id = sa.id - 1;
		send_cmd(CHAN_MSG_SA_ADD, &sa, sizeof(sa));
		make_policy(&p, 0x20000 + i, 0x10000 + 2 * i, l, r);
		p.priority = 100 + i;
		send_cmd(CHAN_MSG_POLICY_ADD, &p, sizeof(p));
	}
	if (!sync_ping(&errors))
		return 1;
	for (unsigned int i = 0; i < n; i++) {
		struct chan_sa_del d = { .id = 0x10000 + 2 * i };
		struct chan_policy_del pd = { .id = 0x20000 + i };

		send_cmd(CHAN_MSG_POLICY_DEL, &pd, sizeof(pd));
		send_cmd(CHAN_MSG_SA_DEL, &d, sizeof(d));
		d.id++;
		send_cmd(CHAN_MSG_SA_DEL, &d, sizeof(d));
	}
	if (!sync_ping(&errors))
		return 1;
	printf("churn: %u SA pairs and policies added and deleted, %u "
	       "refused\n", n, errors);
	return errors != 0;
}

/* Gateway A: out 0x501 (SPI 0x3001), in 0x502 (SPI 0x3002); B mirrors. */
static int pair(bool gw_a, bool add)
{
	const char *mine = gw_a ? "10.1.0.3/32" : "10.2.0.3/32";
	const char *theirs = gw_a ? "10.2.0.3/32" : "10.1.0.3/32";
	uint64_t out_id = gw_a ? 0x501 : 0x503, in_id = out_id + 1;
	unsigned int errors = 0;
	struct chan_policy p;
	struct chan_sa sa;

	if (!add) {
		struct chan_sa_del d = { .id = out_id };

		send_cmd(CHAN_MSG_SA_DEL, &d, sizeof(d));
		d.id = in_id;
		send_cmd(CHAN_MSG_SA_DEL, &d, sizeof(d));
		return !sync_ping(&errors) || errors;
	}
	make_sa(&sa, out_id, gw_a ? 0x3001 : 0x3002, false, gw_a, mine,
		theirs);
	sa.twin_id = in_id;
	send_cmd(CHAN_MSG_SA_ADD, &sa, sizeof(sa));
	make_sa(&sa, in_id, gw_a ? 0x3002 : 0x3001, true, gw_a, mine, theirs);
	sa.twin_id = out_id;
	send_cmd(CHAN_MSG_SA_ADD, &sa, sizeof(sa));
	make_policy(&p, 0x601, out_id, mine, theirs);
	send_cmd(CHAN_MSG_POLICY_ADD, &p, sizeof(p));
	return !sync_ping(&errors) || errors;
}

/* The refusal of the command sent with seq (or of a rejected one: seq 0,
 * type 0) must say err. */
static bool expect_error(uint64_t seq, uint16_t type, uint64_t id,
			 uint16_t err)
{
	struct chan_msg m;

	while (wait_event(CHAN_MSG_CMD_ERROR, &m, NULL)) {
		const struct chan_ev_cmd_error *e = &m.body.CMD_ERROR;

		printf("CMD_ERROR seq %" PRIu64 " type %s id %" PRIx64
		       ": %s\n", e->seq, chan_msg_type_name(e->type), e->id,
		       chan_err_str(e->err));
		if (e->seq == seq && e->type == type && e->id == id &&
		    e->err == err)
			return true;
	}
	return false;
}

static int bad(void)
{
	struct chan_sa_del d = { .id = 0xdead };
	struct chan_sa sa;
	uint64_t seq;
	bool ok;

	/* Gateway A's static inbound SA has SPI 0x2001. */
	make_sa(&sa, 0x700, 0x2001, true, true, "10.1.0.0/24", "10.2.0.0/24");
	seq = send_cmd(CHAN_MSG_SA_ADD, &sa, sizeof(sa));
	ok = expect_error(seq, CHAN_MSG_SA_ADD, 0x700, CHAN_ERR_SA_SPI);

	/* The channel rejects a reserved SPI before the table sees it. */
	make_sa(&sa, 0x701, 0x10, true, true, "10.1.0.0/24", "10.2.0.0/24");
	send_cmd(CHAN_MSG_SA_ADD, &sa, sizeof(sa));
	ok = expect_error(0, 0, 0, CHAN_ERR_SA_SPI) && ok;

	seq = send_cmd(CHAN_MSG_SA_DEL, &d, sizeof(d));
	ok = expect_error(seq, CHAN_MSG_SA_DEL, 0xdead, CHAN_ERR_OK) && ok;
	explicit_bzero(&sa, sizeof(sa));
	return !ok;
}

static int counters(uint64_t id, uint64_t min)
{
	struct chan_counter_req q = { .sa_id = id, .cookie = 0xc0c0 };
	struct chan_msg m;

	send_cmd(CHAN_MSG_COUNTER_REQ, &q, sizeof(q));
	while (wait_event(CHAN_MSG_COUNTER_REPLY, &m, NULL)) {
		const struct chan_counter_reply *r = &m.body.COUNTER_REPLY;

		if (r->cookie != q.cookie || r->sa_id != id)
			continue;
		printf("counters: SA %" PRIx64 " packets %" PRIu64 " bytes %"
		       PRIu64 " drops %" PRIu64 "\n", id, r->packets,
		       r->bytes, r->drops);
		return r->packets < min || !(r->flags & CHAN_CR_LAST);
	}
	return 1;
}

static int run(int argc, char **argv)
{
	const char *cmd = argc >= 3 ? argv[2] : "";

	if (strcmp(cmd, "churn") == 0 && argc == 4)
		return churn((unsigned int)strtoul(argv[3], NULL, 0));
	if (strcmp(cmd, "pair") == 0 && argc == 5)
		return pair(argv[3][0] == 'a', strcmp(argv[4], "add") == 0);
	if (strcmp(cmd, "bad") == 0)
		return bad();
	if (strcmp(cmd, "counters") == 0 && argc == 5)
		return counters(strtoull(argv[3], NULL, 16),
				strtoull(argv[4], NULL, 0));
	fprintf(stderr, "usage: dp_chan_ctl CHAN churn N | pair a|b add|del"
		" | bad | counters ID MIN\n");
	return 2;
}

int main(int argc, char **argv)
{
	char why[256];
	int rc = CHAN_NOT_YET;

	if (argc < 3)
		return run(argc, argv);
	for (int i = 0; i < WAIT_MS / 10 && rc == CHAN_NOT_YET; i++) {
		rc = chan_attach(argv[1], &ch, why, sizeof(why));
		if (rc == CHAN_NOT_YET)
			sleep_ms(10);
	}
	if (rc != CHAN_OK) {
		fprintf(stderr, "attach %s: %s\n", argv[1], chan_rc_str(rc));
		return 1;
	}
	rc = run(argc, argv);
	chan_close(ch);
	return rc;
}
