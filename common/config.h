/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The configuration model both daemons read: one libconfig file, loaded and
 * validated once into the plain structs below.
 *
 * The "ipsec" part mirrors the RouterOS objects of /ip pool and /ip ipsec
 * (pool, mode-config, proposal, policy group, profile, policy, peer,
 * identity) with the same names and meanings, spelled in snake_case.  The
 * "dataplane" part describes ports, routes, lcores and tuning, and static,
 * manually keyed SAs.  The "control" part is for espgw-control.
 *
 * After cfg_load() every reference is resolved to an index into the array
 * it names (-1 where the reference is optional and absent), every name is
 * unique within its kind, and every value is in range; users need not check
 * again.  The struct is read-only after loading and may be shared by
 * threads without locks.
 *
 * Defaults (RouterOS 7 where it has one and it is still sound; where it is
 * not, the stronger choice is noted):
 *   proposal  auth sha256 (RouterOS: sha1), enc aes-256-cbc,aes-128-cbc,
 *             pfs modp2048 (RouterOS: modp1024), lifetime 30m
 *   profile   hash sha256 (RouterOS: sha1), prf auto, enc aes-256-cbc
 *             (RouterOS: aes-128), dh modp2048 (RouterOS: modp2048,modp1024),
 *             proposal_check obey, lifetime 1d, nat_traversal true,
 *             dpd 8s x 4
 *   policy    src/dst 0.0.0.0/0, any port, protocol all, action encrypt,
 *             level require, ipsec_protocols esp, group and proposal
 *             "default"
 *   peer      port 500, exchange_mode ike2, passive false, profile
 *             "default", send_initial_contact true
 *   identity  auth_method pre-shared-key, generate_policy no, my_id and
 *             remote_id auto, match_by remote-id, policy_template_group
 *             "default"
 *   mode-config  address_prefix_length 32, system_dns true
 * As in RouterOS, a proposal, a profile and a policy group named "default"
 * always exist: if the file does not define one, the built-in one with the
 * defaults above is appended (flag builtin).
 *
 *   dataplane  mtu 1500, burst 32, rx_ring/tx_ring 1024, replay_window 64,
 *              max_sas 131072, main_lcore 0, workers [1], channel "espgw",
 *              slow_path "espgw-" + port name
 *   control    ctl_socket /run/espgw/espgwctl.sock, log_level info,
 *              cookie_threshold 5000 half-open SAs, ike_fragment_size 0
 */
#ifndef ESPGW_CONFIG_H
#define ESPGW_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "addr.h"
#include "algo.h"
#include "log.h"

#define CFG_NAME_MAX    64  /* object names, with the NUL */
#define CFG_DEVICE_MAX  128 /* DPDK device arguments, with the NUL */
#define CFG_IFNAME_MAX  16  /* IFNAMSIZ */
#define CFG_ID_MAX      256 /* my_id / remote_id values, with the NUL */
#define CFG_PATH_MAX    108 /* sun_path */
#define CFG_COOKIE_THRESHOLD 5000 /* half-open IKE SAs, RFC 7296 2.6 */
#define CFG_MAX_LIST    16  /* entries in any list inside one object */
#define CFG_MAX_WORKERS 128
#define CFG_KEY_MAX     64  /* bytes of a static SA key, with salt */

#define CFG_PROTO_ANY 0 /* "all": any protocol, RFC 7296 section 3.13.1 */
#define CFG_PORT_ANY  0

/* ---- ipsec: the RouterOS objects ---- */

struct cfg_range {
	struct ip_addr first, last; /* inclusive, same family */
};

/* /ip pool */
struct cfg_pool {
	char name[CFG_NAME_MAX];
	unsigned int line;
	struct cfg_range ranges[CFG_MAX_LIST];
	unsigned int n_ranges;
};

/* /ip ipsec mode-config */
struct cfg_mode_config {
	char name[CFG_NAME_MAX];
	unsigned int line;
	int address_pool;         /* pool index, or -1 when address is set */
	struct ip_addr address;   /* one fixed address instead of a pool */
	uint8_t address_prefix_length;
	bool system_dns;          /* hand out control.dns_servers */
	struct ip_addr static_dns[CFG_MAX_LIST];
	unsigned int n_static_dns;
	struct ip_prefix split_include[CFG_MAX_LIST];
	unsigned int n_split_include;
};

