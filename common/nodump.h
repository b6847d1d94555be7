/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Keeping key material out of core dumps.  Each espgw program holds
 * secrets in its memory (pre-shared keys from the configuration, IKE and
 * ESP keys, the SA records of the channel), and a core file would put
 * them on disk for anyone who can read it.  So each program, first thing,
 * makes itself not dumpable: no core file, and no ptrace attach or
 * /proc/PID/mem reading by other users.
 */
#ifndef ESPGW_NODUMP_H
#define ESPGW_NODUMP_H

/* Set the core size limit to 0 and PR_SET_DUMPABLE off.  0, or -errno. */
int nodump_process(void);

#endif
