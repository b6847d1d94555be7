/* SPDX-License-Identifier: BSD-3-Clause */
/* Opening the file, reading its three parts, and freeing the model. */
#include "config_reader.h"

#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

void *rd_each(struct cfg_reader *rd, const config_setting_t *parent,
	      const char *path, const char *key, size_t size,
	      unsigned int extra, unsigned int *n, rd_elem_fn fn)
{
	const config_setting_t *list = NULL;
	unsigned int count = 0;
	char full[64];
	char *arr;

	*n = 0;
	if (parent)
		list = rd_list(rd, parent, path, key, &count);
	if (count + extra == 0)
		return NULL;
	snprintf(full, sizeof(full), "%s.%s", path, key);
	arr = calloc(count + extra, size);
	if (!arr) {
		rd_error_line(rd, 0, full, "out of memory; expected a smaller "
			      "configuration");
		return NULL;
	}
	for (unsigned int i = 0; i < count; i++) {
		const config_setting_t *set = config_setting_get_elem(list, i);
		struct cfg_obj o;

		if (obj_start(&o, rd, set, full, (int)i))
			fn(&o, arr + i * size);
	}
	*n = count;
	return arr;
}

/* RFC 7383 section 2.5.1: fragments of at least 68 bytes of IP fit any
 * IPv4 path; below 128 the IKE and SKF headers would leave no room. */
static void read_ike_limits(struct cfg_obj *o, struct cfg_control *ctl)
{
	uint64_t v;

	if (obj_uint(o, "cookie_threshold", 0, 1000000, &v))
		ctl->cookie_threshold = (uint32_t)v;
	if (obj_uint(o, "ike_fragment_size", 0, 65535, &v)) {
		if (v && v < 128)
			obj_error(o, "ike_fragment_size", "%llu bytes is too "
				  "small; expected 0 (by address family) or "
				  "128 to 65535", (unsigned long long)v);
		else
			ctl->ike_fragment_size = (uint32_t)v;
	}
}

static void read_control(struct cfg_reader *rd, const config_setting_t *set)
{
	static const char *const keys[] = { "ctl_socket", "log_level",
					    "ike_addresses", "dns_servers",
					    "cookie_threshold",
					    "ike_fragment_size", NULL };
	static const char *const levels[] = { "err", "warn", "info", "debug",
					      NULL };
	struct cfg_control *ctl = &rd->cfg->control;
	struct cfg_obj o;
	int level;

	snprintf(ctl->ctl_socket, sizeof(ctl->ctl_socket), "%s",
		 "/run/espgw/espgwctl.sock");
	ctl->log_level = LOG_LVL_INFO;
	ctl->cookie_threshold = CFG_COOKIE_THRESHOLD;
	if (!set || !obj_start(&o, rd, set, "control", -1))
		return;
	obj_keys(&o, keys);
	obj_string(&o, "ctl_socket", ctl->ctl_socket, sizeof(ctl->ctl_socket));
	if (obj_enum(&o, "log_level", levels, &level))
		ctl->log_level = (enum log_level)level;
	obj_addrs(&o, "ike_addresses", ctl->ike_addresses,
		  &ctl->n_ike_addresses);
	for (unsigned int i = 0; i < ctl->n_ike_addresses; i++) {
		const struct ip_addr *a = &ctl->ike_addresses[i];
		char text[ADDR_STRLEN];

		if (rd->cfg->dataplane.n_ports &&
		    !cfg_is_our_address(&rd->cfg->dataplane, a))
			obj_error(&o, "ike_addresses", "%s is not ours; "
				  "expected addresses of dataplane.ports",
				  addr_format(a, text));
	}
	obj_addrs(&o, "dns_servers", ctl->dns_servers, &ctl->n_dns_servers);
	read_ike_limits(&o, ctl);
}

