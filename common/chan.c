/* SPDX-License-Identifier: BSD-3-Clause */
#include "chan.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SEG_ALIGN    4096u
#define SEG_MAX_SIZE (1ull << 30)

enum chan_side {
	SIDE_DP, /* creator: receives commands, sends events */
	SIDE_CP, /* attacher: sends commands, receives events */
};

struct chan {
	struct chan_seg *seg;
	size_t size;
	int fd; /* creator only: tells its own segment from a successor */
	enum chan_side side;
	uint64_t generation;
	struct chan_ring *tx;
	struct chan_ring *rx;
	unsigned int tx_dir;
	unsigned int rx_dir;
	uint64_t tx_seq;
	uint64_t rx_seq;
	bool rx_seq_known;
	uint64_t beat;         /* creator: beats so far; attacher: last seen */
	uint64_t beat_at_ms;   /* attacher: when it last moved (0: not yet) */
	uint32_t beat_ms;      /* attacher: the silence that makes SILENT */
	struct chan_stats stats;
	char path[sizeof(CHAN_PATH_PREFIX) + CHAN_NAME_MAX];
};

__attribute__((format(printf, 3, 4))) static void
say(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (why == NULL || len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
}

static bool make_path(const char *name, char *path, size_t len)
{
	size_t n = strlen(name);

	if (n == 0 || n > CHAN_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
		    !(c >= '0' && c <= '9') && c != '-' && c != '_' && c != '.')
			return false;
	}
	snprintf(path, len, "%s%s", CHAN_PATH_PREFIX, name);
	return true;
}

static size_t align_up(size_t v)
{
	return (v + SEG_ALIGN - 1) & ~(size_t)(SEG_ALIGN - 1);
}

/* A random generation; time and pid only if the kernel has no entropy. */
static uint64_t new_generation(uint64_t avoid)
{
	uint64_t g = 0;

	if (getrandom(&g, sizeof(g), GRND_NONBLOCK) != sizeof(g)) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		g = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
		g ^= (uint64_t)getpid() << 40;
	}
	if (g == 0 || g == avoid)
		g = avoid + 1 ? avoid + 1 : 1;
	return g;
}

/*
 * Mark a segment left under path dead, so an attached espgw-control sees
 * the change with one atomic load, and unlink it.  Returns its generation
 * (0 if none).
 */
static uint64_t retire_old(const char *path)
{
	int fd = shm_open(path, O_RDWR, 0);
	uint64_t gen = 0;
	struct stat st;

	if (fd < 0)
		return 0;
	if (fstat(fd, &st) == 0 && (size_t)st.st_size >= sizeof(struct chan_seg)) {
		struct chan_seg *s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE,
					  MAP_SHARED, fd, 0);

		if (s != MAP_FAILED) {
			if (atomic_load(&s->magic) == CHAN_SEG_MAGIC &&
			    s->version == CHAN_LAYOUT_VERSION) {
				gen = s->generation;
				atomic_store(&s->state, CHAN_STATE_DEAD);
			}
			munmap(s, sizeof(*s));
		}
	}
	close(fd);
	shm_unlink(path);
	return gen;
}

static void set_rings(struct chan *ch)
{
	struct chan_ring *cmd = (void *)((uint8_t *)ch->seg + ch->seg->cmd_off);
	struct chan_ring *evt = (void *)((uint8_t *)ch->seg + ch->seg->evt_off);

	ch->tx = ch->side == SIDE_DP ? evt : cmd;
	ch->rx = ch->side == SIDE_DP ? cmd : evt;
	ch->tx_dir = ch->side == SIDE_DP ? CHAN_TO_CP : CHAN_TO_DP;
	ch->rx_dir = ch->side == SIDE_DP ? CHAN_TO_DP : CHAN_TO_CP;
}

/* Lay the header and rings out in a zeroed mapping, then publish. */
static void seg_init(struct chan *ch, uint32_t cmd_slots, uint32_t evt_slots,
		     uint64_t evt_off, uint64_t gen)
{
	struct chan_seg *s = ch->seg;

	s->hdr_size = sizeof(*s);
	s->generation = gen;
	s->size = ch->size;
	s->cmd_off = SEG_ALIGN;
	s->evt_off = evt_off;
	s->creator_pid = (int32_t)getpid();
	s->slot_size = CHAN_SLOT_SIZE;
	chan_ring_init((void *)((uint8_t *)s + s->cmd_off), cmd_slots,
		       CHAN_SLOT_SIZE, 0);
	chan_ring_init((void *)((uint8_t *)s + evt_off), evt_slots,
		       CHAN_SLOT_SIZE, 0);
	atomic_store_explicit(&s->state, CHAN_STATE_READY, memory_order_relaxed);
	s->version = CHAN_LAYOUT_VERSION;
	/* Release: an attacher that sees the magic sees all of the above. */
	atomic_store_explicit(&s->magic, CHAN_SEG_MAGIC, memory_order_release);
	ch->generation = gen;
	set_rings(ch);
}

