/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <rte_dev.h>
#include <rte_lcore.h>

#include "log.h"
#include "neigh.h"
#include "port.h"
#include "reasm.h"
#include "slowpath.h"

#define TAP_RING 512
#define POOL_CACHE 256

/* Every mbuf that can sit somewhere at once: NIC and tap descriptors, the
 * slow-path rings, a burst in each lcore's hands, and the pool caches. */
static unsigned int pool_size(const struct cfg_dataplane *dp)
{
	unsigned int lcores = dp->n_workers + 1;
	unsigned int n = 0;

	n += dp->n_ports * lcores * (dp->rx_ring + dp->tx_ring);
	n += dp->n_ports * 2 * TAP_RING;
	n += dp->n_workers * SLOWPATH_RING_SIZE;
	/* Packets waiting for a next hop: in the workers' hand-over rings
	 * and held by the main lcore (neigh.h). */
	n += dp->n_workers * NEIGH_HOLD_RING + NEIGH_HOLD_TOTAL;
	/* Fragments waiting for the rest of their packet (reasm.h). */
	n += dp->n_workers * REASM_HELD;
	n += lcores * (POOL_CACHE + 4u * dp->burst);
	return rte_align32pow2(n) - 1;
}

/* The device name is the devargs up to the first comma. */
static int find_device(const char *device, uint16_t *id)
{
	char name[CFG_DEVICE_MAX];

	snprintf(name, sizeof(name), "%s", device);
	name[strcspn(name, ",")] = '\0';
	if (rte_eth_dev_get_port_by_name(name, id) == 0)
		return 0;
	/* Not on the EAL command line: probe it from the configuration. */
	if (rte_dev_probe(device) != 0)
		return -ENODEV;
	return rte_eth_dev_get_port_by_name(name, id) == 0 ? 0 : -ENODEV;
}

static void rss_conf(const struct rte_eth_dev_info *info, uint16_t n_rxq,
		     struct rte_eth_conf *conf)
{
	uint64_t hf = info->flow_type_rss_offloads & RTE_ETH_RSS_IP;

	/* XXX Hashing on addresses only puts one tunnel on one queue; NICs
	 * that can hash the SPI (RTE_ETH_RSS_ESP) would spread it. */
	if (n_rxq > 1 && hf) {
		conf->rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf->rx_adv_conf.rss_conf.rss_hf = hf;
	}
}

static int setup_queues(uint16_t id, uint16_t n_rxq, uint16_t n_txq,
			uint16_t rx_ring, uint16_t tx_ring,
			struct rte_mempool *mp)
{
	int socket = rte_eth_dev_socket_id(id);
	int rc;

