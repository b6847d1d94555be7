/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ESP benchmark's figures: the raw crypto ceiling read from the file
 * scripts/bench-esp.sh makes from dpdk-test-crypto-perf, the table on
 * stdout and the JSON file.
 */
#ifndef ESPGW_BENCH_REPORT_H
#define ESPGW_BENCH_REPORT_H

#include <stdint.h>
#include <stdio.h>

#define RAW_MAX 64

/* One crypto-perf figure: direction, suite key, buffer bytes, Mops. */
struct raw_fig {
	char dir[8];
	char algo[8];
	uint32_t buf;
	double mpps;
};

struct raw_table {
	struct raw_fig fig[RAW_MAX];
	unsigned int n;
};

struct bench_result {
	const char *dir;       /* "encap" or "decap" */
	const char *algo;      /* suite key: "cbc", "gcm" */
	const char *algo_name; /* "aes-256-cbc+hmac-sha256-128", ... */
	uint32_t frame;        /* Ethernet frame bytes, bench_pkt.h */
	uint32_t sas;
	uint32_t workers;
	uint32_t raw_buf;      /* crypto-perf buffer: ESP ciphertext bytes */
	uint32_t burst;
	uint32_t replay_window;
	double mpps;           /* best slice, all workers together */
	double mpps_median;    /* median slice */
	double raw_mpps;       /* one lcore of crypto-perf; 0: none */
	double ratio;          /* mpps / (workers * raw_mpps); 0: none */
	double vs_1sa;         /* mpps / mpps with 1 SA; 0: not measured */
	double scaling;        /* mpps / mpps with 1 worker; 0: not measured */
	double cycles;         /* TSC cycles per packet on one worker */
	uint64_t interrupted;  /* bursts left out as preempted */
};

/*
 * Read lines "direction suite buffer mops" ('#' starts a comment).
 * Returns 0, or -1 with a message on stderr.
 */
int raw_load(struct raw_table *t, const char *path);

/* The figure for dir, algo and buf; 0 if there is none. */
double raw_get(const struct raw_table *t, const char *dir, const char *algo,
	       uint32_t buf);

void report_header(FILE *f);
void report_line(FILE *f, const struct bench_result *r);

/* Write the results as a JSON array of objects.  0, or -1 (errno). */
int report_json(const char *path, const struct bench_result *r,
		unsigned int n);

#endif