static void read_root(struct cfg_reader *rd, const config_setting_t *root)
{
	static const char *const keys[] = { "ipsec", "dataplane", "control",
					    NULL };
	struct cfg_obj o;

	obj_start(&o, rd, root, "top level", -1);
	obj_keys(&o, keys);
	rd_ipsec(rd, rd_group(rd, root, "", "ipsec"));
	rd_dataplane(rd, rd_group(rd, root, "", "dataplane"));
	read_control(rd, rd_group(rd, root, "", "control"));
	cfg_check(rd);
}

/* libconfig frees its strings without clearing them; secrets and keys are
 * among them. */
static void wipe_strings(const config_setting_t *s)
{
	if (config_setting_type(s) == CONFIG_TYPE_STRING) {
		char *v = (char *)config_setting_get_string(s);

		explicit_bzero(v, strlen(v));
		return;
	}
	if (!config_setting_is_aggregate(s))
		return;
	for (int i = 0; i < config_setting_length(s); i++)
		wipe_strings(config_setting_get_elem(s, i));
}

/* XXX libconfig's scanner reads the file through buffers of its own that
 * it frees without wiping, so a copy of each secret may stay in freed
 * heap memory until it is reused. */
static bool parse_file(struct cfg_reader *rd, config_t *lc)
{
	FILE *f = fopen(rd->path, "r");
	int err = errno;
	char *copy = strdup(rd->path);
	bool ok;

	/* @include "x.conf" is relative to the including file. */
	if (copy) {
		rd->dir = strdup(dirname(copy));
		free(copy);
	}
	if (rd->dir)
		config_set_include_dir(lc, rd->dir);

	if (!f) {
		rd_error_line(rd, 0, "file", "cannot open (%s); expected a "
			      "readable configuration file", strerror(err));
		return false;
	}
	ok = config_read(lc, f) == CONFIG_TRUE;
	fclose(f);
	if (!ok)
		rd_error_at(rd, config_error_file(lc),
			    (unsigned int)config_error_line(lc), "file",
			    "%s; expected libconfig syntax: name = value; "
			    "groups in { }, lists in ( ), arrays in [ ]",
			    config_error_text(lc));
	return ok;
}

struct espgw_config *cfg_load(const char *path, FILE *errors)
{
	struct cfg_reader rd = { .path = path, .errors = errors };
	config_t lc;

	rd.cfg = calloc(1, sizeof(*rd.cfg));
	if (!rd.cfg || !(rd.cfg->path = strdup(path))) {
		rd_error_line(&rd, 0, "file", "out of memory; expected a "
			      "smaller configuration");
		cfg_free(rd.cfg);
		return NULL;
	}
	config_init(&lc);
	if (parse_file(&rd, &lc))
		read_root(&rd, config_root_setting(&lc));
	wipe_strings(config_root_setting(&lc));
	config_destroy(&lc);
	free(rd.dir);

	if (rd.n_errors) {
		cfg_free(rd.cfg);
		return NULL;
	}
	return rd.cfg;
}

void cfg_free(struct espgw_config *cfg)
{
	struct cfg_dataplane *dp;

	if (!cfg)
		return;
	for (unsigned int i = 0; i < cfg->ipsec.n_identities; i++) {
		char *secret = cfg->ipsec.identities[i].secret;

		if (secret) {
			explicit_bzero(secret, strlen(secret));
			free(secret);
		}
	}
	dp = &cfg->dataplane;
	if (dp->static_sas)
		explicit_bzero(dp->static_sas,
			       dp->n_static_sas * sizeof(*dp->static_sas));
	free(cfg->ipsec.pools);
	free(cfg->ipsec.mode_configs);
	free(cfg->ipsec.proposals);
	free(cfg->ipsec.policy_groups);
	free(cfg->ipsec.profiles);
	free(cfg->ipsec.policies);
	free(cfg->ipsec.peers);
	free(cfg->ipsec.identities);
	free(dp->ports);
	free(dp->routes);
	free(dp->neighbours);
	free(dp->static_sas);
	free(dp->static_policies);
	free(cfg->path);
	free(cfg);
}
