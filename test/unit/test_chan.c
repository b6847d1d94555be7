/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "chan.h"

/* A name per test and process, so parallel runs do not meet. */
static char name[48];

static int setup(void **state)
{
	static int n;

	(void)state;
	snprintf(name, sizeof(name), "unit-%d-%d", (int)getpid(), n++);
	return 0;
}

static int teardown(void **state)
{
	char path[80];

	(void)state;
	snprintf(path, sizeof(path), CHAN_PATH_PREFIX "%s", name);
	shm_unlink(path);
	return 0;
}

static struct chan *create(void)
{
	struct chan *dp;
	char why[160];

	assert_int_equal(chan_create(name, 16, 16, &dp, why, sizeof(why)),
			 CHAN_OK);
	return dp;
}

static struct chan *attach(void)
{
	struct chan *cp;
	char why[160];

	assert_int_equal(chan_attach(name, &cp, why, sizeof(why)), CHAN_OK);
	return cp;
}

static struct chan_sa sample_sa(uint64_t id)
{
	struct chan_sa sa;

	memset(&sa, 0, sizeof(sa));
	sa.id = id;
	sa.spi = htonl(0x1000 + (uint32_t)id);
	sa.dir = CHAN_DIR_IN;
	sa.mode = CHAN_MODE_TUNNEL;
	assert_true(addr_parse("192.0.2.1", &sa.local));
	assert_true(addr_parse("192.0.2.2", &sa.remote));
	sa.enc_algo = ALGO_AES_256_GCM;
	sa.enc_key_len = 36;
	sa.replay_window = 128;
	memset(sa.enc_key, 0xee, 36);
	return sa;
}

static void test_attach_before_create(void **state)
{
	struct chan *cp = (struct chan *)0x1;
	char why[160] = "";

	(void)state;
	assert_int_equal(chan_attach(name, &cp, why, sizeof(why)),
			 CHAN_NOT_YET);
	assert_null(cp);

	struct chan *dp = create();

	cp = attach();
	assert_int_equal(chan_generation(cp), chan_generation(dp));
	assert_int_not_equal(chan_generation(dp), 0);
	assert_int_equal(atomic_load(&chan_segment(dp)->attaches), 1);
	chan_close(cp);
	chan_close(dp);
	/* The creator removed the name on the way out. */
	assert_int_equal(chan_attach(name, &cp, why, sizeof(why)),
			 CHAN_NOT_YET);
}

static void test_version_mismatch(void **state)
{
	struct chan *dp = create(), *cp = NULL;
	char why[160] = "", ours[32];

	(void)state;
	chan_segment(dp)->version = 7;
	assert_int_equal(chan_attach(name, &cp, why, sizeof(why)),
			 CHAN_E_VERSION);
	assert_null(cp);
	/* The message names both versions. */
	assert_non_null(strstr(why, "version 7"));
	snprintf(ours, sizeof(ours), "version %u", CHAN_LAYOUT_VERSION);
	assert_non_null(strstr(why, ours));
	chan_segment(dp)->version = CHAN_LAYOUT_VERSION;
	chan_close(dp);
}

static void test_foreign_and_unpublished(void **state)
{
	struct chan *dp = create(), *cp = NULL;
	struct chan_seg *s = chan_segment(dp);
	char why[160] = "";

	(void)state;
	atomic_store(&s->magic, 0); /* created but not published yet */
	assert_int_equal(chan_attach(name, &cp, why, sizeof(why)),
			 CHAN_NOT_YET);
	atomic_store(&s->magic, 0x1234);
	assert_int_equal(chan_attach(name, &cp, why, sizeof(why)),
			 CHAN_E_FOREIGN);
	atomic_store(&s->magic, CHAN_SEG_MAGIC);
	s->evt_off += 4096; /* rings no longer fit */
	assert_int_equal(chan_attach(name, &cp, why, sizeof(why)),
			 CHAN_E_FOREIGN);
	assert_non_null(strstr(why, "corrupt"));
	s->evt_off -= 4096;
	assert_null(cp);
	cp = attach();
	chan_close(cp);
	chan_close(dp);
}

static void test_bad_arguments(void **state)
{
	struct chan *ch;
	char why[160];

	(void)state;
	assert_int_equal(chan_create("a/b", 16, 16, &ch, why, sizeof(why)),
			 CHAN_E_NAME);
	assert_int_equal(chan_create("", 16, 16, &ch, why, sizeof(why)),
			 CHAN_E_NAME);
	assert_int_equal(chan_attach("../x", &ch, why, sizeof(why)),
			 CHAN_E_NAME);
	assert_int_equal(chan_create(name, 12, 16, &ch, why, sizeof(why)),
			 CHAN_E_GEOMETRY);
	assert_null(ch);
	assert_string_equal(chan_rc_str(CHAN_NOT_YET), "not there yet");
}

