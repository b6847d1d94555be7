/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Two processes, one channel: espgw-control's side sends ten million
 * commands while the data plane's side sends two million events back at the
 * same time.  Each side checks that what it receives carries the sequence
 * numbers 0, 1, 2, ... exactly: no loss, no duplicate, no reordering.  Every
 * wait is bounded by one deadline; a hang fails the test.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "chan.h"

#define N_CMD      10000000ull
#define N_EVT      2000000ull
#define BURST      32
#define SA_EVERY   1024 /* every so many commands is a full SA record */
#define DEADLINE_S 100.0

static double t0;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int late(const char *who)
{
	if (now() - t0 < DEADLINE_S)
		return 0;
	fprintf(stderr, "chan_stress: %s: deadline of %.0f s passed\n", who,
		DEADLINE_S);
	return 1;
}

/* One running sequence per direction, and what arrived of it. */
struct flow {
	uint64_t sent;
	uint64_t got;
	uint64_t bad; /* first wrong number seen + 1, or 0 */
};

static struct chan_sa sa_for(uint64_t seq)
{
	struct chan_sa sa;

	memset(&sa, 0, sizeof(sa));
	sa.id = seq + 1;
	sa.spi = htonl(0x10000u + (uint32_t)(seq & 0xffff));
	sa.dir = CHAN_DIR_OUT;
	sa.mode = CHAN_MODE_TUNNEL;
	addr_parse("192.0.2.1", &sa.local);
	addr_parse("192.0.2.2", &sa.remote);
	sa.enc_algo = ALGO_AES_128_GCM;
	sa.enc_key_len = 20;
	memset(sa.enc_key, (int)(seq & 0xff), 20);
	return sa;
}

/* The sequence number a message carries in its payload. */
static uint64_t payload_seq(const struct chan_msg *m)
{
	if (m->hdr.type == CHAN_MSG_SA_ADD)
		return m->body.SA_ADD.id - 1;
	return m->body.PING.seq;
}

static void receive(struct chan *ch, struct flow *f)
{
	struct chan_msg m[BURST];
	uint32_t n = chan_recv_burst(ch, m, BURST);

	for (uint32_t i = 0; i < n; i++) {
		uint64_t seq = payload_seq(&m[i]);

		if (seq != f->got && f->bad == 0)
			f->bad = seq + 1;
		f->got++;
	}
}

/* Send the next burst of f; commands mix in SA records. */
static void send_some(struct chan *ch, struct flow *f, uint64_t total,
		      bool with_sas)
{
	struct chan_ping ping[BURST];
	struct chan_sa sa;
	struct chan_out out[BURST];
	uint32_t n = 0;

	while (n < BURST && f->sent + n < total) {
		uint64_t seq = f->sent + n;

		if (with_sas && seq % SA_EVERY == SA_EVERY - 1) {
			sa = sa_for(seq); /* at most one per burst */
			out[n++] = (struct chan_out){ CHAN_MSG_SA_ADD,
						      sizeof(sa), &sa };
			break;
		}
		ping[n] = (struct chan_ping){ .seq = seq };
		out[n] = (struct chan_out){ CHAN_MSG_PING, sizeof(ping[n]),
					    &ping[n] };
		n++;
	}
	f->sent += chan_send_burst(ch, out, n);
}

static int check_flow(const char *who, const struct flow *f, uint64_t want,
		      const struct chan_stats *st)
{
	uint64_t bad = 0;

	for (int i = 0; i < CHAN_ERR_COUNT; i++)
		bad += st->rx_bad[i];
	if (f->bad) {
		fprintf(stderr, "chan_stress: %s: expected %llu, got %llu\n",
			who, (unsigned long long)f->got,
			(unsigned long long)(f->bad - 1));
		return 1;
	}
	if (f->got != want || bad || st->rx_gap) {
		fprintf(stderr, "chan_stress: %s: %llu of %llu, %llu rejected, "
			"%llu gaps\n", who, (unsigned long long)f->got,
			(unsigned long long)want, (unsigned long long)bad,
			(unsigned long long)st->rx_gap);
		return 1;
	}
	return 0;
}

/* The data plane's side: consume commands, produce events. */
static int run_dp(const char *name)
{
	struct flow cmd = { 0 }, evt = { 0 };
	struct chan *ch;
	char why[200];
	int rc;

	if (chan_create(name, 1024, 1024, &ch, why, sizeof(why)) != CHAN_OK) {
		fprintf(stderr, "chan_stress: create: %s\n", why);
		return 2;
	}
	while (cmd.got < N_CMD || evt.sent < N_EVT) {
		uint64_t before = cmd.got + evt.sent;

		receive(ch, &cmd);
		if (evt.sent < N_EVT)
			send_some(ch, &evt, N_EVT, false);
		if (cmd.got + evt.sent == before)
			sched_yield();
		if (late("data plane"))
			return 3;
	}
	rc = check_flow("data plane", &cmd, N_CMD, chan_stats(ch));
	/* Closing wipes the rings: let control read the last events first. */
	while (chan_ring_count(chan_tx_ring(ch)) > 0 && !late("drain"))
		sched_yield();
	chan_close(ch);
	return rc;
}

static struct chan *attach_retry(const char *name)
{
	struct chan *ch = NULL;
	char why[200];
	int rc;

	while ((rc = chan_attach(name, &ch, why, sizeof(why))) ==
	       CHAN_NOT_YET) {
		if (late("attach"))
			return NULL;
		usleep(1000);
	}
	if (rc != CHAN_OK)
		fprintf(stderr, "chan_stress: attach: %s\n", why);
	return ch;
}

/* espgw-control's side: produce commands, consume events. */
static int run_cp(const char *name)
{
	struct flow cmd = { 0 }, evt = { 0 };
	struct chan *ch = attach_retry(name);
	int rc;

	if (ch == NULL)
		return 1;
	while (cmd.sent < N_CMD || evt.got < N_EVT) {
		uint64_t before = cmd.sent + evt.got;

		if (cmd.sent < N_CMD)
			send_some(ch, &cmd, N_CMD, true);
		receive(ch, &evt);
		if (cmd.sent + evt.got == before)
			sched_yield();
		if (late("control"))
			return 1;
	}
	rc = check_flow("control", &evt, N_EVT, chan_stats(ch));
	chan_close(ch);
	return rc;
}

/* The child's exit status, or failure once the deadline has passed. */
static int reap(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (late("wait for data plane")) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return 1;
		}
		usleep(2000);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "chan_stress: data plane failed (status %#x)\n",
			status);
		return 1;
	}
	return 0;
}

int main(void)
{
	char name[64], path[80];
	pid_t pid;
	int rc;

	snprintf(name, sizeof(name), "stress-%d", (int)getpid());
	snprintf(path, sizeof(path), CHAN_PATH_PREFIX "%s", name);
	t0 = now();
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0)
		_exit(run_dp(name));
	rc = run_cp(name);
	if (rc != 0)
		kill(pid, SIGKILL);
	rc |= reap(pid);
	shm_unlink(path);
	if (rc == 0)
		printf("chan_stress: %llu commands and %llu events in %.2f s: "
		       "no loss, duplicate or reordering\n",
		       (unsigned long long)N_CMD, (unsigned long long)N_EVT,
		       now() - t0);
	return rc;
}
