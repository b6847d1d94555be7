/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The UDP sockets IKE runs on: port 500 and port 4500 (RFC 3948) for each
 * configured IKE address, or the IPv4 and IPv6 wildcards.
 *
 * Every datagram is received with the address it reached (IP_PKTINFO,
 * IPV6_PKTINFO) and replies are sent with that address as their source, so
 * a multi-homed gateway answers from the address it was asked on.  On port
 * 4500 the four zero octets of the non-ESP marker are stripped on receive
 * and added on send; a one-octet 0xFF NAT keepalive (RFC 3948 section 2.3)
 * is counted and dropped, as is anything else not IKE (ESP in UDP belongs to
 * the data plane).
 *
 * Single-threaded, like the loop it registers with.
 */
#ifndef ESPGW_IKE_NET_H
#define ESPGW_IKE_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

struct loop;
struct ike_net;

/* One end of an IKE conversation: address and UDP port (host order). */
struct ike_ep {
	struct ip_addr addr;
	uint16_t port;
};

/* A datagram for the engine, without the non-ESP marker; buf is writable
 * and valid only during the call. */
typedef void (*ike_net_rx_fn)(void *arg, const struct ike_ep *local,
			      const struct ike_ep *remote, uint8_t *buf,
			      size_t len);

struct ike_net_stats {
	uint64_t rx, tx;
	uint64_t keepalives; /* 0xFF on 4500 */
	uint64_t non_ike;    /* on 4500 without the marker, or too short */
	uint64_t tx_errors;
};

/*
 * Bind port and natt_port (IKE_PORT and IKE_NATT_PORT in the daemon; tests
 * may choose others) on each of addrs, or on 0.0.0.0 and :: when n is 0.
 * NULL when a socket cannot be made, logged.
 */
struct ike_net *ike_net_create(struct loop *l, const struct ip_addr *addrs,
			       unsigned int n, uint16_t port,
			       uint16_t natt_port, ike_net_rx_fn rx,
			       void *arg);
void ike_net_destroy(struct ike_net *net);

/*
 * Send buf from local (the address may be of family 0: the kernel chooses)
 * to remote, with the non-ESP marker when local->port is the NAT-T port.
 * Returns 0 or -1 (counted in tx_errors).
 */
int ike_net_send(struct ike_net *net, const struct ike_ep *local,
		 const struct ike_ep *remote, const uint8_t *buf, size_t len);

/* A NAT-keepalive (RFC 3948 section 2.3): the one byte 0xFF, with no
 * marker, from local (the NAT-T port) to remote. */
int ike_net_send_keepalive(struct ike_net *net, const struct ike_ep *local,
			   const struct ike_ep *remote);

const struct ike_net_stats *ike_net_stats(const struct ike_net *net);

/* "192.0.2.1[500]" into buf (ADDR_STRLEN + 8 bytes); returns buf. */
#define IKE_EP_STRLEN (ADDR_STRLEN + 8)
char *ike_ep_format(const struct ike_ep *ep, char *buf);

/* Same address and port. */
static inline bool ike_ep_equal(const struct ike_ep *a, const struct ike_ep *b)
{
	return a->port == b->port && addr_equal(&a->addr, &b->addr);
}

#endif
