/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Logging for the daemons and the CLI: one line per event, to stderr.
 *
 * Never pass a secret (PSK, key, nonce-derived material) to these calls;
 * nothing here can tell a secret from any other string.
 */
#ifndef ESPGW_LOG_H
#define ESPGW_LOG_H

enum log_level {
	LOG_LVL_ERR,
	LOG_LVL_WARN,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG,
};

/* The program name shown in front of each line and the least severe level
 * still printed.  Defaults: "espgw", LOG_LVL_INFO. */
void log_init(const char *ident, enum log_level level);

void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_err(...)   log_msg(LOG_LVL_ERR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)

#endif
