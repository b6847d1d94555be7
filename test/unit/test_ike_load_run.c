/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The load initiator's driver (test/bench/ike_load_run.c) and its channel
 * sink (ike_load_sink.c) over real sockets on 127.0.0.1: against
 * espgw-control's IKE engine running in a thread of this process (every
 * handshake completes, and with --delete every IKE SA is gone again),
 * against a socket that never answers (every handshake times out after
 * its tries, each request resent in between), and the sink counting what
 * an attached sender puts on the channel.  Outcomes do not depend on
 * timing: the engine answers every request it gets, and lost datagrams
 * are resent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <unistd.h>

#include "chan.h"
#include "ike_engine.h"
#include "ike_load_run.h"
#include "ike_load_sink.h"

#define PSK	   "Rk4+load-run-test-9QzLw"
#define MAX_TIMERS 4096

static const char conf_text[] =
	"ipsec = {\n"
	" pools = ( { name = \"p\"; ranges = [ \"10.64.0.1-10.64.3.254\" ]; } "
	");\n"
	" mode_configs = ( { name = \"m\"; address_pool = \"p\";\n"
	"   system_dns = false; } );\n"
	" proposals = ( { name = \"e\"; auth_algorithms = \"sha256\";\n"
	"   enc_algorithms = \"aes-256-cbc\"; pfs_group = \"none\"; } );\n"
	" policy_groups = ( { name = \"g\"; } );\n"
	" profiles = ( { name = \"i\"; hash_algorithm = \"sha256\";\n"
	"   enc_algorithm = \"aes-256\"; dh_group = \"curve25519\";\n"
	"   dpd_interval = \"disable-dpd\"; } );\n"
	" policies = ( { template = true; group = \"g\"; proposal = \"e\";\n"
	"   src_address = \"0.0.0.0/0\"; dst_address = \"0.0.0.0/0\"; } );\n"
	" peers = ( { name = \"r\"; passive = true; profile = \"i\"; } );\n"
	" identities = ( { peer = \"r\"; secret = \"" PSK "\";\n"
	"   generate_policy = \"port-strict\"; mode_config = \"m\";\n"
	"   policy_template_group = \"g\"; } );\n"
	"};\n"
	"dataplane = { ports = ( { name = \"wan\"; role = \"public\";\n"
	"   device = \"net_null0\"; addresses = [ \"127.0.0.1/8\" ]; } ); };\n"
	"control = { ike_addresses = [ \"127.0.0.1\" ]; };\n";

/* The responder: an engine on its own socket, in its own thread. */
struct responder {
	struct espgw_config *cfg;
	struct ike_engine *e;
	int fd;
	struct ike_ep ep;
	pthread_t thread;
	atomic_bool stop;
	unsigned int sa_add;
	bool timer_live[MAX_TIMERS];
};

static struct responder rsp;
static struct ike_load_params params;

static struct ike_ep ep_of(const struct sockaddr_in *sin)
{
	struct ike_ep ep = {.addr = {.family = ADDR_V4},
			    .port = ntohs(sin->sin_port)};

	memcpy(ep.addr.bytes, &sin->sin_addr, 4);
	return ep;
}

static struct sockaddr_in sin_of(const struct ike_ep *ep)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons(ep->port)};

	memcpy(&sin.sin_addr, ep->addr.bytes, 4);
	return sin;
}

/* A UDP socket on 127.0.0.1, any port; its address in ep. */
static int udp_socket(struct ike_ep *ep)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*ep = ep_of(&sin);
	return fd;
}

static int r_send(void *arg, const struct ike_ep *local,
		  const struct ike_ep *remote, const uint8_t *buf, size_t len)
{
	struct sockaddr_in to = sin_of(remote);

	(void)arg;
	(void)local;
	sendto(rsp.fd, buf, len, 0, (struct sockaddr *)&to, sizeof(to));
	return 0;
}

static void r_dp_send(void *arg, uint16_t type, const void *body, uint32_t len)
{
	(void)arg;
	(void)body;
	(void)len;
	rsp.sa_add += type == CHAN_MSG_SA_ADD;
}

