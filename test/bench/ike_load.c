/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ike_load: an IKEv2 load initiator for benchmarking espgw-control.  Not a
 * test; scripts/bench-ike.sh runs it against an espgw-control it started.
 *
 *   ike_load --psk-file FILE (--rate N | --hold N) [--group G]
 *            [--target ADDR] [--port P] [--window W] [--timeout-ms MS]
 *            [--tries N] [--max-seconds S] [--delete] [--id-base N]
 *            [--pid PID] [--channel NAME] [--json FILE]
 *
 * Each handshake is a road warrior's (ike_load_msg.h): IKE_SA_INIT with
 * aes256/sha256/prf-sha256 and the group G (modp2048, the default, or
 * curve25519 ...), then IKE_AUTH with a PSK, IDi fqdn:c<n>.load.test, a CP
 * request for an IPv4 address and one ESP CHILD SA (aes256-sha256, no
 * PFS, TSi/TSr 0.0.0.0/0).  Every response is checked, the responder's
 * AUTH included.  W handshakes are in flight at once.
 *
 * --rate N: N handshakes; complete setups per second from the first
 * request to the last IKE SA up.  --hold N: the same, then the figure that
 * matters is memory: espgw-control's VmRSS (from /proc/PID/status, --pid)
 * before the first request and once all N are up, per IKE SA.  The IKE
 * SAs stay with espgw-control (the responder keeps them until their
 * lifetime; disable DPD in its configuration, we answer none).
 *
 * --channel NAME creates the channel /espgw-NAME as a data plane would and
 * drains the commands espgw-control sends (ike_load_sink.h); without it,
 * espgw-control keeps every SA command in memory and the memory figure
 * includes them.
 *
 * The PSK is read from a file so that it appears in no process list; it is
 * never printed.  Exit 0 when every handshake completed, 1 when some
 * failed, 2 on a usage or setup error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "ike_load_report.h"
#include "ike_load_run.h"

#define PSK_MAX	       256
#define SOCK_BUF       (8u << 20)
#define ATTACH_WAIT_MS 5000  /* for espgw-control to attach the channel */
#define SETTLE_WAIT_MS 10000 /* for its last SA commands */
#define QUIET_MS       200   /* no command for this long: all are in */
#define SINK_SLOTS     4096  /* 1.5 MiB of ring; drained every few ms */

struct args {
	const char *psk_file, *target, *json, *channel;
	const struct algo *group;
	uint16_t port;
	bool hold;
	int pid;
	struct ike_load_opts run;
};

static void usage(FILE *out)
{
	fprintf(out, "usage: ike_load --psk-file FILE (--rate N | --hold N) "
		     "[--group G]\n"
		     "       [--target ADDR] [--port P] [--window W] "
		     "[--timeout-ms MS] [--tries N]\n"
		     "       [--max-seconds S] [--delete] [--id-base N] "
		     "[--pid PID]\n"
		     "       [--channel NAME] [--json FILE]\n");
}