/* /ip ipsec proposal: what a CHILD_SA may use. */
struct cfg_proposal {
	char name[CFG_NAME_MAX];
	unsigned int line;
	bool builtin;
	enum algo_id auth_algorithms[CFG_MAX_LIST]; /* ALGO_INTEG, ESP */
	unsigned int n_auth_algorithms;  /* 0 only when every enc is AEAD */
	enum algo_id enc_algorithms[CFG_MAX_LIST];  /* ALGO_ENCR, ESP */
	unsigned int n_enc_algorithms;
	enum algo_id pfs_group;          /* ALGO_DH; ALGO_DH_NONE: no PFS */
	uint32_t lifetime;               /* seconds */
};

/* /ip ipsec policy group */
struct cfg_policy_group {
	char name[CFG_NAME_MAX];
	unsigned int line;
	bool builtin;
};

enum cfg_proposal_check {
	CFG_CHECK_OBEY,   /* accept the initiator's lifetime */
	CFG_CHECK_CLAIM,  /* take the shorter lifetime, tell the peer */
	CFG_CHECK_STRICT, /* refuse a longer lifetime, take a shorter one */
	CFG_CHECK_EXACT,  /* lifetimes must be equal */
};

/* /ip ipsec profile: what the IKE SA may use. */
struct cfg_profile {
	char name[CFG_NAME_MAX];
	unsigned int line;
	bool builtin;
	enum algo_id hash_algorithm;  /* ALGO_INTEG, IKE */
	enum algo_id prf_algorithm;   /* ALGO_PRF, or ALGO_INVALID: "auto" */
	enum algo_id enc_algorithm[CFG_MAX_LIST]; /* ALGO_ENCR, IKE */
	unsigned int n_enc_algorithm;
	enum algo_id dh_group[CFG_MAX_LIST];      /* ALGO_DH, IKE */
	unsigned int n_dh_group;
	enum cfg_proposal_check proposal_check;
	uint32_t lifetime;            /* seconds */
	bool nat_traversal;
	uint32_t dpd_interval;        /* seconds; 0: "disable-dpd" */
	uint8_t dpd_maximum_failures; /* 1..100 */
};

enum cfg_action {
	CFG_ACTION_ENCRYPT,
	CFG_ACTION_NONE,    /* pass in clear */
	CFG_ACTION_DISCARD,
};

enum cfg_level {
	CFG_LEVEL_REQUIRE, /* one SA pair per policy */
	CFG_LEVEL_UNIQUE,  /* one SA pair per policy, not shared */
};

/* /ip ipsec policy.  Unnamed in RouterOS; the file's order is kept. */
struct cfg_policy {
	unsigned int line;
	struct ip_prefix src_address, dst_address;
	uint16_t src_port, dst_port; /* CFG_PORT_ANY */
	uint8_t protocol;            /* CFG_PROTO_ANY */
	bool template;
	int group;                   /* policy group index */
	int proposal;                /* proposal index */
	enum cfg_action action;
	enum cfg_level level;
	bool tunnel;
	int peer;                    /* peer index, -1: none */
	struct ip_addr sa_src_address, sa_dst_address; /* family 0: unset */
};

/* /ip ipsec peer */
struct cfg_peer {
	char name[CFG_NAME_MAX];
	unsigned int line;
	struct ip_prefix address;    /* the peer; len 0, family 0: anyone */
	struct ip_addr local_address; /* family 0: any of ours */
	uint16_t port;
	bool passive;                /* respond only, never initiate */
	int profile;                 /* profile index */
	bool send_initial_contact;
};

enum cfg_auth_method {
	CFG_AUTH_PSK, /* "pre-shared-key" */
};

enum cfg_generate_policy {
	CFG_GENPOL_NO,
	CFG_GENPOL_PORT_OVERRIDE,
	CFG_GENPOL_PORT_STRICT,
};

/* RouterOS my-id / remote-id: "auto", "ignore" (remote only) or TYPE:VALUE,
 * TYPE one of address, fqdn, user-fqdn, key-id (RFC 7296 section 3.5). */
