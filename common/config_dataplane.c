/* SPDX-License-Identifier: BSD-3-Clause */
/* The data-plane part: ports, routes, lcores and tuning. */
#include "config_reader.h"

#include <stdlib.h>
#include <string.h>

#define MAX_LCORE 127 /* DPDK's default RTE_MAX_LCORE is 128 */

/* ---- ports ---- */

/* "192.0.2.1/24": our address and the length of the subnet it is on. */
static bool parse_if_address(const char *s, struct ip_prefix *out)
{
	char text[ADDR_STRLEN];
	const char *slash = strchr(s, '/');
	char *end;
	long len;

	memset(out, 0, sizeof(*out));
	if (!slash || (size_t)(slash - s) >= sizeof(text))
		return false;
	memcpy(text, s, (size_t)(slash - s));
	text[slash - s] = '\0';
	if (!addr_parse(text, &out->addr) || slash[1] < '0' || slash[1] > '9')
		return false;
	len = strtol(slash + 1, &end, 10);
	if (*end != '\0' || len < 1 || len > (long)addr_len(&out->addr) * 8)
		return false;
	out->len = (uint8_t)len;
	return true;
}

static bool add_if_address(struct cfg_obj *o, const char *key,
			   const char *item, void *arg)
{
	struct cfg_port *p = arg;

	if (parse_if_address(item, &p->addresses[p->n_addresses])) {
		p->n_addresses++;
		return true;
	}
	obj_error(o, key, "bad address \"%s\"; expected ADDRESS/LENGTH such "
		  "as 192.0.2.1/24", item);
	return false;
}

static void read_port_names(struct cfg_obj *o, struct cfg_port *p)
{
	size_t n = strlen(p->name);

	if (!config_setting_get_member(o->set, "device"))
		obj_missing(o, "device", "a DPDK device: a PCI address such "
			    "as 0000:03:00.0 or a vdev such as "
			    "net_af_packet0,iface=veth0");
	obj_string(o, "device", p->device, sizeof(p->device));

	if (config_setting_get_member(o->set, "slow_path")) {
		obj_string(o, "slow_path", p->slow_path, sizeof(p->slow_path));
	} else if (n > 0 && n + sizeof("espgw-") <= sizeof(p->slow_path)) {
		/* The precision tells the compiler what the test above
		 * already guarantees: the name fits. */
		snprintf(p->slow_path, sizeof(p->slow_path), "espgw-%.*s",
			 (int)(sizeof(p->slow_path) - sizeof("espgw-")),
			 p->name);
	} else if (n > 0) {
		obj_missing(o, "slow_path", "a tap interface name of at most "
			    "15 characters (the default espgw-NAME is too "
			    "long for this port's name)");
	}
}

static void read_port(struct cfg_obj *o, void *elem)
{
	static const char *const keys[] = { "name", "role", "device",
					    "addresses", "mtu", "slow_path",
					    NULL };
	struct cfg_port *p = elem;
	uint64_t mtu;
	int role;

	p->line = obj_line(o);
	p->mtu = 1500;
	obj_name(o, p->name);
	obj_keys(o, keys);
	if (!config_setting_get_member(o->set, "role"))
		obj_missing(o, "role", "public or private");
	if (obj_enum(o, "role", cfg_role_names, &role))
		p->role = (enum cfg_role)role;
	read_port_names(o, p);
	if (!config_setting_get_member(o->set, "addresses"))
		obj_missing(o, "addresses", "the gateway's addresses on this "
			    "port, such as [\"192.0.2.1/24\"]");
	else
		obj_each(o, "addresses", CFG_MAX_LIST, add_if_address, p);
	/* 576: the least IPv4 datagram every host takes (RFC 791). */
	if (obj_uint(o, "mtu", 576, 9600, &mtu))
		p->mtu = (uint16_t)mtu;
}

/* ---- routes ---- */

static int port_on_link(const struct cfg_dataplane *dp,
			const struct ip_addr *a)
{
	for (unsigned int i = 0; i < dp->n_ports; i++) {
		for (unsigned int j = 0; j < dp->ports[i].n_addresses; j++) {
			if (prefix_contains(&dp->ports[i].addresses[j], a))
				return (int)i;
		}
	}
	return -1;
}

static void resolve_route_port(struct cfg_obj *o, struct cfg_route *r)
{
	const struct cfg_dataplane *dp = &o->rd->cfg->dataplane;
	char text[ADDR_STRLEN];
	int on_link = port_on_link(dp, &r->via);

	r->port = -1;
	if (obj_ref(o, "port", CFG_NAMES("port", "dataplane.ports", dp->ports,
					 dp->n_ports), &r->port) &&
	    on_link >= 0 && on_link != r->port)
		obj_error(o, "port", "\"%s\" is not on the gateway's subnet; "
			  "expected \"%s\", whose subnet holds it",
			  dp->ports[r->port].name, dp->ports[on_link].name);
	else if (r->port < 0 && on_link < 0 && r->via.family)
		obj_error(o, "gateway", "%s is on no port's subnet; expected "
			  "a next hop on a subnet of dataplane.ports",
			  addr_format(&r->via, text));
	else if (r->port < 0)
		r->port = on_link;
}

