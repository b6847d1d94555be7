/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internal to the configuration loader (config_*.c): reading typed values
 * out of libconfig settings and reporting errors in one format,
 *   FILE:LINE: OBJECT: KEY: what was wrong; expected WHAT
 * so that each object reader states only what its keys mean.
 *
 * Every obj_* getter returns true when the key is present and valid and
 * has been stored; false when it is absent (the default stays) or wrong
 * (the error has been reported and counted; the default stays).
 */
#ifndef ESPGW_CONFIG_READER_H
#define ESPGW_CONFIG_READER_H

#include <libconfig.h>
#include <stdarg.h>

#include "config.h"

struct cfg_reader {
	const char *path;
	char *dir;	/* of path, where @include finds files */
	FILE *errors;
	unsigned int n_errors;
	struct espgw_config *cfg;
};

/* The object being read and the words that name it in messages. */
struct cfg_obj {
	struct cfg_reader *rd;
	const config_setting_t *set;
	char label[CFG_NAME_MAX + 64];
};

void rd_error(struct cfg_reader *rd, const config_setting_t *where,
	      const char *object, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* For libconfig's own errors, which carry a file name (or NULL). */
void rd_error_at(struct cfg_reader *rd, const char *file, unsigned int line,
		 const char *object, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* For checks made after reading, with the line kept in the model. */
void rd_error_line(struct cfg_reader *rd, unsigned int line,
		   const char *object, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* A list of objects (a libconfig list of groups) under parent.key; NULL
 * when absent or wrong.  *n is its length. */
const config_setting_t *rd_list(struct cfg_reader *rd,
				const config_setting_t *parent,
				const char *path, const char *key,
				unsigned int *n);

/* A group under parent.key; NULL when absent or wrong. */
const config_setting_t *rd_group(struct cfg_reader *rd,
				 const config_setting_t *parent,
				 const char *path, const char *key);

/*
 * Read the list of objects parent.key (path is parent's, "ipsec") into a
 * new zeroed array of n + extra elements of size bytes: fn is called for
 * each element that is a group, with the object started.  NULL when there
 * is nothing to read and extra is 0, or when memory ran out (reported).
 */
typedef void (*rd_elem_fn)(struct cfg_obj *o, void *elem);
void *rd_each(struct cfg_reader *rd, const config_setting_t *parent,
	      const char *path, const char *key, size_t size,
	      unsigned int extra, unsigned int *n, rd_elem_fn fn);

/* Start reading element idx of the list at path ("ipsec.peers"), or the
 * group at path itself when idx is negative.  False if set is no group. */
bool obj_start(struct cfg_obj *o, struct cfg_reader *rd,
	       const config_setting_t *set, const char *path, int idx);
static inline unsigned int obj_line(const struct cfg_obj *o)
{
	return config_setting_source_line(o->set);
}

void obj_error(struct cfg_obj *o, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Report keys not in known (NULL-terminated), listing the known ones. */
void obj_keys(struct cfg_obj *o, const char *const *known);
/* Report that a required key is absent. */
void obj_missing(struct cfg_obj *o, const char *key, const char *expected);

/* The object's "name", which is then added to its label. */
bool obj_name(struct cfg_obj *o, char *name);
bool obj_string(struct cfg_obj *o, const char *key, char *buf, size_t len);
bool obj_strdup(struct cfg_obj *o, const char *key, char **out);
bool obj_bool(struct cfg_obj *o, const char *key, bool *out);
bool obj_uint(struct cfg_obj *o, const char *key, uint64_t min,
	      uint64_t max, uint64_t *out);
bool obj_duration(struct cfg_obj *o, const char *key, uint64_t min,
		  uint64_t max, uint64_t *out);
/* names is NULL-terminated; *out becomes the index of the match. */
bool obj_enum(struct cfg_obj *o, const char *key, const char *const *names,
	      int *out);
bool obj_addr(struct cfg_obj *o, const char *key, struct ip_addr *out);
bool obj_prefix(struct cfg_obj *o, const char *key, struct ip_prefix *out);
/* A transport port 0..65535 or "any". */
/* An integer that must also be a power of two. */
bool obj_power_of_two(struct cfg_obj *o, const char *key, uint64_t min,
		     uint64_t max, uint64_t *out);
bool obj_port(struct cfg_obj *o, const char *key, uint16_t *out);
/* An IP protocol number, a name (tcp, udp, ...) or "all". */
bool obj_protocol(struct cfg_obj *o, const char *key, uint8_t *out);
/* Hex digits, optionally after "0x"; *len is set to the bytes read. */
bool obj_hex(struct cfg_obj *o, const char *key, uint8_t *out, size_t max,
	     size_t *len);

/*
 * Lists: an array or list of strings, or one string of comma-separated
 * items as RouterOS writes them ("sha256,sha1").  fn is called per item
 * with the setting it came from; it reports its own errors.
 */
typedef bool (*obj_item_fn)(struct cfg_obj *o, const char *key,
			    const char *item, void *arg);
bool obj_each(struct cfg_obj *o, const char *key, unsigned int max,
	      obj_item_fn fn, void *arg);

bool obj_algos(struct cfg_obj *o, const char *key, enum algo_type type,
	       unsigned int mask, enum algo_id *out, unsigned int *n);
bool obj_algo(struct cfg_obj *o, const char *key, enum algo_type type,
	      unsigned int mask, enum algo_id *out);
bool obj_addrs(struct cfg_obj *o, const char *key, struct ip_addr *out,
	       unsigned int *n);
bool obj_prefixes(struct cfg_obj *o, const char *key, struct ip_prefix *out,
		  unsigned int *n);

/*
 * A reference by name to an object of kind what ("proposal") in the array
 * at path ("ipsec.proposals"); each element of base starts with its
 * char name[CFG_NAME_MAX].  *idx becomes the index.
 */
struct cfg_names {
	const char *what, *path;
	const void *base;
	unsigned int n;
	size_t stride;
};
#define CFG_NAMES(what, path, arr, n)                                         \
	((struct cfg_names){ what, path, arr, n, sizeof(*(arr)) })
bool obj_ref(struct cfg_obj *o, const char *key, struct cfg_names names,
	     int *idx);
int cfg_find(struct cfg_names names, const char *name);

/* The spelling tables, NULL-terminated, indexed by their enums. */
extern const char *const cfg_action_names[];
extern const char *const cfg_level_names[];
extern const char *const cfg_proposal_check_names[];
extern const char *const cfg_generate_policy_names[];
extern const char *const cfg_role_names[];
extern const char *const cfg_id_type_names[];
extern const char *const cfg_direction_names[];
extern const char *const cfg_mode_names[];

/* The readers of each part, in config_ipsec.c, config_peer.c,
 * config_dataplane.c, config_static.c and config_load.c. */
void rd_ipsec(struct cfg_reader *rd, const config_setting_t *ipsec);
void rd_pools(struct cfg_reader *rd, const config_setting_t *ipsec);
void rd_peers(struct cfg_reader *rd, const config_setting_t *ipsec);
void rd_policies(struct cfg_reader *rd, const config_setting_t *ipsec);
void rd_identities(struct cfg_reader *rd, const config_setting_t *ipsec);
void rd_dataplane(struct cfg_reader *rd, const config_setting_t *dp);
void rd_static_sas(struct cfg_reader *rd, const config_setting_t *dp);
void rd_static_policies(struct cfg_reader *rd, const config_setting_t *dp);

/* Cross-checks over the whole model, in config_check.c. */
void cfg_check(struct cfg_reader *rd);
/* Whether a is one of the addresses of dataplane.ports. */
bool cfg_is_our_address(const struct cfg_dataplane *dp,
			const struct ip_addr *a);
/* Why a PSK is weak, or NULL when it is not. */
const char *cfg_psk_weakness(const char *secret);

#endif
