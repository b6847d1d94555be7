/* SPDX-License-Identifier: BSD-3-Clause */
/* The commands espgwctl can send to espgw-control. */
#include <stdio.h>

#include "ctl_server.h"
#include "daemon.h"
#include "dp_link.h"
#include "ike_admin.h"
#include "ike_engine.h"

static int show_config(void *arg, FILE *out, int argc, char **argv,
		       bool json)
{
	struct daemon *d = arg;

	(void)argc;
	(void)argv;
	if (json) {
		fprintf(out, "error: show config has no JSON form yet\n");
		return 1;
	}
	cfg_describe(d->cfg, out);
	return 0;
}

static int show_channel(void *arg, FILE *out, int argc, char **argv,
			bool json)
{
	struct daemon *d = arg;

	(void)argc;
	(void)argv;
	dp_link_describe(d->link, out, json);
	return 0;
}

static int show_peers(void *arg, FILE *out, int argc, char **argv, bool json)
{
	struct daemon *d = arg;

	(void)argc;
	(void)argv;
	ike_engine_show_peers(d->ike, out, json);
	return 0;
}

static int show_sa(void *arg, FILE *out, int argc, char **argv, bool json)
{
	struct daemon *d = arg;

	(void)argc;
	(void)argv;
	ike_engine_show_sa(d->ike, out, json);
	return 0;
}

static int show_policies(void *arg, FILE *out, int argc, char **argv,
			 bool json)
{
	struct daemon *d = arg;

	(void)argc;
	(void)argv;
	ike_engine_show_policies(d->ike, out, json);
	return 0;
}

static int show_ike(void *arg, FILE *out, int argc, char **argv, bool json)
{
	struct daemon *d = arg;

	(void)argc;
	(void)argv;
	ike_engine_show_stats(d->ike, out, json);
	return 0;
}

/* ---- actions on tunnels (ike_admin.h) ---- */

typedef int (*admin_fn)(struct ike_engine *e, const char *target,
			FILE *out);

/* One word, the target; the action prints what it did. */
static int admin(void *arg, FILE *out, int argc, char **argv, bool json,
		 const char *usage, admin_fn fn)
{
	struct daemon *d = arg;

	if (json) {
		fprintf(out, "error: %s has no JSON form\n", usage);
		return 2;
	}
	if (argc != 1) {
		fprintf(out, "error: usage: %s\n", usage);
		return 2;
	}
	return fn(d->ike, argv[0], out);
}

static int rekey_child(void *arg, FILE *out, int argc, char **argv,
		       bool json)
{
	return admin(arg, out, argc, argv, json, "rekey child PEER|ID|SPI",
		     ike_admin_rekey_child);
}

static int rekey_ike(void *arg, FILE *out, int argc, char **argv, bool json)
{
	return admin(arg, out, argc, argv, json, "rekey ike PEER|ID|SPI",
		     ike_admin_rekey_ike);
}

static int terminate(void *arg, FILE *out, int argc, char **argv, bool json)
{
	return admin(arg, out, argc, argv, json, "terminate PEER|ID|SPI",
		     ike_admin_terminate);
}

static int initiate(void *arg, FILE *out, int argc, char **argv, bool json)
{
	return admin(arg, out, argc, argv, json, "initiate PEER",
		     ike_admin_initiate);
}

const struct ctl_cmd daemon_ctl_cmds[] = {
	{ "show peers", "active IKE peers (RouterOS: active peers)",
	  show_peers },
	{ "show sa", "installed SAs, with counters once the data plane "
		     "answered (no keys)", show_sa },
	{ "show policies", "installed policies", show_policies },
	{ "show ike", "IKE engine counters", show_ike },
	{ "show config", "the configuration in force (no secrets)",
	  show_config },
	{ "show channel", "the link to espgw-dataplane", show_channel },
	{ "rekey child", "PEER|ID|SPI: rekey its CHILD SAs (or that SPI's)",
	  rekey_child },
	{ "rekey ike", "PEER|ID|SPI: rekey the IKE SA", rekey_ike },
	{ "terminate", "PEER|ID|SPI: delete the IKE SA and its CHILD SAs",
	  terminate },
	{ "initiate", "PEER: start an IKE SA to a peer with an address",
	  initiate },
};

const unsigned int daemon_n_ctl_cmds =
	sizeof(daemon_ctl_cmds) / sizeof(daemon_ctl_cmds[0]);
