/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Real clients' defaults against the tutorial's gateway
 * (scripts/examples/road-warrior.conf), whole exchanges through
 * espgw-control's own engine, in-process: IKE_SA_INIT (with the
 * INVALID_KE_PAYLOAD retry where the client's first KE is of a group the
 * profile does not prefer), then IKE_AUTH with the tutorial's PSK.
 *
 * Each client is a struct ike_load_client (test/bench/ike_load_msg.h)
 * shaped after what the built-in IKEv2 clients of iOS/macOS, Android 11+
 * and Windows 10/11 send by default: their proposals in their order, the
 * transforms espgw does not know (3DES, AES-XCBC), their status notifies,
 * VENDOR_ID and CERTREQ payloads, their CP requests and dual-stack traffic
 * selectors.  The shapes are written from the clients' documented and
 * logged behaviour, not from captures; the IANA numbers are spelt out so
 * that a capture can be compared with them.  Windows' built-in client
 * usually authenticates with EAP or a certificate; PSK is the one method
 * espgw has (ike_auth.c), and the method changes nothing tested here.
 *
 * What is asserted is what a user would see: the IKE SA is up with the
 * algorithms the client can live with, the CP reply carries a pool
 * address and the gateway's DNS and leaves the IPv6 attributes out
 * (RFC 7296 section 3.15.4), and the CHILD SA pair the engine pushes to
 * the data plane has the client's ESP transforms, its SPIs and the keys
 * the client derives.  Where the tutorial as written refuses a client's
 * default, the refusal is asserted, and the one-line change a network
 * engineer would make is tested beside it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <arpa/inet.h>

#include "ike_engine.h"
#include "ike_still_clock.h"
#include "ike_load_msg.h"

#define RW_PSK	   "8vQe+1mZ/kR3t9Lw0xN5yJpA" /* road-warrior.conf */
#define MAX_SAS	   8
#define MSG_MAX	   4096 /* Windows' IKE_AUTH is long: its CERTREQs */

/* IANA transform ids (RFC 7296 section 3.3.2 and the IKEv2 registry),
 * including those espgw does not implement, which a client may offer. */
enum {
	ENCR_3DES = 3,
	ENCR_AES_CBC = 12,
	ENCR_AES_GCM_16 = 20,
	PRF_HMAC_SHA1 = 2,
	PRF_AES128_XCBC = 4,
	PRF_HMAC_SHA2_256 = 5,
	PRF_HMAC_SHA2_384 = 6,
	PRF_HMAC_SHA2_512 = 7,
	AUTH_HMAC_SHA1_96 = 2,
	AUTH_AES_XCBC_96 = 5,
	AUTH_HMAC_SHA2_256_128 = 12,
	AUTH_HMAC_SHA2_384_192 = 13,
	AUTH_HMAC_SHA2_512_256 = 14,
	MODP_1024 = 2,
	MODP_1536 = 5,
	MODP_2048 = 14,
	MODP_3072 = 15,
	MODP_4096 = 16,
	ECP_256 = 19,
	CURVE_25519 = 31,
};

/* MS-IKEE: Windows asks for its server's internal address with these
 * private-use CP attributes. */
#define MS_INTERNAL_IP4_SERVER 23456
#define MS_INTERNAL_IP6_SERVER 23457
/* RFC 6311: IKEV2_MESSAGE_ID_SYNC_SUPPORTED, unknown to espgw. */
#define N_MESSAGE_ID_SYNC_SUPPORTED 16420

#define XF(t, i, k) {IKE_XF_##t, (i), (k)}
#define AES(bits)   XF(ENCR, ENCR_AES_CBC, bits)
#define GCM(bits)   XF(ENCR, ENCR_AES_GCM_16, bits)
#define TDES	    XF(ENCR, ENCR_3DES, 0)
/* An IKE proposal of one transform each, and an ESP one. */
#define IKE4(e, i, p, d) \
	{4, {e, XF(INTEG, i, 0), XF(PRF, p, 0), XF(DH, d, 0)}}
#define ESP2(e, i) {2, {e, XF(INTEG, i, 0)}}

static struct espgw_config *cfg;
static struct ike_engine *eng;
static struct ike_load_params params;
static struct ike_load_hs hs;
static struct ike_ep gw_ep, client_ep;
static char variant_path[64];

/* The gateway's last datagram. */
static uint8_t sent[MSG_MAX];
static size_t sent_len;
static unsigned int n_sent;

/* What the gateway told its data plane: the SAs as installed. */
static struct chan_sa sas[MAX_SAS];
static unsigned int n_sas, sa_add, sa_del, pol_add, pol_del;

/* Timers are kept, never fired: nothing here waits. */

