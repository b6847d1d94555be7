/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "algo.h"
#include "ike_gen.h"
#include "ike_pld.h"
#include "ike_samples.h"

static struct ike_msg msg; /* about 20 KiB: kept off the stack */

/* Parse a copy in a buffer of exactly len bytes, so that ASan sees any
 * read past the end. */
static int parse_copy(const uint8_t *p, size_t len)
{
	uint8_t *b = malloc(len ? len : 1);
	int rc;

	assert_non_null(b);
	memcpy(b, p, len);
	rc = ike_pld_parse(b, len, &msg);
	free(b);
	return rc;
}

static int parse_inner_copy(uint8_t first, const uint8_t *p, size_t len)
{
	uint8_t *b = malloc(len ? len : 1);
	int rc;

	assert_non_null(b);
	memcpy(b, p, len);
	memset(&msg, 0, sizeof(msg));
	rc = ike_pld_parse_inner(&msg, first, b, len);
	free(b);
	return rc;
}

static void test_sa_init_fields(void **state)
{
	const struct ike_proposal *pr;

	(void)state;
	assert_int_equal(
		ike_pld_parse(sample_sa_init, sizeof(sample_sa_init), &msg), 0);
	assert_int_equal(msg.hdr.spi_i, 0x0102030405060708ull);
	assert_int_equal(msg.hdr.spi_r, 0);
	assert_int_equal(msg.hdr.exchange, IKE_EX_IKE_SA_INIT);
	assert_int_equal(msg.hdr.flags, IKE_FLAG_INITIATOR);
	assert_int_equal(msg.hdr.msg_id, 0);
	assert_int_equal(msg.hdr.length, 220);
	assert_int_equal(msg.n_payloads, 7);

	assert_int_equal(msg.sa.n_proposals, 1);
	pr = &msg.sa.prop[0];
	assert_int_equal(pr->num, 1);
	assert_int_equal(pr->protocol, IKE_PROTO_IKE);
	assert_int_equal(pr->spi.len, 0);
	assert_int_equal(pr->n_transforms, 4);
	assert_int_equal(pr->xf[0].type, IKE_XF_ENCR);
	assert_int_equal(
		algo_by_iana(ALGO_ENCR, pr->xf[0].id, pr->xf[0].key_bits)->id,
		ALGO_AES_256_CBC);
	assert_int_equal(algo_by_iana(ALGO_INTEG, pr->xf[1].id, 0)->id,
			 ALGO_HMAC_SHA256_128);
	assert_int_equal(algo_by_iana(ALGO_PRF, pr->xf[2].id, 0)->id,
			 ALGO_PRF_HMAC_SHA256);
	assert_int_equal(pr->xf[3].type, IKE_XF_DH);
	assert_int_equal(pr->xf[3].id, 31);
	assert_false(pr->xf[0].unknown_attr);

	assert_int_equal(msg.ke.group, 31);
	assert_int_equal(msg.ke.data.len, 32);
	assert_int_equal(msg.ke.data.ptr[0], 0x11);
	assert_int_equal(msg.nonce.len, 16);
	assert_int_equal(msg.n_notifies, 3);
	assert_non_null(ike_pld_notify(&msg, IKE_N_NAT_DETECTION_SOURCE_IP));
	assert_int_equal(
		ike_pld_notify(&msg, IKE_N_NAT_DETECTION_DESTINATION_IP)
			->data.len,
		20);
	assert_non_null(
		ike_pld_notify(&msg, IKE_N_IKEV2_FRAGMENTATION_SUPPORTED));
	assert_null(ike_pld_notify(&msg, IKE_N_COOKIE));
	assert_int_equal(msg.n_vendors, 1);
	assert_int_equal(msg.vendor[0].len, 16);
	assert_false(msg.has & IKE_HAS(IKE_PLD_SK));
}

