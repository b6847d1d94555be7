/* SPDX-License-Identifier: BSD-3-Clause */
#include "algo.h"

#include <stdio.h>
#include <string.h>

static const struct algo algos[ALGO_COUNT] = {
#define ALGO_ENTRY(id_, type_, iana_, name_, alias_, key_, salt_, out_, iv_,  \
		   flags_)                                                     \
	[ALGO_##id_] = { .id = ALGO_##id_,                                     \
			 .type = type_,                                        \
			 .iana = iana_,                                        \
			 .name = name_,                                        \
			 .alias = alias_,                                      \
			 .key_len = key_,                                      \
			 .salt_len = salt_,                                    \
			 .out_len = out_,                                      \
			 .iv_len = iv_,                                        \
			 .flags = flags_ },
	ALGO_TABLE(ALGO_ENTRY)
#undef ALGO_ENTRY
};

const struct algo *algo_by_id(enum algo_id id)
{
	if (id <= ALGO_INVALID || id >= ALGO_COUNT)
		return NULL;
	return &algos[id];
}

const struct algo *algo_by_name(enum algo_type type, const char *name)
{
	for (int i = ALGO_INVALID + 1; i < ALGO_COUNT; i++) {
		const struct algo *a = &algos[i];

		if (a->type != type)
			continue;
		if (strcmp(a->name, name) == 0 ||
		    (a->alias && strcmp(a->alias, name) == 0))
			return a;
	}
	return NULL;
}

const struct algo *algo_by_iana(enum algo_type type, uint16_t iana,
				uint16_t key_bits)
{
	for (int i = ALGO_INVALID + 1; i < ALGO_COUNT; i++) {
		const struct algo *a = &algos[i];

		if (a->type != type || a->iana != iana)
			continue;
		/* Only ENCR transforms carry a Key Length attribute. */
		if (type == ALGO_ENCR && a->key_len * 8u != key_bits)
			continue;
		return a;
	}
	return NULL;
}

const char *algo_type_name(enum algo_type type)
{
	switch (type) {
	case ALGO_ENCR:
		return "encryption";
	case ALGO_PRF:
		return "prf";
	case ALGO_INTEG:
		return "integrity";
	case ALGO_DH:
		return "dh-group";
	}
	return "unknown";
}

char *algo_names(enum algo_type type, unsigned int mask, char *buf,
		 size_t len)
{
	size_t used = 0;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	for (int i = ALGO_INVALID + 1; i < ALGO_COUNT; i++) {
		const struct algo *a = &algos[i];
		int n;

		if (a->type != type || !(a->flags & mask))
			continue;
		n = snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
			     a->name);
		if (n < 0 || (size_t)n >= len - used) {
			buf[used] = '\0'; /* drop the name that did not fit */
			break;
		}
		used += (size_t)n;
	}
	return buf;
}
