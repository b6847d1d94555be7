/* SPDX-License-Identifier: BSD-3-Clause */
#include "addr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool addr_parse(const char *s, struct ip_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, s, out->v4) == 1) {
		out->family = ADDR_V4;
		return true;
	}
	if (inet_pton(AF_INET6, s, out->v6) == 1) {
		out->family = ADDR_V6;
		return true;
	}
	memset(out, 0, sizeof(*out));
	return false;
}

size_t addr_len(const struct ip_addr *a)
{
	switch (a->family) {
	case ADDR_V4:
		return 4;
	case ADDR_V6:
		return 16;
	}
	return 0;
}

static bool host_bits_zero(const struct ip_prefix *p)
{
	size_t n = addr_len(&p->addr);

	for (size_t bit = p->len; bit < n * 8; bit++) {
		if (p->addr.bytes[bit / 8] & (0x80u >> (bit % 8)))
			return false;
	}
	return true;
}

bool prefix_parse(const char *s, struct ip_prefix *out)
{
	char text[ADDR_STRLEN];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	char *end;
	long len;

	memset(out, 0, sizeof(*out));
	if (alen >= sizeof(text))
		return false;
	memcpy(text, s, alen);
	text[alen] = '\0';
	if (!addr_parse(text, &out->addr))
		return false;

	len = (long)addr_len(&out->addr) * 8;
	if (slash) {
		if (slash[1] < '0' || slash[1] > '9')
			return false;
		long max = len;

		len = strtol(slash + 1, &end, 10);
		if (*end != '\0' || len < 0 || len > max)
			return false;
	}
	out->len = (uint8_t)len;
	return host_bits_zero(out);
}

bool addr_equal(const struct ip_addr *a, const struct ip_addr *b)
{
	return a->family == b->family &&
	       memcmp(a->bytes, b->bytes, addr_len(a)) == 0;
}

int addr_cmp(const struct ip_addr *a, const struct ip_addr *b)
{
	int c;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	c = memcmp(a->bytes, b->bytes, addr_len(a));
	return (c > 0) - (c < 0);
}

bool prefix_contains(const struct ip_prefix *p, const struct ip_addr *a)
{
	size_t full = p->len / 8;
	unsigned int rest = p->len % 8;
	uint8_t mask = (uint8_t)(0xffu << (8 - rest));

	if (a->family != p->addr.family)
		return false;
	if (memcmp(p->addr.bytes, a->bytes, full) != 0)
		return false;
	return rest == 0 ||
	       (p->addr.bytes[full] & mask) == (a->bytes[full] & mask);
}

char *addr_format(const struct ip_addr *a, char *buf)
{
	int af = a->family == ADDR_V6 ? AF_INET6 : AF_INET;

	if (a->family == 0 || !inet_ntop(af, a->bytes, buf, ADDR_STRLEN))
		snprintf(buf, ADDR_STRLEN, "none");
	return buf;
}

char *prefix_format(const struct ip_prefix *p, char *buf)
{
	size_t n;

	addr_format(&p->addr, buf);
	n = strlen(buf);
	snprintf(buf + n, ADDR_STRLEN - n, "/%u", p->len);
	return buf;
}
