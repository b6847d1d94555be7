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
#include "log.h"

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

static int run(const struct espgw_config *cfg)
{
	struct chan_serve *cs;
	struct dp *dp;
	int rc = 1;

	dp = dp_create(cfg);
	if (!dp)
		return 1;
	cs = chan_serve_create(cfg, dp);
	if (cs) {
		rc = serve(dp, cs);
		chan_serve_destroy(cs);
	}
	dp_counters_print(dp, stdout);
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