/* Timers are kept, never fired: no handshake here lives long enough. */
static void *r_timer_add(void *arg, uint64_t after, ike_timer_fn fn, void *a)
{
	(void)arg;
	(void)after;
	(void)fn;
	(void)a;
	for (int i = 0; i < MAX_TIMERS; i++)
		if (!rsp.timer_live[i]) {
			rsp.timer_live[i] = true;
			return &rsp.timer_live[i];
		}
	return NULL;
}

static void r_timer_cancel(void *arg, void *t)
{
	(void)arg;
	if (t)
		*(bool *)t = false;
}

static uint64_t r_now(void *arg)
{
	(void)arg;
	return 1000000;
}

static const struct ike_engine_ops r_ops = {
	.send = r_send,
	.dp_send = r_dp_send,
	.timer_add = r_timer_add,
	.timer_cancel = r_timer_cancel,
	.now_ms = r_now,
};

static void *responder_main(void *arg)
{
	uint8_t buf[4096];

	(void)arg;
	while (!atomic_load(&rsp.stop)) {
		struct pollfd p = {.fd = rsp.fd, .events = POLLIN};
		struct sockaddr_in from;
		socklen_t flen = sizeof(from);
		struct ike_ep remote;
		ssize_t n;

		if (poll(&p, 1, 10) <= 0)
			continue;
		n = recvfrom(rsp.fd, buf, sizeof(buf), 0,
			     (struct sockaddr *)&from, &flen);
		if (n <= 0)
			continue;
		remote = ep_of(&from);
		ike_engine_input(rsp.e, &rsp.ep, &remote, buf, (size_t)n);
	}
	return NULL;
}

static struct espgw_config *load_conf(void)
{
	char path[] = "/tmp/test_ike_load_run.XXXXXX";
	int fd = mkstemp(path);
	struct espgw_config *cfg;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, conf_text, strlen(conf_text)),
			 (ssize_t)strlen(conf_text));
	close(fd);
	cfg = cfg_load(path, stderr);
	unlink(path);
	assert_non_null(cfg);
	return cfg;
}

/* The initiator's parameters: curve25519 and psk. */
static void use_psk(const char *psk)
{
	ike_load_params_free(&params);
	assert_int_equal(
		ike_load_params_init(
			&params, algo_by_id(ALGO_CURVE25519),
			(struct ike_slice){(const uint8_t *)psk, strlen(psk)}),
		0);
}