static void test_both_directions(void **state)
{
	struct chan *dp = create(), *cp = attach();
	struct chan_sa sa = sample_sa(3);
	struct chan_ev_idle idle = { .sa_id = 3, .idle_seconds = 60 };
	struct chan_msg m[4];

	(void)state;
	assert_int_equal(chan_send(cp, CHAN_MSG_SA_ADD, &sa, sizeof(sa)), 1);
	assert_int_equal(chan_recv_burst(dp, m, 4), 1);
	assert_int_equal(m[0].hdr.type, CHAN_MSG_SA_ADD);
	assert_memory_equal(&m[0].body.SA_ADD, &sa, sizeof(sa));

	assert_int_equal(chan_send(dp, CHAN_MSG_SA_IDLE, &idle, sizeof(idle)),
			 1);
	assert_int_equal(chan_recv_burst(cp, m, 4), 1);
	assert_int_equal(m[0].body.SA_IDLE.idle_seconds, 60);

	/* Each side sends only its own kind of message. */
	assert_int_equal(chan_send(dp, CHAN_MSG_SA_ADD, &sa, sizeof(sa)),
			 -EINVAL);
	assert_int_equal(chan_send(cp, CHAN_MSG_SA_IDLE, &idle, sizeof(idle)),
			 -EINVAL);
	assert_int_equal(chan_send(cp, CHAN_MSG_SA_ADD, &sa, 8), -EINVAL);
	assert_int_equal(chan_stats(cp)->tx, 1);
	assert_int_equal(chan_stats(dp)->rx, 1);
	chan_close(cp);
	chan_close(dp);
}

static void test_sa_slot_wiped(void **state)
{
	struct chan *dp = create(), *cp = attach();
	struct chan_sa sa = sample_sa(4);
	uint8_t zero[CHAN_SLOT_SIZE] = { 0 };
	struct chan_ring *r = chan_tx_ring(cp);
	uint32_t idx = atomic_load(&r->head);
	struct chan_msg m;

	(void)state;
	assert_int_equal(chan_send(cp, CHAN_MSG_SA_ADD, &sa, sizeof(sa)), 1);
	assert_memory_not_equal(chan_ring_slot(r, idx), zero, sizeof(zero));
	assert_int_equal(chan_recv_burst(dp, &m, 1), 1);
	assert_memory_equal(chan_ring_slot(r, idx), zero, sizeof(zero));
	assert_memory_equal(m.body.SA_ADD.enc_key, sa.enc_key, 36);
	chan_close(cp);
	chan_close(dp);
}

/* Put a message into cp's command ring by hand, then spoil it. */
static void inject(struct chan *cp, uint16_t type, const void *body,
		   uint32_t len, size_t byte, uint8_t flip)
{
	struct chan_ring *r = chan_tx_ring(cp);
	uint32_t start;
	uint8_t *slot;

	assert_int_equal(chan_ring_reserve(r, 1, &start), 1);
	slot = chan_ring_slot(r, start);
	assert_int_not_equal(chan_msg_build(slot, type, 0, body, len), 0);
	slot[byte] ^= flip;
	chan_ring_commit(r, 1);
}

static void test_corrupt_rejected_and_counted(void **state)
{
	struct chan *dp = create(), *cp = attach();
	struct chan_sa sa = sample_sa(5);
	struct chan_ping ping = { .seq = 1 };
	const struct chan_stats *st = chan_stats(dp);
	struct chan_msg m[8];

	(void)state;
	inject(cp, CHAN_MSG_PING, &ping, sizeof(ping), 30, 0x01);
	inject(cp, CHAN_MSG_PING, &ping, sizeof(ping), 0, 0x10);
	inject(cp, CHAN_MSG_PING, &ping, sizeof(ping), 4, 0x02);
	inject(cp, CHAN_MSG_SA_IDLE, &(struct chan_ev_idle){ .sa_id = 1 },
	       sizeof(struct chan_ev_idle), 0, 0);
	sa.replay_window = 10;
	inject(cp, CHAN_MSG_SA_ADD, &sa, sizeof(sa), 0, 0);
	inject(cp, CHAN_MSG_PING, &ping, sizeof(ping), 8, 0x40);
	sa = sample_sa(6);
	assert_int_equal(chan_send(cp, CHAN_MSG_SA_ADD, &sa, sizeof(sa)), 1);

	/* Only the last, good message comes out; the rest are counted. */
	assert_int_equal(chan_recv_burst(dp, m, 8), 1);
	assert_int_equal(m[0].body.SA_ADD.id, 6);
	assert_int_equal(st->rx_bad[CHAN_ERR_BAD_CSUM], 1);
	assert_int_equal(st->rx_bad[CHAN_ERR_BAD_MAGIC], 1);
	assert_int_equal(st->rx_bad[CHAN_ERR_BAD_VERSION], 1);
	assert_int_equal(st->rx_bad[CHAN_ERR_BAD_TYPE], 1);
	assert_int_equal(st->rx_bad[CHAN_ERR_SA_REPLAY], 1);
	assert_int_equal(st->rx_bad[CHAN_ERR_BAD_LEN], 1);
	assert_int_equal(st->rx, 1);
	assert_int_equal(chan_ring_count(chan_rx_ring(dp)), 0);
	chan_close(cp);
	chan_close(dp);
}

