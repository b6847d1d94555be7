/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test traffic for the ESP benchmark and the pcap generator.
 *
 * A "frame" of F bytes is an Ethernet frame counted as RFC 2544 and
 * pktgen-dpdk count it: the 14-byte header and the 4-byte FCS included, no
 * preamble or inter-frame gap.  The IPv4 packet inside has F - 18 bytes:
 * 20 of IP header, 8 of UDP header and F - 46 of payload, so 64 is the
 * smallest frame (18 bytes of payload).
 */
#ifndef ESPGW_BENCH_PKT_H
#define ESPGW_BENCH_PKT_H

#include <stdint.h>

#define BENCH_ETH_HDR   14
#define BENCH_ETH_FCS   4
#define BENCH_FRAME_MIN 64
#define BENCH_FRAME_MAX 1518
#define BENCH_IP_MAX    (BENCH_FRAME_MAX - BENCH_ETH_HDR - BENCH_ETH_FCS)

/* The IPv4 packet bytes inside a frame of frame bytes. */
static inline uint32_t bench_ip_len(uint32_t frame)
{
	return frame - BENCH_ETH_HDR - BENCH_ETH_FCS;
}

struct bench_flow {
	uint8_t src[4], dst[4]; /* IPv4, network order */
	uint16_t sport, dport;  /* host order */
	uint8_t ttl;
};

/*
 * Write an IPv4/UDP packet of len bytes (28 .. BENCH_IP_MAX) for flow at
 * b: valid IP checksum, UDP checksum 0, a payload pattern from seed.
 */
void bench_udp4(uint8_t *b, uint32_t len, const struct bench_flow *f,
		uint32_t seed);

/* The Internet checksum (RFC 1071) of len bytes, ready to store. */
uint16_t bench_csum(const uint8_t *b, uint32_t len);

#endif
