/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The channel between espgw-dataplane and espgw-control: one POSIX
 * shared-memory segment, /espgw-<name>, holding two rings of messages
 * (chan_msg.h), commands towards the data plane and events back.
 *
 * The data plane creates the segment at every start with a fresh random
 * generation, replacing (and marking dead) any segment left under the name.
 * espgw-control attaches; until the data plane has published the segment,
 * attach answers CHAN_NOT_YET, so either may start first.  Control polls
 * chan_check() (one atomic load while all is well) to learn that the data
 * plane went away or was replaced, then re-attaches, sends FLUSH_ALL and
 * re-installs its state.  The data plane's main loop counts a heartbeat
 * in the header (chan_beat()); a data plane killed without a successor
 * leaves its segment looking live, and its silence is what tells.
 *
 * The segment holds key material (SA records in the command ring): see
 * struct chan_sa for who wipes what.  It is created mode 0600, so both
 * daemons run as one user.
 *
 * Thread-safety: a struct chan belongs to one thread; each side is the only
 * producer of its send ring and the only consumer of its receive ring.
 */
#ifndef ESPGW_CHAN_H
#define ESPGW_CHAN_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chan_msg.h"
#include "chan_ring.h"

/* Bump with any change to this header, chan_ring.h or chan_msg.h. */
#define CHAN_LAYOUT_VERSION 2u
#define CHAN_SEG_MAGIC      0x4e48434757505345ull /* "ESPGWCHN" */
#define CHAN_NAME_MAX       64
#define CHAN_PATH_PREFIX    "/espgw-"

#define CHAN_STATE_READY 1u
#define CHAN_STATE_DEAD  2u /* the data plane left; a new one may follow */

/* A data plane whose heartbeat stood still this long is SILENT. */
#define CHAN_HEARTBEAT_MS 3000u

/*
 * The segment header.  magic and version stay at offsets 0 and 8 in every
 * layout version, so a mismatch is always reported as one.
 */
struct chan_seg {
	_Atomic uint64_t magic; /* stored last, with release, by the creator */
	uint32_t version;       /* CHAN_LAYOUT_VERSION */
	uint32_t hdr_size;      /* sizeof(struct chan_seg) */
	uint64_t generation;    /* random, new at every data-plane start */
	uint64_t size;          /* bytes of the whole segment */
	uint64_t cmd_off;       /* ring towards the data plane */
	uint64_t evt_off;       /* ring towards espgw-control */
	_Atomic uint32_t state; /* CHAN_STATE_* */
	int32_t creator_pid;
	_Atomic uint32_t attaches; /* times espgw-control attached */
	uint32_t slot_size;        /* CHAN_SLOT_SIZE */
	_Atomic uint64_t heartbeat; /* counted up by the data plane's loop */
	uint8_t pad[56];
};

static_assert(ATOMIC_LLONG_LOCK_FREE == 2, "shared-memory atomics must be "
					    "lock-free");
static_assert(offsetof(struct chan_seg, version) == 8, "segment layout");
static_assert(sizeof(struct chan_seg) == 128, "segment layout");

enum chan_rc {
	CHAN_OK = 0,
	CHAN_NOT_YET = 1,     /* no published segment under the name: retry */
	CHAN_E_VERSION = -1,  /* another layout version; see why */
	CHAN_E_FOREIGN = -2,  /* not an espgw channel, or a corrupt one */
	CHAN_E_NAME = -3,     /* channel name unusable */
	CHAN_E_GEOMETRY = -4, /* ring sizes not powers of two in range */
	CHAN_E_SYS = -5,      /* a system call failed; see why and errno */
};

enum chan_peer {
	CHAN_PEER_ALIVE, /* the segment is still the data plane's */
	CHAN_PEER_SILENT, /* still its, but no heartbeat: killed, or stalled */
	CHAN_PEER_GONE,  /* the data plane left; no new segment yet */
	CHAN_PEER_NEW,   /* a new generation is published: re-attach */
};

struct chan_stats {
	uint64_t tx;      /* messages sent */
	uint64_t tx_full; /* send attempts that found the ring full */
	uint64_t rx;      /* messages received and valid */
	uint64_t rx_gap;  /* times the header seq was not the next one */
	uint64_t rx_bad[CHAN_ERR_COUNT]; /* rejected, by reason */
};

struct chan;

/* A message to send: body points to the record of the type. */
struct chan_out {
	uint16_t type;
	uint32_t len;
	const void *body;
};

/*
 * Data plane: create /espgw-<name> with rings of cmd_slots and evt_slots
 * (powers of two).  why (may be NULL) receives a sentence on failure.
 */
int chan_create(const char *name, uint32_t cmd_slots, uint32_t evt_slots,
		struct chan **out, char *why, size_t why_len);

/* espgw-control: attach to a published segment.  CHAN_NOT_YET: retry. */
int chan_attach(const char *name, struct chan **out, char *why,
		size_t why_len);

/*
 * Let go.  The creator marks the segment dead, wipes both rings and
 * unlinks the name if it is still its own; the attacher wipes its command
 * ring if the data plane is gone, and unmaps.
 */
void chan_close(struct chan *ch);

/*
 * espgw-control: has the data plane gone, gone silent or been replaced?
 * While the segment is live: the heartbeat and the monotonic clock, and
 * SILENT once the heartbeat stood still for CHAN_HEARTBEAT_MS (ALIVE
 * again as soon as it moves); a shm_open and mmap only once it is dead.
 */
enum chan_peer chan_check(struct chan *ch);

/* Data plane: one beat of the heartbeat; call it from the main loop. */
void chan_beat(struct chan *ch);

/* espgw-control, for tests: how long a silence makes SILENT. */
void chan_set_heartbeat_ms(struct chan *ch, uint32_t ms);

/*
 * Send up to n messages as one burst; returns how many went.  It stops at
 * a full ring, at a type that may not travel this way or whose len is not
 * its body size, and sends nothing into a segment marked dead.
 */
uint32_t chan_send_burst(struct chan *ch, const struct chan_out *msgs,
			 uint32_t n);

/* One message: 1 sent, 0 ring full, -EINVAL bad type/len, -EPIPE dead. */
int chan_send(struct chan *ch, uint16_t type, const void *body,
	      uint32_t len);

/*
 * Take up to n messages off the receive ring; the valid ones are copied to
 * out[0..ret), the rest are counted in rx_bad and dropped.  Slots that held
 * SA records are wiped once copied.
 */
uint32_t chan_recv_burst(struct chan *ch, struct chan_msg *out, uint32_t n);

uint64_t chan_generation(const struct chan *ch);
const struct chan_stats *chan_stats(const struct chan *ch);
const char *chan_rc_str(int rc);

/* For tests and diagnostics: the mapped header and the two rings. */
struct chan_seg *chan_segment(struct chan *ch);
struct chan_ring *chan_tx_ring(struct chan *ch);
struct chan_ring *chan_rx_ring(struct chan *ch);

#endif