static void test_full_ring(void **state)
{
	struct chan *dp = create(), *cp = attach();
	struct chan_ping p = { 0 };
	struct chan_out out[20];
	struct chan_msg m[20];

	(void)state;
	for (int i = 0; i < 20; i++)
		out[i] = (struct chan_out){ CHAN_MSG_PING, sizeof(p), &p };
	assert_int_equal(chan_send_burst(cp, out, 20), 16);
	assert_int_equal(chan_send(cp, CHAN_MSG_PING, &p, sizeof(p)), 0);
	assert_int_equal(chan_stats(cp)->tx_full, 2);
	assert_int_equal(chan_recv_burst(dp, m, 20), 16);
	assert_int_equal(m[15].hdr.seq, 15);
	assert_int_equal(chan_recv_burst(dp, m, 20), 0);
	assert_int_equal(chan_stats(dp)->rx_gap, 0);
	chan_close(cp);
	chan_close(dp);
}

static void test_restart_detected(void **state)
{
	struct chan *dp = create(), *cp = attach();
	uint64_t gen1 = chan_generation(dp);
	struct chan_flush f = { 0 };
	char why[160];

	(void)state;
	assert_int_equal(chan_check(cp), CHAN_PEER_ALIVE);
	chan_close(dp);
	assert_int_equal(chan_check(cp), CHAN_PEER_GONE);
	assert_int_equal(chan_send(cp, CHAN_MSG_FLUSH_ALL, &f, sizeof(f)),
			 -EPIPE);

	dp = create();
	assert_int_not_equal(chan_generation(dp), gen1);
	assert_int_equal(chan_check(cp), CHAN_PEER_NEW);
	chan_close(cp);
	assert_int_equal(chan_attach(name, &cp, why, sizeof(why)), CHAN_OK);
	assert_int_equal(chan_generation(cp), chan_generation(dp));
	assert_int_equal(chan_check(cp), CHAN_PEER_ALIVE);
	chan_close(cp);
	chan_close(dp);
}

/* A data plane that died without closing is replaced by the next one. */
/* A data plane killed without a successor leaves its segment live: its
 * silence is what tells, and its next beat undoes it. */
static void test_heartbeat(void **state)
{
	struct chan *dp = create(), *cp = attach();
	struct timespec ms = { 0, 1000000 }, t0, t1;
	long waited;

	(void)state;
	chan_set_heartbeat_ms(cp, 50);
	assert_int_equal(chan_check(cp), CHAN_PEER_ALIVE);
	for (int i = 0; i < 5; i++) { /* each beat is seen */
		chan_beat(dp);
		assert_int_equal(chan_check(cp), CHAN_PEER_ALIVE);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < 2000 && chan_check(cp) == CHAN_PEER_ALIVE; i++)
		nanosleep(&ms, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_int_equal(chan_check(cp), CHAN_PEER_SILENT);
	waited = (t1.tv_sec - t0.tv_sec) * 1000 +
		 (t1.tv_nsec - t0.tv_nsec) / 1000000;
	assert_true(waited >= 49); /* not before the silence was long */
	chan_beat(dp);
	assert_int_equal(chan_check(cp), CHAN_PEER_ALIVE);
	chan_close(dp);
	assert_int_equal(chan_check(cp), CHAN_PEER_GONE);
	chan_close(cp);
}

static void test_crashed_creator_replaced(void **state)
{
	struct chan *old = create(), *cp = attach(), *dp;
	struct chan_sa sa = sample_sa(9);
	struct chan_ring *old_cmd = chan_rx_ring(old);
	uint32_t idx = atomic_load(&old_cmd->tail);
	uint8_t zero[CHAN_SLOT_SIZE] = { 0 };

	(void)state;
	assert_int_equal(chan_send(cp, CHAN_MSG_SA_ADD, &sa, sizeof(sa)), 1);
	dp = create(); /* "old" never closed: as after kill -9 */
	assert_int_equal(atomic_load(&chan_segment(old)->state),
			 CHAN_STATE_DEAD);
	assert_int_equal(chan_check(cp), CHAN_PEER_NEW);

	/* Control lets go of the dead segment and wipes the unread SA. */
	assert_memory_not_equal(chan_ring_slot(old_cmd, idx), zero,
				sizeof(zero));
	chan_close(cp);
	assert_memory_equal(chan_ring_slot(old_cmd, idx), zero, sizeof(zero));

	/* The old handle's close must not unlink its successor. */
	chan_close(old);
	cp = attach();
	assert_int_equal(chan_generation(cp), chan_generation(dp));
	chan_close(cp);
	chan_close(dp);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_attach_before_create),
		T(test_version_mismatch),
		T(test_foreign_and_unpublished),
		T(test_bad_arguments),
		T(test_both_directions),
		T(test_sa_slot_wiped),
		T(test_corrupt_rejected_and_counted),
		T(test_full_ring),
		T(test_restart_detected),
		T(test_heartbeat),
		T(test_crashed_creator_replaced),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