static int create_mapping(struct chan *ch, char *why, size_t why_len)
{
	ch->fd = shm_open(ch->path, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (ch->fd < 0) {
		say(why, why_len, "shm_open %s: %s", ch->path, strerror(errno));
		return CHAN_E_SYS;
	}
	if (ftruncate(ch->fd, (off_t)ch->size) != 0) {
		say(why, why_len, "ftruncate %s: %s", ch->path, strerror(errno));
		return CHAN_E_SYS;
	}
	ch->seg = mmap(NULL, ch->size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       ch->fd, 0);
	if (ch->seg == MAP_FAILED) {
		ch->seg = NULL;
		say(why, why_len, "mmap %s: %s", ch->path, strerror(errno));
		return CHAN_E_SYS;
	}
	return CHAN_OK;
}

static void free_chan(struct chan *ch)
{
	if (ch->seg)
		munmap(ch->seg, ch->size);
	if (ch->fd >= 0)
		close(ch->fd);
	free(ch);
}

static struct chan *new_chan(const char *name, enum chan_side side)
{
	struct chan *ch = calloc(1, sizeof(*ch));

	if (ch == NULL)
		return NULL;
	ch->fd = -1;
	ch->side = side;
	ch->beat_ms = CHAN_HEARTBEAT_MS;
	if (!make_path(name, ch->path, sizeof(ch->path))) {
		free(ch);
		return NULL;
	}
	return ch;
}

int chan_create(const char *name, uint32_t cmd_slots, uint32_t evt_slots,
		struct chan **out, char *why, size_t why_len)
{
	size_t cmd_mem = chan_ring_mem_size(cmd_slots, CHAN_SLOT_SIZE);
	size_t evt_mem = chan_ring_mem_size(evt_slots, CHAN_SLOT_SIZE);
	struct chan *ch = new_chan(name, SIDE_DP);
	uint64_t evt_off, old_gen;
	int rc;

	*out = NULL;
	if (ch == NULL) {
		say(why, why_len, "channel name '%s' is not 1-%d letters, "
			"digits, '-', '_' or '.'", name, CHAN_NAME_MAX);
		return CHAN_E_NAME;
	}
	if (cmd_mem == 0 || evt_mem == 0) {
		say(why, why_len, "ring sizes %u and %u: want powers of two "
			"from 2 to %u", cmd_slots, evt_slots, CHAN_RING_MAX_SLOTS);
		free(ch);
		return CHAN_E_GEOMETRY;
	}
	evt_off = SEG_ALIGN + align_up(cmd_mem);
	ch->size = evt_off + align_up(evt_mem);
	old_gen = retire_old(ch->path);
	rc = create_mapping(ch, why, why_len);
	if (rc != CHAN_OK) {
		if (ch->fd >= 0) /* ours: O_EXCL succeeded */
			shm_unlink(ch->path);
		free_chan(ch);
		return rc;
	}
	seg_init(ch, cmd_slots, evt_slots, evt_off, new_generation(old_gen));
	*out = ch;
	return CHAN_OK;
}

/* Everything after magic and version, of a segment of st_size bytes. */
static int seg_validate(const struct chan *ch, size_t st_size, char *why,
			size_t why_len)
{
	const struct chan_seg *s = ch->seg;
	uint64_t end_cmd = s->evt_off;

	if (s->hdr_size != sizeof(*s) || s->size != st_size ||
	    s->slot_size != CHAN_SLOT_SIZE || s->cmd_off < sizeof(*s) ||
	    s->cmd_off % SEG_ALIGN || s->evt_off % SEG_ALIGN ||
	    s->evt_off <= s->cmd_off || s->evt_off >= s->size ||
	    !chan_ring_valid((void *)((uint8_t *)s + s->cmd_off),
			     end_cmd - s->cmd_off) ||
	    !chan_ring_valid((void *)((uint8_t *)s + s->evt_off),
			     s->size - s->evt_off)) {
		say(why, why_len, "%s: segment header or rings are corrupt",
		    ch->path);
		return CHAN_E_FOREIGN;
	}
	return CHAN_OK;
}

/* Check what the creator published: magic, version, state, then layout. */
static int seg_accept(struct chan *ch, size_t st_size, char *why,
		      size_t why_len)
{
	uint64_t magic = atomic_load_explicit(&ch->seg->magic,
					      memory_order_acquire);

	if (magic == 0)
		return CHAN_NOT_YET; /* created, not yet published */
	if (magic != CHAN_SEG_MAGIC) {
		say(why, why_len, "%s is not an espgw channel", ch->path);
		return CHAN_E_FOREIGN;
	}
	if (ch->seg->version != CHAN_LAYOUT_VERSION) {
		say(why, why_len, "%s has channel layout version %u, this "
			"program speaks version %u: run matching builds",
		    ch->path, ch->seg->version, CHAN_LAYOUT_VERSION);
		return CHAN_E_VERSION;
	}
	if (atomic_load(&ch->seg->state) != CHAN_STATE_READY)
		return CHAN_NOT_YET; /* a dead one, its successor not yet here */
	return seg_validate(ch, st_size, why, why_len);
}

/* Open and map the segment under ch->path and check it; closes the fd. */
static int map_seg(struct chan *ch, char *why, size_t why_len)
{
	int fd = shm_open(ch->path, O_RDWR, 0);
	struct stat st;
	int rc;

	if (fd < 0 && errno == ENOENT)
		return CHAN_NOT_YET;
	if (fd < 0 || fstat(fd, &st) != 0) {
		say(why, why_len, "open %s: %s", ch->path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return CHAN_E_SYS;
	}
	if ((size_t)st.st_size < sizeof(struct chan_seg) ||
	    (uint64_t)st.st_size > SEG_MAX_SIZE) {
		close(fd);
		return st.st_size == 0 ? CHAN_NOT_YET : CHAN_E_FOREIGN;
	}
	ch->size = (size_t)st.st_size;
	ch->seg = mmap(NULL, ch->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		       0);
	close(fd);
	if (ch->seg == MAP_FAILED) {
		ch->seg = NULL;
		say(why, why_len, "mmap %s: %s", ch->path, strerror(errno));
		return CHAN_E_SYS;
	}
	rc = seg_accept(ch, ch->size, why, why_len);
	if (rc == CHAN_OK)
		ch->generation = ch->seg->generation;
	return rc;
}

int chan_attach(const char *name, struct chan **out, char *why,
		size_t why_len)
{
	struct chan *ch = new_chan(name, SIDE_CP);
	int rc;

	*out = NULL;
	if (ch == NULL) {
		say(why, why_len, "channel name '%s' is not 1-%d letters, "
			"digits, '-', '_' or '.'", name, CHAN_NAME_MAX);
		return CHAN_E_NAME;
	}
	rc = map_seg(ch, why, why_len);
	if (rc != CHAN_OK) {
		free_chan(ch);
		return rc;
	}
	set_rings(ch);
	atomic_fetch_add(&ch->seg->attaches, 1);
	*out = ch;
	return CHAN_OK;
}

/* Key material may sit in any slot that was ever written. */
static void wipe_ring(struct chan_ring *r)
{
	explicit_bzero(r->slots_start, (size_t)r->slots * r->slot_size);
}

/* Does the name still refer to the segment behind fd? */
static bool name_is_ours(const struct chan *ch)
{
	struct stat mine, now;
	int fd = shm_open(ch->path, O_RDONLY, 0);
	bool same;

	if (fd < 0)
		return false;
	same = fstat(fd, &now) == 0 && fstat(ch->fd, &mine) == 0 &&
	       now.st_dev == mine.st_dev && now.st_ino == mine.st_ino;
	close(fd);
	return same;
}

void chan_close(struct chan *ch)
{
	if (ch == NULL)
		return;
	if (ch->side == SIDE_DP) {
		atomic_store(&ch->seg->state, CHAN_STATE_DEAD);
		wipe_ring(ch->rx);
		wipe_ring(ch->tx);
		if (name_is_ours(ch))
			shm_unlink(ch->path);
	} else if (atomic_load(&ch->seg->state) == CHAN_STATE_DEAD) {
		/* Nobody will consume what we sent; do not leave keys. */
		wipe_ring(ch->tx);
	}
	free_chan(ch);
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The live segment's data plane: beating, or silent too long. */
static enum chan_peer heartbeat(struct chan *ch)
{
	uint64_t beat = atomic_load_explicit(&ch->seg->heartbeat,
					     memory_order_relaxed);
	uint64_t now = mono_ms();

	if (beat != ch->beat || !ch->beat_at_ms) {
		ch->beat = beat;
		ch->beat_at_ms = now;
		return CHAN_PEER_ALIVE;
	}
	return now - ch->beat_at_ms >= ch->beat_ms ? CHAN_PEER_SILENT
						   : CHAN_PEER_ALIVE;
}

void chan_beat(struct chan *ch)
{
	atomic_store_explicit(&ch->seg->heartbeat, ++ch->beat,
			      memory_order_relaxed);
}

void chan_set_heartbeat_ms(struct chan *ch, uint32_t ms)
{
	ch->beat_ms = ms;
}

enum chan_peer chan_check(struct chan *ch)
{
	struct chan probe = { .fd = -1, .side = SIDE_CP };
	enum chan_peer peer = CHAN_PEER_GONE;

	if (ch->side == SIDE_DP)
		return CHAN_PEER_ALIVE;
	if (atomic_load_explicit(&ch->seg->state, memory_order_acquire) !=
	    CHAN_STATE_DEAD)
		return heartbeat(ch);
	memcpy(probe.path, ch->path, sizeof(probe.path));
	if (map_seg(&probe, NULL, 0) == CHAN_OK &&
	    probe.generation != ch->generation)
		peer = CHAN_PEER_NEW;
	if (probe.seg)
		munmap(probe.seg, probe.size);
	return peer;
}

uint32_t chan_send_burst(struct chan *ch, const struct chan_out *msgs,
			 uint32_t n)
{
	uint32_t start, i;
	uint32_t room;

	if (atomic_load_explicit(&ch->seg->state, memory_order_relaxed) ==
	    CHAN_STATE_DEAD)
		return 0;
	room = chan_ring_reserve(ch->tx, n, &start);
	for (i = 0; i < room; i++) {
		const struct chan_out *m = &msgs[i];

		if (!(chan_msg_dirs(m->type) & ch->tx_dir) ||
		    chan_msg_build(chan_ring_slot(ch->tx, start + i), m->type,
				   ch->tx_seq + i, m->body, m->len) == 0)
			break;
	}
	if (i)
		chan_ring_commit(ch->tx, i);
	ch->tx_seq += i;
	ch->stats.tx += i;
	if (room < n && i == room)
		ch->stats.tx_full++;
	return i;
}

int chan_send(struct chan *ch, uint16_t type, const void *body, uint32_t len)
{
	struct chan_out m = { .type = type, .len = len, .body = body };

	if (!(chan_msg_dirs(type) & ch->tx_dir) ||
	    chan_msg_body_len(type) != len)
		return -EINVAL;
	if (atomic_load(&ch->seg->state) == CHAN_STATE_DEAD)
		return -EPIPE;
	return (int)chan_send_burst(ch, &m, 1);
}

static bool holds_keys(uint16_t type)
{
	return type == CHAN_MSG_SA_ADD || type == CHAN_MSG_SA_UPDATE;
}

/*
 * Copy one slot out, then validate the private copy: the peer could
 * rewrite the slot between a check and a use.
 */
static enum chan_err take(struct chan *ch, uint8_t *slot, struct chan_msg *m)
{
	uint32_t len;
	enum chan_err err;

	memcpy(&m->hdr, slot, sizeof(m->hdr));
	len = m->hdr.len;
	if (len > CHAN_SLOT_SIZE - sizeof(m->hdr))
		len = CHAN_SLOT_SIZE - sizeof(m->hdr);
	memcpy(&m->body, slot + sizeof(m->hdr), len);
	if (holds_keys(m->hdr.type))
		explicit_bzero(slot, sizeof(m->hdr) + len);
	err = chan_msg_check(m, (uint32_t)sizeof(m->hdr) + len, ch->rx_dir);
	if (err != CHAN_ERR_OK) {
		explicit_bzero(m, sizeof(m->hdr) + len);
		ch->stats.rx_bad[err]++;
		return err;
	}
	if (ch->rx_seq_known && m->hdr.seq != ch->rx_seq)
		ch->stats.rx_gap++;
	ch->rx_seq = m->hdr.seq + 1;
	ch->rx_seq_known = true;
	ch->stats.rx++;
	return CHAN_ERR_OK;
}

uint32_t chan_recv_burst(struct chan *ch, struct chan_msg *out, uint32_t n)
{
	uint32_t start, good = 0;
	uint32_t got = chan_ring_peek(ch->rx, n, &start);

	for (uint32_t i = 0; i < got; i++) {
		if (take(ch, chan_ring_slot(ch->rx, start + i), &out[good]) ==
		    CHAN_ERR_OK)
			good++;
	}
	if (got)
		chan_ring_release(ch->rx, got);
	return good;
}

uint64_t chan_generation(const struct chan *ch)
{
	return ch->generation;
}

const struct chan_stats *chan_stats(const struct chan *ch)
{
	return &ch->stats;
}

const char *chan_rc_str(int rc)
{
	switch (rc) {
	case CHAN_OK:
		return "ok";
	case CHAN_NOT_YET:
		return "not there yet";
	case CHAN_E_VERSION:
		return "layout version mismatch";
	case CHAN_E_FOREIGN:
		return "not an espgw channel";
	case CHAN_E_NAME:
		return "bad channel name";
	case CHAN_E_GEOMETRY:
		return "bad ring geometry";
	case CHAN_E_SYS:
		return "system error";
	}
	return "unknown";
}

struct chan_seg *chan_segment(struct chan *ch)
{
	return ch->seg;
}

struct chan_ring *chan_tx_ring(struct chan *ch)
{
	return ch->tx;
}

struct chan_ring *chan_rx_ring(struct chan *ch)
{
	return ch->rx;
}
