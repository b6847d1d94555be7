/* SPDX-License-Identifier: BSD-3-Clause */
/* The operator's actions on IKE SAs (ike_admin.h): find the IKE SAs a
 * target names, then rekey, delete or initiate through the exchanges. */
#include "ike_admin.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ike_dpd.h"
#include "ike_exchange.h"
#include "ike_msg.h"
#include "log.h"

/* The CHILD SAs after the first of an IKE SA wait this long between
 * tries for the request window (ike_rekey_retry).
 * XXX Their outcome, like that of every action here, reaches only the
 * log: espgwctl answers when the exchange starts, not when it ends (no
 * equivalent of swanctl's --timeout wait). */
#define QUEUE_MS 1000

static const char *const state_names[] = {
	[IKE_SA_INIT_SENT] = "connecting", [IKE_SA_HALF_OPEN] = "half-open",
	[IKE_SA_AUTH_SENT] = "authenticating",
	[IKE_SA_ESTABLISHED] = "established", [IKE_SA_DELETING] = "deleting",
};

/* What a target can mean; more than one may apply. */
struct target {
	const char *text;
	int peer;	    /* the configured peer of that name; -1 */
	struct ike_ep ep;   /* addr.family 0: no address; port 0: any */
	uint64_t ike_spi;   /* 0: not 16 hex digits */
	uint32_t child_spi; /* network order; 0: not 8 hex digits */
};

/* Exactly digits hex digits, after an optional "0x". */
static bool parse_hex(const char *s, size_t digits, uint64_t *v)
{
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (strlen(s) != digits)
		return false;
	*v = 0;
	for (size_t i = 0; i < digits; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return false;
		*v = *v << 4 | (uint64_t)(isdigit((unsigned char)s[i]) ?
			s[i] - '0' : tolower((unsigned char)s[i]) - 'a' + 10);
	}
	return true;
}

/* "192.0.2.7", "2001:db8::7" or either with "[PORT]", as show peers. */
static bool parse_ep(const char *s, struct ike_ep *ep)
{
	char buf[ADDR_STRLEN + 8], *br, *end;
	unsigned long port = 0;

	if (snprintf(buf, sizeof(buf), "%s", s) >= (int)sizeof(buf))
		return false;
	br = strchr(buf, '[');
	if (br) {
		port = strtoul(br + 1, &end, 10);
		if (end == br + 1 || strcmp(end, "]") != 0 || port == 0 ||
		    port > 65535)
			return false;
		*br = '\0';
	}
	ep->port = (uint16_t)port;
	return addr_parse(buf, &ep->addr);
}

static void parse_target(const struct ike_engine *e, const char *text,
			 struct target *t)
{
	const struct cfg_ipsec *c = &e->cfg->ipsec;
	uint64_t v;

	*t = (struct target){ .text = text, .peer = -1 };
	for (unsigned int i = 0; i < c->n_peers && t->peer < 0; i++)
		if (strcmp(c->peers[i].name, text) == 0)
			t->peer = (int)i;
	if (!parse_ep(text, &t->ep))
		t->ep = (struct ike_ep){ .port = 0 };
	if (parse_hex(text, 16, &v))
		t->ike_spi = v;
	if (parse_hex(text, 8, &v) && v)
		t->child_spi = htonl((uint32_t)v);
}

static bool names_child(const struct target *t, const struct child_sa *c)
{
	return t->child_spi &&
	       (c->spi_in == t->child_spi || c->spi_out == t->child_spi);
}

static bool names_sa(const struct target *t, const struct ike_sa *sa)
{
	if (sa->peer == t->peer)
		return true;
	if (sa->id_text[0] && strcmp(sa->id_text, t->text) == 0)
		return true;
	if (t->ep.addr.family && addr_equal(&sa->remote.addr, &t->ep.addr) &&
	    (!t->ep.port || t->ep.port == sa->remote.port))
		return true;
	if (t->ike_spi && (sa->spi_i == t->ike_spi || sa->spi_r == t->ike_spi))
		return true;
	for (const struct child_sa *c = sa->children; c; c = c->next)
		if (names_child(t, c))
			return true;
	return false;
}

/* ---- the IKE SAs a target names ---- */

struct sa_list {
	struct ike_sa **sa;
	size_t n, cap;
};

static bool push(struct sa_list *l, struct ike_sa *sa)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct ike_sa **p = realloc(l->sa, cap * sizeof(*p));

		if (!p)
			return false;
		l->sa = p;
		l->cap = cap;
	}
	l->sa[l->n++] = sa;
	return true;
}

struct found {
	const struct target *t;
	struct sa_list hits;
	struct sa_list succ; /* successors of IKE SA rekeys under way */
	bool nomem;
};

