/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Messages per second through one channel ring between two processes:
 * the parent sends commands as espgw-control would, the child (the data
 * plane's side) receives, validates and checks their order.  Not a test;
 * scripts/bench-chan.sh runs it.
 *
 *   chan_bench [--count N] [--burst B] [--slots S] [--sa] [--json FILE]
 *
 * --sa sends full SA records (328 bytes) instead of 40-byte pings.
 */
#include <arpa/inet.h>
#include <getopt.h>
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

#define MAX_BURST  256
#define DEADLINE_S 120.0
#define SPINS      256 /* empty polls before yielding the core */

struct opts {
	uint64_t count;
	uint32_t burst;
	uint32_t slots;
	bool sa;
	const char *json;
};

struct result {
	double seconds; /* first to last message, on the receiving side */
	uint64_t received;
	uint64_t out_of_order;
	uint64_t rejected;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void idle(uint32_t *spins)
{
	if (++*spins < SPINS) {
		__builtin_ia32_pause();
		return;
	}
	*spins = 0;
	sched_yield(); /* two cores, shared: let the other side run */
}

static struct chan_sa bench_sa(void)
{
	struct chan_sa sa;

	memset(&sa, 0, sizeof(sa));
	sa.spi = htonl(0x1234);
	sa.dir = CHAN_DIR_IN;
	sa.mode = CHAN_MODE_TUNNEL;
	addr_parse("192.0.2.1", &sa.local);
	addr_parse("192.0.2.2", &sa.remote);
	sa.enc_algo = ALGO_AES_128_GCM;
	sa.enc_key_len = 20;
	return sa;
}

static uint64_t seq_of(const struct chan_msg *m)
{
	return m->hdr.type == CHAN_MSG_SA_ADD ? m->body.SA_ADD.id - 1
					      : m->body.PING.seq;
}

static void consume(struct chan *ch, const struct opts *o, struct result *r)
{
	static struct chan_msg m[MAX_BURST];
	double start = 0, t_end = now() + DEADLINE_S;
	uint32_t spins = 0;

	while (r->received < o->count && now() < t_end) {
		uint32_t n = chan_recv_burst(ch, m, o->burst);

		if (n == 0) {
			idle(&spins);
			continue;
		}
		if (r->received == 0)
			start = now();
		for (uint32_t i = 0; i < n; i++)
			r->out_of_order += seq_of(&m[i]) != r->received + i;
		r->received += n;
	}
	r->seconds = now() - start;
	for (int i = 0; i < CHAN_ERR_COUNT; i++)
		r->rejected += chan_stats(ch)->rx_bad[i];
}

static int run_dp(const char *name, const struct opts *o, int fd)
{
	struct result r = { 0 };
	struct chan *ch;
	char why[200];

	if (chan_create(name, o->slots, 64, &ch, why, sizeof(why)) != CHAN_OK) {
		fprintf(stderr, "chan_bench: %s\n", why);
		return 1;
	}
	consume(ch, o, &r);
	chan_close(ch);
	return write(fd, &r, sizeof(r)) == sizeof(r) ? 0 : 1;
}

static void produce(struct chan *ch, const struct opts *o)
{
	struct chan_ping ping[MAX_BURST];
	struct chan_sa sa[MAX_BURST];
	struct chan_out out[MAX_BURST];
	double t_end = now() + DEADLINE_S;
	uint64_t sent = 0;
	uint32_t spins = 0;

	for (uint32_t i = 0; i < o->burst; i++) {
		sa[i] = bench_sa();
		out[i] = o->sa ? (struct chan_out){ CHAN_MSG_SA_ADD,
						    sizeof(sa[i]), &sa[i] }
			       : (struct chan_out){ CHAN_MSG_PING,
						    sizeof(ping[i]), &ping[i] };
	}
	while (sent < o->count && now() < t_end) {
		uint32_t n = o->burst, got;

		if (o->count - sent < n)
			n = (uint32_t)(o->count - sent);
		for (uint32_t i = 0; i < n; i++) {
			ping[i].seq = sent + i;
			sa[i].id = sent + i + 1;
		}
		got = chan_send_burst(ch, out, n);
		sent += got;
		if (got == 0)
			idle(&spins);
	}
}

static struct chan *attach_retry(const char *name)
{
	double t_end = now() + 10;
	struct chan *ch = NULL;
	char why[200];
	int rc;

	while ((rc = chan_attach(name, &ch, why, sizeof(why))) == CHAN_NOT_YET &&
	       now() < t_end)
		usleep(500);
	if (rc != CHAN_OK)
		fprintf(stderr, "chan_bench: attach: %s\n", rc == CHAN_NOT_YET ?
			"no data plane side" : why);
	return ch;
}

static void report(const struct opts *o, const struct result *r)
{
	double rate = r->seconds > 0 ? (double)r->received / r->seconds : 0;
	uint32_t bytes = (uint32_t)sizeof(struct chan_msg_hdr) +
			 chan_msg_body_len(o->sa ? CHAN_MSG_SA_ADD : CHAN_MSG_PING);

	printf("chan_bench: %llu messages of %u bytes, burst %u, ring %u: "
	       "%.3f s, %.2f M msg/s, %llu out of order, %llu rejected\n",
	       (unsigned long long)r->received, bytes, o->burst, o->slots,
	       r->seconds, rate / 1e6, (unsigned long long)r->out_of_order,
	       (unsigned long long)r->rejected);
	if (o->json) {
		FILE *f = fopen(o->json, "w");

		if (f == NULL) {
			perror(o->json);
			return;
		}
		fprintf(f, "{\"messages\": %llu, \"message_bytes\": %u, "
			"\"burst\": %u, \"ring_slots\": %u, \"seconds\": %.6f, "
			"\"msgs_per_sec\": %.0f, \"out_of_order\": %llu, "
			"\"rejected\": %llu}\n",
			(unsigned long long)r->received, bytes, o->burst,
			o->slots, r->seconds, rate,
			(unsigned long long)r->out_of_order,
			(unsigned long long)r->rejected);
		fclose(f);
	}
}

static void unlink_name(const char *name)
{
	char path[80];

	snprintf(path, sizeof(path), CHAN_PATH_PREFIX "%s", name);
	shm_unlink(path);
}

static int parse(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "count", required_argument, NULL, 'n' },
		{ "burst", required_argument, NULL, 'b' },
		{ "slots", required_argument, NULL, 's' },
		{ "sa", no_argument, NULL, 'a' },
		{ "json", required_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct opts){ .count = 20000000, .burst = 32, .slots = 1024 };
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 'n')
			o->count = strtoull(optarg, NULL, 0);
		else if (c == 'b')
			o->burst = (uint32_t)strtoul(optarg, NULL, 0);
		else if (c == 's')
			o->slots = (uint32_t)strtoul(optarg, NULL, 0);
		else if (c == 'a')
			o->sa = true;
		else if (c == 'j')
			o->json = optarg;
		else
			return -1;
	}
	if (o->count == 0 || o->burst == 0 || o->burst > MAX_BURST)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct result r = { 0 };
	struct opts o;
	char name[64];
	struct chan *ch;
	int fds[2], status;
	pid_t pid;

	if (parse(argc, argv, &o) != 0) {
		fprintf(stderr, "usage: chan_bench [--count N] [--burst 1-%d] "
			"[--slots S] [--sa] [--json FILE]\n", MAX_BURST);
		return 2;
	}
	snprintf(name, sizeof(name), "bench-%d", (int)getpid());
	if (pipe(fds) != 0)
		return 1;
	pid = fork();
	if (pid == 0)
		_exit(run_dp(name, &o, fds[1]));
	ch = attach_retry(name);
	if (ch != NULL) {
		produce(ch, &o);
		chan_close(ch);
	}
	if (ch == NULL || read(fds[0], &r, sizeof(r)) != sizeof(r)) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		unlink_name(name);
		return 1;
	}
	waitpid(pid, &status, 0);
	report(&o, &r);
	return r.received == o.count && !r.out_of_order && !r.rejected ? 0 : 1;
}
