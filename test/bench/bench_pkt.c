/* SPDX-License-Identifier: BSD-3-Clause */
#include "bench_pkt.h"

#include <string.h>

#define IPV4_HDR 20
#define UDP_HDR  8

uint16_t bench_csum(const uint8_t *b, uint32_t len)
{
	uint32_t sum = 0;

	for (uint32_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)b[i] << 8 | b[i + 1];
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

void bench_udp4(uint8_t *b, uint32_t len, const struct bench_flow *f,
		uint32_t seed)
{
	uint8_t *udp = b + IPV4_HDR;

	memset(b, 0, IPV4_HDR + UDP_HDR);
	b[0] = 0x45;
	put16(b + 2, (uint16_t)len);
	put16(b + 4, (uint16_t)seed); /* identification */
	b[8] = f->ttl;
	b[9] = 17; /* UDP */
	memcpy(b + 12, f->src, 4);
	memcpy(b + 16, f->dst, 4);
	put16(b + 10, bench_csum(b, IPV4_HDR));

	put16(udp, f->sport);
	put16(udp + 2, f->dport);
	put16(udp + 4, (uint16_t)(len - IPV4_HDR));
	for (uint32_t i = IPV4_HDR + UDP_HDR; i < len; i++)
		b[i] = (uint8_t)(seed * 31 + i);
}