/* ---- the gateway's world ---- */

static int net_send(void *arg, const struct ike_ep *local,
		    const struct ike_ep *remote, const uint8_t *buf, size_t len)
{
	(void)arg;
	(void)local;
	assert_int_equal(remote->port, client_ep.port);
	assert_true(addr_equal(&remote->addr, &client_ep.addr));
	assert_true(len <= sizeof(sent));
	memcpy(sent, buf, len);
	sent_len = len;
	n_sent++;
	return 0;
}

static void sa_forget(uint64_t id)
{
	for (unsigned int i = 0; i < n_sas; i++)
		if (sas[i].id == id) {
			sas[i] = sas[--n_sas];
			return;
		}
	fail_msg("SA_DEL of SA %llu, never installed", (unsigned long long)id);
}

static void dp_send(void *arg, uint16_t type, const void *body, uint32_t len)
{
	(void)arg;
	assert_int_equal(len, chan_msg_body_len(type));
	switch (type) {
	case CHAN_MSG_SA_ADD:
		assert_int_equal(chan_sa_check(body), CHAN_ERR_OK);
		assert_true(n_sas < MAX_SAS);
		sas[n_sas++] = *(const struct chan_sa *)body;
		sa_add++;
		break;
	case CHAN_MSG_SA_DEL:
		sa_forget(((const struct chan_sa_del *)body)->id);
		sa_del++;
		break;
	case CHAN_MSG_POLICY_ADD:
		assert_int_equal(chan_policy_check(body), CHAN_ERR_OK);
		pol_add++;
		break;
	case CHAN_MSG_POLICY_DEL:
		pol_del++;
		break;
	default:
		break;
	}
}

static const struct ike_engine_ops ops = {
	.send = net_send,
	.dp_send = dp_send,
	.timer_add = still_timer_add,
	.timer_cancel = still_timer_cancel,
	.now_ms = still_now,
};

static const char *tutorial(void)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/road-warrior.conf",
		 getenv("ESPGW_EXAMPLES"));
	return path;
}

/* The gateway with the configuration at path. */
static void gateway(const char *path)
{
	ike_engine_destroy(eng);
	cfg_free(cfg);
	cfg = cfg_load(path, stderr);
	assert_non_null(cfg);
	eng = ike_engine_create(cfg, &ops);
	assert_non_null(eng);
}

/* One line changed as an engineer would edit the tutorial: the text
 * from, which must appear exactly once, becomes to. */
struct edit {
	const char *from, *to;
};

/* Write line to out with the first edit that applies to it done. */
static void put_edited(FILE *out, const char *line, const struct edit *e,
		       unsigned int n, unsigned int *found)
{
	for (unsigned int i = 0; i < n; i++) {
		const char *at = strstr(line, e[i].from);

		if (!at)
			continue;
		found[i]++;
		fprintf(out, "%.*s%s%s", (int)(at - line), line, e[i].to,
			at + strlen(e[i].from));
		return;
	}
	fputs(line, out);
}

/* The tutorial with n edits, loaded from a file of its own through the
 * same loader as the daemon's. */
static void gateway_variant(const struct edit *e, unsigned int n)
{
	FILE *in = fopen(tutorial(), "r");
	unsigned int found[4] = {0};
	char line[512];
	FILE *out;
	int fd;

	assert_non_null(in);
	snprintf(variant_path, sizeof(variant_path),
		 "/tmp/espgw-rw-variant-XXXXXX");
	fd = mkstemp(variant_path);
	assert_true(fd >= 0);
	out = fdopen(fd, "w");
	assert_non_null(out);
	assert_true(n <= 4);
	while (fgets(line, sizeof(line), in))
		put_edited(out, line, e, n, found);
	fclose(in);
	fclose(out);
	for (unsigned int i = 0; i < n; i++)
		assert_int_equal(found[i], 1);
	gateway(variant_path);
}

/* Play client c, its first KE of group.  The IKE SA must end up with
 * params' algorithms (AES-CBC-256, HMAC-SHA2-256-128, PRF-HMAC-SHA2-256:
 * the tutorial's profile) and the CHILD SA with esp_encr and esp_integ. */
static void client(const struct ike_load_client *c, enum algo_id group,
		   enum algo_id esp_encr, enum algo_id esp_integ)
{
	ike_load_params_free(&params);
	assert_int_equal(
		ike_load_params_init(&params, algo_by_id(group),
				     (struct ike_slice){(const uint8_t *)RW_PSK,
							strlen(RW_PSK)}),
		0);
	params.local = client_ep;
	params.remote = gw_ep;
	params.client = c;
	params.esp_encr = algo_by_id(esp_encr);
	params.esp_integ = esp_integ ? algo_by_id(esp_integ) : NULL;
}