static void read_route(struct cfg_obj *o, void *elem)
{
	static const char *const keys[] = { "comment", "dst_address",
					    "gateway", "port", NULL };
	struct cfg_route *r = elem;

	r->line = obj_line(o);
	obj_keys(o, keys);
	if (!config_setting_get_member(o->set, "dst_address"))
		obj_missing(o, "dst_address", "the destination prefix");
	obj_prefix(o, "dst_address", &r->dst);
	if (!config_setting_get_member(o->set, "gateway"))
		obj_missing(o, "gateway", "the next hop's address");
	if (obj_addr(o, "gateway", &r->via) && r->dst.addr.family &&
	    r->via.family != r->dst.addr.family)
		obj_error(o, "gateway", "family differs from dst_address; "
			  "expected a next hop of the same family");
	resolve_route_port(o, r);
}

/* ---- neighbours ---- */

/* "02:00:5e:00:53:01" (or with dashes, as RouterOS and Windows print
 * it): a unicast MAC, not all zeros. */
static bool parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char sep[5], end;
	int n = sscanf(s, "%2x%c%2x%c%2x%c%2x%c%2x%c%2x%c", &b[0], &sep[0],
		       &b[1], &sep[1], &b[2], &sep[2], &b[3], &sep[3], &b[4],
		       &sep[4], &b[5], &end);
	unsigned int any = 0;

	if (n != 11 || strlen(s) != 17)
		return false;
	for (int i = 0; i < 5; i++)
		if (sep[i] != sep[0] || (sep[0] != ':' && sep[0] != '-'))
			return false;
	for (int i = 0; i < 6; i++) {
		mac[i] = (uint8_t)b[i];
		any |= b[i];
	}
	return any && !(mac[0] & 1);
}

/* On a port's subnet, as a route's gateway is; port, if named, is it. */
static void resolve_neighbour_port(struct cfg_obj *o,
				   struct cfg_neighbour *nb)
{
	const struct cfg_dataplane *dp = &o->rd->cfg->dataplane;
	char text[ADDR_STRLEN];
	int on_link = port_on_link(dp, &nb->addr);

	nb->port = -1;
	if (on_link < 0)
		obj_error(o, "address", "%s is on no port's subnet; expected "
			  "a neighbour on a subnet of dataplane.ports",
			  addr_format(&nb->addr, text));
	else if (obj_ref(o, "port", CFG_NAMES("port", "dataplane.ports",
					      dp->ports, dp->n_ports),
			 &nb->port) && nb->port != on_link)
		obj_error(o, "port", "\"%s\" is not on the neighbour's "
			  "subnet; expected \"%s\"", dp->ports[nb->port].name,
			  dp->ports[on_link].name);
	nb->port = on_link;
}

static void read_neighbour(struct cfg_obj *o, void *elem)
{
	static const char *const keys[] = { "comment", "address",
					    "mac_address", "port", NULL };
	struct cfg_neighbour *nb = elem;
	char mac[32] = "";

	nb->line = obj_line(o);
	obj_keys(o, keys);
	if (!config_setting_get_member(o->set, "address"))
		obj_missing(o, "address", "the neighbour's address");
	obj_addr(o, "address", &nb->addr);
	if (!config_setting_get_member(o->set, "mac_address"))
		obj_missing(o, "mac_address", "its MAC address");
	else if (obj_string(o, "mac_address", mac, sizeof(mac)) &&
		 !parse_mac(mac, nb->mac))
		obj_error(o, "mac_address", "\"%s\" is not a unicast MAC "
			  "address; expected six hex bytes such as "
			  "02:00:5e:00:53:01", mac);
	if (nb->addr.family)
		resolve_neighbour_port(o, nb);
}

/* ---- lcores and tuning ---- */

static bool has_lcore(const struct cfg_dataplane *dp, uint16_t lcore)
{
	for (unsigned int i = 0; i < dp->n_workers; i++) {
		if (dp->workers[i] == lcore)
			return true;
	}
	return false;
}

