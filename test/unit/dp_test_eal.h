/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The EAL as the data plane's unit tests start it: no hugepages (so no
 * set-up on the host), no PCI, lcore 0 only, no shared configuration (so
 * tests may run in parallel), 256 MiB (rte_lpm alone takes 64 MiB).
 */
#ifndef ESPGW_DP_TEST_EAL_H
#define ESPGW_DP_TEST_EAL_H

#include <rte_mempool.h>

/* Start the EAL and make a pool of n_mbufs default-sized mbufs; NULL, with
 * the EAL's own message, on failure. */
struct rte_mempool *dp_test_eal_init(const char *prog, unsigned int n_mbufs);

/* Free the pool and clean the EAL up. */
void dp_test_eal_fini(struct rte_mempool *mp);

#endif