static int setup(void **state)
{
	(void)state;
	assert_true(addr_parse("203.0.113.1", &gw_ep.addr)); /* its wan */
	gw_ep.port = IKE_PORT;
	assert_true(addr_parse("198.51.100.7", &client_ep.addr));
	client_ep.port = IKE_PORT;
	still_clock_reset();
	n_sas = sa_add = sa_del = pol_add = pol_del = n_sent = 0;
	variant_path[0] = '\0';
	gateway(tutorial());
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ike_engine_destroy(eng);
	eng = NULL;
	/* Destroying uninstalls every CHILD SA it installed. */
	assert_int_equal(n_sas, 0);
	assert_int_equal(sa_del, sa_add);
	assert_int_equal(pol_del, pol_add);
	cfg_free(cfg);
	cfg = NULL;
	ike_load_params_free(&params);
	if (variant_path[0])
		unlink(variant_path);
	return 0;
}

/* ---- one client's exchanges ---- */

/* Hand a request to the gateway; its answer is in sent. */
static void deliver(const uint8_t *req, size_t len)
{
	static uint8_t copy[MSG_MAX];
	unsigned int before = n_sent;

	assert_true(len > 0 && len <= sizeof(copy));
	memcpy(copy, req, len); /* the engine decrypts in place */
	ike_engine_input(eng, &gw_ep, &client_ep, copy, len);
	assert_int_equal(n_sent, before + 1);
}

static void start(unsigned int n, const char *id)
{
	uint8_t nonce[IKE_LOAD_NONCE_LEN];

	memset(nonce, (int)n + 0x41, sizeof(nonce));
	ike_load_hs_start(&hs, 0x0102030405060708ull + n, nonce,
			  htonl(0xc0000000u + n), id);
}

/* One IKE_SA_INIT; what the client makes of the gateway's answer. */
static enum ike_load_rc init_once(uint16_t *notify)
{
	enum ike_load_bad why = IKE_LOAD_BAD_NONE;
	enum ike_load_rc rc;

	*notify = 0;
	assert_true(ike_load_init_req(&hs, &params) > 0);
	deliver(hs.init_req, hs.init_req_len);
	rc = ike_load_init_resp(&hs, &params, sent, sent_len, notify, &why);
	assert_int_equal(why, IKE_LOAD_BAD_NONE);
	return rc;
}

/*
 * IKE_SA_INIT as a client does it: after INVALID_KE_PAYLOAD (section
 * 1.2) once more with a KE of the group asked for, which must be one the
 * client offered.  How many tries it took in *tries.
 */
static enum ike_load_rc init(uint16_t *notify, unsigned int *tries)
{
	enum ike_load_rc rc = init_once(notify);

	*tries = 1;
	if (rc == IKE_LOAD_NOTIFY && *notify == IKE_N_INVALID_KE_PAYLOAD) {
		const struct algo *g = algo_by_iana(ALGO_DH, hs.ke_asked, 0);

		assert_non_null(g);
		assert_int_equal(ike_load_params_group(&params, g), 0);
		rc = init_once(notify);
		*tries = 2;
	}
	return rc;
}

/* IKE_AUTH after a good IKE_SA_INIT; the response parsed into *m. */
static enum ike_load_rc auth(uint16_t *notify, struct ike_msg *m)
{
	enum ike_load_bad why = IKE_LOAD_BAD_NONE;
	static uint8_t req[MSG_MAX];
	enum ike_load_rc rc;

	*notify = 0;
	deliver(req, ike_load_auth_req(&hs, &params, req, sizeof(req)));
	rc = ike_load_auth_resp_msg(&hs, &params, sent, sent_len, notify, &why,
				    m);
	assert_int_equal(why, IKE_LOAD_BAD_NONE);
	return rc;
}

/* The whole connection, which must come up. */
static void connect_ok(struct ike_msg *m, unsigned int want_tries)
{
	unsigned int tries;
	uint16_t notify;

	assert_int_equal(init(&notify, &tries), IKE_LOAD_OK);
	assert_int_equal(tries, want_tries);
	assert_int_equal(auth(&notify, m), IKE_LOAD_OK);
	assert_int_equal(notify, 0);
}

/* ---- what the client sees ---- */

static unsigned int cp_count(const struct ike_msg *m, uint16_t type)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < m->cp.n_attrs; i++)
		n += m->cp.attr[i].type == type;
	return n;
}

