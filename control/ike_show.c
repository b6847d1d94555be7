/* SPDX-License-Identifier: BSD-3-Clause */
/* What espgwctl shows of the engine: active peers, installed SAs and
 * policies (RouterOS's three views), counters.  Never a key. */
#include <arpa/inet.h>
#include <string.h>

#include "ike_child.h"
#include "ike_sa.h"

static const char *const state_names[] = {
	[IKE_SA_INIT_SENT] = "connecting", [IKE_SA_HALF_OPEN] = "half-open",
	[IKE_SA_AUTH_SENT] = "authenticating",
	[IKE_SA_ESTABLISHED] = "established", [IKE_SA_DELETING] = "deleting",
};

struct show {
	FILE *out;
	bool json;
	unsigned int n;
	uint64_t now;
};

static void sep(struct show *s)
{
	if (s->json)
		fputs(s->n++ ? ",\n  " : "\n  ", s->out);
}

static void peer_one(struct ike_sa *sa, void *arg)
{
	struct show *s = arg;
	char r[IKE_EP_STRLEN], l[IKE_EP_STRLEN], v[ADDR_STRLEN] = "";
	unsigned long long up = (s->now - sa->created_ms) / 1000;

	ike_ep_format(&sa->remote, r);
	ike_ep_format(&sa->local, l);
	if (sa->vip.family)
		addr_format(&sa->vip, v);
	sep(s);
	if (s->json)
		fprintf(s->out, "{\"id\": \"%s\", \"remote\": \"%s\", "
			"\"local\": \"%s\", \"state\": \"%s\", \"uptime\": %llu, "
			"\"nat_t\": %s, \"virtual_address\": \"%s\", "
			"\"spi_i\": \"%016llx\", \"spi_r\": \"%016llx\"}",
			sa->id_text, r, l, state_names[sa->state], up,
			ike_sa_natt(sa) ? "true" : "false", v,
			(unsigned long long)sa->spi_i,
			(unsigned long long)sa->spi_r);
	else
		fprintf(s->out, "%-32s %-24s %-15s %8llus %-3s %s\n",
			sa->id_text[0] ? sa->id_text : "-", r,
			state_names[sa->state], up,
			ike_sa_natt(sa) ? "yes" : "no", v[0] ? v : "-");
}

static void open_list(struct show *s, const char *head)
{
	if (s->json)
		fputc('[', s->out);
	else
		fprintf(s->out, "%s\n", head);
}

static void close_list(struct show *s)
{
	if (s->json)
		fputs(s->n ? "\n]\n" : "]\n", s->out);
}

void ike_engine_show_peers(struct ike_engine *e, FILE *out, bool json)
{
	struct show s = { out, json, 0, ike_now(e) };

	open_list(&s, "ID                               REMOTE                   "
		      "STATE           UPTIME NAT VIRTUAL-ADDRESS");
	ike_sa_walk(e, peer_one, &s);
	close_list(&s);
}

static void fmt_ts(const struct chan_ts *t, char *buf, size_t len)
{
	char p[ADDR_STRLEN];
	bool any_port = t->port_lo == 0 && t->port_hi == 65535;

	prefix_format(&t->prefix, p);
	if (!t->proto && any_port)
		snprintf(buf, len, "%s", p);
	else if (any_port)
		snprintf(buf, len, "%s proto %u", p, t->proto);
	else
		snprintf(buf, len, "%s proto %u ports %u-%u", p, t->proto,
			 t->port_lo, t->port_hi);
}