static void test_auth_outer_and_inner(void **state)
{
	const struct ike_ts *ts;

	(void)state;
	assert_int_equal(ike_pld_parse(sample_auth_outer,
				       sizeof(sample_auth_outer), &msg),
			 0);
	assert_int_equal(msg.hdr.exchange, IKE_EX_IKE_AUTH);
	assert_int_equal(msg.hdr.spi_r, 0xa1a2a3a4a5a6a7a8ull);
	assert_int_equal(msg.hdr.msg_id, 1);
	assert_true(msg.has & IKE_HAS(IKE_PLD_SK));
	assert_int_equal(msg.sk.type, IKE_PLD_SK);
	assert_int_equal(msg.sk.first_payload, IKE_PLD_IDi);
	assert_int_equal(msg.sk.offset, IKE_HDR_LEN);
	assert_int_equal(msg.sk.data.len, 64);
	assert_ptr_equal(msg.sk.data.ptr, sample_auth_outer + 32);

	assert_int_equal(ike_pld_parse_inner(&msg, IKE_PLD_IDi,
					     sample_auth_inner,
					     sizeof(sample_auth_inner)),
			 0);
	assert_int_equal(msg.idi.type, IKE_ID_FQDN);
	assert_memory_equal(msg.idi.data.ptr, "example.org", 11);
	assert_int_equal(msg.idi.body.len, 15);
	assert_int_equal(msg.auth.method, IKE_AUTH_SHARED_KEY_MIC);
	assert_int_equal(msg.auth.data.len, 32);
	assert_non_null(ike_pld_notify(&msg, IKE_N_INITIAL_CONTACT));
	assert_int_equal(msg.cp.type, IKE_CFG_REQUEST);
	assert_int_equal(msg.cp.n_attrs, 2);
	assert_int_equal(msg.cp.attr[1].type, IKE_INTERNAL_IP4_DNS);
	assert_int_equal(msg.sa.prop[0].protocol, IKE_PROTO_ESP);
	assert_int_equal(msg.sa.prop[0].spi.len, 4);
	assert_int_equal(msg.sa.prop[0].spi.ptr[0], 0xc0);
	assert_int_equal(msg.sa.prop[0].xf[2].type, IKE_XF_ESN);
	assert_int_equal(msg.tsi.n_ts, 1);
	ts = &msg.tsr.ts[0];
	assert_int_equal(ts->type, IKE_TS_IPV4_ADDR_RANGE);
	assert_int_equal(ts->ip_proto, 6);
	assert_int_equal(ts->start_port, 443);
	assert_int_equal(ts->end.family, ADDR_V4);
	assert_int_equal(ts->start.v4[0], 10);
	assert_int_equal(ts->end.v4[3], 255);
}

/* Every prefix of a message is refused, and no read leaves the copy. */
static void truncate_outer(const uint8_t *m, size_t len)
{
	uint8_t *b = malloc(len);

	assert_non_null(b);
	for (size_t n = 0; n < len; n++) {
		/* As cut: the header length no longer matches. */
		assert_int_equal(parse_copy(m, n), -1);
		assert_int_equal(msg.error, n < IKE_HDR_LEN
						    ? IKE_PLD_E_SHORT
						    : IKE_PLD_E_MSG_LENGTH);
		/* With the header length cut to match: the payloads fail. */
		if (n < IKE_HDR_LEN)
			continue;
		memcpy(b, m, n);
		b[24] = (uint8_t)(n >> 24);
		b[25] = (uint8_t)(n >> 16);
		b[26] = (uint8_t)(n >> 8);
		b[27] = (uint8_t)n;
		assert_int_equal(parse_copy(b, n), -1);
		assert_int_not_equal(msg.error, IKE_PLD_E_OK);
		assert_true(msg.error_offset <= n);
	}
	free(b);
}

static void test_truncated_at_every_byte(void **state)
{
	(void)state;
	truncate_outer(sample_sa_init, sizeof(sample_sa_init));
	truncate_outer(sample_auth_outer, sizeof(sample_auth_outer));
	for (size_t n = 0; n < sizeof(sample_auth_inner); n++) {
		assert_int_equal(
			parse_inner_copy(IKE_PLD_IDi, sample_auth_inner, n),
			-1);
		assert_true(msg.error_inner);
		assert_true(msg.error_offset <= n);
	}
}

/* Change one byte of the SA_INIT sample and parse it. */
static enum ike_pld_error sa_init_with(size_t off, uint8_t val)
{
	uint8_t b[sizeof(sample_sa_init)];

	memcpy(b, sample_sa_init, sizeof(b));
	b[off] = val;
	if (parse_copy(b, sizeof(b)) == 0)
		return IKE_PLD_E_OK;
	return msg.error;
}

/* Offsets in sample_sa_init. */
#define SA_OFF	 28 /* SA payload header */
#define PROP_OFF 32 /* proposal */
#define XF1_OFF	 40 /* first transform (ENCR with its attribute) */
#define XF4_OFF	 68 /* last transform */
#define KE_OFF	 76
#define NI_OFF	 116
#define V_OFF	 200

