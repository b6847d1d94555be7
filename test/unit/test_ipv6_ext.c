/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IPv6 extension header walker: chains of each kind, where it stops,
 * every truncation, the bound on the number of headers, hop-by-hop out of
 * place and fragments.  Each walk reads from a heap copy of exactly len
 * bytes, so that the sanitizer build catches a read past the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ipv6_ext.h"

#define TCP 6
#define UDP 17
#define ESP 50
#define AH  51
#define NONE 59

/* A packet under construction: the fixed header at off, then headers. */
struct pkt {
	uint8_t b[4096];
	uint32_t off;    /* where the fixed header starts */
	uint32_t len;    /* bytes so far */
	uint32_t nh_at;  /* the Next Header byte the next header fills */
};

static void start(struct pkt *p, uint32_t off)
{
	memset(p, 0, sizeof(*p));
	p->off = off;
	p->b[off] = 0x60;
	p->nh_at = off + 6;
	p->len = off + 40;
}

/* Append a header of type nh, units * 8 + 8 bytes (8 for a fragment). */
static void add(struct pkt *p, uint8_t nh, uint8_t units)
{
	uint32_t hl = nh == IPV6_EXT_FRAGMENT ? 8 : (units + 1u) * 8u;

	assert_true(p->len + hl <= sizeof(p->b));
	p->b[p->nh_at] = nh;
	p->nh_at = p->len;
	if (nh != IPV6_EXT_FRAGMENT)
		p->b[p->len + 1] = units;
	/* Option bytes that look like headers, to catch a walker that
	 * reads them as such: PadN with 0x2c (44) filler. */
	memset(p->b + p->len + 2, 0x2c, hl - 2);
	p->len += hl;
}

/* Fragment header fields: offset in 8-octet units and the M flag. */
static void add_frag(struct pkt *p, uint16_t offset, bool more)
{
	uint32_t at = p->len;
	uint16_t om = (uint16_t)(offset << 3 | (more ? 1 : 0));

	add(p, IPV6_EXT_FRAGMENT, 0);
	p->b[at + 2] = (uint8_t)(om >> 8);
	p->b[at + 3] = (uint8_t)om;
	memset(p->b + at + 4, 0, 4);
}

/* End the chain with proto and n bytes of payload (0x00: hop-by-hop if
 * anyone took it for a header). */
static void finish(struct pkt *p, uint8_t proto, uint32_t n)
{
	p->b[p->nh_at] = proto;
	memset(p->b + p->len, 0, n);
	p->len += n;
}

/* Walk a heap copy of the first len bytes. */
static bool walk(const struct pkt *p, uint32_t len, struct ipv6_ext *x)
{
	uint8_t *c = malloc(len);
	bool ok;

	assert_non_null(c);
	memcpy(c, p->b, len);
	ok = ipv6_ext_skip(c, len, p->off, x);
	free(c);
	return ok;
}

static void test_which_headers_are_walked(void **state)
{
	unsigned int n = 0;

	(void)state;
	for (unsigned int nh = 0; nh < 256; nh++)
		n += ipv6_ext_is((uint8_t)nh);
	assert_int_equal(n, 4);
	assert_true(ipv6_ext_is(0) && ipv6_ext_is(43) && ipv6_ext_is(44) &&
		    ipv6_ext_is(60));
	/* 60 + 64 and 43 + 128 alias in a careless 64-bit mask. */
	assert_false(ipv6_ext_is(124) || ipv6_ext_is(171) ||
		     ipv6_ext_is(64) || ipv6_ext_is(ESP) || ipv6_ext_is(AH));
}

static void test_no_extension_header(void **state)
{
	struct ipv6_ext x;
	struct pkt p;

	(void)state;
	start(&p, 14);
	finish(&p, UDP, 8);
	assert_true(walk(&p, p.len, &x));
	assert_int_equal(x.proto, UDP);
	assert_int_equal(x.l4_off, 54);
	assert_int_equal(x.nh_off, 20);
	assert_int_equal(x.esp_off, 54);
	assert_int_equal(x.esp_nh_off, 20);
	assert_false(x.frag || x.frag_later);
}