static bool cp_has_v4(const struct ike_msg *m, uint16_t type, const char *a)
{
	struct ip_addr want;

	assert_true(addr_parse(a, &want));
	for (unsigned int i = 0; i < m->cp.n_attrs; i++)
		if (m->cp.attr[i].type == type &&
		    m->cp.attr[i].value.len == 4 &&
		    memcmp(m->cp.attr[i].value.ptr, want.bytes, 4) == 0)
			return true;
	return false;
}

/* The tutorial's mode-config in a CFG_REPLY: the pool's first address,
 * the gateway's resolver, the office networks, and nothing of IPv6. */
static void expect_tutorial_cp(const struct ike_msg *m)
{
	assert_true(m->has & IKE_HAS(IKE_PLD_CP));
	assert_int_equal(m->cp.type, IKE_CFG_REPLY);
	assert_int_equal(cp_count(m, IKE_INTERNAL_IP4_ADDRESS), 1);
	assert_true(cp_has_v4(m, IKE_INTERNAL_IP4_ADDRESS, "172.16.1.100"));
	assert_true(cp_has_v4(m, IKE_INTERNAL_IP4_DNS, "10.10.0.53"));
	assert_int_equal(cp_count(m, IKE_INTERNAL_IP4_SUBNET), 2);
	/* Section 3.15.4: the IPv6 requests are declined by leaving them
	 * out, and the rest of the exchange goes on. */
	assert_int_equal(cp_count(m, IKE_INTERNAL_IP6_ADDRESS), 0);
	assert_int_equal(cp_count(m, IKE_INTERNAL_IP6_DNS), 0);
	assert_int_equal(cp_count(m, IKE_INTERNAL_IP6_SUBNET), 0);
	assert_int_equal(hs.vip.family, ADDR_V4);
}

static struct chan_sa *sa_of(uint32_t spi, uint8_t dir)
{
	for (unsigned int i = 0; i < n_sas; i++)
		if (sas[i].spi == spi && sas[i].dir == dir)
			return &sas[i];
	return NULL;
}

/*
 * The CHILD SA pair in the data plane is the one the client negotiated:
 * its ESP transforms, the SPIs of both sides, the client's virtual
 * address as the remote selector, and the keys the client derives from
 * the same exchange (section 2.17), each direction's its own.
 */
static void expect_child(enum algo_id encr, enum algo_id integ)
{
	const struct algo *e = algo_by_id(encr), *a = algo_by_id(integ);
	struct ike_child_keys k;
	struct chan_sa *in = sa_of(hs.child_spi_r, CHAN_DIR_IN);
	struct chan_sa *out = sa_of(hs.child_spi, CHAN_DIR_OUT);

	assert_non_null(in);
	assert_non_null(out);
	assert_int_equal(in->twin_id, out->id);
	assert_int_equal(in->enc_algo, encr);
	assert_int_equal(out->enc_algo, encr);
	assert_int_equal(in->integ_algo, integ);
	assert_int_equal(out->integ_algo, integ);
	assert_int_equal(in->esn, 0);
	assert_true(addr_equal(&in->ts_remote.prefix.addr, &hs.vip));
	assert_int_equal(in->ts_remote.prefix.len, 32);

	assert_int_equal(
		ike_keys_child(&k, params.prf,
			       (struct ike_slice){hs.keys.sk_d, hs.keys.d_len},
			       e, a, (struct ike_slice){NULL, 0},
			       (struct ike_slice){hs.ni, sizeof(hs.ni)},
			       (struct ike_slice){hs.nr, hs.nr_len}),
		0);
	assert_int_equal(in->enc_key_len, k.e_len);
	assert_int_equal(in->integ_key_len, k.a_len);
	/* What the initiator sends comes in: its "i" keys. */
	assert_memory_equal(in->enc_key, k.ei, k.e_len);
	assert_memory_equal(in->integ_key, k.ai, k.a_len);
	assert_memory_equal(out->enc_key, k.er, k.e_len);
	assert_memory_equal(out->integ_key, k.ar, k.a_len);
	ike_keys_wipe(&k, sizeof(k));
}

static void expect_established(unsigned int n)
{
	assert_int_equal(ike_engine_n_ike_sas(eng), n);
	assert_int_equal(ike_engine_n_half_open(eng), 0);
	assert_int_equal(ike_engine_stats(eng)->established, n);
}

/* ---- the clients ---- */

/*
 * iOS 14+ and macOS 11+ with the settings a user types in (no profile):
 * five IKE proposals, the first AES-CBC-256/SHA2-256/MODP-2048, KE of
 * that group; ESP AES-CBC-256/SHA2-256 first.  IKE_AUTH carries IDr (the
 * "Remote ID" setting), INITIAL_CONTACT, MOBIKE_SUPPORTED and other
 * status notifies, and asks for both families.  with_pfs: each CHILD
 * proposal also names MODP-2048, as iOS does under a profile with PFS on
 * (section 1.2 has the responder ignore it in IKE_AUTH); macOS sends
 * none.
 */