enum cfg_id_type {
	CFG_ID_AUTO,
	CFG_ID_IGNORE,
	CFG_ID_ADDRESS,
	CFG_ID_FQDN,
	CFG_ID_USER_FQDN,
	CFG_ID_KEY_ID,
};

struct cfg_id {
	enum cfg_id_type type;
	struct ip_addr address; /* CFG_ID_ADDRESS */
	char value[CFG_ID_MAX]; /* fqdn, user-fqdn, key-id */
};

/* /ip ipsec identity.  Several may name one peer; remote_id tells them
 * apart (match_by remote-id). */
struct cfg_identity {
	unsigned int line;
	int peer;                  /* peer index */
	enum cfg_auth_method auth_method;
	char *secret;              /* PSK; wiped by cfg_free() */
	enum cfg_generate_policy generate_policy;
	int mode_config;           /* mode-config index, -1: none */
	int policy_template_group; /* policy group index */
	struct cfg_id my_id, remote_id;
};

struct cfg_ipsec {
	struct cfg_pool *pools;
	unsigned int n_pools;
	struct cfg_mode_config *mode_configs;
	unsigned int n_mode_configs;
	struct cfg_proposal *proposals;
	unsigned int n_proposals;
	struct cfg_policy_group *policy_groups;
	unsigned int n_policy_groups;
	struct cfg_profile *profiles;
	unsigned int n_profiles;
	struct cfg_policy *policies;
	unsigned int n_policies;
	struct cfg_peer *peers;
	unsigned int n_peers;
	struct cfg_identity *identities;
	unsigned int n_identities;
};

/* ---- dataplane ---- */

enum cfg_role {
	CFG_ROLE_PUBLIC,  /* faces peers and road warriors: IKE and ESP */
	CFG_ROLE_PRIVATE, /* faces the protected networks: clear traffic */
};

struct cfg_port {
	char name[CFG_NAME_MAX];
	unsigned int line;
	enum cfg_role role;
	char device[CFG_DEVICE_MAX];  /* PCI address or vdev, e.g. "0000:03:00.0"
				       * or "net_af_packet0,iface=veth0" */
	struct ip_prefix addresses[CFG_MAX_LIST]; /* ours, with the subnet */
	unsigned int n_addresses;
	uint16_t mtu;
	char slow_path[CFG_IFNAME_MAX]; /* tap interface for the kernel */
};

struct cfg_route {
	unsigned int line;
	struct ip_prefix dst;
	struct ip_addr via; /* next hop, on the port's subnet */
	int port;           /* port index */
};

/* A neighbour whose MAC is configured (RouterOS /ip arp, /ipv6 neighbor
 * with a static entry): never resolved, aged or replaced. */
struct cfg_neighbour {
	unsigned int line;
	struct ip_addr addr; /* on the port's subnet */
	uint8_t mac[6];      /* unicast */
	int port;            /* port index */
};

enum cfg_direction {
	CFG_DIR_IN,
	CFG_DIR_OUT,
};

enum cfg_mode {
	CFG_MODE_TUNNEL,
	CFG_MODE_TRANSPORT,
};

/* A manually keyed SA (RFC 4301 section 4.5), for peers without IKE, for
 * benchmarks and for tests.  Keys are wiped by cfg_free(). */
struct cfg_static_sa {
	char name[CFG_NAME_MAX];
	unsigned int line;
	uint32_t spi;
	enum cfg_direction direction;
	enum cfg_mode mode;
	struct ip_addr local_address, remote_address; /* outer, ours first */
	uint16_t encap_sport, encap_dport; /* UDP encapsulation (RFC 3948);
					    * both 0: none */
	enum algo_id enc_algorithm;
	uint8_t enc_key[CFG_KEY_MAX];      /* key, then salt */
	uint8_t enc_key_len;
	enum algo_id auth_algorithm;       /* ALGO_INVALID with AEAD */
	uint8_t auth_key[CFG_KEY_MAX];
	uint8_t auth_key_len;
	uint32_t replay_window;            /* packets */
	bool esn;
	uint64_t lifetime_bytes, lifetime_packets; /* 0: no limit */
	struct ip_prefix local_ts, remote_ts;      /* traffic selectors */
	uint8_t protocol;                  /* CFG_PROTO_ANY */
	int twin;                          /* the paired SA, -1: none */
};