/* One header of each kind, alone before TCP. */
static void test_each_kind(void **state)
{
	static const struct {
		uint8_t nh, units;
		bool before_esp; /* transport ESP goes after it */
	} k[] = {
		{ IPV6_EXT_HOPOPTS, 0, true }, { IPV6_EXT_ROUTING, 2, true },
		{ IPV6_EXT_FRAGMENT, 0, true }, { IPV6_EXT_DSTOPTS, 1, false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		struct ipv6_ext x;
		struct pkt p;
		uint32_t end;

		start(&p, 0);
		if (k[i].nh == IPV6_EXT_FRAGMENT)
			add_frag(&p, 0, false); /* atomic: whole */
		else
			add(&p, k[i].nh, k[i].units);
		end = p.len;
		finish(&p, TCP, 20);
		assert_true(walk(&p, p.len, &x));
		assert_int_equal(x.proto, TCP);
		assert_int_equal(x.l4_off, end);
		assert_int_equal(x.nh_off, 40);
		assert_int_equal(x.esp_off, k[i].before_esp ? end : 40);
		assert_int_equal(x.esp_nh_off, k[i].before_esp ? 40 : 6);
		assert_false(x.frag || x.frag_later);
	}
}

/* RFC 8200 section 4.1's order, every header once and DO twice. */
static void build_full(struct pkt *p, uint8_t proto)
{
	start(p, 0);
	add(p, IPV6_EXT_HOPOPTS, 0);  /* 40..48 */
	add(p, IPV6_EXT_DSTOPTS, 1);  /* 48..64 */
	add(p, IPV6_EXT_ROUTING, 2);  /* 64..88 */
	add_frag(p, 0, false);        /* 88..96 */
	add(p, IPV6_EXT_DSTOPTS, 0);  /* 96..104 */
	finish(p, proto, 24);
}

static void test_full_chain(void **state)
{
	struct ipv6_ext x;
	struct pkt p;

	(void)state;
	build_full(&p, UDP);
	assert_true(walk(&p, p.len, &x));
	assert_int_equal(x.proto, UDP);
	assert_int_equal(x.l4_off, 104);
	assert_int_equal(x.nh_off, 96);
	/* ESP after the fragment header, before the final DO. */
	assert_int_equal(x.esp_off, 96);
	assert_int_equal(x.esp_nh_off, 88);
	assert_int_equal(p.b[x.esp_nh_off], IPV6_EXT_DSTOPTS);
}

static void test_stops_at_esp_ah_and_none(void **state)
{
	static const uint8_t stop[] = { ESP, AH, NONE, 41, 58, 135 };

	(void)state;
	for (size_t i = 0; i < sizeof(stop); i++) {
		struct ipv6_ext x;
		struct pkt p;

		start(&p, 0);
		add(&p, IPV6_EXT_DSTOPTS, 0);
		/* What follows would parse as a hop-by-hop header. */
		finish(&p, stop[i], 16);
		assert_true(walk(&p, p.len, &x));
		assert_int_equal(x.proto, stop[i]);
		assert_int_equal(x.l4_off, 48);
		assert_int_equal(x.nh_off, 40);
	}
}

/* Every length that cuts a header fails; the first one that holds the
 * whole chain succeeds, whatever follows it. */
static void test_every_truncation(void **state)
{
	struct ipv6_ext x;
	struct pkt p;

	(void)state;
	build_full(&p, TCP);
	for (uint32_t len = 40; len < 104; len++)
		assert_false(walk(&p, len, &x));
	for (uint32_t len = 104; len <= p.len; len++) {
		assert_true(walk(&p, len, &x));
		assert_int_equal(x.l4_off, 104);
	}
	/* A length byte that claims 2048 bytes in a short packet. */
	start(&p, 0);
	add(&p, IPV6_EXT_DSTOPTS, 0);
	finish(&p, UDP, 8);
	p.b[41] = 255;
	assert_false(walk(&p, p.len, &x));
}

static void test_hop_by_hop_only_first(void **state)
{
	struct ipv6_ext x;
	struct pkt p;

	(void)state;
	start(&p, 0);
	add(&p, IPV6_EXT_DSTOPTS, 0);
	add(&p, IPV6_EXT_HOPOPTS, 0);
	finish(&p, UDP, 8);
	assert_false(walk(&p, p.len, &x));
	/* Twice in a row: the second is not first. */
	start(&p, 0);
	add(&p, IPV6_EXT_HOPOPTS, 0);
	add(&p, IPV6_EXT_HOPOPTS, 0);
	finish(&p, UDP, 8);
	assert_false(walk(&p, p.len, &x));
}

/* IPV6_EXT_MAX headers are walked; one more is a malformed chain, even a
 * loop of headers the walker has seen before. */
static void test_bound(void **state)
{
	struct ipv6_ext x;
	struct pkt p;

	(void)state;
	start(&p, 0);
	for (int i = 0; i < IPV6_EXT_MAX; i++)
		add(&p, IPV6_EXT_DSTOPTS, 0);
	finish(&p, UDP, 8);
	assert_true(walk(&p, p.len, &x));
	assert_int_equal(x.l4_off, 40 + 8 * IPV6_EXT_MAX);

	start(&p, 0);
	for (int i = 0; i < IPV6_EXT_MAX + 1; i++)
		add(&p, IPV6_EXT_DSTOPTS, 0);
	finish(&p, UDP, 8);
	assert_false(walk(&p, p.len, &x));

	/* Sixty routing headers, none ever ends the walk. */
	start(&p, 0);
	for (int i = 0; i < 60; i++)
		add(&p, IPV6_EXT_ROUTING, 0);
	finish(&p, IPV6_EXT_ROUTING, 0);
	assert_false(walk(&p, p.len, &x));
}

static void test_fragments(void **state)
{
	struct ipv6_ext x;
	struct pkt p;

	(void)state;
	/* The first fragment: the upper layer is still found. */
	start(&p, 0);
	add(&p, IPV6_EXT_HOPOPTS, 0);
	add_frag(&p, 0, true);
	finish(&p, UDP, 8);
	assert_true(walk(&p, p.len, &x));
	assert_true(x.frag);
	assert_false(x.frag_later);
	assert_int_equal(x.proto, UDP);
	assert_int_equal(x.l4_off, 56);

	/* A middle and a last fragment: the walk stops behind the fragment
	 * header, although the data there reads as a destination options
	 * header followed by TCP. */
	for (int more = 0; more < 2; more++) {
		start(&p, 0);
		add_frag(&p, 185, more);
		finish(&p, IPV6_EXT_DSTOPTS, 16);
		p.b[48] = TCP;
		assert_true(walk(&p, p.len, &x));
		assert_true(x.frag && x.frag_later);
		assert_int_equal(x.proto, IPV6_EXT_DSTOPTS);
		assert_int_equal(x.l4_off, 48);
		assert_int_equal(x.esp_off, 48);
	}

	/* The smallest non-zero offset counts; reserved bits do not. */
	start(&p, 0);
	add_frag(&p, 1, false);
	finish(&p, UDP, 8);
	assert_true(walk(&p, p.len, &x));
	assert_true(x.frag_later);
	p.b[43] = 0x06; /* the two reserved bits only */
	p.b[42] = 0;
	assert_true(walk(&p, p.len, &x));
	assert_false(x.frag || x.frag_later);
	assert_int_equal(x.proto, UDP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_which_headers_are_walked),
		cmocka_unit_test(test_no_extension_header),
		cmocka_unit_test(test_each_kind),
		cmocka_unit_test(test_full_chain),
		cmocka_unit_test(test_stops_at_esp_ah_and_none),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_hop_by_hop_only_first),
		cmocka_unit_test(test_bound),
		cmocka_unit_test(test_fragments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