static int setup(void **state)
{
	(void)state;
	memset(&rsp, 0, sizeof(rsp));
	rsp.cfg = load_conf();
	rsp.e = ike_engine_create(rsp.cfg, &r_ops);
	assert_non_null(rsp.e);
	rsp.fd = udp_socket(&rsp.ep);
	use_psk(PSK);
	assert_int_equal(
		pthread_create(&rsp.thread, NULL, responder_main, NULL), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	atomic_store(&rsp.stop, true);
	pthread_join(rsp.thread, NULL);
	ike_engine_destroy(rsp.e);
	cfg_free(rsp.cfg);
	close(rsp.fd);
	ike_load_params_free(&params);
	return 0;
}

/* A non-blocking socket connected to to; our end in params.local. */
static int initiator_socket(const struct ike_ep *to)
{
	struct sockaddr_in sin = sin_of(to);
	int fd = udp_socket(&params.local);

	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	params.remote = *to;
	return fd;
}

static struct ike_load_opts opts(int fd, uint32_t total, uint32_t window)
{
	return (struct ike_load_opts){
		.params = &params,
		.fd = fd,
		.total = total,
		.window = window,
		.timeout_ms = 200,
		.tries = 8,
		.max_ms = 120000,
	};
}

static void test_against_engine(void **state)
{
	struct ike_load_result r;
	int fd = initiator_socket(&rsp.ep);
	struct ike_load_opts o = opts(fd, 40, 8);

	(void)state;
	assert_int_equal(ike_load_run(&o, &r), 0);
	close(fd);
	assert_int_equal(r.started, 40);
	assert_int_equal(r.established, 40);
	assert_int_equal(ike_load_failed(&r), 0);
	assert_true(r.seconds > 0);
	assert_true(r.lat_p50_ms <= r.lat_p99_ms);
	assert_true(r.lat_p99_ms <= r.lat_max_ms);

	atomic_store(&rsp.stop, true); /* the engine is ours again */
	pthread_join(rsp.thread, NULL);
	assert_int_equal(ike_engine_n_ike_sas(rsp.e), 40);
	assert_int_equal(ike_engine_stats(rsp.e)->established, 40);
	assert_int_equal(rsp.sa_add, 80);
	atomic_store(&rsp.stop, false);
	assert_int_equal(
		pthread_create(&rsp.thread, NULL, responder_main, NULL), 0);
}

static void test_delete(void **state)
{
	struct ike_load_result r;
	int fd = initiator_socket(&rsp.ep);
	struct ike_load_opts o = opts(fd, 20, 4);

	(void)state;
	o.delete_sa = true;
	o.id_base = 1000;
	assert_int_equal(ike_load_run(&o, &r), 0);
	close(fd);
	assert_int_equal(r.established, 20);
	assert_int_equal(r.deleted, 20);
	assert_int_equal(ike_load_failed(&r), 0);
	atomic_store(&rsp.stop, true);
	pthread_join(rsp.thread, NULL);
	assert_int_equal(ike_engine_n_ike_sas(rsp.e), 0);
	atomic_store(&rsp.stop, false);
	assert_int_equal(
		pthread_create(&rsp.thread, NULL, responder_main, NULL), 0);
}

static void test_wrong_psk_counted(void **state)
{
	struct ike_load_result r;
	int fd;
	struct ike_load_opts o;

	(void)state;
	use_psk("another-secret-entirely");
	fd = initiator_socket(&rsp.ep);
	o = opts(fd, 5, 5);
	assert_int_equal(ike_load_run(&o, &r), 0);
	close(fd);
	assert_int_equal(r.established, 0);
	assert_int_equal(r.notified, 5);
	assert_int_equal(r.notify[0].type, IKE_N_AUTHENTICATION_FAILED);
	assert_int_equal(r.notify[0].n, 5);
	assert_int_equal(ike_load_failed(&r), 5);
}

static void test_no_answer(void **state)
{
	struct ike_load_result r;
	struct ike_ep silent;
	int quiet = udp_socket(&silent); /* bound, never read */
	int fd;
	struct ike_load_opts o;

	(void)state;
	use_psk(PSK);
	fd = initiator_socket(&silent);
	o = opts(fd, 6, 3);
	o.timeout_ms = 5;
	o.tries = 3;
	assert_int_equal(ike_load_run(&o, &r), 0);
	close(fd);
	close(quiet);
	ike_load_params_free(&params);
	assert_int_equal(r.started, 6);
	assert_int_equal(r.established, 0);
	assert_int_equal(r.timeouts, 6);
	assert_int_equal(r.retransmits, 6 * 2); /* 3 sends each */
	assert_int_equal(ike_load_failed(&r), 6);
}

static void test_sink(void **state)
{
	char name[64];
	struct ike_load_sink *s;
	struct chan *ch;
	struct chan_sa_del del = {7};
	struct chan_policy_del pdel = {7};

	(void)state;
	snprintf(name, sizeof(name), "ike-load-test-%d", (int)getpid());
	s = ike_load_sink_create(name, 64);
	assert_non_null(s);
	assert_false(ike_load_sink_attached(s));
	assert_int_equal(chan_attach(name, &ch, NULL, 0), CHAN_OK);
	assert_true(ike_load_sink_attached(s));

	for (int i = 0; i < 3; i++)
		assert_int_equal(
			chan_send(ch, CHAN_MSG_SA_DEL, &del, sizeof(del)), 1);
	assert_int_equal(
		chan_send(ch, CHAN_MSG_POLICY_DEL, &pdel, sizeof(pdel)), 1);
	assert_int_equal(ike_load_sink_drain(s), 4);
	assert_int_equal(ike_load_sink_drain(s), 0);
	assert_int_equal(ike_load_sink_count(s, CHAN_MSG_SA_DEL), 3);
	assert_int_equal(ike_load_sink_count(s, CHAN_MSG_POLICY_DEL), 1);
	assert_int_equal(ike_load_sink_count(s, CHAN_MSG_SA_ADD), 0);
	assert_int_equal(ike_load_sink_bad(s), 0);
	chan_close(ch);
	ike_load_sink_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_against_engine, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_psk_counted, setup,
						teardown),
		cmocka_unit_test(test_no_answer),
		cmocka_unit_test(test_sink),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
