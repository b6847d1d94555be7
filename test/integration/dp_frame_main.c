/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A test-only program: the data-plane frame alone (no ESP core, no
 * channel) on the ports of a configuration, so that dp_slowpath.sh can run
 * it before espgw-dataplane's main() is wired.
 *
 *   dp_frame_main [EAL options] -- --config FILE [--seconds N]
 *
 * Runs until SIGINT or SIGTERM, or N seconds (default 120, so that a lost
 * test never leaves it polling), then prints the counters on stdout.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>

#include "config.h"
#include "dataplane.h"
#include "log.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int parse(int argc, char **argv, const char **config, long *seconds)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "seconds", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1; /* the EAL ran getopt before us */
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'c')
			*config = optarg;
		else if (c == 's')
			*seconds = strtol(optarg, NULL, 10);
		else
			return -1;
	}
	return *config && *seconds > 0 ? 0 : -1;
}

static int run(struct dp *dp, long seconds)
{
	time_t end = time(NULL) + seconds;

	if (dp_start(dp) != 0)
		return 1;
	printf("ready\n");
	fflush(stdout);
	while (!stop && time(NULL) < end)
		if (!dp_main_poll(dp))
			usleep(200);
	dp_stop(dp);
	return 0;
}

int main(int argc, char **argv)
{
	const char *config = NULL;
	long seconds = 120;
	struct espgw_config *cfg;
	struct dp *dp;
	int n, rc = 1;

	log_init("dp_frame_main", LOG_LVL_INFO);
	n = rte_eal_init(argc, argv);
	if (n < 0)
		return 1;
	if (parse(argc - n, argv + n, &config, &seconds) != 0) {
		fprintf(stderr, "usage: dp_frame_main [EAL options] -- "
			"--config FILE [--seconds N]\n");
		goto out;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	cfg = cfg_load(config, stderr);
	if (!cfg)
		goto out;
	dp = dp_create(cfg);
	if (dp) {
		rc = run(dp, seconds);
		dp_counters_print(dp, stdout);
		dp_destroy(dp);
	}
	cfg_free(cfg);
out:
	rte_eal_cleanup();
	return rc;
}
