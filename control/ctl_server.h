/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The operator's socket: espgwctl connects to a UNIX stream socket, writes
 * one request line ("show sa", "show channel --json", ...) and reads the
 * answer until the daemon closes the connection.
 *
 * Answers never contain a secret or a key: handlers print from the state,
 * and the state's printers leave key material out.
 */
#ifndef ESPGW_CTL_SERVER_H
#define ESPGW_CTL_SERVER_H

#include <stdbool.h>
#include <stdio.h>

struct loop;
struct ctl_server;

/* argv are the request's words after the command words; json is set when
 * the request carried --json.  Return 0, or non-zero after printing an
 * error, which espgwctl turns into its exit status. */
typedef int (*ctl_fn)(void *arg, FILE *out, int argc, char **argv,
		      bool json);

struct ctl_cmd {
	const char *words; /* "show sa" */
	const char *help;
	ctl_fn fn;
};

/* Listen at path (its directory is created 0700), replacing a stale
 * socket.  NULL on failure, logged. */
struct ctl_server *ctl_server_create(struct loop *l, const char *path,
				     const struct ctl_cmd *cmds,
				     unsigned int n_cmds, void *arg);
void ctl_server_destroy(struct ctl_server *s);

/*
 * Answer one request line: find the command, run it, print errors.  Split
 * out of the socket handling for tests.  Returns the handler's status, or
 * 2 for an unknown command.
 */
int ctl_dispatch(const struct ctl_cmd *cmds, unsigned int n_cmds, void *arg,
		 char *line, FILE *out);

#endif