static struct ike_load_client apple(bool with_pfs)
{
	struct ike_load_client c = {
		.n_ike = 5,
		.ike = {IKE4(AES(256), AUTH_HMAC_SHA2_256_128,
			     PRF_HMAC_SHA2_256, MODP_2048),
			IKE4(AES(256), AUTH_HMAC_SHA2_256_128,
			     PRF_HMAC_SHA2_256, ECP_256),
			IKE4(AES(256), AUTH_HMAC_SHA2_256_128,
			     PRF_HMAC_SHA2_256, MODP_1536),
			IKE4(AES(128), AUTH_HMAC_SHA1_96, PRF_HMAC_SHA1,
			     MODP_1024),
			IKE4(TDES, AUTH_HMAC_SHA1_96, PRF_HMAC_SHA1,
			     MODP_1024)},
		.n_esp = 3,
		.esp = {ESP2(AES(256), AUTH_HMAC_SHA2_256_128),
			ESP2(AES(128), AUTH_HMAC_SHA1_96),
			ESP2(TDES, AUTH_HMAC_SHA1_96)},
		.n_init_notifies = 1,
		.init_notify = {{IKE_N_IKEV2_FRAGMENTATION_SUPPORTED, {0}}},
		.n_auth_notifies = 6,
		.auth_notify = {{IKE_N_INITIAL_CONTACT, {0}},
				{IKE_N_ESP_TFC_PADDING_NOT_SUPPORTED, {0}},
				{IKE_N_NON_FIRST_FRAGMENTS_ALSO, {0}},
				{IKE_N_MOBIKE_SUPPORTED, {0}},
				{IKE_N_NO_ADDITIONAL_ADDRESSES, {0}},
				{N_MESSAGE_ID_SYNC_SUPPORTED, {0}}},
		.n_cp_attrs = 6,
		.cp_attr = {IKE_INTERNAL_IP4_ADDRESS, IKE_INTERNAL_IP4_DNS,
			    IKE_INTERNAL_IP6_ADDRESS, IKE_INTERNAL_IP6_DNS,
			    IKE_INTERNAL_DNS_DOMAIN, IKE_APPLICATION_VERSION},
		.idr = true,
		.dual_stack = true,
	};

	for (unsigned int i = 0; with_pfs && i < c.n_esp; i++)
		c.esp[i].xf[c.esp[i].n++] =
			(struct ike_load_xf)XF(DH, MODP_2048, 0);
	return c;
}

/*
 * Android 11+ (the platform's IKEv2/PSK profile): one proposal of CBC
 * ciphers and one of GCM, each with four PRFs and the groups 4096,
 * 25519, 3072 and 2048 in that order, KE of MODP-4096 first.  CHILD
 * proposals without a DH group; CP for both families' address and DNS;
 * IDr (the "server identifier").
 */
static const struct ike_load_client android = {
	.n_ike = 2,
	.ike = {{15,
		 {AES(256), AES(192), AES(128),
		  XF(INTEG, AUTH_HMAC_SHA2_512_256, 0),
		  XF(INTEG, AUTH_HMAC_SHA2_384_192, 0),
		  XF(INTEG, AUTH_HMAC_SHA2_256_128, 0),
		  XF(INTEG, AUTH_AES_XCBC_96, 0), XF(PRF, PRF_AES128_XCBC, 0),
		  XF(PRF, PRF_HMAC_SHA2_512, 0), XF(PRF, PRF_HMAC_SHA2_384, 0),
		  XF(PRF, PRF_HMAC_SHA2_256, 0), XF(DH, MODP_4096, 0),
		  XF(DH, CURVE_25519, 0), XF(DH, MODP_3072, 0),
		  XF(DH, MODP_2048, 0)}},
		{10,
		 {GCM(256), GCM(128), XF(PRF, PRF_AES128_XCBC, 0),
		  XF(PRF, PRF_HMAC_SHA2_512, 0), XF(PRF, PRF_HMAC_SHA2_384, 0),
		  XF(PRF, PRF_HMAC_SHA2_256, 0), XF(DH, MODP_4096, 0),
		  XF(DH, CURVE_25519, 0), XF(DH, MODP_3072, 0),
		  XF(DH, MODP_2048, 0)}}},
	.n_esp = 2,
	.esp = {{6,
		 {AES(256), AES(192), AES(128),
		  XF(INTEG, AUTH_HMAC_SHA2_512_256, 0),
		  XF(INTEG, AUTH_HMAC_SHA2_384_192, 0),
		  XF(INTEG, AUTH_HMAC_SHA2_256_128, 0)}},
		{2, {GCM(256), GCM(128)}}},
	.n_init_notifies = 2,
	.init_notify = {{IKE_N_IKEV2_FRAGMENTATION_SUPPORTED, {0}},
			/* RFC 7427: SHA2-256, SHA2-384, SHA2-512 */
			{IKE_N_SIGNATURE_HASH_ALGORITHMS,
			 {(const uint8_t *)"\0\2\0\3\0\4", 6}}},
	.n_auth_notifies = 1,
	.auth_notify = {{IKE_N_ESP_TFC_PADDING_NOT_SUPPORTED, {0}}},
	.n_cp_attrs = 4,
	.cp_attr = {IKE_INTERNAL_IP4_ADDRESS, IKE_INTERNAL_IP6_ADDRESS,
		    IKE_INTERNAL_IP4_DNS, IKE_INTERNAL_IP6_DNS},
	.idr = true,
	.dual_stack = true,
};

