/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The data plane restarts under a running espgw-control.  The parent plays
 * control: it holds N SAs, attaches (before any data plane exists), sends
 * FLUSH_ALL and the N SAs, and keeps polling chan_check().  Three data-plane
 * processes follow each other: the first exits cleanly, the second is
 * killed with SIGKILL (control sees its heartbeat stop), the third exits
 * cleanly.  Each time control must
 * notice the new generation by itself, re-attach and re-send, and each
 * data plane must receive exactly FLUSH_ALL for its own generation and the
 * N SAs, byte for byte, once each.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "chan.h"

#define N_SA       300  /* more than the command ring holds */
#define CMD_SLOTS  64
#define DEADLINE_S 60.0

static double t0;
static char name[64];

struct report {
	uint64_t generation;
	uint32_t sas;  /* distinct, correct SAs received */
	uint32_t fail; /* 0, or the line that found a fault */
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static bool late(void)
{
	return now() - t0 > DEADLINE_S;
}

static struct chan_sa sa_for(uint64_t id)
{
	struct chan_sa sa;

	memset(&sa, 0, sizeof(sa));
	sa.id = id;
	sa.twin_id = id ^ 1;
	sa.spi = htonl(0x20000u + (uint32_t)id);
	sa.dir = id & 1 ? CHAN_DIR_IN : CHAN_DIR_OUT;
	sa.mode = CHAN_MODE_TUNNEL;
	addr_parse("203.0.113.1", &sa.local);
	addr_parse("203.0.113.9", &sa.remote);
	sa.enc_algo = ALGO_AES_256_CBC;
	sa.enc_key_len = 32;
	sa.integ_algo = ALGO_HMAC_SHA256_128;
	sa.integ_key_len = 32;
	sa.replay_window = 128;
	for (int i = 0; i < 32; i++) {
		sa.enc_key[i] = (uint8_t)(id * 7 + (uint64_t)i);
		sa.integ_key[i] = (uint8_t)(id * 13 + (uint64_t)i);
	}
	return sa;
}

/* ---- the data plane ---------------------------------------------------- */

#define FAIL(r) ((r)->fail = (r)->fail ? (r)->fail : __LINE__)

static void apply(const struct chan_msg *m, struct report *r, bool *seen,
		  bool *flushed, bool *done)
{
	switch (m->hdr.type) {
	case CHAN_MSG_FLUSH_ALL:
		if (*flushed || r->sas ||
		    m->body.FLUSH_ALL.generation != r->generation)
			FAIL(r);
		*flushed = true;
		break;
	case CHAN_MSG_SA_ADD: {
		uint64_t id = m->body.SA_ADD.id;
		struct chan_sa want = sa_for(id);

		if (!*flushed || id == 0 || id > N_SA || seen[id] ||
		    memcmp(&m->body.SA_ADD, &want, sizeof(want)) != 0) {
			FAIL(r);
			break;
		}
		seen[id] = true;
		r->sas++;
		break;
	}
	case CHAN_MSG_PING: /* control's "that is all" */
		*done = true;
		break;
	default:
		FAIL(r);
	}
}

/* Receive until control says it is done, report, then exit or (crash)
 * wait for SIGKILL. */
static int run_dp(int report_fd, bool crash)
{
	struct report r = { 0 };
	bool seen[N_SA + 1] = { false }, flushed = false, done = false;
	struct chan_msg m[16];
	struct chan *ch;
	char why[200];

	if (chan_create(name, CMD_SLOTS, 16, &ch, why, sizeof(why)) != CHAN_OK)
		return 2;
	r.generation = chan_generation(ch);
	while (!done && !late()) {
		uint32_t n = chan_recv_burst(ch, m, 16);

		chan_beat(ch);
		for (uint32_t i = 0; i < n; i++)
			apply(&m[i], &r, seen, &flushed, &done);
		if (n == 0)
			usleep(100);
	}
	if (!done || chan_ring_count(chan_rx_ring(ch)) != 0)
		FAIL(&r);
	for (int i = 0; i < CHAN_ERR_COUNT; i++)
		if (chan_stats(ch)->rx_bad[i])
			FAIL(&r);
	if (write(report_fd, &r, sizeof(r)) != sizeof(r))
		return 3;
	if (crash) /* SIGKILL arrives while the segment is live */
		while (!late()) {
			chan_beat(ch);
			usleep(10000);
		}
	chan_close(ch);
	return 0;
}

/* ---- espgw-control ----------------------------------------------------- */

struct control {
	struct chan *ch;
	uint64_t generation;
	uint32_t not_yet; /* attach attempts answered "not there yet" */
	uint32_t resends;
};

static bool attach_retry(struct control *c)
{
	char why[200];
	int rc;

	while ((rc = chan_attach(name, &c->ch, why, sizeof(why))) ==
	       CHAN_NOT_YET) {
		c->not_yet++;
		if (late())
			return false;
		usleep(1000);
	}
	if (rc != CHAN_OK) {
		fprintf(stderr, "chan_restart: attach: %s\n", why);
		return false;
	}
	c->generation = chan_generation(c->ch);
	chan_set_heartbeat_ms(c->ch, 200); /* shortened, as the tick is */
	return true;
}

static bool send_retry(struct control *c, uint16_t type, const void *body,
		       uint32_t len)
{
	int rc;

	while ((rc = chan_send(c->ch, type, body, len)) == 0 && !late())
		usleep(100);
	return rc == 1;
}

/* Everything control holds, after FLUSH_ALL. */
static bool send_state(struct control *c)
{
	struct chan_flush f = { .generation = c->generation };
	struct chan_ping end = { .seq = c->generation };

	if (!send_retry(c, CHAN_MSG_FLUSH_ALL, &f, sizeof(f)))
		return false;
	for (uint64_t id = 1; id <= N_SA; id++) {
		struct chan_sa sa = sa_for(id);

		if (!send_retry(c, CHAN_MSG_SA_ADD, &sa, sizeof(sa)))
			return false;
	}
	c->resends++;
	return send_retry(c, CHAN_MSG_PING, &end, sizeof(end));
}

/*
 * Control's periodic check: on a new generation, re-attach and re-send.
 * Returns true once it has done so.
 */
static bool control_poll(struct control *c)
{
	if (chan_check(c->ch) != CHAN_PEER_NEW)
		return false;
	chan_close(c->ch);
	c->ch = NULL;
	return attach_retry(c) && send_state(c);
}

/* ---- the test ---------------------------------------------------------- */

static pid_t start_dp(int report_fd, bool crash)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(run_dp(report_fd, crash));
	return pid;
}

