/* SPDX-License-Identifier: BSD-3-Clause */
/* No core dumps for processes that hold keys (nodump.h). */
#include "nodump.h"

#include <errno.h>
#include <sys/prctl.h>
#include <sys/resource.h>

int nodump_process(void)
{
	const struct rlimit none = { 0, 0 };

	/* Both: the limit alone does not stop a core_pattern pipe (systemd-
	 * coredump, apport), and not dumpable alone leaves a privileged
	 * suid_dumpable setting able to dump. */
	if (setrlimit(RLIMIT_CORE, &none) != 0)
		return -errno;
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		return -errno;
	return 0;
}