static bool num(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

static int set_group(struct args *a, const char *name)
{
	const struct algo *g = algo_by_name(ALGO_DH, name);

	if (!g || !ike_dh_supported(g)) {
		fprintf(stderr, "ike_load: unknown DH group %s\n", name);
		return -1;
	}
	a->group = g;
	return 0;
}

/* The numeric options and their ranges. */
static const struct num_opt {
	int c;
	uint64_t lo, hi;
} num_opts[] = {
	{'r', 1, UINT32_MAX >> 1}, {'H', 1, UINT32_MAX >> 1},
	{'P', 1, 65535},	   {'w', 1, IKE_LOAD_WINDOW_MAX},
	{'t', 1, 60000},	   {'n', 1, 16},
	{'m', 1, 86400},	   {'i', 0, UINT32_MAX >> 1},
	{'p', 1, INT32_MAX},
};

/* A numeric option's value into a; false for a bad value. */
static bool set_num(struct args *a, int c, const char *v)
{
	const size_t n_opts = sizeof(num_opts) / sizeof(num_opts[0]);
	struct ike_load_opts *r = &a->run;
	uint64_t n;
	size_t i;

	for (i = 0; i < n_opts && num_opts[i].c != c; i++)
		;
	if (i == n_opts || !num(v, num_opts[i].lo, num_opts[i].hi, &n))
		return false;
	switch (c) {
	case 'r':
	case 'H':
		r->total = (uint32_t)n;
		a->hold = c == 'H';
		break;
	case 'P':
		a->port = (uint16_t)n;
		break;
	case 'w':
		r->window = (uint32_t)n;
		break;
	case 't':
		r->timeout_ms = (uint32_t)n;
		break;
	case 'n':
		r->tries = (uint32_t)n;
		break;
	case 'm':
		r->max_ms = n * 1000;
		break;
	case 'i':
		r->id_base = (uint32_t)n;
		break;
	case 'p':
		a->pid = (int)n;
		break;
	}
	return true;
}

/* One option with a value into a; -1 for a bad value. */
static int set_opt(struct args *a, int c, const char *v)
{
	switch (c) {
	case 'k':
		a->psk_file = v;
		return 0;
	case 'T':
		a->target = v;
		return 0;
	case 'j':
		a->json = v;
		return 0;
	case 'c':
		a->channel = v;
		return 0;
	case 'g':
		return set_group(a, v);
	}
	if (set_num(a, c, v))
		return 0;
	fprintf(stderr, "ike_load: bad value '%s'\n", v);
	return -1;
}

static int parse(int argc, char **argv, struct args *a)
{
	static const struct option longs[] = {
		{"psk-file", 1, NULL, 'k'}, {"rate", 1, NULL, 'r'},
		{"hold", 1, NULL, 'H'},	    {"group", 1, NULL, 'g'},
		{"target", 1, NULL, 'T'},   {"port", 1, NULL, 'P'},
		{"window", 1, NULL, 'w'},   {"timeout-ms", 1, NULL, 't'},
		{"tries", 1, NULL, 'n'},    {"max-seconds", 1, NULL, 'm'},
		{"delete", 0, NULL, 'd'},   {"id-base", 1, NULL, 'i'},
		{"pid", 1, NULL, 'p'},	    {"channel", 1, NULL, 'c'},
		{"json", 1, NULL, 'j'},	    {"help", 0, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	*a = (struct args){.target = "127.0.0.1",
			   .port = IKE_PORT,
			   .group = algo_by_id(ALGO_MODP2048),
			   .run = {.window = 64,
				   .timeout_ms = 1000,
				   .tries = 5,
				   .max_ms = 600000}};
	while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			exit(0);
		}
		if (c == 'd')
			a->run.delete_sa = true;
		else if (c == '?' || set_opt(a, c, optarg) != 0)
			return -1;
	}
	if (optind != argc || !a->psk_file || a->run.total == 0) {
		usage(stderr);
		return -1;
	}
	if (a->run.window > a->run.total)
		a->run.window = a->run.total;
	return 0;
}

/* The PSK: the file's first line.  Its length, or 0. */
static size_t read_psk(const char *path, char *psk, size_t cap)
{
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (f && fgets(psk, (int)cap, f)) {
		n = strcspn(psk, "\r\n");
		psk[n] = '\0';
	}
	if (f)
		fclose(f);
	if (n == 0)
		fprintf(stderr, "ike_load: no PSK in %s\n", path);
	return n;
}

static void set_bufs(int fd)
{
	int n = SOCK_BUF;

	/* As root past net.core.[rw]mem_max; otherwise what is allowed. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &n, sizeof(n)) != 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &n, sizeof(n));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &n, sizeof(n)) != 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &n, sizeof(n));
}

/* A non-blocking UDP socket connected to the target; our end and theirs
 * into p for the NAT detection hashes.  The fd or -1. */
static int open_socket(const struct args *a, struct ike_load_params *p)
{
	struct sockaddr_in to = {.sin_family = AF_INET,
				 .sin_port = htons(a->port)};
	struct sockaddr_in me;
	socklen_t len = sizeof(me);
	int fd;

	if (inet_pton(AF_INET, a->target, &to.sin_addr) != 1) {
		fprintf(stderr, "ike_load: not an IPv4 address: %s\n",
			a->target);
		return -1;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&to, sizeof(to)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&me, &len) != 0) {
		perror("ike_load: socket");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	set_bufs(fd);
	p->local.addr = (struct ip_addr){.family = ADDR_V4};
	memcpy(p->local.addr.bytes, &me.sin_addr, 4);
	p->local.port = ntohs(me.sin_port);
	p->remote.addr = (struct ip_addr){.family = ADDR_V4};
	memcpy(p->remote.addr.bytes, &to.sin_addr, 4);
	p->remote.port = a->port;
	return fd;
}

static uint64_t ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void nap(void)
{
	nanosleep(&(struct timespec){0, 5000000}, NULL); /* 5 ms */
}

/* Wait, bounded, for espgw-control to attach to the channel. */
static int wait_attached(struct ike_load_sink *s)
{
	uint64_t end = ms_now() + ATTACH_WAIT_MS;

	while (!ike_load_sink_attached(s) && ms_now() < end)
		nap();
	if (!ike_load_sink_attached(s)) {
		fprintf(stderr,
			"ike_load: espgw-control did not attach to "
			"the channel in %u ms\n",
			ATTACH_WAIT_MS);
		return -1;
	}
	/* Its FLUSH_ALL and resync follow the attach. */
	while (ike_load_sink_count(s, CHAN_MSG_FLUSH_ALL) == 0 &&
	       ms_now() < end) {
		ike_load_sink_drain(s);
		nap();
	}
	return 0;
}

/*
 * Drain until espgw-control's SA commands for `up` CHILD SAs (two SA_ADDs
 * each) are in and nothing has come for QUIET_MS, or SETTLE_WAIT_MS.
 */
static void settle(struct ike_load_sink *s, uint64_t up)
{
	uint64_t end = ms_now() + SETTLE_WAIT_MS, quiet = ms_now();

	while (ms_now() < end) {
		if (ike_load_sink_drain(s))
			quiet = ms_now();
		if (ike_load_sink_count(s, CHAN_MSG_SA_ADD) >= 2 * up &&
		    ms_now() - quiet >= QUIET_MS)
			return;
		nap();
	}
}

static int run(struct args *a, struct ike_load_params *p,
	       struct ike_load_sink *sink)
{
	struct ike_load_report rep = {.hold = a->hold,
				      .group = a->group,
				      .window = a->run.window,
				      .pid = a->pid,
				      .sink = sink};
	int fd = open_socket(a, p);
	int rc;

	if (fd < 0)
		return 2;
	a->run.fd = fd;
	a->run.params = p;
	a->run.sink = sink;
	if (sink && wait_attached(sink) != 0) {
		close(fd);
		return 2;
	}
	ike_load_report_rss(a->pid, &rep.rss_before);
	rep.cpu_resp = a->pid ? ike_load_report_cpu(a->pid) : -1;
	rep.cpu_init = ike_load_report_cpu(0);
	rc = ike_load_run(&a->run, &rep.res);
	if (rep.cpu_resp >= 0)
		rep.cpu_resp = ike_load_report_cpu(a->pid) - rep.cpu_resp;
	rep.cpu_init = ike_load_report_cpu(0) - rep.cpu_init;
	close(fd);
	if (rc != 0) {
		fprintf(stderr, "ike_load: out of memory\n");
		return 2;
	}
	if (sink)
		settle(sink, rep.res.established);
	ike_load_report_rss(a->pid, &rep.rss_after);
	ike_load_report_print(&rep, stdout);
	if (a->json && ike_load_report_json(&rep, a->json) != 0)
		return 2;
	return ike_load_failed(&rep.res) ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct ike_load_sink *sink = NULL;
	struct ike_load_params p;
	char psk[PSK_MAX];
	struct args a;
	size_t psk_len;
	int rc = 2;

	if (parse(argc, argv, &a) != 0)
		return 2;
	psk_len = read_psk(a.psk_file, psk, sizeof(psk));
	if (psk_len == 0)
		return 2;
	if (ike_load_params_init(
		    &p, a.group,
		    (struct ike_slice){(const uint8_t *)psk, psk_len}) != 0) {
		fprintf(stderr, "ike_load: no key pair for %s\n",
			a.group->name);
		goto out;
	}
	if (a.channel) {
		sink = ike_load_sink_create(a.channel, SINK_SLOTS);
		if (!sink)
			goto out;
	}
	rc = run(&a, &p, sink);
out:
	ike_load_sink_destroy(sink);
	ike_load_params_free(&p);
	OPENSSL_cleanse(psk, sizeof(psk));
	return rc;
}