static bool read_report(int fd, struct report *r)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int ms = (int)((DEADLINE_S - (now() - t0)) * 1000);

	return ms > 0 && poll(&p, 1, ms) == 1 &&
	       read(fd, r, sizeof(*r)) == sizeof(*r);
}

static bool reap(pid_t pid, bool killed)
{
	int status;

	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (late()) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return false;
		}
		usleep(1000);
	}
	if (killed)
		return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static bool check_report(const struct report *r, const struct control *c,
			 int round)
{
	if (r->fail || r->sas != N_SA || r->generation != c->generation) {
		fprintf(stderr, "chan_restart: round %d: %u SAs, fault at line "
			"%u, generation %s\n", round, r->sas, r->fail,
			r->generation == c->generation ? "same" : "differs");
		return false;
	}
	return true;
}

/* One data plane's life: control re-sends, the data plane reports. */
static bool round_trip(struct control *c, int fds[2], int round)
{
	bool crash = round == 1;
	uint64_t old_gen = c->generation;
	pid_t pid = start_dp(fds[1], crash);
	struct report r;

	if (pid < 0)
		return false;
	if (round == 0) {
		if (!attach_retry(c) || !send_state(c))
			goto fail;
	} else {
		while (!control_poll(c)) {
			if (late())
				goto fail;
			usleep(1000); /* control's timer, shortened */
		}
	}
	if (c->generation == old_gen || !read_report(fds[0], &r) ||
	    !check_report(&r, c, round))
		goto fail;
	if (crash)
		kill(pid, SIGKILL);
	if (!reap(pid, crash))
		return false;
	/* A clean exit says so; after a crash nobody tells control, and
	 * the heartbeat's silence is what does. */
	if (!crash)
		return chan_check(c->ch) == CHAN_PEER_GONE;
	while (chan_check(c->ch) == CHAN_PEER_ALIVE && !late())
		usleep(1000);
	return chan_check(c->ch) == CHAN_PEER_SILENT;
fail:
	kill(pid, SIGKILL);
	reap(pid, true);
	return false;
}

int main(void)
{
	struct control c = { 0 };
	char path[80];
	int fds[2];
	bool ok = true;
	char why[200];

	snprintf(name, sizeof(name), "restart-%d", (int)getpid());
	snprintf(path, sizeof(path), CHAN_PATH_PREFIX "%s", name);
	t0 = now();
	if (pipe(fds) != 0)
		return 1;
	/* Control starts first: nothing to attach to yet. */
	if (chan_attach(name, &c.ch, why, sizeof(why)) != CHAN_NOT_YET)
		return 1;
	for (int round = 0; round < 3 && ok; round++)
		ok = round_trip(&c, fds, round);
	ok = ok && c.resends == 3;
	if (c.ch)
		chan_close(c.ch);
	shm_unlink(path);
	if (!ok) {
		fprintf(stderr, "chan_restart: failed after %u sends\n",
			c.resends);
		return 1;
	}
	printf("chan_restart: 3 data-plane generations (clean exit, SIGKILL, "
	       "clean exit), %d SAs re-sent and received each time\n", N_SA);
	return 0;
}