/* The SHA-1 hash of a CA's public key (section 3.7). */
static uint8_t ca_hash[20];

/* Four VENDOR_IDs in the shape strongSwan's logs show for Windows
 * ("MS NT5 ISAKMPOAKLEY v9", "MS-Negotiation Discovery Capable",
 * "Vid-Initial-Contact" and one it does not know); their content does
 * not matter to espgw, which must skip them whatever they say. */
static const uint8_t ms_vid[4][20] = {
	{0x1e, 0x2b, 0x51, 0x69, 0x05, 0x99, 0x1c, 0x7d, 0x7c, 0x96,
	 0xfc, 0xbf, 0xb5, 0x87, 0xe4, 0x61, 0x00, 0x00, 0x00, 0x09},
	{0xfb, 0x1d, 0xe3, 0xcd, 0xf3, 0x41, 0xb7, 0xea, 0x16, 0xb7, 0xe5, 0xbe,
	 0x08, 0x55, 0xf1, 0x20},
	{0x26, 0x24, 0x4d, 0x38, 0xed, 0xdb, 0x61, 0xb3, 0x17, 0x2a, 0x36, 0xe3,
	 0xd0, 0xcf, 0xb8, 0x19},
	{0x01, 0x52, 0x8b, 0xbb, 0xc0, 0x06, 0x96, 0x12, 0x18, 0x49,
	 0xab, 0x9a, 0x1c, 0x5b, 0x2a, 0x51, 0x00, 0x00, 0x00, 0x02},
};

/*
 * Windows 10/11's built-in client with its defaults (no
 * Set-VpnConnectionIPsecConfiguration): six IKE proposals, every one
 * with MODP-1024, KE of MODP-1024; ESP with HMAC-SHA1-96 only; four
 * VENDOR_IDs in IKE_SA_INIT; in IKE_AUTH one CERTREQ after another
 * (here 20, more than espgw keeps, each naming one root),
 * MOBIKE_SUPPORTED, and a CP request of seven attributes, two of them
 * Microsoft's own.
 */
static struct ike_load_client windows(void)
{
	struct ike_load_client c = {
		.n_ike = 6,
		.ike = {IKE4(TDES, AUTH_HMAC_SHA1_96, PRF_HMAC_SHA1, MODP_1024),
			IKE4(AES(256), AUTH_HMAC_SHA1_96, PRF_HMAC_SHA1,
			     MODP_1024),
			IKE4(TDES, AUTH_HMAC_SHA2_256_128, PRF_HMAC_SHA2_256,
			     MODP_1024),
			IKE4(AES(256), AUTH_HMAC_SHA2_256_128,
			     PRF_HMAC_SHA2_256, MODP_1024),
			IKE4(TDES, AUTH_HMAC_SHA2_384_192, PRF_HMAC_SHA2_384,
			     MODP_1024),
			IKE4(AES(256), AUTH_HMAC_SHA2_384_192,
			     PRF_HMAC_SHA2_384, MODP_1024)},
		.n_esp = 3,
		.esp = {ESP2(AES(256), AUTH_HMAC_SHA1_96),
			ESP2(AES(128), AUTH_HMAC_SHA1_96),
			ESP2(TDES, AUTH_HMAC_SHA1_96)},
		.n_init_notifies = 1,
		.init_notify = {{IKE_N_IKEV2_FRAGMENTATION_SUPPORTED, {0}}},
		.n_vendors = 4,
		.n_auth_notifies = 1,
		.auth_notify = {{IKE_N_MOBIKE_SUPPORTED, {0}}},
		.n_cp_attrs = 7,
		.cp_attr = {IKE_INTERNAL_IP4_ADDRESS, IKE_INTERNAL_IP4_DNS,
			    IKE_INTERNAL_IP4_NBNS, MS_INTERNAL_IP4_SERVER,
			    IKE_INTERNAL_IP6_ADDRESS, IKE_INTERNAL_IP6_DNS,
			    MS_INTERNAL_IP6_SERVER},
		.n_certreqs = 20,
		.certreq = {ca_hash, sizeof(ca_hash)},
		.dual_stack = true,
	};

