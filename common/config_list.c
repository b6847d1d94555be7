/* SPDX-License-Identifier: BSD-3-Clause */
/* Lists of values, algorithm names and references by name. */
#include "config_reader.h"

#include <string.h>

#define ITEM_MAX 256 /* one item of a list, with the NUL */

static bool call(struct cfg_obj *o, const char *key, const char *item,
		 obj_item_fn fn, void *arg)
{
	if (item[0] == '\0') {
		obj_error(o, key, "empty item in list; expected items "
			  "separated by single commas");
		return false;
	}
	return fn(o, key, item, arg);
}

/* "sha256, sha1" as RouterOS writes lists. */
static bool each_in_string(struct cfg_obj *o, const char *key,
			   const char *v, unsigned int max, obj_item_fn fn,
			   void *arg)
{
	unsigned int count = 0;
	bool ok = true;

	while (ok) {
		char item[ITEM_MAX];
		size_t len = strcspn(v, ",");

		while (len && (v[len - 1] == ' ' || v[len - 1] == '\t'))
			len--;
		if (len >= sizeof(item) || ++count > max) {
			obj_error(o, key, "too long; expected at most %u items "
				  "of %d characters", max, ITEM_MAX - 1);
			return false;
		}
		memcpy(item, v, len);
		item[len] = '\0';
		ok = call(o, key, item, fn, arg);
		v += strcspn(v, ",");
		if (*v == '\0')
			break;
		v++;
		while (*v == ' ' || *v == '\t')
			v++;
	}
	return ok;
}

bool obj_each(struct cfg_obj *o, const char *key, unsigned int max,
	      obj_item_fn fn, void *arg)
{
	const config_setting_t *s = config_setting_get_member(o->set, key);
	unsigned int n;
	bool ok = true;

	if (!s)
		return false;
	if (config_setting_type(s) == CONFIG_TYPE_STRING)
		return each_in_string(o, key, config_setting_get_string(s),
				      max, fn, arg);
	if (!config_setting_is_array(s) && !config_setting_is_list(s)) {
		obj_error(o, key, "wrong type; expected a string or an array "
			  "of strings");
		return false;
	}
	n = (unsigned int)config_setting_length(s);
	if (n > max) {
		obj_error(o, key, "%u items; expected at most %u", n, max);
		return false;
	}
	for (unsigned int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, i);

		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			obj_error(o, key, "item %u is not a string; expected "
				  "an array of strings", i + 1);
			ok = false;
			continue;
		}
		ok = call(o, key, config_setting_get_string(e), fn, arg) && ok;
	}
	return ok;
}

struct algo_list {
	enum algo_type type;
	unsigned int mask;
	enum algo_id *out;
	unsigned int n;
};

static const struct algo *find_algo(struct cfg_obj *o, const char *key,
				    enum algo_type type, unsigned int mask,
				    const char *name)
{
	const struct algo *a = algo_by_name(type, name);
	char names[256];

	if (a && (a->flags & mask))
		return a;
	algo_names(type, mask, names, sizeof(names));
	obj_error(o, key, "unsupported %s algorithm \"%s\"; expected one of "
		  "%s", algo_type_name(type), name, names);
	return NULL;
}

static bool add_algo(struct cfg_obj *o, const char *key, const char *item,
		     void *arg)
{
	struct algo_list *l = arg;
	const struct algo *a = find_algo(o, key, l->type, l->mask, item);

	if (!a)
		return false;
	for (unsigned int i = 0; i < l->n; i++) {
		if (l->out[i] == a->id) {
			obj_error(o, key, "\"%s\" is listed twice; expected "
				  "each algorithm once", item);
			return false;
		}
	}
	l->out[l->n++] = a->id;
	return true;
}

