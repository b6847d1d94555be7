/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packets per second through the ESP core on one or two worker lcores, to
 * set against the raw crypto ceiling of the same core.  Not a test;
 * scripts/bench-esp.sh runs it, after dpdk-test-crypto-perf for the raw
 * figures, which it hands over with --raw.
 *
 *   esp_bench [--algo cbc,gcm] [--frames 64,512,1400] [--sas 1,10000]
 *             [--workers 1,2] [--dir encap,decap] [--slice SECONDS]
 *             [--slices N] [--burst B] [--mem huge|4k|auto] [--raw FILE]
 *             [--json FILE] [--skip-preempted] [--no-intro]
 *   esp_bench --sizes [--algo ...] [--frames ...]
 *
 * --sizes prints "direction suite frame bytes" lines: the ESP ciphertext
 * length of each frame (inner packet, padding, trailer), the buffer size
 * the raw figure is measured at.  --mem chooses the EAL's memory: huge
 * (--in-memory, needs 256 free 2 MiB hugepages), 4k (--no-huge) or auto
 * (huge if there are enough free, the default).  Frames are Ethernet
 * frames, FCS included (bench_pkt.h); the inner packet is IPv4/UDP, tunnel
 * mode, no NAT-T.
 *
 * What is timed: esp_outb_process() (encap) or esp_inb_process() (decap)
 * on a burst of mbufs, and nothing else: no RX, TX or lookups.  Between
 * the timed calls, untimed, the worker rebuilds its burst: it resets each
 * mbuf and copies the cleartext packet in; for decap it then encapsulates
 * the burst with the outbound twins of the inbound SAs.
 *
 * Why re-encrypt per round for decap: so every packet carries the next
 * sequence number of its SA, as from a real peer, and the replay window is
 * checked and advanced for every packet with none dropped as a replay (a
 * drop stops the run).  A pre-built ring of ESP packets would have to hold
 * every packet of a run (decap decrypts in place), gigabytes at these
 * rates, or the run would have to reset the replay windows between passes,
 * which is not what a gateway does.  The price is that a packet is in the
 * cache when decap starts, as it is on the encap side and for crypto-perf,
 * which reuses its buffers.
 *
 * Traffic over N SAs: the k-th packet of a worker goes on SA (k * 7919)
 * mod N: every SA equally often, consecutive packets on different SAs, in
 * an order the prefetcher does not follow.  With two workers, decap splits
 * the SAs by owner (one worker per inbound SA, esp_sa.h): worker w takes
 * the SAs whose index is w mod 2; encap lets both send on every SA (one
 * SA: both on the same atomic sequence counter).  One worker is the sole
 * sender on its SAs (esp_crypto_sole_sender()), as in espgw-dataplane.
 *
 * Each measurement runs a warm-up, then --slices slices of --slice seconds
 * of timed work on every worker; Mpps is the best slice (other load on the
 * machine only ever slows a slice down; scripts/bench-esp.sh takes the
 * best of as many crypto-perf runs), the JSON has the median too.  With two
 * workers, slice i of both is summed, after a start barrier.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "addr.h"
#include "algo.h"
#include "bench_pkt.h"
#include "bench_report.h"
#include "bench_run.h"
#include "esp_pad.h"

#define MAX_LIST    8
#define MAX_RESULTS 256

static const struct suite suites[] = {
	{ "cbc", "aes-256-cbc+hmac-sha256-128", ALGO_AES_256_CBC,
	  ALGO_HMAC_SHA256_128 },
	{ "gcm", "aes-256-gcm-128", ALGO_AES_256_GCM, ALGO_INVALID },
};
#define N_SUITES (sizeof(suites) / sizeof(suites[0]))

enum mem { MEM_AUTO, MEM_HUGE, MEM_4K };

struct opts {
	bool suite_on[N_SUITES];
	enum mem mem;
	uint32_t frames[MAX_LIST], sas[MAX_LIST], workers[MAX_LIST];
	unsigned int n_frames, n_sas, n_workers;
	bool encap, decap, sizes, skip_preempted, no_intro;
	double slice_s;
	unsigned int slices;
	uint16_t burst;
	const char *raw, *json;
};

static struct worker workers[MAX_WORKERS];
static struct rte_mempool *pool;
static struct bench_result results[MAX_RESULTS];
static unsigned int n_results;
static struct raw_table raw;
static bool huge; /* EAL memory on hugepages */

/* ---- options ---- */