	for (unsigned int i = 0; i < 4; i++)
		c.vendor[i] = (struct ike_slice){ms_vid[i],
						 i == 1 || i == 2 ? 16 : 20};
	for (size_t i = 0; i < sizeof(ca_hash); i++)
		ca_hash[i] = (uint8_t)(i * 7 + 1);
	return c;
}

/* ---- tests ---- */

static void apple_connects(bool with_pfs)
{
	static struct ike_msg m;
	struct ike_load_client c = apple(with_pfs);

	client(&c, ALGO_MODP2048, ALGO_AES_256_CBC, ALGO_HMAC_SHA256_128);
	start(0, "iphone.example.org");
	/* Its first proposal and its KE are the tutorial's profile. */
	connect_ok(&m, 1);

	expect_established(1);
	expect_tutorial_cp(&m);
	/* RFC 4555 section 3.3: MOBIKE_SUPPORTED is answered in kind. */
	assert_non_null(ike_pld_notify(&m, IKE_N_MOBIKE_SUPPORTED));
	expect_child(ALGO_AES_256_CBC, ALGO_HMAC_SHA256_128);
	assert_int_equal(sa_add, 2);
	assert_int_equal(pol_add, 2);
}

static void test_macos(void **state)
{
	(void)state;
	apple_connects(false);
}

static void test_ios_pfs_group_in_ike_auth(void **state)
{
	(void)state;
	apple_connects(true);
}

/* The phone comes back after losing its network: a new IKE SA with
 * INITIAL_CONTACT replaces the old one and its CHILD SAs. */
static void test_ios_reconnect_initial_contact(void **state)
{
	static struct ike_msg m;
	struct ike_load_client c = apple(false);
	uint32_t old_in;

	(void)state;
	client(&c, ALGO_MODP2048, ALGO_AES_256_CBC, ALGO_HMAC_SHA256_128);
	start(0, "iphone.example.org");
	connect_ok(&m, 1);
	old_in = hs.child_spi_r;

	start(1, "iphone.example.org");
	connect_ok(&m, 1);
	assert_int_equal(ike_engine_n_ike_sas(eng), 1);
	assert_int_equal(n_sas, 2);
	assert_null(sa_of(old_in, CHAN_DIR_IN));
	expect_child(ALGO_AES_256_CBC, ALGO_HMAC_SHA256_128);
	expect_tutorial_cp(&m); /* the address came back to the pool */
}

/* A phone is almost always behind a NAT: its NAT-D hashes name its own
 * address, and it moves to port 4500 for IKE_AUTH (section 2.23); the
 * CHILD SAs are ESP in UDP to the port its NAT mapped. */
static void test_iphone_behind_nat(void **state)
{
	static struct ike_msg m;
	struct ike_load_client c = apple(false);
	struct chan_sa *in, *out;
	unsigned int tries;
	uint16_t notify;

	(void)state;
	client(&c, ALGO_MODP2048, ALGO_AES_256_CBC, ALGO_HMAC_SHA256_128);
	assert_true(addr_parse("192.168.1.20", &params.local.addr));
	client_ep.port = 40123; /* what the NAT made of its port 500 */
	start(0, "iphone.example.org");
	assert_int_equal(init(&notify, &tries), IKE_LOAD_OK);

	gw_ep.port = IKE_NATT_PORT;
	client_ep.port = 40124; /* ... and of its port 4500 */
	assert_int_equal(auth(&notify, &m), IKE_LOAD_OK);
	expect_established(1);
	expect_tutorial_cp(&m);
	expect_child(ALGO_AES_256_CBC, ALGO_HMAC_SHA256_128);
	in = sa_of(hs.child_spi_r, CHAN_DIR_IN);
	out = sa_of(hs.child_spi, CHAN_DIR_OUT);
	assert_int_equal(in->natt, 1);
	assert_int_equal(out->natt, 1);
	assert_int_equal(out->natt_local_port, IKE_NATT_PORT);
	assert_int_equal(out->natt_remote_port, 40124);
}

