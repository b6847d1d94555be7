/* SPDX-License-Identifier: BSD-3-Clause */
#include "cli_opts.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

int cli_opts_parse(struct cli_opts *opts, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(opts, 0, sizeof(*opts));
	opts->config_path = CLI_DEFAULT_CONFIG;
	optind = 1;
	/* "+" stops at the first non-option: espgwctl's command words. */
	while ((c = getopt_long(argc, argv, "+c:hVv", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			opts->config_path = optarg;
			break;
		case 'C':
			opts->check = true;
			break;
		case 'h':
			opts->help = true;
			break;
		case 'V':
			opts->version = true;
			break;
		case 'v':
			opts->verbose = true;
			break;
		default:
			return -1; /* getopt has said what was wrong */
		}
	}
	return optind;
}