static void test_lengths_and_header(void **state)
{
	(void)state;
	/* Payload length below the generic header, or past the end. */
	assert_int_equal(sa_init_with(SA_OFF + 3, 3), IKE_PLD_E_PLD_LENGTH);
	assert_int_equal(msg.error_offset, SA_OFF + 2);
	assert_int_equal(msg.error_payload, IKE_PLD_SA);
	assert_int_equal(sa_init_with(V_OFF + 3, 21), IKE_PLD_E_PLD_LENGTH);
	assert_int_equal(sa_init_with(V_OFF + 2, 1), IKE_PLD_E_PLD_LENGTH);
	/* A shorter last payload leaves bytes after it. */
	assert_int_equal(sa_init_with(V_OFF + 3, 19), IKE_PLD_E_TRAILING);
	/* Header length disagreeing with the datagram. */
	assert_int_equal(sa_init_with(27, 221), IKE_PLD_E_MSG_LENGTH);
	assert_int_equal(sa_init_with(27, 219), IKE_PLD_E_MSG_LENGTH);
	/* Major version 1 or 3 is refused; a higher minor is not. */
	assert_int_equal(sa_init_with(17, 0x10), IKE_PLD_E_VERSION);
	assert_int_equal(sa_init_with(17, 0x30), IKE_PLD_E_VERSION);
	assert_int_equal(ike_pld_error_notify(msg.error),
			 IKE_N_INVALID_MAJOR_VERSION);
	assert_int_equal(sa_init_with(17, 0x21), IKE_PLD_E_OK);
	/* Nonce of 15 octets: 16 is the least (section 2.10). */
	assert_int_equal(sa_init_with(NI_OFF + 3, 19), IKE_PLD_E_NONCE);
	assert_int_equal(sa_init_with(KE_OFF + 3, 41), IKE_PLD_E_PLD_LENGTH);
}

static void test_proposal_and_transform_lengths(void **state)
{
	(void)state;
	/* Proposal longer than its SA payload, or too short for itself. */
	assert_int_equal(sa_init_with(PROP_OFF + 3, 45), IKE_PLD_E_PROPOSAL);
	assert_int_equal(sa_init_with(PROP_OFF + 3, 7), IKE_PLD_E_PROPOSAL);
	/* Proposal shorter than its transforms: the last one is cut. */
	assert_int_equal(sa_init_with(PROP_OFF + 3, 40), IKE_PLD_E_TRANSFORM);
	/* "More proposals follow" on the last one; a bad Last Substruc. */
	assert_int_equal(sa_init_with(PROP_OFF, 2), IKE_PLD_E_PROPOSAL);
	assert_int_equal(sa_init_with(PROP_OFF, 1), IKE_PLD_E_PROPOSAL);
	/* SPI size past the proposal. */
	assert_int_equal(sa_init_with(PROP_OFF + 6, 37), IKE_PLD_E_PROPOSAL);
	/* Number of transforms disagreeing with what is there. */
	assert_int_equal(sa_init_with(PROP_OFF + 7, 5), IKE_PLD_E_TRANSFORM);
	assert_int_equal(sa_init_with(PROP_OFF + 7, 3), IKE_PLD_E_TRANSFORM);
	assert_int_equal(sa_init_with(PROP_OFF + 7, 200), IKE_PLD_E_TOO_MANY);
	/* Transform length below 8, past the proposal, or marked last
	 * before the end. */
	assert_int_equal(sa_init_with(XF1_OFF + 3, 7), IKE_PLD_E_TRANSFORM);
	assert_int_equal(sa_init_with(XF4_OFF + 3, 9), IKE_PLD_E_TRANSFORM);
	assert_int_equal(sa_init_with(XF1_OFF, 0), IKE_PLD_E_TRANSFORM);
	assert_int_equal(sa_init_with(XF4_OFF, 3), IKE_PLD_E_TRANSFORM);
	/* Transform longer than its attribute: half an attribute left. */
	assert_int_equal(sa_init_with(XF1_OFF + 3, 14), IKE_PLD_E_ATTRIBUTE);
	/* Key Length as TLV whose value runs past the transform. */
	assert_int_equal(sa_init_with(XF1_OFF + 8, 0x00), IKE_PLD_E_ATTRIBUTE);
	/* An unknown TV attribute marks the transform, not the message. */
	assert_int_equal(sa_init_with(XF1_OFF + 9, 99), IKE_PLD_E_OK);
	assert_true(msg.sa.prop[0].xf[0].unknown_attr);
	assert_int_equal(msg.sa.prop[0].xf[0].key_bits, 0);
}

