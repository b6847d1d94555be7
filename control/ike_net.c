/* SPDX-License-Identifier: BSD-3-Clause */
#include "ike_net.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ike_proto.h"
#include "log.h"
#include "loop.h"

#define NET_MAX_SOCKS (2 * 16 + 4)
#define NET_BUF	      65536
#define NON_ESP_LEN   4 /* RFC 3948 section 2.2 */

struct net_sock {
	struct ike_net *net;
	int fd;
	struct ike_ep bound; /* addr family set; addr zero: wildcard */
};

struct ike_net {
	struct loop *loop;
	ike_net_rx_fn rx;
	void *arg;
	uint16_t natt_port;
	unsigned int n_socks;
	struct net_sock socks[NET_MAX_SOCKS];
	struct ike_net_stats stats;
	uint8_t buf[NET_BUF];
};

char *ike_ep_format(const struct ike_ep *ep, char *buf)
{
	char a[ADDR_STRLEN];

	snprintf(buf, IKE_EP_STRLEN, "%s[%u]", addr_format(&ep->addr, a),
		 ep->port);
	return buf;
}

static socklen_t ep_to_sa(const struct ike_ep *ep, int family,
			  struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(ep->port);
		if (ep->addr.family == ADDR_V4)
			memcpy(&s4->sin_addr, ep->addr.v4, 4);
		return sizeof(*s4);
	}
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons(ep->port);
	if (ep->addr.family == ADDR_V6)
		memcpy(&s6->sin6_addr, ep->addr.v6, 16);
	return sizeof(*s6);
}

static void sa_to_ep(const struct sockaddr_storage *ss, struct ike_ep *ep)
{
	memset(ep, 0, sizeof(*ep));
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;

		ep->addr.family = ADDR_V4;
		memcpy(ep->addr.v4, &s4->sin_addr, 4);
		ep->port = ntohs(s4->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;

		ep->addr.family = ADDR_V6;
		memcpy(ep->addr.v6, &s6->sin6_addr, 16);
		ep->port = ntohs(s6->sin6_port);
	}
}

/* The destination address of a received datagram, from its pktinfo. */
static void local_from_cmsg(struct msghdr *mh, struct ike_ep *local)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			local->addr.family = ADDR_V4;
			memcpy(local->addr.v4, &pi.ipi_addr, 4);
		} else if (c->cmsg_level == IPPROTO_IPV6 &&
			   c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			local->addr.family = ADDR_V6;
			memcpy(local->addr.v6, &pi.ipi6_addr, 16);
		}
	}
}

/* Strip the non-ESP marker on the NAT-T port; false to drop. */
static bool unwrap(struct ike_net *net, uint16_t port, uint8_t **p,
		   size_t *len)
{
	static const uint8_t marker[NON_ESP_LEN];

	if (port != net->natt_port)
		return *len >= IKE_HDR_LEN;
	if (*len == 1 && (*p)[0] == 0xff) {
		net->stats.keepalives++;
		return false;
	}
	if (*len < NON_ESP_LEN + IKE_HDR_LEN ||
	    memcmp(*p, marker, NON_ESP_LEN) != 0) {
		net->stats.non_ike++;
		return false;
	}
	*p += NON_ESP_LEN;
	*len -= NON_ESP_LEN;
	return true;
}

