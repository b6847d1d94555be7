/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Typed values out of libconfig settings, and the one error format.
 *
 * XXX libconfig 1.5 (Debian 12) silently wraps integer literals beyond
 * 32 bits unless they carry an L suffix (4294967295L); a wrapped value that
 * turns negative is caught below as out of range, one that wraps to a
 * small positive number is not.
 */
#include "config_reader.h"

#include <string.h>

#include "duration.h"

static void verror(struct cfg_reader *rd, const char *file, unsigned int line,
		   const char *object, const char *fmt, va_list ap)
{
	rd->n_errors++;
	if (!rd->errors)
		return;
	/* libconfig keeps an @include'd file's name as written. */
	if (file && file[0] != '/' && rd->dir && strcmp(file, rd->path) != 0)
		fprintf(rd->errors, "%s/", rd->dir);
	fprintf(rd->errors, "%s:%u: %s: ", file ? file : rd->path, line,
		object);
	vfprintf(rd->errors, fmt, ap);
	fputc('\n', rd->errors);
}

void rd_error(struct cfg_reader *rd, const config_setting_t *where,
	      const char *object, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(rd, config_setting_source_file(where),
	       config_setting_source_line(where), object, fmt, ap);
	va_end(ap);
}

void rd_error_at(struct cfg_reader *rd, const char *file, unsigned int line,
		 const char *object, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(rd, file, line, object, fmt, ap);
	va_end(ap);
}

void rd_error_line(struct cfg_reader *rd, unsigned int line,
		   const char *object, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(rd, NULL, line, object, fmt, ap);
	va_end(ap);
}

static const char *type_name(const config_setting_t *s)
{
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_GROUP:
		return "a group";
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		return "an integer";
	case CONFIG_TYPE_FLOAT:
		return "a floating-point number";
	case CONFIG_TYPE_STRING:
		return "a string";
	case CONFIG_TYPE_BOOL:
		return "a boolean";
	case CONFIG_TYPE_ARRAY:
		return "an array";
	case CONFIG_TYPE_LIST:
		return "a list";
	}
	return "nothing";
}

const config_setting_t *rd_list(struct cfg_reader *rd,
				const config_setting_t *parent,
				const char *path, const char *key,
				unsigned int *n)
{
	const config_setting_t *s = config_setting_get_member(parent, key);
	char object[64];

	*n = 0;
	if (!s)
		return NULL;
	if (config_setting_is_list(s) ||
	    (config_setting_is_array(s) && config_setting_length(s) == 0)) {
		*n = (unsigned int)config_setting_length(s);
		return s;
	}
	snprintf(object, sizeof(object), "%s.%s", path, key);
	rd_error(rd, s, object, "wrong type (%s); expected a list of groups "
		 "( { ... }, { ... } )", type_name(s));
	return NULL;
}

const config_setting_t *rd_group(struct cfg_reader *rd,
				 const config_setting_t *parent,
				 const char *path, const char *key)
{
	const config_setting_t *s = config_setting_get_member(parent, key);
	char object[64];

	if (!s || config_setting_is_group(s))
		return s;
	snprintf(object, sizeof(object), "%s%s%s", path, *path ? "." : "",
		 key);
	rd_error(rd, s, object, "wrong type (%s); expected a group { ... }",
		 type_name(s));
	return NULL;
}

bool obj_start(struct cfg_obj *o, struct cfg_reader *rd,
	       const config_setting_t *set, const char *path, int idx)
{
	o->rd = rd;
	o->set = set;
	if (idx < 0)
		snprintf(o->label, sizeof(o->label), "%s", path);
	else
		snprintf(o->label, sizeof(o->label), "%s[%d]", path, idx);
	if (config_setting_is_group(set))
		return true;
	rd_error(rd, set, o->label, "wrong type (%s); expected a group { ... }",
		 type_name(set));
	return false;
}

void obj_error(struct cfg_obj *o, const char *key, const char *fmt, ...)
{
	const config_setting_t *at = config_setting_get_member(o->set, key);
	char object[sizeof(o->label) + CFG_NAME_MAX];
	va_list ap;

	if (!at)
		at = o->set;
	snprintf(object, sizeof(object), "%s: %s", o->label, key);
	va_start(ap, fmt);
	verror(o->rd, config_setting_source_file(at),
	       config_setting_source_line(at), object, fmt, ap);
	va_end(ap);
}

static void join(const char *const *words, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (; *words && used + 1 < len; words++) {
		int n = snprintf(buf + used, len - used, "%s%s",
				 used ? ", " : "", *words);

		if (n < 0)
			break;
		used += (size_t)n;
	}
}

