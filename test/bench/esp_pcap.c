/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pcap files for driving a gateway with pktgen-dpdk (-s P:file.pcap) or any
 * pcap replayer; scripts/pktgen/README says how.
 *
 *   esp_pcap --config FILE --sa NAME [--frame BYTES] [--count N]
 *            [--clear FILE] [--esp FILE] [--gw-mac MAC] [--peer-mac MAC]
 *
 * NAME is a static inbound SA of the configuration, the gateway's side of a
 * road warrior's tunnel.  Two files come out:
 * - clear: UDP from the hosts of the SA's local traffic selector (the
 *   office) to the first address of its remote one (the road warrior's
 *   virtual IP), for the gateway's private port, which encrypts it;
 * - esp: the same kind of packets the other way, as the road warrior
 *   sends them to the gateway's public port: ESP (in UDP if the SA has
 *   encap ports) made by espgw's own encap with the keys of NAME, on the
 *   mirror image of NAME (outbound, addresses and ports swapped).  Each
 *   packet is decapsulated again with NAME as configured and compared
 *   before it is written, so the file is what the gateway accepts.
 * Frames: BYTES counts the Ethernet header and FCS (bench_pkt.h) of the
 * cleartext frame; the pcap holds frames without FCS, and ESP frames are
 * longer by the ESP overhead.  Sequence numbers run 1..N: a replayer that
 * loops the ESP file sends replays after the first pass, which the gateway
 * drops and counts as such.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "bench_pkt.h"
#include "config.h"
#include "esp_inb.h"
#include "esp_outb.h"
#include "sa_table.h"

#define POOL_SIZE 255
#define PCAP_SNAP 65535
#define LINKTYPE_ETHERNET 1

struct opts {
	const char *config, *sa, *clear, *esp;
	uint32_t frame, count;
	struct rte_ether_addr gw_mac, peer_mac;
};

struct pcap {
	FILE *f;
	uint32_t usec;
};

static struct rte_mempool *pool;
static struct esp_crypto *cx;

static void usage(void)
{
	fprintf(stderr, "usage: esp_pcap --config FILE --sa NAME [--frame "
		"BYTES] [--count N]\n"
		"                [--clear FILE] [--esp FILE] [--gw-mac MAC] "
		"[--peer-mac MAC]\n");
	exit(2);
}

static void mac_opt(const char *s, struct rte_ether_addr *a)
{
	if (rte_ether_unformat_addr(s, a) != 0) {
		fprintf(stderr, "esp_pcap: bad MAC address %s\n", s);
		exit(2);
	}
}

static void opts_parse(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "config", 1, NULL, 'c' }, { "sa", 1, NULL, 's' },
		{ "frame", 1, NULL, 'f' },  { "count", 1, NULL, 'n' },
		{ "clear", 1, NULL, 'C' },  { "esp", 1, NULL, 'E' },
		{ "gw-mac", 1, NULL, 'g' }, { "peer-mac", 1, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct opts){ .frame = 64, .count = 10000,
			    .clear = "clear.pcap", .esp = "esp.pcap" };
	mac_opt("02:00:00:00:00:01", &o->gw_mac);
	mac_opt("02:00:00:00:00:02", &o->peer_mac);
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'c': o->config = optarg; break;
		case 's': o->sa = optarg; break;
		case 'f': o->frame = (uint32_t)atoi(optarg); break;
		case 'n': o->count = (uint32_t)atoi(optarg); break;
		case 'C': o->clear = optarg; break;
		case 'E': o->esp = optarg; break;
		case 'g': mac_opt(optarg, &o->gw_mac); break;
		case 'p': mac_opt(optarg, &o->peer_mac); break;
		default: usage();
		}
	}
	if (optind != argc || !o->config || !o->sa || o->count == 0 ||
	    o->frame < BENCH_FRAME_MIN || o->frame > BENCH_FRAME_MAX)
		usage();
}

/* ---- pcap ---- */

static int pcap_open(struct pcap *p, const char *path)
{
	const uint32_t hdr[6] = { 0xa1b2c3d4, 2 | 4u << 16, 0, 0, PCAP_SNAP,
				  LINKTYPE_ETHERNET };

	p->usec = 0;
	p->f = fopen(path, "wb");
	if (p->f == NULL || fwrite(hdr, sizeof(hdr), 1, p->f) != 1) {
		perror(path);
		return -1;
	}
	return 0;
}