/* A message of the given payloads, built with ike_gen. */
static size_t build_unknown(uint8_t *buf, size_t cap, unsigned int n,
			    uint8_t type, bool critical)
{
	struct ike_gen g;

	ike_gen_init(&g, buf, cap);
	ike_gen_hdr(&g, 1, 2, IKE_EX_INFORMATIONAL, 0, 5);
	for (unsigned int i = 0; i < n; i++) {
		ike_gen_begin(&g, type, critical && i == n - 1);
		ike_gen_u32(&g, i);
		ike_gen_end(&g);
	}
	return ike_gen_finish(&g);
}

static void test_counts_and_critical(void **state)
{
	uint8_t buf[2048];
	size_t len;

	(void)state;
	/* Unknown payloads without the critical bit are skipped... */
	len = build_unknown(buf, sizeof(buf), 3, 200, false);
	assert_int_equal(parse_copy(buf, len), 0);
	assert_int_equal(msg.n_unknown, 3);
	/* ...up to the cap on payloads in a message. */
	len = build_unknown(buf, sizeof(buf), IKE_PLD_MAX_PAYLOADS, 200, false);
	assert_int_equal(parse_copy(buf, len), 0);
	len = build_unknown(buf, sizeof(buf), IKE_PLD_MAX_PAYLOADS + 1, 200,
			    false);
	assert_int_equal(parse_copy(buf, len), -1);
	assert_int_equal(msg.error, IKE_PLD_E_TOO_MANY);
	/* Too many of one kind. */
	len = build_unknown(buf, sizeof(buf), IKE_PLD_MAX_NOTIFIES + 1,
			    IKE_PLD_N, false);
	assert_int_equal(parse_copy(buf, len), -1);
	assert_int_equal(msg.error, IKE_PLD_E_TOO_MANY);
	/* VENDOR_IDs and CERTREQs, which espgw ignores, are skipped past
	 * their caps: a client may send one CERTREQ per CA it trusts. */
	len = build_unknown(buf, sizeof(buf), IKE_PLD_MAX_VENDORS + 3,
			    IKE_PLD_V, false);
	assert_int_equal(parse_copy(buf, len), 0);
	assert_int_equal(msg.n_vendors, IKE_PLD_MAX_VENDORS);
	assert_int_equal(msg.n_skipped, 3);
	len = build_unknown(buf, sizeof(buf), IKE_PLD_MAX_CERTREQS + 2,
			    IKE_PLD_CERTREQ, false);
	assert_int_equal(parse_copy(buf, len), 0);
	assert_int_equal(msg.n_certreqs, IKE_PLD_MAX_CERTREQS);
	assert_int_equal(msg.n_skipped, 2);
	/* An unknown critical one: UNSUPPORTED_CRITICAL_PAYLOAD with its
	 * type (section 2.5). */
	len = build_unknown(buf, sizeof(buf), 2, 200, true);
	assert_int_equal(parse_copy(buf, len), -1);
	assert_int_equal(msg.error, IKE_PLD_E_CRITICAL);
	assert_int_equal(msg.error_payload, 200);
	assert_int_equal(msg.error_offset, IKE_HDR_LEN + 8);
	assert_int_equal(ike_pld_error_notify(msg.error),
			 IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD);
	/* The critical bit on a known payload changes nothing. */
	len = build_unknown(buf, sizeof(buf), 1, IKE_PLD_V, true);
	assert_int_equal(parse_copy(buf, len), 0);
	/* A nonce of 4 octets (section 2.10 asks for 16 at least). */
	len = build_unknown(buf, sizeof(buf), 1, IKE_PLD_NONCE, false);
	assert_int_equal(parse_copy(buf, len), -1);
	assert_int_equal(msg.error, IKE_PLD_E_NONCE);
}