void obj_keys(struct cfg_obj *o, const char *const *known)
{
	char list[512];
	int n = config_setting_length(o->set);

	for (int i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(o->set, i);
		const char *key = config_setting_name(s);
		const char *const *k = known;

		while (*k && strcmp(*k, key) != 0)
			k++;
		if (*k)
			continue;
		join(known, list, sizeof(list));
		rd_error(o->rd, s, o->label, "unknown key \"%s\"; expected one "
			 "of %s", key, list);
	}
}

void obj_missing(struct cfg_obj *o, const char *key, const char *expected)
{
	obj_error(o, key, "missing; expected %s", expected);
}

/* The member key if it has one of the types wanted, else NULL (and an
 * error when present with another type). */
static const config_setting_t *member(struct cfg_obj *o, const char *key,
				      int t1, int t2, const char *expected)
{
	const config_setting_t *s = config_setting_get_member(o->set, key);

	if (!s)
		return NULL;
	if (config_setting_type(s) == t1 || config_setting_type(s) == t2)
		return s;
	obj_error(o, key, "wrong type (%s); expected %s", type_name(s),
		  expected);
	return NULL;
}

static const char *string_member(struct cfg_obj *o, const char *key,
				 const char *expected)
{
	const config_setting_t *s =
		member(o, key, CONFIG_TYPE_STRING, -1, expected);

	return s ? config_setting_get_string(s) : NULL;
}

bool obj_string(struct cfg_obj *o, const char *key, char *buf, size_t len)
{
	const char *v = string_member(o, key, "a string");

	if (!v)
		return false;
	if (v[0] == '\0' || strlen(v) >= len) {
		obj_error(o, key, "wrong length %zu; expected a string of 1 to "
			  "%zu characters", strlen(v), len - 1);
		return false;
	}
	memcpy(buf, v, strlen(v) + 1);
	return true;
}

bool obj_strdup(struct cfg_obj *o, const char *key, char **out)
{
	const char *v = string_member(o, key, "a string");

	if (!v)
		return false;
	*out = strdup(v);
	if (!*out) {
		obj_error(o, key, "out of memory; expected a smaller file");
		return false;
	}
	return true;
}

static bool name_char_ok(char c)
{
	return c > ' ' && c < 0x7f && c != ',' && c != '"';
}

bool obj_name(struct cfg_obj *o, char *name)
{
	size_t n, len;

	if (!config_setting_get_member(o->set, "name")) {
		obj_missing(o, "name", "a unique name for this object");
		return false;
	}
	if (!obj_string(o, "name", name, CFG_NAME_MAX))
		return false;
	len = strlen(name);
	for (n = 0; n < len && name_char_ok(name[n]); n++)
		;
	if (n < len) {
		obj_error(o, "name", "character %zu is not allowed; expected "
			  "printable characters without blanks, commas or "
			  "quotes", n + 1);
		name[0] = '\0';
		return false;
	}
	n = strlen(o->label);
	snprintf(o->label + n, sizeof(o->label) - n, " \"%s\"", name);
	return true;
}

bool obj_bool(struct cfg_obj *o, const char *key, bool *out)
{
	const config_setting_t *s = member(o, key, CONFIG_TYPE_BOOL, -1,
					   "true or false");

	if (!s)
		return false;
	*out = config_setting_get_bool(s);
	return true;
}

static bool in_range(struct cfg_obj *o, const char *key, long long v,
		     uint64_t min, uint64_t max)
{
	if (v >= 0 && (uint64_t)v >= min && (uint64_t)v <= max)
		return true;
	obj_error(o, key, "%lld is out of range; expected an integer from "
		  "%llu to %llu", v, (unsigned long long)min,
		  (unsigned long long)max);
	return false;
}

bool obj_uint(struct cfg_obj *o, const char *key, uint64_t min,
	      uint64_t max, uint64_t *out)
{
	const config_setting_t *s = member(o, key, CONFIG_TYPE_INT,
					   CONFIG_TYPE_INT64, "an integer");
	long long v;

	if (!s)
		return false;
	v = config_setting_get_int64(s);
	if (!in_range(o, key, v, min, max))
		return false;
	*out = (uint64_t)v;
	return true;
}

bool obj_duration(struct cfg_obj *o, const char *key, uint64_t min,
		  uint64_t max, uint64_t *out)
{
	const config_setting_t *s = config_setting_get_member(o->set, key);
	const char *why;
	uint64_t v;

	if (s && config_setting_type(s) != CONFIG_TYPE_STRING)
		return obj_uint(o, key, min, max, out);
	s = member(o, key, CONFIG_TYPE_STRING, -1, "a duration");
	if (!s)
		return false;
	if (!duration_parse(config_setting_get_string(s), &v, &why)) {
		obj_error(o, key, "bad duration \"%s\" (%s); expected seconds "
			  "or a RouterOS duration such as 30m, 8h, 1w2d or "
			  "1d 00:00:00", config_setting_get_string(s), why);
		return false;
	}
	if (v < min || v > max) {
		obj_error(o, key, "%llu seconds is out of range; expected "
			  "%llu to %llu seconds", (unsigned long long)v,
			  (unsigned long long)min, (unsigned long long)max);
		return false;
	}
	*out = v;
	return true;
}