static void usage(void)
{
	fprintf(stderr,
		"usage: esp_bench [--algo cbc,gcm] [--frames 64,512,1400] "
		"[--sas 1,10000]\n"
		"                 [--workers 1,2] [--dir encap,decap] "
		"[--slice S] [--slices N]\n"
		"                 [--burst B] [--mem huge|4k|auto] "
		"[--raw FILE] [--json FILE]\n"
		"                 [--skip-preempted] [--no-intro]\n"
		"       esp_bench --sizes [--algo ...] [--frames ...] "
		"[--dir ...]\n");
	exit(2);
}

static unsigned int parse_list(char *s, uint32_t *v, uint32_t lo,
			       uint32_t hi)
{
	unsigned int n = 0;

	for (char *t = strtok(s, ","); t != NULL; t = strtok(NULL, ",")) {
		char *end;
		unsigned long x = strtoul(t, &end, 10);

		if (*end != '\0' || x < lo || x > hi || n == MAX_LIST) {
			fprintf(stderr, "esp_bench: bad list item \"%s\": "
				"expected %u..%u, at most %d items\n", t, lo,
				hi, MAX_LIST);
			exit(2);
		}
		v[n++] = (uint32_t)x;
	}
	return n;
}

/* A later --algo or --dir replaces an earlier one. */
static void parse_words(char *s, struct opts *o, bool algo)
{
	if (algo)
		memset(o->suite_on, 0, sizeof(o->suite_on));
	else
		o->encap = o->decap = false;
	for (char *t = strtok(s, ","); t != NULL; t = strtok(NULL, ",")) {
		bool ok = false;

		for (size_t i = 0; algo && i < N_SUITES; i++) {
			if (strcmp(t, suites[i].key) == 0)
				ok = o->suite_on[i] = true;
		}
		if (!algo && strcmp(t, "encap") == 0)
			ok = o->encap = true;
		if (!algo && strcmp(t, "decap") == 0)
			ok = o->decap = true;
		if (!ok) {
			fprintf(stderr, "esp_bench: unknown %s \"%s\"\n",
				algo ? "suite (cbc, gcm)" :
				       "direction (encap, decap)", t);
			exit(2);
		}
	}
}

static void opts_default(struct opts *o)
{
	static const uint32_t frames[] = { 64, 512, 1400 };

	memset(o, 0, sizeof(*o));
	memcpy(o->frames, frames, sizeof(frames));
	o->n_frames = 3;
	o->sas[0] = 1;
	o->sas[1] = 10000;
	o->n_sas = 2;
	o->workers[0] = 1;
	o->workers[1] = 2;
	o->n_workers = 2;
	o->slice_s = 0.2;
	o->slices = 5;
	o->burst = 32;
}

static void opts_fill(struct opts *o)
{
	bool any = false;

	for (size_t i = 0; i < N_SUITES; i++)
		any |= o->suite_on[i];
	if (!any)
		for (size_t i = 0; i < N_SUITES; i++)
			o->suite_on[i] = true;
	if (!o->encap && !o->decap)
		o->encap = o->decap = true;
}

static void opts_parse(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "algo", 1, NULL, 'a' },    { "frames", 1, NULL, 'f' },
		{ "sas", 1, NULL, 's' },     { "workers", 1, NULL, 'w' },
		{ "dir", 1, NULL, 'd' },     { "slice", 1, NULL, 't' },
		{ "slices", 1, NULL, 'n' },  { "burst", 1, NULL, 'b' },
		{ "raw", 1, NULL, 'r' },     { "json", 1, NULL, 'j' },
		{ "sizes", 0, NULL, 'z' },   { "mem", 1, NULL, 'm' },
		{ "skip-preempted", 0, NULL, 'p' },
		{ "no-intro", 0, NULL, 'q' }, { NULL, 0, NULL, 0 },
	};
	uint32_t v[MAX_LIST];
	int c;

	opts_default(o);
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'a': parse_words(optarg, o, true); break;
		case 'd': parse_words(optarg, o, false); break;
		case 'f':
			o->n_frames = parse_list(optarg, o->frames,
						 BENCH_FRAME_MIN,
						 BENCH_FRAME_MAX);
			break;
		case 's':
			o->n_sas = parse_list(optarg, o->sas, 1, 1000000);
			break;
		case 'w':
			o->n_workers = parse_list(optarg, o->workers, 1,
						  MAX_WORKERS);
			break;
		case 't': o->slice_s = atof(optarg); break;
		case 'n':
			parse_list(optarg, v, 1, SLICES_MAX);
			o->slices = v[0];
			break;
		case 'b':
			parse_list(optarg, v, 1, BURST_MAX);
			o->burst = (uint16_t)v[0];
			break;
		case 'r': o->raw = optarg; break;
		case 'j': o->json = optarg; break;
		case 'z': o->sizes = true; break;
		case 'p': o->skip_preempted = true; break;
		case 'q': o->no_intro = true; break;
		case 'm':
			o->mem = strcmp(optarg, "huge") == 0 ? MEM_HUGE
				 : strcmp(optarg, "4k") == 0 ? MEM_4K
				 : strcmp(optarg, "auto") == 0 ? MEM_AUTO
							       : (usage(), 0);
			break;
		default: usage();
		}
	}
	if (optind != argc || o->slice_s <= 0 || o->slice_s > 10)
		usage();
	opts_fill(o);
}

