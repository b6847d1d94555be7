/* SPDX-License-Identifier: BSD-3-Clause */
/* ike_net on 127.0.0.1: marker stripping, keepalives, reply source. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ike_net.h"
#include "loop.h"

static struct ike_ep got_local, got_remote;
static uint8_t got[128];
static size_t got_len;
static int n_rx;

static void on_rx(void *arg, const struct ike_ep *local,
		  const struct ike_ep *remote, uint8_t *buf, size_t len)
{
	(void)arg;
	got_local = *local;
	got_remote = *remote;
	got_len = len < sizeof(got) ? len : sizeof(got);
	memcpy(got, buf, got_len);
	n_rx++;
}

struct fixture {
	struct loop *loop;
	struct ike_net *net;
	uint16_t port, natt;
	int client;
	struct sockaddr_in client_addr;
};

static int setup(void **state)
{
	static struct fixture f;
	struct ip_addr lo;
	socklen_t sl = sizeof(f.client_addr);

	assert_true(addr_parse("127.0.0.1", &lo));
	f.loop = loop_create();
	/* Ports from the pid, so that parallel runs do not collide. */
	for (int i = 0; i < 50 && !f.net; i++) {
		f.port = (uint16_t)(20000 + (getpid() * 7 + i * 2) % 40000);
		f.natt = (uint16_t)(f.port + 1);
		f.net = ike_net_create(f.loop, &lo, 1, f.port, f.natt, on_rx,
				       NULL);
	}
	assert_non_null(f.net);
	f.client = socket(AF_INET, SOCK_DGRAM, 0);
	f.client_addr.sin_family = AF_INET;
	f.client_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(f.client, (struct sockaddr *)&f.client_addr,
			      sizeof(f.client_addr)), 0);
	getsockname(f.client, (struct sockaddr *)&f.client_addr, &sl);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	close(f->client);
	ike_net_destroy(f->net);
	loop_destroy(f->loop);
	return 0;
}

static void send_to(struct fixture *f, uint16_t port, const void *p,
		    size_t len)
{
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

	assert_int_equal(sendto(f->client, p, len, 0, (struct sockaddr *)&to,
				sizeof(to)), (ssize_t)len);
}

/* Run the loop until n_rx or a counter moves; bounded in rounds. */
static void pump(struct fixture *f)
{
	for (int i = 0; i < 20; i++)
		if (loop_run_once(f->loop, 50) > 0)
			return;
}

static void test_plain_and_marker(void **state)
{
	struct fixture *f = *state;
	uint8_t msg[32], wrapped[36] = { 0 };

	memset(msg, 0x21, sizeof(msg));
	n_rx = 0;
	send_to(f, f->port, msg, sizeof(msg));
	pump(f);
	assert_int_equal(n_rx, 1);
	assert_int_equal(got_len, sizeof(msg));
	assert_int_equal(got_local.port, f->port);
	assert_int_equal(got_local.addr.family, ADDR_V4);
	assert_int_equal(got_local.addr.v4[0], 127);
	assert_int_equal(got_remote.port, ntohs(f->client_addr.sin_port));

	memcpy(wrapped + 4, msg, sizeof(msg));
	send_to(f, f->natt, wrapped, sizeof(wrapped));
	pump(f);
	assert_int_equal(n_rx, 2);
	assert_int_equal(got_len, sizeof(msg));
	assert_memory_equal(got, msg, sizeof(msg));
	assert_int_equal(got_local.port, f->natt);
}

static void test_keepalive_and_esp_dropped(void **state)
{
	struct fixture *f = *state;
	uint8_t ka = 0xff, esp[40];

	memset(esp, 0x11, sizeof(esp)); /* an SPI where the marker goes */
	n_rx = 0;
	send_to(f, f->natt, &ka, 1);
	pump(f);
	send_to(f, f->natt, esp, sizeof(esp));
	pump(f);
	send_to(f, f->port, esp, 10); /* shorter than the IKE header */
	pump(f);
	assert_int_equal(n_rx, 0);
	assert_int_equal(ike_net_stats(f->net)->keepalives, 1);
	assert_int_equal(ike_net_stats(f->net)->non_ike, 1);
}

static void test_send_adds_marker(void **state)
{
	struct fixture *f = *state;
	struct ike_ep local = { .port = f->natt }, remote = { 0 };
	uint8_t msg[30], in[64];
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	ssize_t n;

	assert_true(addr_parse("127.0.0.1", &local.addr));
	remote.addr = local.addr;
	remote.port = ntohs(f->client_addr.sin_port);
	memset(msg, 0x5a, sizeof(msg));
	assert_int_equal(ike_net_send(f->net, &local, &remote, msg,
				      sizeof(msg)), 0);
	n = recv(f->client, in, sizeof(in), 0);
	assert_int_equal(n, 34);
	assert_memory_equal(in, "\0\0\0\0", 4);
	assert_memory_equal(in + 4, msg, sizeof(msg));

	local.port = f->port;
	assert_int_equal(ike_net_send(f->net, &local, &remote, msg,
				      sizeof(msg)), 0);
	n = recv(f->client, in, sizeof(in), 0);
	assert_int_equal(n, 30);

	/* A NAT-keepalive is the one byte, no marker, from the NAT-T port. */
	local.port = f->natt;
	assert_int_equal(ike_net_send_keepalive(f->net, &local, &remote), 0);
	n = recvfrom(f->client, in, sizeof(in), 0, (struct sockaddr *)&from,
		     &fl);
	assert_int_equal(n, 1);
	assert_int_equal(in[0], 0xff);
	assert_int_equal(ntohs(from.sin_port), f->natt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_and_marker),
		cmocka_unit_test(test_keepalive_and_esp_dropped),
		cmocka_unit_test(test_send_adds_marker),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
