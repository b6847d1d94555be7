/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The options every espgw program shares: --config, --check, --help,
 * --version, --verbose.
 */
#ifndef ESPGW_CLI_OPTS_H
#define ESPGW_CLI_OPTS_H

#include <stdbool.h>

struct cli_opts {
	const char *config_path;
	bool check;
	bool help;
	bool version;
	bool verbose;
};

/* The default configuration file when --config is not given. */
#define CLI_DEFAULT_CONFIG "/etc/espgw/espgw.conf"

/*
 * Parse argv into opts.  Returns the index of the first argument that is not
 * an option, or -1 after printing an error about an unknown option or a
 * missing value to stderr.
 */
int cli_opts_parse(struct cli_opts *opts, int argc, char **argv);

#endif
