/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inbound anti-replay window, RFC 4303 section 3.4.3 and Appendix A.
 *
 * The window remembers which of the last `size` sequence numbers up to
 * `top` (the highest one accepted) have been seen, in a ring of 64-bit words
 * (the layout of RFC 6479, so advancing the window clears words instead of
 * shifting the bitmap).  With ESN only the low 32 bits travel in the packet;
 * replay_seq() infers the high 32 bits from the window (Appendix A2.2).
 *
 * Use: seq = replay_seq(); replay_check(seq) before the ICV is verified, to
 * drop replays cheaply; replay_update(seq) only after the ICV verified, which
 * checks again (two copies of one packet can sit in the same burst).  A
 * forged packet therefore never moves the window.
 *
 * XXX no resynchronisation (Appendix A3): if the peer's high-order bits
 * ever run more than a window ahead, every packet fails its ICV.
 *
 * Not thread-safe: one thread (the SA's owning worker, see esp_sa.h) calls
 * replay_check and replay_update for a given window.
 */
#ifndef ESPGW_REPLAY_H
#define ESPGW_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Bitmap words kept in the window itself: windows up to 192 packets. */
#define REPLAY_INLINE_WORDS 4

/*
 * One cache line for the windows most SAs have (the default is 64), so
 * that checking a packet reads one line; larger windows keep their bitmap
 * in storage the owner provides.
 */
struct replay_window {
	uint64_t top;     /* highest sequence number accepted; 0: none */
	uint32_t size;    /* W: packets the window covers */
	uint32_t mask;    /* words in bits[] minus one (a power of two) */
	uint32_t hi_mask; /* UINT32_MAX with ESN, 0 without */
	uint32_t pad;
	uint64_t *bits;   /* bit s % 64 of word (s / 64) & mask: s seen */
	uint64_t inline_bits[REPLAY_INLINE_WORDS];
};

/* Words the bitmap needs: the window may straddle one more word. */
static inline uint32_t replay_words(uint32_t size)
{
	uint32_t need = (size + 63) / 64 + 1;
	uint32_t words = 1;

	while (words < need)
		words <<= 1;
	return words;
}

/* Bytes of storage a window of size packets needs besides the struct. */
static inline size_t replay_ext_size(uint32_t size)
{
	uint32_t words = replay_words(size);

	return words <= REPLAY_INLINE_WORDS ? 0 : words * sizeof(uint64_t);
}

/* ext: replay_ext_size(size) bytes, aligned for uint64_t (NULL if 0). */
static inline void replay_init(struct replay_window *w, uint32_t size,
			       bool esn, uint64_t *ext)
{
	uint32_t words = replay_words(size);

	memset(w, 0, sizeof(*w));
	w->bits = words <= REPLAY_INLINE_WORDS ? w->inline_bits : ext;
	memset(w->bits, 0, words * sizeof(uint64_t));
	w->size = size;
	w->mask = words - 1;
	w->hi_mask = esn ? UINT32_MAX : 0;
}

/*
 * The full sequence number of a packet carrying seq_lo (Appendix A2.2).
 * Case A: the window lies within one 2^32 subspace; case B: it spans the
 * boundary, its bottom in the subspace below top's.
 */
static inline uint64_t replay_seq(const struct replay_window *w,
				  uint32_t seq_lo)
{
	uint32_t tl = (uint32_t)w->top;
	uint32_t th = (uint32_t)(w->top >> 32);
	uint32_t bottom = tl - w->size + 1; /* modulo 2^32 */
	uint32_t hi;

	if (tl >= w->size - 1)
		hi = seq_lo >= bottom ? th : th + 1;
	else if (th == 0)
		hi = 0; /* no subspace below the first one */
	else
		hi = seq_lo >= bottom ? th - 1 : th;
	hi &= w->hi_mask;
	return (uint64_t)hi << 32 | seq_lo;
}

/* True if seq is new: above top, or inside the window and not yet seen. */
static inline bool replay_check(const struct replay_window *w, uint64_t seq)
{
	if (seq == 0) /* never sent: the first packet carries 1 */
		return false;
	if (seq > w->top)
		return true;
	if (seq + w->size <= w->top)
		return false;
	return !(w->bits[(seq >> 6) & w->mask] & (1ull << (seq & 63)));
}

/* Record seq as seen, after its ICV verified.  False if it is a replay. */
static inline bool replay_update(struct replay_window *w, uint64_t seq)
{
	if (!replay_check(w, seq))
		return false;

	if (seq > w->top) {
		uint64_t from = (w->top >> 6) + 1;
		uint64_t to = seq >> 6;

		if (to >= from && to - from > w->mask)
			from = to - w->mask; /* every word is stale */
		for (uint64_t i = from; i <= to; i++)
			w->bits[i & w->mask] = 0;
		w->top = seq;
	}

	w->bits[(seq >> 6) & w->mask] |= 1ull << (seq & 63);
	return true;
}

#endif