/* Build a message with one payload of type whose body is p. */
static int one_payload(uint8_t type, const uint8_t *p, size_t n)
{
	uint8_t buf[512];
	struct ike_gen g;
	size_t len;

	ike_gen_init(&g, buf, sizeof(buf));
	ike_gen_hdr(&g, 1, 2, IKE_EX_IKE_AUTH, 0, 1);
	ike_gen_begin(&g, type, false);
	ike_gen_bytes(&g, p, n);
	ike_gen_end(&g);
	len = ike_gen_finish(&g);
	assert_int_not_equal(len, 0);
	return parse_copy(buf, len);
}

static void test_payload_bodies(void **state)
{
	/* TS with one IPv4 selector, and variants of it. */
	uint8_t ts[24] = {1,	0,    0, 0, 7, 0, 0, 16, 0, 0,
			  0xff, 0xff, 1, 2, 3, 4, 5, 6,	 7, 8};
	uint8_t del[4 + 8] = {3, 4, 0, 2};
	uint8_t cp[4 + 8] = {2, 0, 0, 0, 0, 1, 0, 4, 10, 0, 0, 1};
	uint8_t eap[8] = {1, 7, 0, 8, 1, 'a', 'b', 'c'};
	uint8_t skf[4 + 20] = {0, 1, 0, 2};
	uint8_t n[4] = {0, 9, 0x40, 0};

	(void)state;
	assert_int_equal(one_payload(IKE_PLD_TSi, ts, 20), 0);
	assert_int_equal(msg.tsi.ts[0].end.v4[3], 8);
	ts[0] = 2; /* two announced, one present */
	assert_int_equal(one_payload(IKE_PLD_TSi, ts, 20), -1);
	assert_int_equal(msg.error, IKE_PLD_E_TS);
	ts[0] = 1;
	ts[7] = 17; /* IPv4 selector of 17 octets */
	assert_int_equal(one_payload(IKE_PLD_TSi, ts, 21), -1);
	assert_int_equal(msg.error, IKE_PLD_E_TS);
	ts[7] = 16;
	assert_int_equal(one_payload(IKE_PLD_TSi, ts, 24), -1); /* trailing */
	assert_int_equal(msg.error, IKE_PLD_E_TS);
	ts[0] = 0;
	assert_int_equal(one_payload(IKE_PLD_TSr, ts, 4), -1);
	assert_int_equal(msg.error, IKE_PLD_E_TS);

	/* Delete: two 4-octet SPIs, then a count that disagrees. */
	assert_int_equal(one_payload(IKE_PLD_D, del, 12), 0);
	assert_int_equal(msg.del[0].n_spi, 2);
	assert_int_equal(one_payload(IKE_PLD_D, del, 11), -1);
	assert_int_equal(msg.error, IKE_PLD_E_DELETE);

	/* CP attribute value running past the payload. */
	assert_int_equal(one_payload(IKE_PLD_CP, cp, 12), 0);
	assert_int_equal(msg.cp.attr[0].value.len, 4);
	assert_int_equal(one_payload(IKE_PLD_CP, cp, 11), -1);
	assert_int_equal(msg.error, IKE_PLD_E_CP);
	assert_int_equal(msg.error_offset, IKE_HDR_LEN + 4 + 4);
	assert_int_equal(one_payload(IKE_PLD_CP, cp, 6), -1);

	/* EAP length must be the payload's. */
	assert_int_equal(one_payload(IKE_PLD_EAP, eap, 8), 0);
	assert_int_equal(one_payload(IKE_PLD_EAP, eap, 7), -1);
	assert_int_equal(msg.error, IKE_PLD_E_EAP);

	/* Notify SPI size past the payload. */
	assert_int_equal(one_payload(IKE_PLD_N, n, 4), -1);
	assert_int_equal(msg.error, IKE_PLD_E_PLD_SHORT);
	n[1] = 0;
	assert_int_equal(one_payload(IKE_PLD_N, n, 4), 0);
	assert_int_equal(one_payload(IKE_PLD_N, n, 3), -1);

	/* SKF fields (RFC 7383): fragment 1 of 2, then 0 and 3 of 2. */
	assert_int_equal(one_payload(IKE_PLD_SKF, skf, sizeof(skf)), 0);
	assert_int_equal(msg.sk.frag_num, 1);
	assert_int_equal(msg.sk.frag_total, 2);
	assert_int_equal(msg.sk.data.len, 20);
	skf[1] = 0;
	assert_int_equal(one_payload(IKE_PLD_SKF, skf, sizeof(skf)), -1);
	assert_int_equal(msg.error, IKE_PLD_E_FRAGMENT);
	skf[1] = 3;
	assert_int_equal(one_payload(IKE_PLD_SKF, skf, sizeof(skf)), -1);
	assert_int_equal(msg.error, IKE_PLD_E_FRAGMENT);
	/* Fixed fields missing. */
	assert_int_equal(one_payload(IKE_PLD_KE, skf, 3), -1);
	assert_int_equal(msg.error, IKE_PLD_E_PLD_SHORT);
	assert_int_equal(one_payload(IKE_PLD_IDi, skf, 3), -1);
	assert_int_equal(one_payload(IKE_PLD_AUTH, skf, 3), -1);
	assert_int_equal(one_payload(IKE_PLD_CERT, skf, 0), -1);
	assert_int_equal(one_payload(IKE_PLD_SA, skf, 0), -1);
	assert_int_equal(msg.error, IKE_PLD_E_PROPOSAL);
}