bool obj_algos(struct cfg_obj *o, const char *key, enum algo_type type,
	       unsigned int mask, enum algo_id *out, unsigned int *n)
{
	enum algo_id ids[CFG_MAX_LIST];
	struct algo_list l = { type, mask, ids, 0 };

	if (!obj_each(o, key, CFG_MAX_LIST, add_algo, &l))
		return false;
	memcpy(out, ids, l.n * sizeof(*ids));
	*n = l.n;
	return true;
}

bool obj_algo(struct cfg_obj *o, const char *key, enum algo_type type,
	      unsigned int mask, enum algo_id *out)
{
	char name[ITEM_MAX];
	const struct algo *a;

	if (!obj_string(o, key, name, sizeof(name)))
		return false;
	a = find_algo(o, key, type, mask, name);
	if (!a)
		return false;
	*out = a->id;
	return true;
}

struct addr_list {
	struct ip_addr out[CFG_MAX_LIST];
	struct ip_prefix pout[CFG_MAX_LIST];
	unsigned int n;
};

static bool add_addr(struct cfg_obj *o, const char *key, const char *item,
		     void *arg)
{
	struct addr_list *l = arg;

	if (addr_parse(item, &l->out[l->n])) {
		l->n++;
		return true;
	}
	obj_error(o, key, "bad address \"%s\"; expected an IPv4 or IPv6 "
		  "address such as 192.0.2.1 or 2001:db8::1", item);
	return false;
}

bool obj_addrs(struct cfg_obj *o, const char *key, struct ip_addr *out,
	       unsigned int *n)
{
	struct addr_list l = { .n = 0 };

	if (!obj_each(o, key, CFG_MAX_LIST, add_addr, &l))
		return false;
	memcpy(out, l.out, l.n * sizeof(*out));
	*n = l.n;
	return true;
}

static bool add_prefix(struct cfg_obj *o, const char *key, const char *item,
		       void *arg)
{
	struct addr_list *l = arg;

	if (prefix_parse(item, &l->pout[l->n])) {
		l->n++;
		return true;
	}
	obj_error(o, key, "bad prefix \"%s\"; expected an address with an "
		  "optional length and no host bits, such as 10.0.0.0/24",
		  item);
	return false;
}

bool obj_prefixes(struct cfg_obj *o, const char *key, struct ip_prefix *out,
		  unsigned int *n)
{
	struct addr_list l = { .n = 0 };

	if (!obj_each(o, key, CFG_MAX_LIST, add_prefix, &l))
		return false;
	memcpy(out, l.pout, l.n * sizeof(*out));
	*n = l.n;
	return true;
}

static const char *name_at(struct cfg_names names, unsigned int i)
{
	return (const char *)names.base + i * names.stride;
}

int cfg_find(struct cfg_names names, const char *name)
{
	for (unsigned int i = 0; i < names.n; i++) {
		if (strcmp(name_at(names, i), name) == 0)
			return (int)i;
	}
	return -1;
}

static void list_names(struct cfg_names names, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < names.n; i++) {
		const char *name = name_at(names, i);
		int n;

		if (name[0] == '\0')
			continue;
		n = snprintf(buf + used, len - used, "%s\"%s\"",
			     used ? ", " : "", name);
		if (n < 0 || (size_t)n >= len - used) {
			buf[used] = '\0';
			break;
		}
		used += (size_t)n;
	}
}

bool obj_ref(struct cfg_obj *o, const char *key, struct cfg_names names,
	     int *idx)
{
	char name[CFG_NAME_MAX];
	char list[400];
	int i;

	if (!obj_string(o, key, name, sizeof(name)))
		return false;
	i = cfg_find(names, name);
	if (i >= 0) {
		*idx = i;
		return true;
	}
	list_names(names, list, sizeof(list));
	if (list[0] == '\0')
		obj_error(o, key, "no %s named \"%s\"; expected the name of "
			  "one in %s, which has none", names.what, name,
			  names.path);
	else
		obj_error(o, key, "no %s named \"%s\"; expected one of %s "
			  "(%s)", names.what, name, list, names.path);
	return false;
}