static void read_workers(struct cfg_obj *o, struct cfg_dataplane *dp)
{
	const config_setting_t *s = config_setting_get_member(o->set,
							      "workers");
	unsigned int n;

	if (!s)
		return;
	n = (unsigned int)config_setting_length(s);
	if (!config_setting_is_array(s) || n == 0 || n > CFG_MAX_WORKERS) {
		obj_error(o, "workers", "not an array of 1 to %d lcore ids; "
			  "expected an array such as [1, 2]", CFG_MAX_WORKERS);
		return;
	}
	dp->n_workers = 0;
	for (unsigned int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, i);
		long long v = config_setting_get_int64(e);

		if ((config_setting_type(e) != CONFIG_TYPE_INT &&
		     config_setting_type(e) != CONFIG_TYPE_INT64) || v < 0 ||
		    v > MAX_LCORE || v == dp->main_lcore ||
		    has_lcore(dp, (uint16_t)v)) {
			obj_error(o, "workers", "item %u is not a free lcore "
				  "id; expected distinct integers from 0 to "
				  "%d other than main_lcore %u", i + 1,
				  MAX_LCORE, dp->main_lcore);
			continue;
		}
		dp->workers[dp->n_workers++] = (uint16_t)v;
	}
}

static bool power_of_two(uint64_t v)
{
	return v && !(v & (v - 1));
}

bool obj_power_of_two(struct cfg_obj *o, const char *key, uint64_t min,
		     uint64_t max, uint64_t *out)
{
	uint64_t v;

	if (!obj_uint(o, key, min, max, &v))
		return false;
	if (!power_of_two(v)) {
		obj_error(o, key, "%llu is not a power of two; expected one "
			  "from %llu to %llu", (unsigned long long)v,
			  (unsigned long long)min, (unsigned long long)max);
		return false;
	}
	*out = v;
	return true;
}

static void read_channel(struct cfg_obj *o, struct cfg_dataplane *dp)
{
	size_t ok;

	if (!obj_string(o, "channel", dp->channel, sizeof(dp->channel)))
		return;
	ok = strspn(dp->channel, "abcdefghijklmnopqrstuvwxyz"
				 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");
	if (dp->channel[ok] != '\0') {
		obj_error(o, "channel", "character %zu is not allowed; "
			  "expected letters, digits, '_' and '-' (it names a "
			  "shared-memory segment)", ok + 1);
		strcpy(dp->channel, "espgw");
	}
}

static void tuning_defaults(struct cfg_dataplane *dp)
{
	dp->n_workers = 1;
	dp->workers[0] = 1;
	dp->burst = 32;
	dp->rx_ring = dp->tx_ring = 1024;
	dp->replay_window = 64;
	dp->max_sas = 1u << 17;
	strcpy(dp->channel, "espgw");
}

static void read_tuning(struct cfg_obj *o, struct cfg_dataplane *dp)
{
	uint64_t v;

	if (obj_uint(o, "main_lcore", 0, MAX_LCORE, &v))
		dp->main_lcore = (uint16_t)v;
	read_workers(o, dp);
	if (obj_uint(o, "burst", 1, 512, &v))
		dp->burst = (uint16_t)v;
	if (obj_power_of_two(o, "rx_ring", 64, 16384, &v))
		dp->rx_ring = (uint16_t)v;
	if (obj_power_of_two(o, "tx_ring", 64, 16384, &v))
		dp->tx_ring = (uint16_t)v;
	/* RFC 4303 section 3.4.3: 32 at least, 64 by default; larger ones
	 * help where workers reorder. */
	if (obj_power_of_two(o, "replay_window", 64, 4096, &v))
		dp->replay_window = (uint32_t)v;
	/* Sized at start: the SAD's hash and the SPD's maps take memory by
	 * it (a few hundred bytes an SA) whether used or not. */
	if (obj_uint(o, "max_sas", 256, 1u << 22, &v))
		dp->max_sas = (uint32_t)v;
	/* Gateways busy-poll; hosts where the workers share cores with
	 * other work (tests, small VMs) trade latency for CPU. */
	if (obj_uint(o, "idle_sleep_us", 0, 10000, &v))
		dp->idle_sleep_us = (uint32_t)v;
	read_channel(o, dp);
}

void rd_dataplane(struct cfg_reader *rd, const config_setting_t *set)
{
	static const char *const keys[] = {
		"ports",   "routes",  "main_lcore",    "workers",
		"burst",   "rx_ring", "tx_ring",       "replay_window",
		"max_sas", "idle_sleep_us", "channel", "static_sas",
		"static_policies",
		"neighbours", NULL
	};
	struct cfg_dataplane *dp = &rd->cfg->dataplane;
	struct cfg_obj o;

	tuning_defaults(dp);
	if (set && obj_start(&o, rd, set, "dataplane", -1)) {
		obj_keys(&o, keys);
		read_tuning(&o, dp);
	}
	dp->ports = rd_each(rd, set, "dataplane", "ports", sizeof(*dp->ports),
			    0, &dp->n_ports, read_port);
	dp->routes = rd_each(rd, set, "dataplane", "routes",
			     sizeof(*dp->routes), 0, &dp->n_routes,
			     read_route);
	dp->neighbours = rd_each(rd, set, "dataplane", "neighbours",
				 sizeof(*dp->neighbours), 0,
				 &dp->n_neighbours, read_neighbour);
	rd_static_sas(rd, set);
	rd_static_policies(rd, set);
}
