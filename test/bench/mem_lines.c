/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * How many random cache lines a second this core reads from buffers of
 * growing size, each line fetched a fixed distance ahead of its read, as
 * the ESP core fetches SA lines.  Not a test: it tells where a VM's caches
 * end and what memory then delivers, the ceiling of ESP at 10,000 SAs
 * (README, "ESP per worker").
 *
 *   mem_lines [--mib 1,4,8,16,64] [--ahead 8] [--steps N]
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define LINE      64
#define MAX_SIZES 16

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* xorshift64: line numbers in an order no hardware prefetcher follows. */
static uint64_t next_rand(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* Million lines a second over a buffer of mib MiB. */
static double lines_per_s(size_t mib, unsigned int ahead, size_t steps)
{
	size_t size = mib << 20, lines = size / LINE;
	uint32_t *order = malloc(steps * sizeof(*order));
	uint8_t *buf = mmap(NULL, size, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t x = 88172645463325252ull, sum = 0;
	double t;

	if (order == NULL || buf == MAP_FAILED) {
		fprintf(stderr, "mem_lines: no memory for %zu MiB\n", mib);
		exit(1);
	}
	madvise(buf, size, MADV_HUGEPAGE);
	memset(buf, 1, size);
	for (size_t i = 0; i < steps; i++)
		order[i] = (uint32_t)(next_rand(&x) % lines);
	t = now();
	for (size_t i = 0; i + ahead < steps; i++) {
		__builtin_prefetch(buf + (size_t)order[i + ahead] * LINE, 0, 3);
		sum += buf[(size_t)order[i] * LINE];
	}
	t = now() - t;
	munmap(buf, size);
	free(order);
	if (sum == 0) /* keeps the reads; every byte is 1 */
		fprintf(stderr, "mem_lines: nothing read\n");
	return (double)(steps - ahead) / t / 1e6;
}

static size_t parse_list(const char *s, size_t *v)
{
	size_t n = 0;

	for (char *end; *s != '\0' && n < MAX_SIZES; s = end) {
		v[n] = strtoul(s, &end, 10);
		if (end == s || v[n] == 0 || v[n] > 4096)
			return 0;
		n++;
		if (*end == ',')
			end++;
	}
	return n;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mib", 1, NULL, 'm' },
		{ "ahead", 1, NULL, 'a' },
		{ "steps", 1, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	size_t mib[MAX_SIZES] = { 1, 4, 6, 8, 12, 16, 64 }, n_mib = 7;
	size_t steps = 20000000;
	unsigned int ahead = 8;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'm': n_mib = parse_list(optarg, mib); break;
		case 'a': ahead = (unsigned int)atoi(optarg); break;
		case 's': steps = strtoul(optarg, NULL, 10); break;
		default: n_mib = 0; break;
		}
	}
	if (n_mib == 0 || ahead > 256 || steps <= ahead || optind != argc) {
		fprintf(stderr, "usage: mem_lines [--mib 1,4,8,16,64] "
				"[--ahead 8] [--steps N]\n");
		return 2;
	}
	printf("MiB  M lines/s (random, fetched %u ahead)\n", ahead);
	for (size_t i = 0; i < n_mib; i++)
		printf("%4zu  %8.0f\n", mib[i],
		       lines_per_s(mib[i], ahead, steps));
	return 0;
}
