/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * espgwctl: the operator's CLI.
 *
 *   espgwctl [--socket PATH | --config FILE] [--json] COMMAND...
 *   espgwctl --config FILE check
 *
 * "check" validates a configuration file here, without a daemon; every
 * other command goes to espgw-control over its UNIX socket.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "nodump.h"

#define DEFAULT_SOCKET "/run/espgw/espgwctl.sock"

struct ctl_opts {
	const char *socket;
	const char *config;
	int json;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: espgwctl [options] COMMAND...\n"
		"\n"
		"  espgwctl --config FILE check   validate a configuration file\n"
		"  espgwctl help                  the daemon's commands\n"
		"  espgwctl show peers            active peers (IKE SAs)\n"
		"  espgwctl show sa               installed CHILD SAs\n"
		"  espgwctl show policies         installed policies\n"
		"  espgwctl show ike              IKE engine counters\n"
		"  espgwctl show channel          the link to espgw-dataplane\n"
		"  espgwctl show config           the configuration in force\n"
		"  espgwctl rekey child TARGET    rekey the CHILD SAs of TARGET's\n"
		"                                 IKE SA(s), or the CHILD SA of\n"
		"                                 that SPI\n"
		"  espgwctl rekey ike TARGET      rekey TARGET's IKE SA(s)\n"
		"  espgwctl terminate TARGET      delete TARGET's IKE SA(s) and\n"
		"                                 their CHILD SAs\n"
		"  espgwctl initiate PEER         start an IKE SA to a configured\n"
		"                                 peer (name or address)\n"
		"\n"
		"TARGET: a peer's name in the configuration, a remote ID or a\n"
		"remote address as \"show peers\" prints them, an IKE SA's SPI\n"
		"(16 hex digits) or a CHILD SA's (8, as \"show sa\").  Actions\n"
		"print what they started; the exit status is not 0 on an error.\n"
		"\n"
		"options:\n"
		"  -s, --socket PATH  espgw-control's socket (default: from\n"
		"                     --config, else %s)\n"
		"  -c, --config FILE  configuration file\n"
		"  -j, --json         answer in JSON where the command can\n"
		"  -h, --help         this text\n"
		"  -V, --version      the version\n",
		DEFAULT_SOCKET);
}

/* Returns the index of the command's first word, or -1 to exit with 0
 * (help, version), or -2 on a usage error. */
static int parse(int argc, char **argv, struct ctl_opts *o)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "+s:c:jhV", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 's':
			o->socket = optarg;
			break;
		case 'c':
			o->config = optarg;
			break;
		case 'j':
			o->json = 1;
			break;
		case 'h':
			usage(stdout);
			return -1;
		case 'V':
			printf("espgwctl %s\n", ESPGW_VERSION);
			return -1;
		default:
			return -2;
		}
	}
	return optind < argc ? optind : -2;
}

static int check(const char *path)
{
	struct espgw_config *cfg;

	if (!path) {
		fprintf(stderr, "espgwctl: check needs --config FILE\n");
		return 2;
	}
	cfg = cfg_load(path, stderr);
	if (!cfg)
		return 1;
	printf("%s: configuration is valid\n", path);
	cfg_describe(cfg, stdout);
	cfg_free(cfg);
	return 0;
}

static int connect_to(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 10 };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "espgwctl: socket path too long\n");
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		fprintf(stderr,
			"espgwctl: cannot reach espgw-control at %s: %s\n",
			path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Print the answer "<status>\n<text>" and return the status. */
static int relay_answer(int fd)
{
	char buf[4096];
	int status = -1;
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		char *text = buf;

		if (status < 0) {
			char *nl = memchr(buf, '\n', (size_t)n);

			if (!nl)
				break;
			status = atoi(buf);
			text = nl + 1;
		}
		fwrite(text, 1, (size_t)(buf + n - text), stdout);
	}
	if (status < 0) {
		fprintf(stderr, "espgwctl: no answer from espgw-control\n");
		return 1;
	}
	return status;
}

static int request(const char *path, int argc, char **argv, int json)
{
	char line[1024];
	size_t used = 0;
	int fd, rc;

	for (int i = 0; i < argc; i++) {
		int n = snprintf(line + used, sizeof(line) - used, "%s%s",
				 i ? " " : "", argv[i]);

		if (n < 0 || (size_t)n >= sizeof(line) - used - 8) {
			fprintf(stderr, "espgwctl: command too long\n");
			return 2;
		}
		used += (size_t)n;
	}
	snprintf(line + used, sizeof(line) - used, "%s\n",
		 json ? " --json" : "");

	fd = connect_to(path);
	if (fd < 0)
		return 1;
	rc = write(fd, line, strlen(line)) < 0 ? 1 : relay_answer(fd);
	close(fd);
	return rc;
}

/* The socket: --socket, else the configuration's, else the default. */
static int resolve_socket(const struct ctl_opts *o, char *buf, size_t len)
{
	struct espgw_config *cfg;

	if (o->socket || !o->config) {
		snprintf(buf, len, "%s", o->socket ? o->socket : DEFAULT_SOCKET);
		return 0;
	}
	cfg = cfg_load(o->config, stderr);
	if (!cfg)
		return -1;
	snprintf(buf, len, "%s", cfg->control.ctl_socket);
	cfg_free(cfg);
	return 0;
}

int main(int argc, char **argv)
{
	struct ctl_opts o = { 0 };
	char path[256];
	int first;

	log_init("espgwctl", LOG_LVL_WARN);
	/* "check" reads the configuration, pre-shared keys and all. */
	if (nodump_process() != 0)
		log_warn("cannot turn core dumps off");
	first = parse(argc, argv, &o);
	if (first == -1)
		return 0;
	if (first < 0) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[first], "check") == 0)
		return check(o.config);
	if (resolve_socket(&o, path, sizeof(path)) != 0)
		return 1;
	return request(path, argc - first, argv + first, o.json);
}
