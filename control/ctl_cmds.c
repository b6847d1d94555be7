/* SPDX-License-Identifier: BSD-3-Clause */
/* The commands espgwctl can send to espgw-control. */
#include <stdio.h>

#include "ctl_server.h"
#include "daemon.h"
#include "dp_link.h"
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
};

const unsigned int daemon_n_ctl_cmds =
	sizeof(daemon_ctl_cmds) / sizeof(daemon_ctl_cmds[0]);
