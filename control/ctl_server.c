/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_server.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"

#define CTL_LINE_MAX  1024
#define CTL_WORDS_MAX 32

struct ctl_server {
	struct loop *loop;
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	const struct ctl_cmd *cmds;
	unsigned int n_cmds;
	void *arg;
};

static int split_words(char *line, char **words, int max)
{
	int n = 0;

	for (char *save = NULL, *w = strtok_r(line, " \t\r\n", &save);
	     w && n < max; w = strtok_r(NULL, " \t\r\n", &save))
		words[n++] = w;
	return n;
}

/* Does the request start with the command's words?  Returns how many. */
static int match(const char *cmd_words, char **words, int n)
{
	char buf[128];
	char *cw[8];
	int k;

	snprintf(buf, sizeof(buf), "%s", cmd_words);
	k = split_words(buf, cw, 8);
	if (k > n)
		return 0;
	for (int i = 0; i < k; i++)
		if (strcmp(cw[i], words[i]) != 0)
			return 0;
	return k;
}

static void print_help(const struct ctl_cmd *cmds, unsigned int n, FILE *out)
{
	fprintf(out, "commands (add --json for JSON):\n");
	for (unsigned int i = 0; i < n; i++)
		fprintf(out, "  %-24s %s\n", cmds[i].words, cmds[i].help);
}

/* Take --json out of words; returns whether it was there. */
static bool take_json(char **words, int *n)
{
	bool json = false;
	int j = 0;

	for (int i = 0; i < *n; i++) {
		if (strcmp(words[i], "--json") == 0)
			json = true;
		else
			words[j++] = words[i];
	}
	*n = j;
	return json;
}

int ctl_dispatch(const struct ctl_cmd *cmds, unsigned int n_cmds, void *arg,
		 char *line, FILE *out)
{
	char *words[CTL_WORDS_MAX];
	int n = split_words(line, words, CTL_WORDS_MAX);
	bool json = take_json(words, &n);

	if (n == 0 || strcmp(words[0], "help") == 0) {
		print_help(cmds, n_cmds, out);
		return n == 0 ? 2 : 0;
	}
	for (unsigned int i = 0; i < n_cmds; i++) {
		int k = match(cmds[i].words, words, n);

		if (k)
			return cmds[i].fn(arg, out, n - k, words + k, json);
	}
	fprintf(out, "error: unknown command \"%s\"; try \"help\"\n", words[0]);
	return 2;
}

/* Read one line with a deadline, so a silent client cannot stall us. */
static ssize_t read_line(int fd, char *buf, size_t len)
{
	size_t used = 0;

	while (used < len - 1) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t r;

		if (poll(&p, 1, 2000) <= 0)
			return -1;
		r = read(fd, buf + used, len - 1 - used);
		if (r <= 0)
			break;
		used += (size_t)r;
		if (memchr(buf, '\n', used))
			break;
	}
	buf[used] = '\0';
	return (ssize_t)used;
}

/* Answer as "<status>\n<text>": espgwctl exits with the status. */
static void answer(struct ctl_server *s, int fd)
{
	char line[CTL_LINE_MAX];
	char *text = NULL;
	size_t len = 0;
	FILE *out;
	int status;

	if (read_line(fd, line, sizeof(line)) <= 0)
		return;
	out = open_memstream(&text, &len);
	if (!out)
		return;
	status = ctl_dispatch(s->cmds, s->n_cmds, s->arg, line, out);
	fclose(out);
	dprintf(fd, "%d\n", status);
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, text + off, len - off);

		if (w <= 0)
			break;
		off += (size_t)w;
	}
	free(text);
}

static void on_accept(void *arg, int fd, short revents)
{
	struct ctl_server *s = arg;
	struct timeval tv = { .tv_sec = 2 };
	int c;

	(void)revents;
	c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
	if (c < 0)
		return;
	/* Bounded writes: a client that stops reading is cut off. */
	setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	answer(s, c);
	close(c);
}

static int listen_at(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[sizeof(sa.sun_path)];
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	strcpy(dir, path);
	if (mkdir(dirname(dir), 0700) != 0 && errno != EEXIST)
		return -errno;
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    chmod(path, 0600) != 0 || listen(fd, 16) != 0) {
		int err = errno;

		close(fd);
		return -err;
	}
	return fd;
}

struct ctl_server *ctl_server_create(struct loop *l, const char *path,
				     const struct ctl_cmd *cmds,
				     unsigned int n_cmds, void *arg)
{
	struct ctl_server *s;
	int fd = listen_at(path);

	if (fd < 0) {
		log_err("control socket %s: %s", path, strerror(-fd));
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s || loop_add_fd(l, fd, POLLIN, on_accept, s) != 0) {
		log_err("control socket %s: out of memory", path);
		close(fd);
		free(s);
		return NULL;
	}
	*s = (struct ctl_server){ .loop = l, .fd = fd, .cmds = cmds,
				  .n_cmds = n_cmds, .arg = arg };
	snprintf(s->path, sizeof(s->path), "%s", path);
	return s;
}

void ctl_server_destroy(struct ctl_server *s)
{
	if (!s)
		return;
	loop_del_fd(s->loop, s->fd);
	close(s->fd);
	unlink(s->path);
	free(s);
}