bool obj_enum(struct cfg_obj *o, const char *key, const char *const *names,
	      int *out)
{
	char list[256];
	const char *v = string_member(o, key, "a string");

	if (!v)
		return false;
	for (int i = 0; names[i]; i++) {
		if (strcmp(names[i], v) == 0) {
			*out = i;
			return true;
		}
	}
	join(names, list, sizeof(list));
	obj_error(o, key, "unknown value \"%s\"; expected one of %s", v, list);
	return false;
}

bool obj_addr(struct cfg_obj *o, const char *key, struct ip_addr *out)
{
	const char *v = string_member(o, key, "an IP address string");
	struct ip_addr a;

	if (!v)
		return false;
	if (!addr_parse(v, &a)) {
		obj_error(o, key, "bad address \"%s\"; expected an IPv4 or "
			  "IPv6 address such as 192.0.2.1 or 2001:db8::1", v);
		return false;
	}
	*out = a;
	return true;
}

bool obj_prefix(struct cfg_obj *o, const char *key, struct ip_prefix *out)
{
	const char *v = string_member(o, key, "an address/length string");
	struct ip_prefix p;

	if (!v)
		return false;
	if (!prefix_parse(v, &p)) {
		obj_error(o, key, "bad prefix \"%s\"; expected an address with "
			  "an optional length and no host bits, such as "
			  "10.0.0.0/24", v);
		return false;
	}
	*out = p;
	return true;
}

bool obj_port(struct cfg_obj *o, const char *key, uint16_t *out)
{
	const config_setting_t *s = config_setting_get_member(o->set, key);
	uint64_t v;

	if (s && config_setting_type(s) == CONFIG_TYPE_STRING) {
		if (strcmp(config_setting_get_string(s), "any") == 0) {
			*out = CFG_PORT_ANY;
			return true;
		}
		obj_error(o, key, "unknown port \"%s\"; expected \"any\" or "
			  "an integer from 0 to 65535",
			  config_setting_get_string(s));
		return false;
	}
	if (!obj_uint(o, key, 0, 65535, &v))
		return false;
	*out = (uint16_t)v;
	return true;
}

static const struct {
	const char *name;
	uint8_t number;
} protocols[] = {
	{ "all", CFG_PROTO_ANY }, { "icmp", 1 },  { "tcp", 6 },
	{ "udp", 17 },            { "gre", 47 },  { "ipsec-esp", 50 },
	{ "ipv6-icmp", 58 },      { "sctp", 132 },
};

bool obj_protocol(struct cfg_obj *o, const char *key, uint8_t *out)
{
	const config_setting_t *s = config_setting_get_member(o->set, key);
	uint64_t v;

	if (s && config_setting_type(s) == CONFIG_TYPE_STRING) {
		const char *name = config_setting_get_string(s);

		for (size_t i = 0; i < sizeof(protocols) / sizeof(*protocols);
		     i++) {
			if (strcmp(protocols[i].name, name) == 0) {
				*out = protocols[i].number;
				return true;
			}
		}
		obj_error(o, key, "unknown protocol \"%s\"; expected all, "
			  "icmp, tcp, udp, gre, ipsec-esp, ipv6-icmp, sctp "
			  "or a number from 0 to 255", name);
		return false;
	}
	if (!obj_uint(o, key, 0, 255, &v))
		return false;
	/* RouterOS shows "all" as protocol 255. */
	*out = v == 255 ? CFG_PROTO_ANY : (uint8_t)v;
	return true;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Never quotes the value: it is key material. */
bool obj_hex(struct cfg_obj *o, const char *key, uint8_t *out, size_t max,
	     size_t *len)
{
	const char *v = string_member(o, key, "a string of hex digits");
	size_t n;

	if (!v)
		return false;
	if (v[0] == '0' && (v[1] == 'x' || v[1] == 'X'))
		v += 2;
	n = strlen(v);
	if (n == 0 || n % 2 || n / 2 > max) {
		obj_error(o, key, "%zu hex digits; expected an even number, "
			  "at most %zu", n, max * 2);
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (hex_value(v[i]) < 0) {
			obj_error(o, key, "character %zu is not a hex digit; "
				  "expected 0-9 and a-f only", i + 1);
			return false;
		}
	}
	for (size_t i = 0; i < n / 2; i++)
		out[i] = (uint8_t)(hex_value(v[2 * i]) << 4 |
				   hex_value(v[2 * i + 1]));
	*len = n / 2;
	return true;
}