/* ---- sizes ---- */

/* Bytes ESP enciphers for a frame: inner packet, padding, trailer. */
static uint32_t ct_len(const struct suite *su, uint32_t frame)
{
	uint32_t ip = bench_ip_len(frame);
	uint32_t blk_mask = su->cipher == ALGO_AES_256_GCM ? 3 : 15;

	return ip + esp_pad_len(ip, blk_mask) + ESP_TRAILER_LEN;
}

/* Outer packet: IPv4, ESP header, IV, ciphertext, ICV. */
static uint32_t esp_len(const struct suite *su, uint32_t frame)
{
	const struct algo *c = algo_by_id(su->cipher);
	const struct algo *i = algo_by_id(su->integ);
	uint32_t icv = c->flags & ALGO_AEAD ? c->out_len : i->out_len;

	return 20 + ESP_HDR_LEN + c->iv_len + ct_len(su, frame) + icv;
}

static void print_sizes(const struct opts *o)
{
	for (int d = 0; d < 2; d++) {
		for (size_t s = 0; (d ? o->decap : o->encap) && s < N_SUITES;
		     s++) {
			for (unsigned int f = 0;
			     o->suite_on[s] && f < o->n_frames; f++)
				printf("%s %s %u %u\n", d ? "decap" : "encap",
				       suites[s].key, o->frames[f],
				       ct_len(&suites[s], o->frames[f]));
		}
	}
}

/* ---- ratios and output ---- */

static const struct bench_result *find(const struct bench_result *r,
				       uint32_t sas, uint32_t nw)
{
	for (unsigned int i = 0; i < n_results; i++) {
		const struct bench_result *x = &results[i];

		if (x->algo == r->algo && strcmp(x->dir, r->dir) == 0 &&
		    x->frame == r->frame && x->sas == sas && x->workers == nw)
			return x;
	}
	return NULL;
}

/* Ratios against the raw figure and the earlier measurements: the loops
 * measure 1 SA before N and 1 worker before 2. */
static void add_ratios(struct bench_result *r)
{
	const struct bench_result *one = find(r, 1, r->workers);
	const struct bench_result *solo = find(r, r->sas, 1);

	r->raw_mpps = raw_get(&raw, r->dir, r->algo, r->raw_buf);
	if (r->raw_mpps > 0)
		r->ratio = r->mpps / (r->workers * r->raw_mpps);
	if (r->sas != 1 && one != NULL)
		r->vs_1sa = r->mpps / one->mpps;
	if (r->workers != 1 && solo != NULL)
		r->scaling = r->mpps / solo->mpps;
}

static void print_intro(void)
{
	static const char *const arch[IMB_ARCH_NUM] = {
		[IMB_ARCH_NOAESNI] = "no-aesni", [IMB_ARCH_SSE] = "sse",
		[IMB_ARCH_AVX] = "avx", [IMB_ARCH_AVX2] = "avx2",
		[IMB_ARCH_AVX512] = "avx512",
	};
	uint32_t a = workers[0].cx->mgr->used_arch;

	printf("ESP core (esp_outb_process / esp_inb_process), tunnel mode, "
	       "IPv4, no NAT-T, replay window %u, IPsec-MB %s (%s), %s\n",
	       REPLAY_WINDOW, imb_get_version_str(),
	       a < IMB_ARCH_NUM && arch[a] ? arch[a] : "?",
	       huge ? "hugepages" : "4 KiB pages");
	printf("frame = Ethernet frame with 14 B header and 4 B FCS; the "
	       "inner IPv4/UDP packet is frame - 18 B; Mpps counts "
	       "cleartext packets\n");
	printf("raw = dpdk-test-crypto-perf, crypto_aesni_mb, one lcore, "
	       "buffer = ESP ciphertext bytes; ratio = Mpps / (workers x "
	       "raw); /1SA = Mpps / Mpps with 1 SA; scale = Mpps / Mpps "
	       "with 1 worker\n\n");
}

