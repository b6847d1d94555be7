/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Why the data plane drops a packet: one table for the enum, the names the
 * CLI and telemetry show, and the per-SA and per-worker counter arrays.
 * ESP processing uses some reasons; classification, routing and transmit
 * (other modules) use the rest.
 */
#ifndef ESPGW_ESP_DROP_H
#define ESPGW_ESP_DROP_H

#include <stdint.h>

/* X(id, name, what the operator is told) */
#define ESP_DROP_TABLE(X)                                                     \
	X(NONE, "none", "not dropped")                                        \
	X(UNKNOWN_SPI, "unknown-spi", "no inbound SA has this SPI")           \
	X(REPLAY, "replay", "duplicate or older than the replay window")      \
	X(ICV, "icv-failure", "integrity check failed")                       \
	X(BAD_PADDING, "bad-padding", "padding bytes are not 1, 2, 3, ...")   \
	X(BAD_LENGTH, "bad-length", "ESP or inner length inconsistent")       \
	X(BAD_NEXT_HDR, "bad-next-header", "next header does not fit mode")   \
	X(DUMMY, "dummy", "dummy packet, next header 59 (RFC 4303 2.6)")      \
	X(MALFORMED, "malformed", "IP header invalid or truncated")           \
	X(FRAGMENT, "fragment", "outer IP fragment; no reassembly")           \
	X(ENCAP_MISMATCH, "encap-mismatch", "UDP encapsulation or port "      \
	  "does not match the SA")                                            \
	X(ECN, "ecn", "outer CE on a Not-ECT inner packet (RFC 6040)")        \
	X(NO_ROOM, "no-room", "no headroom or tailroom in the mbuf")          \
	X(CRYPTO, "crypto-error", "IPsec-MB rejected the job")               \
	X(SEQ_EXHAUSTED, "seq-exhausted", "sequence numbers used up")         \
	X(SA_EXPIRED, "sa-expired", "hard byte or packet lifetime reached")   \
	X(POLICY_MISMATCH, "policy-mismatch", "inner packet outside the "    \
	  "SA's traffic selectors")                                           \
	X(POLICY_DISCARD, "policy-discard", "policy action discard")          \
	X(NO_ROUTE, "no-route", "no route to the destination")                \
	X(NO_NEIGHBOUR, "no-neighbour", "next hop not resolved")              \
	X(RING_FULL, "ring-full", "hand-off or TX ring full")                 \
	X(TX_FULL, "tx-full", "port did not take the packet")

enum esp_drop {
#define ESP_DROP_ENUM(id, name, help) ESP_DROP_##id,
	ESP_DROP_TABLE(ESP_DROP_ENUM)
#undef ESP_DROP_ENUM
	ESP_DROP_COUNT
};

/* The CLI spelling of a reason; "unknown" for out-of-range values. */
static inline const char *esp_drop_name(unsigned int why)
{
	static const char *const names[ESP_DROP_COUNT] = {
#define ESP_DROP_NAME(id, name, help) [ESP_DROP_##id] = name,
		ESP_DROP_TABLE(ESP_DROP_NAME)
#undef ESP_DROP_NAME
	};

	return why < ESP_DROP_COUNT ? names[why] : "unknown";
}

/* One sentence for the operator, for `espgwctl ... drops --verbose`. */
static inline const char *esp_drop_help(unsigned int why)
{
	static const char *const help[ESP_DROP_COUNT] = {
#define ESP_DROP_HELP(id, name, text) [ESP_DROP_##id] = text,
		ESP_DROP_TABLE(ESP_DROP_HELP)
#undef ESP_DROP_HELP
	};

	return why < ESP_DROP_COUNT ? help[why] : "unknown";
}

#endif