struct cfg_static_policy {
	unsigned int line;
	struct ip_prefix src_address, dst_address;
	uint8_t protocol;
	uint16_t src_port, dst_port;
	enum cfg_action action;
	int sa; /* outbound static SA index for encrypt, else -1 */
};

struct cfg_dataplane {
	struct cfg_port *ports;
	unsigned int n_ports;
	struct cfg_route *routes;
	unsigned int n_routes;
	struct cfg_neighbour *neighbours;
	unsigned int n_neighbours;
	uint16_t main_lcore;
	uint16_t workers[CFG_MAX_WORKERS]; /* lcore ids */
	unsigned int n_workers;
	uint16_t burst;
	uint16_t rx_ring, tx_ring;
	uint32_t replay_window; /* default for SAs, 64..4096 */
	uint32_t max_sas;       /* SAs, both directions, the tables hold */
	uint32_t idle_sleep_us; /* 0: workers busy-poll; else nap when idle */
	char channel[CFG_NAME_MAX]; /* shared-memory segment "/espgw-<name>" */
	struct cfg_static_sa *static_sas;
	unsigned int n_static_sas;
	struct cfg_static_policy *static_policies;
	unsigned int n_static_policies;
};

/* ---- control ---- */

struct cfg_control {
	char ctl_socket[CFG_PATH_MAX];
	enum log_level log_level;
	struct ip_addr ike_addresses[CFG_MAX_LIST]; /* none: public ports' */
	unsigned int n_ike_addresses;
	struct ip_addr dns_servers[CFG_MAX_LIST];   /* for system_dns */
	unsigned int n_dns_servers;
	/* Half-open IKE SAs above which IKE_SA_INIT must carry a COOKIE
	 * (RFC 7296 section 2.6); 0: always. */
	uint32_t cookie_threshold;
	/* Longest IKE message sent whole to a peer that supports IKE
	 * fragmentation (RFC 7383); 0: by address family. */
	uint32_t ike_fragment_size;
};

struct espgw_config {
	char *path;
	struct cfg_ipsec ipsec;
	struct cfg_dataplane dataplane;
	struct cfg_control control;
};

/*
 * Read and validate the file at path.  Every error found is written to
 * errors, one line each, "FILE:LINE: OBJECT: what was wrong; expected
 * WHAT", and then NULL is returned; no secret is ever written.
 */
struct espgw_config *cfg_load(const char *path, FILE *errors);

/* Wipe every secret and key, then free.  NULL is allowed. */
void cfg_free(struct espgw_config *cfg);

/* A readable summary of what is configured, without secrets or keys. */
void cfg_describe(const struct espgw_config *cfg, FILE *out);

/* Lookups by name; NULL when there is none. */
const struct cfg_pool *cfg_pool_by_name(const struct espgw_config *cfg,
					const char *name);
const struct cfg_peer *cfg_peer_by_name(const struct espgw_config *cfg,
					const char *name);
const struct cfg_port *cfg_port_by_name(const struct espgw_config *cfg,
					const char *name);
const struct cfg_static_sa *
cfg_static_sa_by_name(const struct espgw_config *cfg, const char *name);

/*
 * The address of ours that traffic to dst leaves from, as the data plane
 * routes it: that of the port on whose subnet dst is, else of the port of
 * the most specific route to dst, else the first address of a public
 * port; of dst's family in each case.  False when no port has one.
 */
bool cfg_source_for(const struct cfg_dataplane *dp, const struct ip_addr *dst,
		    struct ip_addr *src);

/* The identities of the peer at index peer, in file order: pass NULL for
 * the first, then the previous result. */
const struct cfg_identity *cfg_identity_next(const struct espgw_config *cfg,
					     int peer,
					     const struct cfg_identity *prev);

/* The index of a peer, pool, ... pointer within its array. */
#define CFG_INDEX(cfg_array, ptr) ((int)((ptr) - (cfg_array)))

/* The spellings used in the file, for messages and the CLI. */
const char *cfg_action_name(enum cfg_action a);
const char *cfg_level_name(enum cfg_level l);
const char *cfg_proposal_check_name(enum cfg_proposal_check c);
const char *cfg_generate_policy_name(enum cfg_generate_policy g);
const char *cfg_role_name(enum cfg_role r);
const char *cfg_id_type_name(enum cfg_id_type t);

#endif