static void sa_line(struct show *s, const struct child_sa *c, bool in)
{
	const struct ike_sa *sa = c->ike;
	char src[ADDR_STRLEN], dst[ADDR_STRLEN], tl[96], tr[96], cnt[64];
	int d = in ? 0 : 1;

	addr_format(in ? &sa->remote.addr : &sa->local.addr, src);
	addr_format(in ? &sa->local.addr : &sa->remote.addr, dst);
	fmt_ts(&c->ts_local, tl, sizeof(tl));
	fmt_ts(&c->ts_remote, tr, sizeof(tr));
	snprintf(cnt, sizeof(cnt), "%llu", (unsigned long long)c->packets[d]);
	sep(s);
	if (s->json) {
		fprintf(s->out, "{\"spi\": \"%08x\", \"direction\": \"%s\", "
			"\"enc\": \"%s\", \"auth\": \"%s\", \"src\": \"%s\", "
			"\"dst\": \"%s\", \"nat_t\": %s, \"local_ts\": \"%s\", "
			"\"remote_ts\": \"%s\", \"peer\": \"%s\"",
			ntohl(in ? c->spi_in : c->spi_out), in ? "in" : "out",
			c->prop.encr->name,
			c->prop.integ ? c->prop.integ->name : "none", src, dst,
			ike_sa_natt(sa) ? "true" : "false", tl, tr,
			sa->id_text);
		if (c->counted)
			fprintf(s->out, ", \"packets\": %llu, \"bytes\": %llu",
				(unsigned long long)c->packets[d],
				(unsigned long long)c->bytes[d]);
		fputc('}', s->out);
		return;
	}
	fprintf(s->out, "%08x %-3s %-11s %-6s %s -> %s%s  [%s] <-> [%s]",
		ntohl(in ? c->spi_in : c->spi_out), in ? "in" : "out",
		c->prop.encr->name, c->prop.integ ? c->prop.integ->name : "-",
		src, dst, ike_sa_natt(sa) ? " (udp)" : "", tl, tr);
	if (c->counted)
		fprintf(s->out, " %s pkts %llu bytes", cnt,
			(unsigned long long)c->bytes[d]);
	fputc('\n', s->out);
}

static void sas_of(struct ike_sa *sa, void *arg)
{
	for (struct child_sa *c = sa->children; c; c = c->next)
		if (c->installed) {
			sa_line(arg, c, true);
			sa_line(arg, c, false);
		}
}

void ike_engine_show_sa(struct ike_engine *e, FILE *out, bool json)
{
	struct show s = { out, json, 0, ike_now(e) };
	struct chan_counter_req req = { 0, ++e->counter_cookie };

	/* Ask now; the answers show in the next view. */
	e->ops.dp_send(e->ops.arg, CHAN_MSG_COUNTER_REQ, &req, sizeof(req));
	open_list(&s, "SPI      DIR ENC         AUTH   ADDRESSES  [LOCAL TS] "
		      "<-> [REMOTE TS]");
	ike_sa_walk(e, sas_of, &s);
	close_list(&s);
}

static void policy_line(struct show *s, const struct child_sa *c, bool in)
{
	struct chan_policy p;
	char l[96], r[96];

	child_policy(c, in, &p);
	fmt_ts(&c->ts_local, l, sizeof(l));
	fmt_ts(&c->ts_remote, r, sizeof(r));
	sep(s);
	if (s->json)
		fprintf(s->out, "{\"direction\": \"%s\", \"local\": \"%s\", "
			"\"remote\": \"%s\", \"action\": \"encrypt\", "
			"\"sa\": \"%08x\", \"priority\": %u, \"peer\": \"%s\"}",
			in ? "in" : "out", l, r,
			ntohl(in ? c->spi_in : c->spi_out), p.priority,
			c->ike->id_text);
	else
		fprintf(s->out, "%-3s %-30s %-30s encrypt %08x %u\n",
			in ? "in" : "out", l, r,
			ntohl(in ? c->spi_in : c->spi_out), p.priority);
}

static void policies_of(struct ike_sa *sa, void *arg)
{
	for (struct child_sa *c = sa->children; c; c = c->next)
		if (c->installed) {
			policy_line(arg, c, true);
			if (!c->out_pending)
				policy_line(arg, c, false);
		}
}

void ike_engine_show_policies(struct ike_engine *e, FILE *out, bool json)
{
	struct show s = { out, json, 0, ike_now(e) };

	open_list(&s, "DIR LOCAL                          REMOTE              "
		      "           ACTION  SA       PRIORITY");
	ike_sa_walk(e, policies_of, &s);
	close_list(&s);
}

void ike_engine_show_stats(struct ike_engine *e, FILE *out, bool json)
{
	const char *fmt = json ? "%s\"%s\": %llu" : "%s%-16s %llu\n";
	int i = 0;

	if (json)
		fputc('{', out);
#define IKE_STAT_SHOW(n, d)                                                    \
	fprintf(out, fmt, json && i++ ? ", " : "", #n,                         \
		(unsigned long long)e->stats.n);
	IKE_ENGINE_STATS(IKE_STAT_SHOW)
#undef IKE_STAT_SHOW
	fprintf(out, json ? ", \"ike_sas\": %u, \"half_open\": %u}\n" :
			    "ike_sas          %u\nhalf_open        %u\n",
		e->n_sas, e->half_open);
}
