/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * espgw-control: the IKEv2 daemon.
 *
 *   espgw-control --config FILE [--check]
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli_opts.h"
#include "config.h"
#include "daemon.h"
#include "log.h"
#include "nodump.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: espgw-control [options]\n"
		"\n"
		"The IKEv2 daemon of espgw: negotiates with road warriors and\n"
		"peer gateways and installs SAs in espgw-dataplane.\n"
		"\n"
		"options:\n"
		"  -c, --config FILE  configuration (default %s)\n"
		"      --check        validate the configuration, say what would\n"
		"                     run, and exit (0 valid, 1 not)\n"
		"  -v, --verbose      log debug messages\n"
		"  -h, --help         this text\n"
		"  -V, --version      the version\n",
		CLI_DEFAULT_CONFIG);
}

static void handle_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	/* No SA_RESTART: the signal must interrupt poll(). */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int main(int argc, char **argv)
{
	struct espgw_config *cfg;
	struct cli_opts opts;
	int rc;

	log_init("espgw-control", LOG_LVL_INFO);
	if ((rc = nodump_process()) != 0)
		log_warn("cannot turn core dumps off: %s", strerror(-rc));
	rc = cli_opts_parse(&opts, argc, argv);
	if (rc < 0 || rc != argc) {
		if (rc >= 0)
			fprintf(stderr, "espgw-control: unexpected \"%s\"\n",
				argv[rc]);
		usage(stderr);
		return 2;
	}
	if (opts.help || opts.version) {
		opts.help ? usage(stdout) : (void)printf("espgw-control %s\n",
							 ESPGW_VERSION);
		return 0;
	}

	cfg = cfg_load(opts.config_path, stderr);
	if (!cfg)
		return 1;
	log_init("espgw-control",
		 opts.verbose ? LOG_LVL_DEBUG : cfg->control.log_level);
	if (opts.check) {
		printf("%s: configuration is valid\n", opts.config_path);
		cfg_describe(cfg, stdout);
		cfg_free(cfg);
		return 0;
	}

	handle_signals();
	rc = daemon_run(cfg, &stop);
	cfg_free(cfg);
	return rc;
}