static void collect_one(struct ike_sa *sa, void *arg)
{
	struct found *f = arg;

	if (f->nomem)
		return;
	if (names_sa(f->t, sa) && !push(&f->hits, sa))
		f->nomem = true;
	if (sa->rekey_ike && !push(&f->succ, sa->rekey_ike))
		f->nomem = true;
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t) * (struct ike_sa *const *)a;
	uintptr_t y = (uintptr_t) * (struct ike_sa *const *)b;

	return x < y ? -1 : x > y;
}

/* The IKE SAs named, in f->hits, with NULL where a successor in the
 * making was (its predecessor's rekey_ike); 0 or -1. */
static int find(struct ike_engine *e, const struct target *t,
		struct found *f)
{
	struct sa_list *s = &f->succ;

	*f = (struct found){ .t = t };
	ike_sa_walk(e, collect_one, f);
	if (!f->nomem && s->n) { /* qsort and bsearch want an array */
		qsort(s->sa, s->n, sizeof(*s->sa), cmp_ptr);
		for (size_t i = 0; i < f->hits.n; i++)
			if (bsearch(&f->hits.sa[i], s->sa, s->n,
				    sizeof(*s->sa), cmp_ptr))
				f->hits.sa[i] = NULL;
	}
	free(s->sa);
	if (f->nomem) {
		free(f->hits.sa);
		return -1;
	}
	return 0;
}

/* ---- printing ---- */

