/* SPDX-License-Identifier: BSD-3-Clause */
#include "dp_test_eal.h"

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_mbuf.h>

struct rte_mempool *dp_test_eal_init(const char *prog, unsigned int n_mbufs)
{
	char *argv[] = { (char *)prog, "--no-huge", "--no-pci", "-l", "0",
			 "--no-shconf", "-m", "256", "--log-level=error" };

	if (rte_eal_init((int)RTE_DIM(argv), argv) < 0)
		return NULL;
	return rte_pktmbuf_pool_create("dp_test", n_mbufs, 0, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE,
				       SOCKET_ID_ANY);
}

void dp_test_eal_fini(struct rte_mempool *mp)
{
	rte_mempool_free(mp);
	rte_eal_cleanup();
}