static void test_android(void **state)
{
	static struct ike_msg m;

	(void)state;
	/* Its KE is MODP-4096, the profile's group MODP-2048, which it
	 * also offered: INVALID_KE_PAYLOAD, and the second try passes. */
	client(&android, ALGO_MODP4096, ALGO_AES_256_CBC, ALGO_HMAC_SHA256_128);
	start(0, "android.example.org");
	connect_ok(&m, 2);
	assert_int_equal(params.group->id, ALGO_MODP2048);
	assert_int_equal(ike_engine_stats(eng)->invalid_ke, 1);

	expect_established(1);
	expect_tutorial_cp(&m);
	expect_child(ALGO_AES_256_CBC, ALGO_HMAC_SHA256_128);
}

static void test_android_first_try_asks_2048(void **state)
{
	uint16_t notify;

	(void)state;
	client(&android, ALGO_MODP4096, ALGO_AES_256_CBC, ALGO_HMAC_SHA256_128);
	start(0, "android.example.org");
	assert_int_equal(init_once(&notify), IKE_LOAD_NOTIFY);
	assert_int_equal(notify, IKE_N_INVALID_KE_PAYLOAD);
	assert_int_equal(hs.ke_asked, MODP_2048);
	/* Section 2.6's statelessness: nothing kept for the first try. */
	assert_int_equal(ike_engine_n_half_open(eng), 0);
	assert_int_equal(n_sas, 0);
}

static void test_windows_tutorial_refuses_modp1024(void **state)
{
	struct ike_load_client c = windows();
	unsigned int tries;
	uint16_t notify;

	(void)state;
	/* The tutorial's profile allows modp2048 only; every Windows
	 * proposal is MODP-1024. */
	client(&c, ALGO_MODP1024, ALGO_AES_256_CBC, ALGO_HMAC_SHA1_96);
	start(0, "windows.example.org");
	assert_int_equal(init(&notify, &tries), IKE_LOAD_NOTIFY);
	assert_int_equal(notify, IKE_N_NO_PROPOSAL_CHOSEN);
	assert_int_equal(tries, 1);
	assert_int_equal(ike_engine_stats(eng)->no_proposal, 1);
	assert_int_equal(ike_engine_n_ike_sas(eng), 0);
	assert_int_equal(ike_engine_n_half_open(eng), 0);
}

/* What an engineer writes for Windows clients left at their defaults:
 * modp1024 after the tutorial's group, so that clients that can do
 * better still get modp2048. */
static const struct edit modp1024 = {"dh_group = \"modp2048\";",
				     "dh_group = \"modp2048,modp1024\";"};

static void test_windows_with_modp1024(void **state)
{
	static struct ike_msg m;
	struct ike_load_client c = windows();

	(void)state;
	gateway_variant(&modp1024, 1);
	client(&c, ALGO_MODP1024, ALGO_AES_256_CBC, ALGO_HMAC_SHA1_96);
	start(0, "windows.example.org");
	/* Its fourth proposal, AES-CBC-256/SHA2-256/MODP-1024, is the
	 * first the profile allows (params' encr, integ and prf). */
	connect_ok(&m, 1);

	expect_established(1);
	expect_tutorial_cp(&m);
	assert_int_equal(cp_count(&m, MS_INTERNAL_IP4_SERVER), 0);
	expect_child(ALGO_AES_256_CBC, ALGO_HMAC_SHA1_96);
	assert_int_equal(ike_engine_stats(eng)->malformed, 0);
}

static void test_windows_child_without_sha1(void **state)
{
	static struct ike_msg m;
	struct ike_load_client c = windows();
	unsigned int tries;
	uint16_t notify;

	/* The tutorial's comment invites dropping sha1 from the CHILD SA
	 * proposal; Windows' ESP offers nothing else. The IKE SA still
	 * comes up (section 1.2), without a CHILD SA. */
	const struct edit e[] = {
		modp1024,
		{"auth_algorithms = \"sha256,sha1\";",
		 "auth_algorithms = \"sha256\";"},
	};

	(void)state;
	gateway_variant(e, 2);
	client(&c, ALGO_MODP1024, ALGO_AES_256_CBC, ALGO_HMAC_SHA1_96);
	start(0, "windows.example.org");
	assert_int_equal(init(&notify, &tries), IKE_LOAD_OK);
	assert_int_equal(auth(&notify, &m), IKE_LOAD_NOTIFY);
	assert_int_equal(notify, IKE_N_NO_PROPOSAL_CHOSEN);
	assert_int_equal(n_sas, 0);
	assert_int_equal(ike_engine_stats(eng)->no_proposal, 1);
	assert_int_equal(ike_engine_n_ike_sas(eng), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_macos, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ios_pfs_group_in_ike_auth,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_ios_reconnect_initial_contact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_iphone_behind_nat, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_android, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_android_first_try_asks_2048, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_windows_tutorial_refuses_modp1024, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_windows_with_modp1024,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_windows_child_without_sha1,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