	for (uint16_t q = 0; q < n_rxq; q++) {
		rc = rte_eth_rx_queue_setup(id, q, rx_ring, socket, NULL, mp);
		if (rc < 0)
			return rc;
	}
	for (uint16_t q = 0; q < n_txq; q++) {
		rc = rte_eth_tx_queue_setup(id, q, tx_ring, socket, NULL);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int queue_counts(struct dp_port *p, const struct rte_eth_dev_info *i,
			unsigned int n_workers)
{
	p->n_rxq = (uint16_t)n_workers;
	/* af_packet opens one socket per queue pair at probe and fans the
	 * traffic out over all of them: each must be polled. */
	if (strcmp(i->driver_name, "net_af_packet") == 0)
		p->n_rxq = i->max_rx_queues;
	p->n_txq = (uint16_t)(n_workers + 1);
	p->main_txq = (uint16_t)n_workers;
	if (p->n_rxq > i->max_rx_queues || p->n_txq > i->max_tx_queues) {
		log_err("port %s: needs %u RX and %u TX queues, %s has %u "
			"and %u (af_packet: add qpairs=%u to the vdev)",
			p->cfg->name, p->n_rxq, p->n_txq, i->driver_name,
			i->max_rx_queues, i->max_tx_queues, n_workers + 1);
		return -EINVAL;
	}
	return 0;
}

static int open_port(struct port_set *ps, struct dp_port *p,
		     const struct cfg_dataplane *dp)
{
	struct rte_eth_conf conf = { 0 };
	struct rte_eth_dev_info info;
	int rc;

	if (find_device(p->cfg->device, &p->id) != 0) {
		log_err("port %s: no DPDK device \"%s\"", p->cfg->name,
			p->cfg->device);
		return -ENODEV;
	}
	rc = rte_eth_dev_info_get(p->id, &info);
	if (rc == 0)
		rc = queue_counts(p, &info, dp->n_workers);
	if (rc != 0)
		return rc;
	rss_conf(&info, p->n_rxq, &conf);
	rc = rte_eth_dev_configure(p->id, p->n_rxq, p->n_txq, &conf);
	if (rc == 0)
		rc = setup_queues(p->id, p->n_rxq, p->n_txq, dp->rx_ring,
				  dp->tx_ring, ps->mp);
	if (rc == 0)
		rc = rte_eth_macaddr_get(p->id, &p->mac);
	if (rc != 0) {
		log_err("port %s: cannot configure: %s", p->cfg->name,
			rte_strerror(-rc));
		return rc;
	}
	p->mtu = p->cfg->mtu;
	if (rte_eth_dev_set_mtu(p->id, p->mtu) != 0)
		log_warn("port %s: cannot set MTU %u, keeping the device's",
			 p->cfg->name, p->mtu);
	ps->index[p->id] = (uint8_t)(p - ps->port);
	return 0;
}

static int open_tap(struct port_set *ps, struct dp_port *p)
{
	char name[RTE_DEV_NAME_MAX_LEN], args[128];
	char mac[RTE_ETHER_ADDR_FMT_SIZE];
	struct rte_eth_conf conf = { 0 };
	int rc;

	snprintf(name, sizeof(name), "net_tap_espgw%u",
		 (unsigned int)(p - ps->port));
	rte_ether_format_addr(mac, sizeof(mac), &p->mac);
	snprintf(args, sizeof(args), "iface=%s,mac=%s", p->cfg->slow_path,
		 mac);
	/* Through the EAL's hotplug: Debian's libdpdk.pc does not link
	 * the vdev bus library that has rte_vdev_init(). */
	rc = rte_eal_hotplug_add("vdev", name, args);
	if (rc == 0) {
		p->tap_open = true;
		rc = rte_eth_dev_get_port_by_name(name, &p->tap);
	}
	if (rc == 0)
		rc = rte_eth_dev_configure(p->tap, 1, 1, &conf);
	if (rc == 0)
		rc = setup_queues(p->tap, 1, 1, TAP_RING, TAP_RING, ps->mp);
	if (rc != 0) {
		log_err("port %s: cannot create the slow-path tap %s: %s",
			p->cfg->name, p->cfg->slow_path, rte_strerror(-rc));
		return rc < 0 ? rc : -rc;
	}
	rte_eth_dev_set_mtu(p->tap, p->mtu);
	return 0;
}

int port_set_open(struct port_set *ps, const struct cfg_dataplane *dp)
{
	int rc;

	memset(ps, 0, sizeof(*ps));
	memset(ps->index, PORT_NONE, sizeof(ps->index));
	if (dp->n_ports > DP_MAX_PORTS) {
		log_err("%u ports configured, the data plane handles %u",
			dp->n_ports, DP_MAX_PORTS);
		return -EINVAL;
	}
	ps->mp = rte_pktmbuf_pool_create("espgw_mbuf", pool_size(dp),
					 POOL_CACHE, 0,
					 RTE_MBUF_DEFAULT_BUF_SIZE,
					 (int)rte_socket_id());
	if (!ps->mp) {
		log_err("cannot create the mbuf pool of %u: %s",
			pool_size(dp), rte_strerror(rte_errno));
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < dp->n_ports; i++) {
		struct dp_port *p = &ps->port[ps->n++];

		p->cfg = &dp->ports[i];
		rc = open_port(ps, p, dp);
		if (rc == 0)
			rc = open_tap(ps, p);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int port_set_start(struct port_set *ps)
{
	for (unsigned int i = 0; i < ps->n; i++) {
		struct dp_port *p = &ps->port[i];
		int rc = rte_eth_dev_start(p->id);

		if (rc == 0) {
			p->started = true;
			rc = rte_eth_dev_start(p->tap);
		}
		if (rc != 0) {
			log_err("port %s: cannot start: %s", p->cfg->name,
				rte_strerror(-rc));
			return rc;
		}
		/* IPv6 neighbour discovery needs multicast; not all PMDs can,
		 * and unicast still works without. */
		rte_eth_allmulticast_enable(p->id);
	}
	return 0;
}

void port_set_stop(struct port_set *ps)
{
	for (unsigned int i = 0; i < ps->n; i++) {
		struct dp_port *p = &ps->port[i];

		if (!p->started)
			continue;
		rte_eth_dev_stop(p->id);
		rte_eth_dev_stop(p->tap);
		p->started = false;
	}
}

void port_set_close(struct port_set *ps)
{
	char name[RTE_DEV_NAME_MAX_LEN];

	port_set_stop(ps);
	for (unsigned int i = 0; i < ps->n; i++) {
		struct dp_port *p = &ps->port[i];

		if (p->tap_open) {
			snprintf(name, sizeof(name), "net_tap_espgw%u", i);
			rte_eth_dev_close(p->tap);
			rte_eal_hotplug_remove("vdev", name);
		}
		/* The device itself stays probed; the EAL owns it. */
		if (port_index(ps, p->id) == i)
			rte_eth_dev_close(p->id);
	}
	rte_mempool_free(ps->mp);
	memset(ps, 0, sizeof(*ps));
}
