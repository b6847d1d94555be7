/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SAD: SPI lookups single and in bulk, replacement of an entry under
 * one SPI, deletion with deferred reclaim (the slot is not reused before
 * sad_reclaim), the SA id map and its walk, and a full table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
#include <rte_byteorder.h>
#include <rte_eal.h>

#include "sad.h"

static void test_add_lookup_replace(void **state)
{
	struct sad *sad = sad_create("t_alr", 128, SOCKET_ID_ANY);
	struct sad_entry a = { .owner = 1 }, b = { .owner = 2 };
	struct sad_entry *old = &a;
	uint32_t spi = rte_cpu_to_be_32(0x1234);

	(void)state;
	assert_non_null(sad);
	assert_null(sad_lookup(sad, spi));
	assert_int_equal(sad_add(sad, spi, &a, &old), 0);
	assert_null(old);
	assert_ptr_equal(sad_lookup(sad, spi), &a);
	/* The SPI in the other byte order is another SPI. */
	assert_null(sad_lookup(sad, 0x1234));
	assert_int_equal(sad_add(sad, spi, &b, &old), 0);
	assert_ptr_equal(old, &a);
	assert_ptr_equal(sad_lookup(sad, spi), &b);
	sad_free(sad);
}

static void test_delete_reclaim(void **state)
{
	struct sad *sad = sad_create("t_del", 64, SOCKET_ID_ANY);
	struct sad_entry e[80];
	unsigned int added = 0;
	int32_t pos;

	(void)state;
	assert_int_equal(sad_del(sad, 99), -ENOENT);
	/* Fill the table: some further add fails, none crashes. */
	for (uint32_t i = 0; i < RTE_DIM(e); i++)
		if (sad_add(sad, 1000 + i, &e[i], NULL) == 0)
			added++;
	assert_true(added >= 64 && added < RTE_DIM(e));
	assert_int_equal(sad_add(sad, 5000, &e[0], NULL), -ENOSPC);

	pos = sad_del(sad, 1000);
	assert_true(pos >= 0);
	assert_null(sad_lookup(sad, 1000));
	/* Not reclaimed: the slot stays taken while readers may hold it. */
	assert_int_equal(sad_add(sad, 5000, &e[0], NULL), -ENOSPC);
	sad_reclaim(sad, pos);
	assert_int_equal(sad_add(sad, 5000, &e[0], NULL), 0);
	assert_ptr_equal(sad_lookup(sad, 5000), &e[0]);
	sad_free(sad);
}

static void test_bulk(void **state)
{
	struct sad *sad = sad_create("t_bulk", 256, SOCKET_ID_ANY);
	struct sad_entry e[40], *got[RTE_HASH_LOOKUP_BULK_MAX];
	uint32_t spi[RTE_HASH_LOOKUP_BULK_MAX];

	(void)state;
	for (uint32_t i = 0; i < RTE_DIM(e); i++)
		assert_int_equal(sad_add(sad, 300 + 2 * i, &e[i], NULL), 0);
	for (uint32_t i = 0; i < RTE_HASH_LOOKUP_BULK_MAX; i++)
		spi[i] = 300 + i; /* odd ones and those past 40 are absent */
	sad_lookup_bulk(sad, spi, RTE_HASH_LOOKUP_BULK_MAX, got);
	for (uint32_t i = 0; i < RTE_HASH_LOOKUP_BULK_MAX; i++) {
		if (i % 2 == 0 && i / 2 < RTE_DIM(e))
			assert_ptr_equal(got[i], &e[i / 2]);
		else
			assert_null(got[i]);
	}
	sad_free(sad);
}

static void test_ids(void **state)
{
	struct sad *sad = sad_create("t_ids", 64, SOCKET_ID_ANY);
	int recs[3];
	uint32_t it = 0;
	unsigned int seen = 0;
	void *r;

	(void)state;
	for (int i = 0; i < 3; i++)
		assert_int_equal(sad_id_add(sad, 10 + (uint64_t)i, &recs[i]),
				 0);
	assert_int_equal(sad_id_add(sad, 10, &recs[0]), -EEXIST);
	assert_ptr_equal(sad_id_find(sad, 11), &recs[1]);
	assert_null(sad_id_find(sad, 13));
	while ((r = sad_id_next(sad, &it)) != NULL)
		seen |= 1u << ((int *)r - recs);
	assert_int_equal(seen, 7);
	assert_int_equal(sad_id_del(sad, 11), 0);
	assert_int_equal(sad_id_del(sad, 11), -ENOENT);
	assert_null(sad_id_find(sad, 11));
	sad_free(sad);
}

int main(void)
{
	char *argv[] = { "test_sad", "--no-huge", "--no-pci", "-l", "0",
			 "--no-shconf", "-m", "128", "--log-level=error" };
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_lookup_replace),
		cmocka_unit_test(test_delete_reclaim),
		cmocka_unit_test(test_bulk),
		cmocka_unit_test(test_ids),
	};
	int rc;

	if (rte_eal_init((int)RTE_DIM(argv), argv) < 0)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	rte_eal_cleanup();
	return rc;
}
