/* SPDX-License-Identifier: BSD-3-Clause */
#include "bench_report.h"

#include <string.h>

int raw_load(struct raw_table *t, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[256];
	unsigned int no = 0;

	t->n = 0;
	if (f == NULL) {
		perror(path);
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		struct raw_fig *r = &t->fig[t->n];

		no++;
		if (line[0] == '#' || line[strspn(line, " \t\n")] == '\0')
			continue;
		if (t->n == RAW_MAX ||
		    sscanf(line, "%7s %7s %u %lf", r->dir, r->algo, &r->buf,
			   &r->mpps) != 4) {
			fprintf(stderr, "%s:%u: expected \"direction suite "
				"buffer mops\" (at most %d lines)\n", path, no,
				RAW_MAX);
			fclose(f);
			return -1;
		}
		t->n++;
	}
	fclose(f);
	return 0;
}

double raw_get(const struct raw_table *t, const char *dir, const char *algo,
	       uint32_t buf)
{
	for (unsigned int i = 0; i < t->n; i++) {
		const struct raw_fig *r = &t->fig[i];

		if (strcmp(r->dir, dir) == 0 && strcmp(r->algo, algo) == 0 &&
		    r->buf == buf)
			return r->mpps;
	}
	return 0;
}

void report_header(FILE *f)
{
	fprintf(f, "%-28s %-5s %5s %6s %3s %8s %8s %6s %6s %6s %7s\n",
		"algorithm", "dir", "frame", "SAs", "wrk", "Mpps", "raw",
		"ratio", "/1SA", "scale", "cyc/pkt");
}

/* A figure, or "-" where there is none. */
static void cell(FILE *f, int width, int prec, double v)
{
	if (v > 0)
		fprintf(f, " %*.*f", width, prec, v);
	else
		fprintf(f, " %*s", width, "-");
}

void report_line(FILE *f, const struct bench_result *r)
{
	fprintf(f, "%-28s %-5s %5u %6u %3u", r->algo_name, r->dir, r->frame,
		r->sas, r->workers);
	cell(f, 8, 3, r->mpps);
	cell(f, 8, 3, r->raw_mpps);
	cell(f, 6, 2, r->ratio);
	cell(f, 6, 2, r->vs_1sa);
	cell(f, 6, 2, r->scaling);
	cell(f, 7, 0, r->cycles);
	fputc('\n', f);
}

static void json_one(FILE *f, const struct bench_result *r)
{
	fprintf(f, "  {\"direction\": \"%s\", \"frame\": %u, \"sas\": %u, "
		"\"workers\": %u, \"mpps\": %.4f, \"raw_mpps\": %.4f, "
		"\"ratio\": %.4f,\n", r->dir, r->frame, r->sas, r->workers,
		r->mpps, r->raw_mpps, r->ratio);
	fprintf(f, "   \"algorithm\": \"%s\", \"suite\": \"%s\", "
		"\"raw_buffer\": %u, \"mpps_median\": %.4f, "
		"\"vs_1sa\": %.4f, \"scaling\": %.4f,\n", r->algo_name,
		r->algo, r->raw_buf, r->mpps_median, r->vs_1sa, r->scaling);
	fprintf(f, "   \"cycles_per_packet\": %.1f, \"burst\": %u, "
		"\"replay_window\": %u, \"preempted_bursts\": %llu,\n",
		r->cycles, r->burst, r->replay_window,
		(unsigned long long)r->interrupted);
	fprintf(f, "   \"frame_bytes\": \"Ethernet frame with 14-byte "
		"header and 4-byte FCS\"}");
}

int report_json(const char *path, const struct bench_result *r,
		unsigned int n)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return -1;
	fputs("[\n", f);
	for (unsigned int i = 0; i < n; i++) {
		json_one(f, &r[i]);
		fputs(i + 1 < n ? ",\n" : "\n", f);
	}
	fputs("]\n", f);
	return fclose(f) == 0 ? 0 : -1;
}