/* ---- measurements ---- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void summarize(const struct run *r, struct bench_result *res)
{
	double agg[SLICES_MAX];
	uint64_t cycles = 0, packets = 0;

	for (unsigned int s = 0; s < r->slices; s++) {
		agg[s] = 0;
		for (uint32_t i = 0; i < r->workers; i++)
			agg[s] += r->w[i]->rate[s];
	}
	qsort(agg, r->slices, sizeof(agg[0]), cmp_double);
	res->mpps = agg[r->slices - 1] / 1e6;
	res->mpps_median = agg[r->slices / 2] / 1e6;
	for (uint32_t i = 0; i < r->workers; i++) {
		cycles += r->w[i]->cycles;
		packets += r->w[i]->packets;
	}
	res->cycles = (double)cycles / (double)packets;
	for (uint32_t i = 0; i < r->workers; i++)
		res->interrupted += r->w[i]->interrupted;
}

static void run_init(struct run *r, const struct opts *o,
		     const struct sa_set *set, const struct suite *su,
		     uint32_t frame)
{
	static const struct bench_flow flow = {
		.src = { 10, 10, 0, 10 },   /* an office host */
		.dst = { 172, 16, 1, 100 }, /* a road warrior */
		.sport = 5001, .dport = 5001, .ttl = 63,
	};

	r->set = set;
	r->skip_preempted = o->skip_preempted;
	r->burst = o->burst;
	r->slices = o->slices;
	r->slice_cycles = (uint64_t)(o->slice_s * (double)rte_get_tsc_hz());
	r->ip_len = bench_ip_len(frame);
	r->out_len = esp_len(su, frame);
	bench_udp4(r->ip, r->ip_len, &flow, 1);
	r->span = r->decap ? r->n_sas / r->workers : r->n_sas;
	r->stride = r->span % STRIDE == 0 ? 1 : STRIDE % r->span;
	r->ready = 0;
	for (uint32_t i = 0; i < r->workers; i++) {
		r->w[i] = &workers[i];
		workers[i].run = r;
		workers[i].cur = r->decap ? 0 : i * (r->span / r->workers);
		/* as espgw-dataplane does with one worker */
		esp_crypto_sole_sender(workers[i].cx, r->workers == 1);
	}
}

static int run_workers(struct run *r)
{
	int rc = 0;

	for (uint32_t i = 1; i < r->workers; i++) {
		if (rte_eal_remote_launch(worker_main, r->w[i],
					  rte_get_next_lcore(-1, 1, 0)) != 0)
			return -1;
	}
	rc |= worker_main(r->w[0]);
	rte_eal_mp_wait_lcore();
	for (uint32_t i = 0; i < r->workers; i++) {
		if (r->w[i]->err != NULL) {
			fprintf(stderr, "esp_bench: worker %u: %s\n", i,
				r->w[i]->err);
			rc = -1;
		}
	}
	return rc;
}

static int measure(const struct opts *o, const struct suite *su,
		   const struct sa_set *set, bool decap, uint32_t frame,
		   uint32_t n_sas, uint32_t nw)
{
	static struct run r;
	struct bench_result *res = &results[n_results];

	memset(&r, 0, sizeof(r));
	r.decap = decap;
	r.n_sas = n_sas;
	r.workers = nw;
	if (decap && n_sas % nw != 0) {
		fprintf(stderr, "esp_bench: decap with %u SA(s) on %u "
			"workers skipped: an inbound SA has one owning "
			"worker (esp_sa.h)\n", n_sas, nw);
		return 0;
	}
	run_init(&r, o, set, su, frame);
	if (run_workers(&r) != 0 || n_results == MAX_RESULTS)
		return -1;

	memset(res, 0, sizeof(*res));
	res->dir = decap ? "decap" : "encap";
	res->algo = su->key;
	res->algo_name = su->name;
	res->frame = frame;
	res->sas = n_sas;
	res->workers = nw;
	res->raw_buf = ct_len(su, frame);
	res->burst = o->burst;
	res->replay_window = REPLAY_WINDOW;
	summarize(&r, res);
	add_ratios(res);
	report_line(stdout, res);
	fflush(stdout);
	n_results++;
	return 0;
}

