/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The load initiator's figures: espgw-control's memory read from
 * /proc/PID/status, the summary on stdout and the JSON object that
 * scripts/bench-ike.sh gathers into its report.
 */
#ifndef ESPGW_IKE_LOAD_REPORT_H
#define ESPGW_IKE_LOAD_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ike_load_run.h"
#include "ike_load_sink.h"

/* Resident memory in KiB; all 0 when it could not be read. */
struct ike_load_rss {
	uint64_t vm_rss, rss_anon, rss_shmem;
};

struct ike_load_report {
	bool hold;
	const struct algo *group;
	uint32_t window;
	int pid;			  /* 0: no memory figures */
	const struct ike_load_sink *sink; /* may be NULL */
	struct ike_load_rss rss_before, rss_after;
	double cpu_resp, cpu_init; /* CPU seconds spent during the run */
	struct ike_load_result res;
};

/* Read VmRSS, RssAnon and RssShmem of pid (0: leave all 0); 0 or -1. */
int ike_load_report_rss(int pid, struct ike_load_rss *out);

/* CPU seconds (user and system) pid has used, or this process with pid
 * 0; negative when unknown. */
double ike_load_report_cpu(int pid);

/* Setups per second; 0 when no time passed. */
double ike_load_report_rate(const struct ike_load_report *r);

/* KiB of VmRSS per IKE SA held, without the channel ring's growth
 * (RssShmem); negative when not measured. */
double ike_load_report_kib_per_sa(const struct ike_load_report *r);

void ike_load_report_print(const struct ike_load_report *r, FILE *out);

/* Write the JSON object to path; 0, or -1 with a message on stderr. */
int ike_load_report_json(const struct ike_load_report *r, const char *path);

#endif