static void test_sk_must_be_last(void **state)
{
	uint8_t buf[128];
	struct ike_gen g;
	size_t len;

	(void)state;
	ike_gen_init(&g, buf, sizeof(buf));
	ike_gen_hdr(&g, 1, 2, IKE_EX_INFORMATIONAL, 0, 1);
	ike_gen_begin(&g, IKE_PLD_SK, false);
	ike_gen_u32(&g, 0);
	ike_gen_end(&g);
	ike_gen_vendor(&g, (const uint8_t *)"x", 1);
	len = ike_gen_finish(&g);
	assert_int_equal(parse_copy(buf, len), -1);
	assert_int_equal(msg.error, IKE_PLD_E_SK_NOT_LAST);
	assert_int_equal(ike_pld_error_notify(msg.error), IKE_N_INVALID_SYNTAX);

	/* An SK inside the decrypted payloads is refused too. */
	assert_int_equal(ike_pld_parse(sample_auth_outer,
				       sizeof(sample_auth_outer), &msg),
			 0);
	assert_int_equal(
		ike_pld_parse_inner(&msg, IKE_PLD_SK, sample_auth_inner, 20),
		-1);
	assert_int_equal(msg.error, IKE_PLD_E_DUPLICATE);
	/* A duplicate payload that may appear once. */
	assert_int_equal(ike_pld_parse(sample_auth_outer,
				       sizeof(sample_auth_outer), &msg),
			 0);
	assert_int_equal(ike_pld_parse_inner(&msg, IKE_PLD_IDi,
					     sample_auth_inner,
					     sizeof(sample_auth_inner)),
			 0);
	assert_int_equal(ike_pld_parse_inner(&msg, IKE_PLD_IDi,
					     sample_auth_inner,
					     sizeof(sample_auth_inner)),
			 -1);
	assert_int_equal(msg.error, IKE_PLD_E_DUPLICATE);
	assert_string_equal(ike_pld_strerror(IKE_PLD_E_DUPLICATE),
			    "payload that may appear once appears twice");
}

/* The names logs show come from the same lists as the numbers. */
static void test_names(void **state)
{
	(void)state;
	assert_string_equal(ike_exchange_name(IKE_EX_IKE_SA_INIT),
			    "IKE_SA_INIT");
	assert_string_equal(ike_payload_name(46), "SK");
	assert_string_equal(ike_notify_name(16390), "COOKIE");
	assert_string_equal(ike_notify_name(IKE_N_INVALID_KE_PAYLOAD),
			    "INVALID_KE_PAYLOAD");
	assert_string_equal(ike_cp_attr_name(1), "INTERNAL_IP4_ADDRESS");
	assert_string_equal(ike_id_type_name(IKE_ID_KEY_ID), "ID_KEY_ID");
	assert_null(ike_notify_name(12345));
	assert_null(ike_payload_name(200));
	assert_string_equal(ike_pld_strerror(IKE_PLD_E_CRITICAL),
			    "unknown payload with the critical bit");
	assert_string_equal(ike_pld_strerror((enum ike_pld_error)999),
			    "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sa_init_fields),
		cmocka_unit_test(test_auth_outer_and_inner),
		cmocka_unit_test(test_truncated_at_every_byte),
		cmocka_unit_test(test_lengths_and_header),
		cmocka_unit_test(test_proposal_and_transform_lengths),
		cmocka_unit_test(test_counts_and_critical),
		cmocka_unit_test(test_payload_bodies),
		cmocka_unit_test(test_sk_must_be_last),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