static void on_readable(void *arg, int fd, short revents)
{
	struct net_sock *s = arg;
	struct ike_net *net = s->net;
	struct sockaddr_storage from;
	uint8_t cbuf[256];
	struct iovec iov = { net->buf, sizeof(net->buf) };
	struct msghdr mh = {
		.msg_name = &from, .msg_namelen = sizeof(from),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct ike_ep local = s->bound, remote;
	ssize_t n;

	(void)revents;
	/* Bounded: one loop round reads at most 64 datagrams per socket. */
	for (int i = 0; i < 64; i++) {
		mh.msg_namelen = sizeof(from);
		mh.msg_controllen = sizeof(cbuf);
		n = recvmsg(fd, &mh, MSG_DONTWAIT);
		if (n < 0)
			return;
		uint8_t *p = net->buf;
		size_t len = (size_t)n;

		local = s->bound;
		local_from_cmsg(&mh, &local);
		sa_to_ep(&from, &remote);
		if ((mh.msg_flags & MSG_TRUNC) ||
		    !unwrap(net, s->bound.port, &p, &len))
			continue;
		net->stats.rx++;
		net->rx(net->arg, &local, &remote, p, len);
	}
}

static int open_sock(const struct ip_addr *addr, uint16_t port)
{
	int family = addr->family == ADDR_V6 ? AF_INET6 : AF_INET;
	struct ike_ep ep = { .addr = *addr, .port = port };
	struct sockaddr_storage ss;
	socklen_t sl = ep_to_sa(&ep, family, &ss);
	int one = 1, fd;

	fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6) {
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one,
			   sizeof(one));
	} else {
		setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
	}
	if (bind(fd, (struct sockaddr *)&ss, sl) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int add_sock(struct ike_net *net, const struct ip_addr *addr,
		    uint16_t port)
{
	struct net_sock *s = &net->socks[net->n_socks];
	char a[ADDR_STRLEN];

	s->net = net;
	s->bound.addr = *addr;
	s->bound.port = port;
	s->fd = open_sock(addr, port);
	if (s->fd < 0) {
		log_err("ike: cannot bind %s port %u: %s", addr_format(addr, a),
			port, strerror(errno));
		return -1;
	}
	net->n_socks++;
	if (loop_add_fd(net->loop, s->fd, POLLIN, on_readable, s) != 0)
		return -1;
	return 0;
}

struct ike_net *ike_net_create(struct loop *l, const struct ip_addr *addrs,
			       unsigned int n, uint16_t port,
			       uint16_t natt_port, ike_net_rx_fn rx, void *arg)
{
	struct ip_addr any[2] = { { .family = ADDR_V4 }, { .family = ADDR_V6 } };
	struct ike_net *net;

	if (n > 16)
		return NULL;
	net = calloc(1, sizeof(*net));
	if (!net)
		return NULL;
	net->loop = l;
	net->rx = rx;
	net->arg = arg;
	net->natt_port = natt_port;
	if (n == 0) {
		addrs = any;
		n = 2;
	}
	for (unsigned int i = 0; i < n; i++) {
		if (add_sock(net, &addrs[i], port) != 0 ||
		    add_sock(net, &addrs[i], natt_port) != 0) {
			ike_net_destroy(net);
			return NULL;
		}
	}
	return net;
}

void ike_net_destroy(struct ike_net *net)
{
	if (!net)
		return;
	for (unsigned int i = 0; i < net->n_socks; i++) {
		loop_del_fd(net->loop, net->socks[i].fd);
		close(net->socks[i].fd);
	}
	free(net);
}

/* The socket bound to local's address and port, else a wildcard one. */
static struct net_sock *pick(struct ike_net *net, const struct ike_ep *local,
			     uint8_t family)
{
	struct net_sock *wild = NULL;

	for (unsigned int i = 0; i < net->n_socks; i++) {
		struct net_sock *s = &net->socks[i];

		if (s->bound.addr.family != family ||
		    s->bound.port != local->port)
			continue;
		if (addr_equal(&s->bound.addr, &local->addr))
			return s;
		if (!wild)
			wild = s;
	}
	return wild;
}

/* Put one control message into mh's buffer cbuf. */
static void put_cmsg(struct msghdr *mh, uint8_t *cbuf, int level, int type,
		     const void *data, size_t len)
{
	struct cmsghdr *c;

	mh->msg_control = cbuf;
	mh->msg_controllen = CMSG_SPACE(len);
	c = CMSG_FIRSTHDR(mh);
	c->cmsg_level = level;
	c->cmsg_type = type;
	c->cmsg_len = CMSG_LEN(len);
	memcpy(CMSG_DATA(c), data, len);
}

/* Ask for local's address as the source (section 2.11's "reply from
 * the address the request reached"). */
static void set_source(struct msghdr *mh, uint8_t *cbuf,
		       const struct ike_ep *local)
{
	if (local->addr.family == ADDR_V4) {
		struct in_pktinfo pi = { 0 };

		memcpy(&pi.ipi_spec_dst, local->addr.v4, 4);
		put_cmsg(mh, cbuf, IPPROTO_IP, IP_PKTINFO, &pi, sizeof(pi));
	} else if (local->addr.family == ADDR_V6) {
		struct in6_pktinfo pi = { 0 };

		memcpy(&pi.ipi6_addr, local->addr.v6, 16);
		put_cmsg(mh, cbuf, IPPROTO_IPV6, IPV6_PKTINFO, &pi,
			 sizeof(pi));
	}
}

/* One datagram of the iovecs from local to remote. */
static int send_iov(struct ike_net *net, const struct ike_ep *local,
		    const struct ike_ep *remote, struct iovec *iov,
		    size_t n_iov)
{
	struct net_sock *s = pick(net, local, remote->addr.family);
	struct sockaddr_storage to;
	uint8_t cbuf[CMSG_SPACE(sizeof(struct in6_pktinfo))] = { 0 };
	struct msghdr mh = {
		.msg_name = &to, .msg_iov = iov, .msg_iovlen = n_iov,
	};

	if (!s) {
		net->stats.tx_errors++;
		return -1;
	}
	mh.msg_namelen = ep_to_sa(remote, remote->addr.family == ADDR_V6 ?
					  AF_INET6 : AF_INET, &to);
	set_source(&mh, cbuf, local);
	if (sendmsg(s->fd, &mh, 0) < 0) {
		net->stats.tx_errors++;
		return -1;
	}
	net->stats.tx++;
	return 0;
}

int ike_net_send(struct ike_net *net, const struct ike_ep *local,
		 const struct ike_ep *remote, const uint8_t *buf, size_t len)
{
	static const uint8_t marker[NON_ESP_LEN];
	struct iovec iov[2] = { { (void *)marker, NON_ESP_LEN },
				{ (void *)buf, len } };
	bool natt = local->port == net->natt_port;

	return send_iov(net, local, remote, natt ? iov : iov + 1,
			natt ? 2 : 1);
}

int ike_net_send_keepalive(struct ike_net *net, const struct ike_ep *local,
			   const struct ike_ep *remote)
{
	static const uint8_t keepalive = 0xff; /* RFC 3948 section 2.3 */
	struct iovec iov = { (void *)&keepalive, 1 };

	return send_iov(net, local, remote, &iov, 1);
}

const struct ike_net_stats *ike_net_stats(const struct ike_net *net)
{
	return &net->stats;
}