/* One frame: Ethernet header from dst, src and type, then len bytes. */
static int pcap_put(struct pcap *p, const struct rte_ether_addr *dst,
		    const struct rte_ether_addr *src, const void *ip,
		    uint32_t len)
{
	uint32_t rec[4] = { p->usec / 1000000, p->usec % 1000000,
			    BENCH_ETH_HDR + len, BENCH_ETH_HDR + len };
	uint8_t eth[BENCH_ETH_HDR];

	memcpy(eth, dst, 6);
	memcpy(eth + 6, src, 6);
	eth[12] = 0x08; /* IPv4 */
	eth[13] = 0x00;
	p->usec++;
	return fwrite(rec, sizeof(rec), 1, p->f) == 1 &&
			       fwrite(eth, sizeof(eth), 1, p->f) == 1 &&
			       fwrite(ip, len, 1, p->f) == 1
		       ? 0
		       : -1;
}

/* ---- SAs ---- */

/* The gateway's SA NAME, and its mirror, the road warrior's outbound. */
static int sa_params(const struct espgw_config *cfg, const char *name,
		     struct esp_params *gw, struct esp_params *peer)
{
	const struct cfg_static_sa *s = cfg_static_sa_by_name(cfg, name);
	struct chan_sa c;
	unsigned int i;

	if (s == NULL || s->direction != CFG_DIR_IN || s->mode !=
	    CFG_MODE_TUNNEL || s->local_address.family != ADDR_V4) {
		fprintf(stderr, "esp_pcap: %s: no static inbound IPv4 "
			"tunnel-mode SA named %s\n", cfg->path, name);
		return -1;
	}
	i = (unsigned int)CFG_INDEX(cfg->dataplane.static_sas, s);
	sa_table_static_sa(&cfg->dataplane, i, &c);
	if (sa_table_params(&c, cfg->dataplane.replay_window, gw) !=
	    CHAN_ERR_OK)
		return -1;
	*peer = *gw;
	peer->dir = ESP_DIR_OUT;
	peer->local = gw->remote;
	peer->remote = gw->local;
	peer->local_port = gw->remote_port;
	peer->remote_port = gw->local_port;
	explicit_bzero(&c, sizeof(c));
	return 0;
}

static struct esp_sa *sa_make(const struct esp_params *p)
{
	const char *err = NULL;
	struct esp_sa *sa = esp_sa_create(p, cx, SOCKET_ID_ANY, &err);

	if (sa == NULL)
		fprintf(stderr, "esp_pcap: SA: %s\n", err);
	return sa;
}

/* ---- packets ---- */

/* Host i of a prefix: hosts from .10 on (the gateway and routers tend to
 * sit low), 240 at most; the address itself for a /31 or /32, and
 * 192.0.2.0/24 (documentation) for 0/0. */
static void host_of(const struct ip_prefix *pfx, uint32_t i, uint8_t out[4])
{
	uint32_t a = (uint32_t)pfx->addr.v4[0] << 24 | pfx->addr.v4[1] << 16 |
		     pfx->addr.v4[2] << 8 | pfx->addr.v4[3];
	uint32_t span = pfx->len >= 31 ? 1 : (1u << (32 - pfx->len)) - 2;

	if (pfx->len == 0)
		a = 0xc0000200, span = 254;
	if (span > 1) {
		uint32_t first = span > 20 ? 10 : 1;
		uint32_t n = RTE_MIN(span - first + 1, 240u);

		a &= pfx->len ? ~0u << (32 - pfx->len) : 0xffffff00;
		a += first + i % n;
	}
	for (int k = 0; k < 4; k++)
		out[k] = (uint8_t)(a >> (24 - 8 * k));
}

static void flow_of(const struct cfg_static_sa *s, uint32_t i, bool to_peer,
		    struct bench_flow *f)
{
	host_of(&s->local_ts, i, to_peer ? f->src : f->dst);
	host_of(&s->remote_ts, 0, to_peer ? f->dst : f->src);
	f->sport = (uint16_t)(1024 + i % 60000); /* spreads RSS */
	f->dport = 5001;
	f->ttl = 64;
}

/* Encap one packet on peer, check that gw decaps it back.  The ESP
 * packet is left in *m, or NULL on failure. */
