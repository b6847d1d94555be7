/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The plain parameters an ESP SA is installed from: what the channel or the
 * configuration hands the data plane.  Fixed layout, no pointers; keys in
 * the byte order of KEYMAT (RFC 7296 section 2.17).
 */
#ifndef ESPGW_ESP_PARAMS_H
#define ESPGW_ESP_PARAMS_H

#include <stdint.h>

#include "addr.h"
#include "algo.h"

enum esp_dir {
	ESP_DIR_IN = 1,
	ESP_DIR_OUT = 2,
};

enum esp_mode {
	ESP_MODE_TUNNEL = 1,
	ESP_MODE_TRANSPORT = 2,
};

#define ESP_CIPHER_KEY_MAX 32 /* AES-256 */
#define ESP_AUTH_KEY_MAX   64 /* HMAC-SHA-512-256, RFC 4868 */
#define ESP_SALT_LEN       4  /* RFC 4106 section 8.1 */

#define ESP_REPLAY_MIN     64
#define ESP_REPLAY_MAX     4096
#define ESP_TTL_DEFAULT    64
#define ESP_NATT_PORT      4500 /* RFC 3948 */

/* Byte and packet limits; 0 means no limit (RFC 4301 section 4.4.2.1). */
struct esp_lifetime {
	uint64_t soft_bytes;
	uint64_t hard_bytes;
	uint64_t soft_packets;
	uint64_t hard_packets;
};

struct esp_params {
	uint32_t spi;       /* host byte order; never 0..255 (RFC 4303 2.1) */
	uint8_t dir;        /* enum esp_dir */
	uint8_t mode;       /* enum esp_mode */
	uint8_t esn;        /* 1: 64-bit extended sequence numbers */
	uint8_t natt;       /* 1: ESP in UDP, RFC 3948 */
	/*
	 * Outer addresses: tunnel end points in tunnel mode; in transport
	 * mode only their family is used (the packet carries its own).
	 */
	struct ip_addr local;
	struct ip_addr remote;
	uint16_t local_port;  /* NAT-T, host order; 0: ESP_NATT_PORT */
	uint16_t remote_port; /* NAT-T, the peer's (translated) port */
	uint16_t cipher;      /* enum algo_id, ALGO_ENCR */
	uint16_t integ;       /* enum algo_id, ALGO_INTEG; 0 with AEAD */
	uint16_t replay_window; /* packets, ESP_REPLAY_MIN..ESP_REPLAY_MAX */
	uint8_t ttl;          /* outer TTL or hop limit; 0: ESP_TTL_DEFAULT */
	uint8_t pad0;
	uint8_t cipher_key[ESP_CIPHER_KEY_MAX];
	uint8_t salt[ESP_SALT_LEN]; /* AES-GCM: last 4 bytes of its KEYMAT */
	uint8_t auth_key[ESP_AUTH_KEY_MAX];
	struct esp_lifetime life;
};

#endif
