/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * espgw-dataplane: the DPDK primary process.
 *
 *   espgw-dataplane [EAL options] -- --config FILE [--check]
 *
 * Without "--" every argument is the program's own, so that --help,
 * --version and --check work without starting the EAL.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>

#include "chan_serve.h"
#include "cli_opts.h"
#include "config.h"
#include "dataplane.h"
#include "ipsec_hooks.h"
#include "log.h"
#include "nodump.h"
#include "sa_table.h"


static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: espgw-dataplane [EAL options] -- [options]\n"
		"\n"
		"The ESP data plane of espgw: ports, workers, the slow path and\n"
		"the channel to espgw-control, as the configuration describes.\n"
		"\n"
		"options:\n"
		"  -c, --config FILE  configuration (default %s)\n"
		"      --check        validate the configuration, say what would\n"
		"                     run, and exit (0 valid, 1 not)\n"
		"  -v, --verbose      log debug messages\n"
		"  -h, --help         this text\n"
		"  -V, --version      the version\n"
		"\n"
		"EAL options are DPDK's, for example:\n"
		"  -l 0-2 --no-pci --vdev net_af_packet0,iface=veth0\n",
		CLI_DEFAULT_CONFIG);
}

/* The index of "--" in argv, or 0 when there is none. */
static int eal_split(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			return i;
	return 0;
}

/* Serve until a signal: the main lcore's share of the work. */
static int serve(struct dp *dp, struct chan_serve *cs)
{
	if (dp_start(dp) != 0)
		return 1;
	log_info("forwarding; SIGINT or SIGTERM stops");
	while (!stop) {
		unsigned int moved = dp_main_poll(dp) + chan_serve_poll(cs);

		/* The main lcore is not a worker: when idle, give the core
		 * back rather than spin. */
		if (moved == 0)
			usleep(100);
	}
	log_info("stopping");
	dp_stop(dp);
	return 0;
}

/* The ESP core: SA table, hooks, static SAs.  0 or -1, logged. */
static int ipsec_setup(const struct espgw_config *cfg, struct dp *dp,
		       struct sa_table **t, struct ipsec_hooks **h)
{
	const struct cfg_dataplane *dc = &cfg->dataplane;
	struct sa_table_conf tc = {
		.rcu = dp_rcu(dp), .n_workers = dc->n_workers,
		.max_sas = dc->max_sas, .replay_window = dc->replay_window,
		.socket = (int)rte_socket_id(),
	};
	struct worker_hooks wh;
	const char *why = NULL;
	unsigned int line = 0;

	*t = sa_table_create(&tc);
	*h = *t ? ipsec_hooks_create(*t, dc->n_workers, tc.socket) : NULL;
	if (!*h || ipsec_hooks_attach(*h, dc) != 0) {
		log_err("cannot set up the ESP core (out of memory?)");
		return -1;
	}
	ipsec_hooks_get(*h, &wh);
	dp_set_hooks(dp, &wh);
	if (sa_table_load_static(*t, dc, &why, &line) != 0) {
		log_err("%s:%u: static SA or policy not installed: %s",
			cfg->path, line, why ? why : "refused");
		return -1;
	}
	if (dc->n_static_sas)
		log_info("%u static SAs, %u static policies installed",
			 dc->n_static_sas, dc->n_static_policies);
	return 0;
}

static int run(const struct espgw_config *cfg)
{
	struct chan_serve *cs = NULL;
	struct ipsec_hooks *h = NULL;
	struct sa_table *t = NULL;
	struct dp *dp;
	int rc = 1;

	dp = dp_create(cfg);
	if (!dp)
		return 1;
	if (ipsec_setup(cfg, dp, &t, &h) == 0)
		cs = chan_serve_create(cfg, dp, t);
	if (cs) {
		rc = serve(dp, cs);
		chan_serve_destroy(cs);
	}
	dp_stop(dp);
	dp_counters_print(dp, stdout);
	if (h)
		ipsec_hooks_print(h, stdout);
	ipsec_hooks_destroy(h);
	sa_table_free(t);
	dp_destroy(dp);
	return rc;
}

static int start_eal(int argc, char **argv, int split)
{
	/* The EAL sees argv[0] and what stands before "--". */
	char *eal_argv[split > 0 ? split : 1];
	int eal_argc = split > 0 ? split : 1;

	memcpy(eal_argv, argv, sizeof(eal_argv));
	(void)argc;
	if (rte_eal_init(eal_argc, eal_argv) < 0) {
		log_err("DPDK EAL initialisation failed (see above)");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int split = eal_split(argc, argv);
	struct espgw_config *cfg;
	struct cli_opts opts;
	int rc;

	log_init("espgw-dataplane", LOG_LVL_INFO);
	if ((rc = nodump_process()) != 0)
		log_warn("cannot turn core dumps off: %s", strerror(-rc));
	/* The program's options: after "--", or all of argv without it. */
	argv[split] = argv[0];
	if (cli_opts_parse(&opts, argc - split, argv + split) < 0) {
		usage(stderr);
		return 2;
	}
	if (split)
		argv[split] = "--";
	if (opts.help || opts.version) {
		opts.help ? usage(stdout) : (void)printf("espgw-dataplane %s\n",
							 ESPGW_VERSION);
		return 0;
	}
	if (opts.verbose)
		log_init("espgw-dataplane", LOG_LVL_DEBUG);

	cfg = cfg_load(opts.config_path, stderr);
	if (!cfg)
		return 1;
	if (opts.check) {
		printf("%s: configuration is valid\n", opts.config_path);
		cfg_describe(cfg, stdout);
		cfg_free(cfg);
		return 0;
	}

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	rc = start_eal(argc, argv, split) == 0 ? run(cfg) : 1;
	cfg_free(cfg);
	rte_eal_cleanup();
	return rc;
}