static int esp_one(struct esp_sa *peer, struct esp_sa *gw, const uint8_t *ip,
		   uint32_t len, struct rte_mbuf **m, uint8_t *esp,
		   uint32_t *esp_len)
{
	struct esp_sa *sv[1] = { peer };
	struct rte_mbuf *mb = rte_pktmbuf_alloc(pool);
	uint8_t why[1];

	if (mb == NULL)
		return -1;
	memcpy(rte_pktmbuf_append(mb, (uint16_t)len), ip, len);
	*m = mb;
	if (esp_outb_process(cx, m, sv, why, 1) != 1)
		return -1;
	*esp_len = mb->pkt_len;
	memcpy(esp, rte_pktmbuf_mtod(mb, void *), *esp_len);
	sv[0] = gw;
	if (esp_inb_process(cx, m, sv, why, 1) != 1 || mb->pkt_len != len ||
	    memcmp(rte_pktmbuf_mtod(mb, void *), ip, len) != 0)
		return -1;
	return 0;
}

static int write_files(const struct opts *o, const struct cfg_static_sa *s,
		       struct esp_sa *peer, struct esp_sa *gw)
{
	static uint8_t ip[BENCH_IP_MAX], esp[BENCH_IP_MAX + 128];
	uint32_t len = bench_ip_len(o->frame), esp_len;
	struct pcap clear, enc;
	struct bench_flow f;
	struct rte_mbuf *m = NULL;
	int rc = 0;

	if (pcap_open(&clear, o->clear) < 0 || pcap_open(&enc, o->esp) < 0)
		return -1;
	for (uint32_t i = 0; i < o->count && rc == 0; i++) {
		flow_of(s, i, true, &f);
		bench_udp4(ip, len, &f, i);
		rc = pcap_put(&clear, &o->gw_mac, &o->peer_mac, ip, len);

		flow_of(s, i, false, &f);
		bench_udp4(ip, len, &f, i);
		if (rc == 0)
			rc = esp_one(peer, gw, ip, len, &m, esp, &esp_len);
		if (rc == 0)
			rc = pcap_put(&enc, &o->gw_mac, &o->peer_mac, esp,
				      esp_len);
		rte_pktmbuf_free(m);
		m = NULL;
	}
	if (rc != 0)
		fprintf(stderr, "esp_pcap: packet failed (encap, decap "
			"check or write)\n");
	rc |= fclose(clear.f) | fclose(enc.f);
	return rc;
}

static int eal_start(void)
{
	char *argv[] = { "esp_pcap", "--no-huge", "-m", "128", "--no-pci",
			 "--no-shconf", "--log-level=error", "-l", "0", NULL };

	if (rte_eal_init(9, argv) < 0)
		return -1;
	pool = rte_pktmbuf_pool_create("esp_pcap", POOL_SIZE, 0, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE,
				       SOCKET_ID_ANY);
	cx = esp_crypto_create(SOCKET_ID_ANY);
	return pool && cx ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct esp_params gw_p, peer_p;
	struct espgw_config *cfg;
	struct esp_sa *gw = NULL, *peer = NULL;
	struct opts o;
	int rc = 1;

	opts_parse(argc, argv, &o);
	cfg = cfg_load(o.config, stderr);
	if (cfg == NULL || sa_params(cfg, o.sa, &gw_p, &peer_p) < 0 ||
	    eal_start() < 0)
		goto out;
	gw = sa_make(&gw_p);
	peer = sa_make(&peer_p);
	if (gw && peer &&
	    write_files(&o, cfg_static_sa_by_name(cfg, o.sa), peer, gw) == 0) {
		printf("%s: %u cleartext frames of %u bytes\n%s: %u ESP "
		       "frames (sequence numbers 1-%u), checked against SA "
		       "%s\n", o.clear, o.count, o.frame, o.esp, o.count,
		       o.count, o.sa);
		rc = 0;
	}
out:
	explicit_bzero(&gw_p, sizeof(gw_p));
	explicit_bzero(&peer_p, sizeof(peer_p));
	esp_sa_free(gw);
	esp_sa_free(peer);
	esp_crypto_free(cx);
	rte_mempool_free(pool);
	if (pool != NULL)
		rte_eal_cleanup();
	cfg_free(cfg);
	return rc;
}