static void say(FILE *out, const struct ike_sa *sa, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "IKE SA SPIi_SPIr 192.0.2.7[4500] 'fqdn:x': ...": the SPIs as show
 * peers --json prints them, the rest as the logs do. */
static void say(FILE *out, const struct ike_sa *sa, const char *fmt, ...)
{
	char name[IKE_ID_TEXT_MAX + IKE_EP_STRLEN + 4];
	va_list ap;

	fprintf(out, "IKE SA %016llx_%016llx %s: ",
		(unsigned long long)sa->spi_i, (unsigned long long)sa->spi_r,
		ike_sa_name(sa, name, sizeof(name)));
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
}

static bool busy(const struct ike_sa *sa)
{
	return ike_msg_busy(sa) || sa->rekey || sa->rekey_ike;
}

/* Established and free to start a request; else say why not. */
static bool ready(FILE *out, const struct ike_sa *sa)
{
	if (sa->state == IKE_SA_DELETING) {
		say(out, sa, "error: busy: it is being deleted");
		return false;
	}
	if (sa->state != IKE_SA_ESTABLISHED) {
		say(out, sa, "error: not established yet (%s)",
		    state_names[sa->state]);
		return false;
	}
	if (busy(sa)) {
		say(out, sa, "error: busy: an exchange is under way, try "
			     "again");
		return false;
	}
	return true;
}

/* ---- actions ---- */

typedef bool (*act_fn)(struct ike_engine *e, const struct target *t,
		       struct ike_sa *sa, FILE *out);

/* Act on every IKE SA the target names; 0 when each succeeded. */
static int each(struct ike_engine *e, const char *text, act_fn fn, FILE *out)
{
	struct target t;
	struct found f;
	unsigned int acted = 0, failed = 0;

	parse_target(e, text, &t);
	if (find(e, &t, &f) != 0) {
		fprintf(out, "error: out of memory\n");
		return 1;
	}
	for (size_t i = 0; i < f.hits.n; i++) {
		if (!f.hits.sa[i])
			continue;
		acted++;
		if (!fn(e, &t, f.hits.sa[i], out))
			failed++;
	}
	free(f.hits.sa);
	if (!acted)
		fprintf(out, "error: no IKE SA for %s\n", text);
	return acted && !failed ? 0 : 1;
}

static bool child_rekeyable(const struct target *t, const struct child_sa *c)
{
	return c->installed && !c->successor && c->cfg_prop &&
	       (!t->child_spi || names_child(t, c));
}

/* The first now, the rest through the retry timer as the window frees. */
static bool rekey_children(struct ike_engine *e, const struct target *t,
			   struct ike_sa *sa, FILE *out)
{
	unsigned int n = 0;

	if (!ready(out, sa))
		return false;
	for (struct child_sa *c = sa->children; c; c = c->next) {
		if (!child_rekeyable(t, c))
			continue;
		if (n == 0 && ike_rekey_child(c) != 0) {
			say(out, sa, "error: CHILD SA %08x/%08x: the rekey "
				     "request failed (see the log)",
			    ntohl(c->spi_in), ntohl(c->spi_out));
			return false;
		}
		/* Its lifetime's rekey is this one now. */
		ike_timer_cancel(e, &c->rekey_timer);
		if (n > 0)
			c->rekey_timer = ike_timer(e, QUEUE_MS, ike_rekey_retry,
						   c);
		say(out, sa, "CHILD SA %08x/%08x: rekey %s", ntohl(c->spi_in),
		    ntohl(c->spi_out), n ? "queued" : "started");
		n++;
	}
	if (!n)
		say(out, sa, "error: no CHILD SA to rekey");
	return n > 0;
}

static bool rekey_ike(struct ike_engine *e, const struct target *t,
		      struct ike_sa *sa, FILE *out)
{
	(void)e;
	(void)t;
	if (!ready(out, sa))
		return false;
	if (ike_rekey_ike(sa) != 0) {
		say(out, sa, "error: the rekey request failed (see the log)");
		return false;
	}
	say(out, sa, "rekey started");
	return true;
}

static bool terminate(struct ike_engine *e, const struct target *t,
		      struct ike_sa *sa, FILE *out)
{
	(void)t;
	/* An operator's terminate is final: a site-to-site peer kept up
	 * (ike_dpd.h) stays down until "espgwctl initiate". */
	if (sa->peer >= 0)
		ike_dpd_release(e, sa->peer);
	if (sa->state != IKE_SA_ESTABLISHED && sa->state != IKE_SA_DELETING) {
		say(out, sa, "deleted (%s: no DELETE to send)",
		    state_names[sa->state]);
		ike_sa_log(LOG_LVL_INFO, sa, "IKE SA deleted by the operator "
			   "before it was established");
		ike_sa_destroy(sa);
		return true;
	}
	if (!ready(out, sa))
		return false;
	if (ike_info_delete_ike(sa) != 0) {
		say(out, sa, "error: the DELETE failed (see the log)");
		return false;
	}
	ike_sa_log(LOG_LVL_INFO, sa, "deleting the IKE SA at the operator's "
		   "request");
	say(out, sa, "DELETE sent");
	return true;
}

int ike_admin_rekey_child(struct ike_engine *e, const char *target,
			  FILE *out)
{
	return each(e, target, rekey_children, out);
}

int ike_admin_rekey_ike(struct ike_engine *e, const char *target, FILE *out)
{
	return each(e, target, rekey_ike, out);
}

int ike_admin_terminate(struct ike_engine *e, const char *target, FILE *out)
{
	return each(e, target, terminate, out);
}

/* ---- initiate ---- */

/* The configured peer named by its name, else by its address; -1. */
static int peer_of(const struct ike_engine *e, const struct target *t)
{
	const struct cfg_ipsec *c = &e->cfg->ipsec;

	if (t->peer >= 0 || !t->ep.addr.family)
		return t->peer;
	for (unsigned int i = 0; i < c->n_peers; i++) {
		const struct cfg_peer *p = &c->peers[i];

		if (p->address.addr.family &&
		    addr_equal(&p->address.addr, &t->ep.addr) &&
		    (!t->ep.port || t->ep.port == p->port))
			return (int)i;
	}
	return -1;
}

struct has_sa {
	int peer;
	const struct ike_sa *sa;
};

static void has_one(struct ike_sa *sa, void *arg)
{
	struct has_sa *h = arg;

	/* A successor being made has no address yet: its old SA counts. */
	if (sa->peer == h->peer && sa->state != IKE_SA_DELETING &&
	    sa->remote.addr.family)
		h->sa = sa;
}

int ike_admin_initiate(struct ike_engine *e, const char *target, FILE *out)
{
	struct target t;
	struct has_sa h;
	const struct cfg_peer *p;
	char ep[IKE_EP_STRLEN];

	parse_target(e, target, &t);
	h = (struct has_sa){ .peer = peer_of(e, &t) };
	if (h.peer < 0) {
		fprintf(out, "error: no peer %s in the configuration\n", target);
		return 1;
	}
	p = &e->cfg->ipsec.peers[h.peer];
	if (!p->address.addr.family) {
		fprintf(out, "error: peer %s has no address to initiate to\n",
			p->name);
		return 1;
	}
	ike_sa_walk(e, has_one, &h);
	if (h.sa) {
		say(out, h.sa, "error: peer %s has this IKE SA (%s) already",
		    p->name, state_names[h.sa->state]);
		return 1;
	}
	ike_ep_format(&(struct ike_ep){ p->address.addr, p->port }, ep);
	/* A peer with passive = false is kept up again from now on. */
	if ((p->passive ? ike_engine_initiate(e, h.peer, NULL)
			: ike_dpd_keep(e, h.peer)) != 0) {
		fprintf(out, "error: cannot initiate to peer %s at %s (see the "
			"log)\n", p->name, ep);
		return 1;
	}
	fprintf(out, "peer %s: IKE_SA_INIT sent to %s\n", p->name, ep);
	return 0;
}