static uint32_t max_of(const uint32_t *v, unsigned int n)
{
	uint32_t m = 0;

	for (unsigned int i = 0; i < n; i++)
		m = v[i] > m ? v[i] : m;
	return m;
}

/* Every measurement of one suite, on one set of SAs. */
static int measure_suite(const struct opts *o, const struct suite *su)
{
	struct sa_set set = { 0 };
	int rc = 0;

	if (sa_set_create(&set, su, max_of(o->sas, o->n_sas),
			  workers[0].cx) < 0)
		return -1;
	for (int d = 0; d < 2 && rc == 0; d++) {
		if (!(d ? o->decap : o->encap))
			continue;
		for (unsigned int f = 0; f < o->n_frames && rc == 0; f++)
			for (unsigned int s = 0; s < o->n_sas && rc == 0; s++)
				for (unsigned int w = 0;
				     w < o->n_workers && rc == 0; w++)
					rc = measure(o, su, &set, d,
						     o->frames[f], o->sas[s],
						     o->workers[w]);
	}
	sa_set_free(&set);
	return rc;
}

/* ---- set-up ---- */

/* Hugepages if the system has free ones (as a gateway would run), 4 KiB
 * pages otherwise: many SAs then cost TLB misses as well. */
static bool huge_pages_free(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	unsigned long n = 0;

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		sscanf(line, "HugePages_Free: %lu", &n);
	if (f != NULL)
		fclose(f);
	return n >= 256; /* 512 MiB of 2 MiB pages */
}

static int eal_start(const struct opts *o, uint32_t lcores)
{
	char *argv[] = { "esp_bench", "--no-pci", "--log-level=error", "-l",
			 lcores > 1 ? "0,1" : "0", "--in-memory", NULL, NULL,
			 NULL };
	int argc = 6;

	if (o->mem == MEM_4K || (o->mem == MEM_AUTO && !huge_pages_free())) {
		argv[5] = "--no-huge";
		argv[6] = "--no-shconf";
		argv[7] = "-m512";
		argc = 8;
	}
	huge = argc == 6;
	return rte_eal_init(argc, argv) < 0 ? -1 : 0;
}

static int workers_create(uint32_t n, uint16_t burst)
{
	pool = rte_pktmbuf_pool_create("esp_bench", n * BURST_MAX + 63, 0, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE,
				       SOCKET_ID_ANY);
	if (pool == NULL)
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		workers[i].id = i;
		workers[i].cx = esp_crypto_create(SOCKET_ID_ANY);
		if (workers[i].cx == NULL ||
		    rte_pktmbuf_alloc_bulk(pool, workers[i].mb, burst) != 0)
			return -1;
	}
	return 0;
}

/* Two workers need two CPUs; drop them from the list otherwise. */
static uint32_t usable_workers(struct opts *o)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned int k = 0;

	for (unsigned int i = 0; i < o->n_workers; i++) {
		if (o->workers[i] <= cpus)
			o->workers[k++] = o->workers[i];
		else
			fprintf(stderr, "esp_bench: %u workers skipped: %ld "
				"CPU(s)\n", o->workers[i], cpus);
	}
	o->n_workers = k;
	return max_of(o->workers, k);
}

int main(int argc, char **argv)
{
	struct opts o;
	uint32_t nw;

	opts_parse(argc, argv, &o);
	if (o.sizes) {
		print_sizes(&o);
		return 0;
	}
	if (o.raw != NULL && raw_load(&raw, o.raw) < 0)
		return 1;
	nw = usable_workers(&o);
	if (nw == 0 || eal_start(&o, nw) < 0 ||
	    workers_create(nw, o.burst) < 0) {
		fprintf(stderr, "esp_bench: set-up failed\n");
		return 1;
	}
	if (!o.no_intro) {
		print_intro();
		report_header(stdout);
	}
	for (size_t s = 0; s < N_SUITES; s++) {
		if (o.suite_on[s] && measure_suite(&o, &suites[s]) < 0) {
			fprintf(stderr, "esp_bench: %s failed\n",
				suites[s].name);
			return 1;
		}
	}
	if (o.json != NULL && report_json(o.json, results, n_results) < 0) {
		perror(o.json);
		return 1;
	}
	return 0;
}
