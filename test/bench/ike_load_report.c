/* SPDX-License-Identifier: BSD-3-Clause */
#include "ike_load_report.h"

#include <inttypes.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

int ike_load_report_rss(int pid, struct ike_load_rss *out)
{
	char path[64], line[256];
	FILE *f;

	memset(out, 0, sizeof(*out));
	if (pid <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		uint64_t v;

		if (sscanf(line, "VmRSS: %" SCNu64, &v) == 1)
			out->vm_rss = v;
		else if (sscanf(line, "RssAnon: %" SCNu64, &v) == 1)
			out->rss_anon = v;
		else if (sscanf(line, "RssShmem: %" SCNu64, &v) == 1)
			out->rss_shmem = v;
	}
	fclose(f);
	return out->vm_rss ? 0 : -1;
}

static double tv_s(struct timeval tv)
{
	return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

double ike_load_report_cpu(int pid)
{
	unsigned long long ut, st;
	char path[64], buf[1024], *p;
	struct rusage ru;
	FILE *f;
	size_t n;

	if (pid <= 0) {
		getrusage(RUSAGE_SELF, &ru);
		return tv_s(ru.ru_utime) + tv_s(ru.ru_stime);
	}
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* proc(5): fields 14 and 15 after "pid (comm)", comm may hold ')' */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1,
			 " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u "
			 "%*u %llu %llu",
			 &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

double ike_load_report_rate(const struct ike_load_report *r)
{
	return r->res.seconds > 0 ? r->res.established / r->res.seconds : 0;
}

static bool measured(const struct ike_load_report *r)
{
	return r->hold && r->res.established > 0 && r->rss_before.vm_rss &&
	       r->rss_after.vm_rss;
}

static double per_sa(const struct ike_load_report *r, uint64_t before,
		     uint64_t after)
{
	return ((double)after - (double)before) / (double)r->res.established;
}

/*
 * The channel's command ring is shared memory that espgw-control's mapping
 * touches slot by slot as it sends, up to the ring's fixed size; it is the
 * data plane's (created by it, or here by the sink), not per IKE SA, so
 * its growth (RssShmem) is taken out.
 */
double ike_load_report_kib_per_sa(const struct ike_load_report *r)
{
	const struct ike_load_rss *b = &r->rss_before, *a = &r->rss_after;

	if (!measured(r))
		return -1;
	return per_sa(r, b->vm_rss + a->rss_shmem, a->vm_rss + b->rss_shmem);
}

static const char *notify_name(uint16_t type)
{
	const char *n = type ? ike_notify_name(type) : "other";

	return n ? n : "unknown";
}

static void print_failures(const struct ike_load_result *res, FILE *out)
{
	fprintf(out,
		"  failed         %" PRIu64 " (timeout %" PRIu64
		", notify %" PRIu64 ", bad response %" PRIu64 ")\n",
		ike_load_failed(res), res->timeouts, res->notified,
		ike_load_failed(res) - res->timeouts - res->notified);
	for (unsigned int i = 0; i < IKE_LOAD_NOTIFY_KINDS; i++)
		if (res->notify[i].n)
			fprintf(out, "    notify %-24s %" PRIu64 "\n",
				notify_name(res->notify[i].type),
				res->notify[i].n);
	for (unsigned int i = 0; i < IKE_LOAD_BAD_COUNT; i++)
		if (res->bad[i])
			fprintf(out, "    bad %-8s %" PRIu64 " (%s)\n",
				ike_load_bad_name(i), res->bad[i],
				ike_load_bad_text(i));
}

static void print_memory(const struct ike_load_report *r, FILE *out)
{
	const struct ike_load_rss *b = &r->rss_before, *a = &r->rss_after;

	if (!measured(r))
		return;
	fprintf(out,
		"  VmRSS          %" PRIu64 " -> %" PRIu64
		" KiB: %.2f KiB per IKE SA, %.2f without the channel\n",
		b->vm_rss, a->vm_rss, per_sa(r, b->vm_rss, a->vm_rss),
		ike_load_report_kib_per_sa(r));
	fprintf(out,
		"    RssAnon      %" PRIu64 " -> %" PRIu64
		" KiB: %.2f KiB per IKE SA\n",
		b->rss_anon, a->rss_anon, per_sa(r, b->rss_anon, a->rss_anon));
	fprintf(out,
		"    RssShmem     %" PRIu64 " -> %" PRIu64
		" KiB (the channel's ring)\n",
		b->rss_shmem, a->rss_shmem);
}

void ike_load_report_print(const struct ike_load_report *r, FILE *out)
{
	const struct ike_load_result *res = &r->res;

	fprintf(out, "ike_load %s, %s, window %u\n", r->hold ? "hold" : "rate",
		r->group->name, r->window);
	fprintf(out,
		"  IKE SAs up     %" PRIu64 " of %" PRIu64
		" in %.3f s: %.1f setups/s\n",
		res->established, res->started, res->seconds,
		ike_load_report_rate(r));
	if (res->established && r->cpu_resp >= 0)
		fprintf(out,
			"  CPU            espgw-control %.2f s (%.0f us per "
			"setup), ike_load %.2f s\n",
			r->cpu_resp, r->cpu_resp * 1e6 / res->established,
			r->cpu_init);
	fprintf(out, "  latency        p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
		res->lat_p50_ms, res->lat_p99_ms, res->lat_max_ms);
	fprintf(out,
		"  retransmits    %" PRIu64 ", cookies %" PRIu64
		", stale %" PRIu64 ", send errors %" PRIu64
		", socket errors %" PRIu64 "\n",
		res->retransmits, res->cookies, res->stale, res->send_errors,
		res->socket_errors);
	if (res->deleted)
		fprintf(out, "  deleted        %" PRIu64 "\n", res->deleted);
	print_failures(res, out);
	if (r->sink)
		fprintf(out,
			"  channel        SA_ADD %" PRIu64
			", POLICY_ADD %" PRIu64 ", malformed %" PRIu64 "\n",
			ike_load_sink_count(r->sink, CHAN_MSG_SA_ADD),
			ike_load_sink_count(r->sink, CHAN_MSG_POLICY_ADD),
			ike_load_sink_bad(r->sink));
	print_memory(r, out);
}

static void json_failures(const struct ike_load_result *res, FILE *f)
{
	const char *sep = "";

	fprintf(f,
		"  \"failures\": {\"timeout\": %" PRIu64
		", \"notify\": %" PRIu64 ", \"bad_response\": %" PRIu64
		",\n    \"by_notify\": {",
		res->timeouts, res->notified,
		ike_load_failed(res) - res->timeouts - res->notified);
	for (unsigned int i = 0; i < IKE_LOAD_NOTIFY_KINDS; i++)
		if (res->notify[i].n) {
			fprintf(f, "%s\"%s\": %" PRIu64, sep,
				notify_name(res->notify[i].type),
				res->notify[i].n);
			sep = ", ";
		}
	fprintf(f, "},\n    \"by_reason\": {");
	sep = "";
	for (unsigned int i = 0; i < IKE_LOAD_BAD_COUNT; i++)
		if (res->bad[i]) {
			fprintf(f, "%s\"%s\": %" PRIu64, sep,
				ike_load_bad_name(i), res->bad[i]);
			sep = ", ";
		}
	fprintf(f, "}},\n");
}

/* "held", "rss_kib", "kib_per_sa" and the rest: null unless --hold. */
static void json_memory(const struct ike_load_report *r, FILE *f)
{
	const struct ike_load_rss *b = &r->rss_before, *a = &r->rss_after;

	if (!measured(r)) {
		fprintf(f,
			"  \"held\": null, \"rss_kib\": null, "
			"\"rss_before_kib\": null, \"kib_per_sa\": null,\n"
			"  \"vmrss_kib_per_sa\": null, \"rss_anon_kib\": null, "
			"\"anon_kib_per_sa\": null, \"rss_shmem_kib\": "
			"null,\n");
		return;
	}
	fprintf(f,
		"  \"held\": %" PRIu64 ", \"rss_kib\": %" PRIu64
		", \"rss_before_kib\": %" PRIu64 ", \"kib_per_sa\": %.3f,\n"
		"  \"vmrss_kib_per_sa\": %.3f, \"rss_anon_kib\": %" PRIu64
		", \"anon_kib_per_sa\": %.3f, \"rss_shmem_kib\": %" PRIu64
		",\n",
		r->res.established, a->vm_rss, b->vm_rss,
		ike_load_report_kib_per_sa(r), per_sa(r, b->vm_rss, a->vm_rss),
		a->rss_anon, per_sa(r, b->rss_anon, a->rss_anon), a->rss_shmem);
}

static void json_body(const struct ike_load_report *r, FILE *f)
{
	const struct ike_load_result *res = &r->res;

	fprintf(f,
		"{\"test\": \"%s\", \"dh_group\": \"%s\", "
		"\"window\": %u,\n",
		r->hold ? "hold" : "rate", r->group->name, r->window);
	fprintf(f,
		"  \"setups\": %" PRIu64 ", \"started\": %" PRIu64
		", \"seconds\": %.3f, \"setups_per_s\": %.1f,\n",
		res->established, res->started, res->seconds,
		ike_load_report_rate(r));
	json_memory(r, f);
	if (r->cpu_resp >= 0 && res->established)
		fprintf(f,
			"  \"responder_cpu_s\": %.3f, "
			"\"responder_cpu_us_per_setup\": %.1f, "
			"\"initiator_cpu_s\": %.3f,\n",
			r->cpu_resp, r->cpu_resp * 1e6 / res->established,
			r->cpu_init);
	else
		fprintf(f,
			"  \"responder_cpu_s\": null, "
			"\"responder_cpu_us_per_setup\": null, "
			"\"initiator_cpu_s\": %.3f,\n",
			r->cpu_init);
	fprintf(f,
		"  \"latency_ms\": {\"p50\": %.3f, \"p99\": %.3f, "
		"\"max\": %.3f},\n",
		res->lat_p50_ms, res->lat_p99_ms, res->lat_max_ms);
	json_failures(res, f);
	fprintf(f,
		"  \"retransmits\": %" PRIu64 ", \"cookies\": %" PRIu64
		", \"stale\": %" PRIu64 ", \"deleted\": %" PRIu64 ",\n",
		res->retransmits, res->cookies, res->stale, res->deleted);
	if (r->sink)
		fprintf(f,
			"  \"channel\": {\"sa_add\": %" PRIu64
			", \"policy_add\": %" PRIu64 "}}\n",
			ike_load_sink_count(r->sink, CHAN_MSG_SA_ADD),
			ike_load_sink_count(r->sink, CHAN_MSG_POLICY_ADD));
	else
		fprintf(f, "  \"channel\": null}\n");
}

int ike_load_report_json(const struct ike_load_report *r, const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		perror(path);
		return -1;
	}
	json_body(r, f);
	if (fclose(f) != 0) {
		perror(path);
		return -1;
	}
	return 0;
}
