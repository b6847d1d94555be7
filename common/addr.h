/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IP addresses and prefixes as both processes and the channel carry them:
 * a fixed layout, network byte order, no pointers.
 */
#ifndef ESPGW_ADDR_H
#define ESPGW_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ADDR_V4 4
#define ADDR_V6 6

struct ip_addr {
	uint8_t family; /* ADDR_V4, ADDR_V6, or 0 for none */
	uint8_t pad[3];
	union {
		uint8_t v4[4];
		uint8_t v6[16];
		uint8_t bytes[16];
	};
};

struct ip_prefix {
	struct ip_addr addr;
	uint8_t len; /* prefix length in bits */
	uint8_t pad[3];
};

/* Longest text form of an address or prefix, with the NUL. */
#define ADDR_STRLEN 50

/* Parse "192.0.2.1" or "2001:db8::1".  Returns false on anything else. */
bool addr_parse(const char *s, struct ip_addr *out);

/*
 * Parse "192.0.2.0/24", "2001:db8::/32", or a bare address (a host prefix).
 * Bits beyond the prefix length must be zero.
 */
bool prefix_parse(const char *s, struct ip_prefix *out);

/* Address length in bytes: 4, 16, or 0 for none. */
size_t addr_len(const struct ip_addr *a);

bool addr_equal(const struct ip_addr *a, const struct ip_addr *b);

/* -1, 0, 1 ordering within one family; families order v4 before v6. */
int addr_cmp(const struct ip_addr *a, const struct ip_addr *b);

bool prefix_contains(const struct ip_prefix *p, const struct ip_addr *a);

/* Write the text form into buf (ADDR_STRLEN bytes) and return buf. */
char *addr_format(const struct ip_addr *a, char *buf);
char *prefix_format(const struct ip_prefix *p, char *buf);

#endif
