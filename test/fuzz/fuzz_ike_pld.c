/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target for the IKE payload parser (libFuzzer's entry point).
 *
 * Built with -DIKE_FUZZ_DRIVER (where libFuzzer is not available) it is a
 * program of its own that runs the target over seed files and directories
 * named on its command line, each file whole and cut at every byte.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike_pld.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ike_msg msg;

/* What a refused message must say: a reason and an offset inside it. */
static void check(int rc, size_t size)
{
	if (rc < 0 && (msg.error == IKE_PLD_E_OK || msg.error_offset > size))
		abort();
	if (rc == 0 && (msg.error != IKE_PLD_E_OK ||
			msg.n_payloads > IKE_PLD_MAX_PAYLOADS))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly size bytes: a sanitizer sees any read past it. */
	uint8_t *buf = malloc(size ? size : 1);
	int rc;

	if (!buf)
		return 0;
	memcpy(buf, data, size);

	rc = ike_pld_parse(buf, size, &msg);
	check(rc, size);
	/* The encrypted bytes, read as if they were the plaintext: hostile
	 * input for the inner parser too. */
	if (rc == 0 && (msg.has & IKE_HAS(IKE_PLD_SK)))
		check(ike_pld_parse_inner(&msg, msg.sk.first_payload,
					  msg.sk.data.ptr, msg.sk.data.len),
		      msg.sk.data.len);

	/* The input as a bare payload chain whose first type is byte 0. */
	if (size > 0) {
		memset(&msg, 0, sizeof(msg));
		check(ike_pld_parse_inner(&msg, buf[0], buf + 1, size - 1),
		      size - 1);
	}
	free(buf);
	return 0;
}

#ifdef IKE_FUZZ_DRIVER
#include <dirent.h>
#include <sys/stat.h>

#define SEED_MAX 65536

/* Run the target over a file and every prefix of it. */
static int run_file(const char *path)
{
	static uint8_t data[SEED_MAX];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		perror(path);
		return -1;
	}
	n = fread(data, 1, sizeof(data), f);
	fclose(f);
	for (size_t len = 0; len <= n; len++)
		LLVMFuzzerTestOneInput(data, len);
	return 0;
}

/* Returns the number of files run, or -1. */
static int run_path(const char *path)
{
	struct dirent *e;
	struct stat st;
	int count = 0;
	DIR *d;

	if (stat(path, &st) < 0) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path) < 0 ? -1 : 1;
	if (!(d = opendir(path)))
		return -1;
	while ((e = readdir(d))) {
		char child[4096];

		if (e->d_name[0] == '.')
			continue;
		snprintf(child, sizeof(child), "%s/%s", path, e->d_name);
		if (run_file(child) < 0) {
			closedir(d);
			return -1;
		}
		count++;
	}
	closedir(d);
	return count;
}

int main(int argc, char **argv)
{
	int total = 0;

	for (int i = 1; i < argc; i++) {
		int n = run_path(argv[i]);

		if (n < 0)
			return 1;
		total += n;
	}
	printf("ran %d seed files, each whole and cut at every byte\n", total);
	/* No seeds means nothing was exercised: that is a failure. */
	return total > 0 ? 0 : 1;
}
#endif
