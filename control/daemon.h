/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * espgw-control as a whole: the event loop, the link to the data plane and
 * the operator's socket, around the IKEv2 engine.
 */
#ifndef ESPGW_DAEMON_H
#define ESPGW_DAEMON_H

#include <signal.h>

#include "config.h"
#include "ctl_server.h"

struct daemon {
	const struct espgw_config *cfg;
	struct loop *loop;
	struct dp_link *link;
	struct ctl_server *ctl;
	struct ike_engine *ike;
	struct ike_net *net;
};

/* Run until *stop becomes non-zero.  Returns the exit status. */
int daemon_run(const struct espgw_config *cfg, volatile sig_atomic_t *stop);

/* The operator's commands (ctl_cmds.c). */
extern const struct ctl_cmd daemon_ctl_cmds[];
extern const unsigned int daemon_n_ctl_cmds;

#endif
