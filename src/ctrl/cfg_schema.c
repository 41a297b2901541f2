/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "cfg_schema.h"

void
cfg_path_key(char *buf, size_t len, const char *path, const char *key)
{
	snprintf(buf, len, "%s.%s", path, key);
}

void
cfg_path_idx(char *buf, size_t len, const char *path, size_t i)
{
	snprintf(buf, len, "%s[%zu]", path, i);
}

int
cfg_array_apply(json_t *v, size_t max, cfg_elem_fn fn, void *obj, const char *path,
		const char *what, struct ctrl_err *e)
{
	char sub[256];
	size_t i;
	json_t *a;

	if (v == NULL)
		return 0;
	if (!json_is_array(v))
		return ctrl_errf(e, path, "expected an array of %s", what);
	if (json_array_size(v) > max)
		return ctrl_errf(e, path, "at most %zu %s", max, what);
	json_array_foreach(v, i, a) {
		cfg_path_idx(sub, sizeof(sub), path, i);
		if (fn(a, i, obj, sub, e) != 0)
			return -EINVAL;
	}
	return 0;
}

static const struct cfg_item *
schema_find(const struct cfg_item *tbl, const char *key)
{
	for (; tbl->key != NULL; tbl++)
		if (strcmp(tbl->key, key) == 0)
			return tbl;
	return NULL;
}

/* Lists the keys of @p tbl into @p buf, for "unknown key" errors. */
static void
schema_keys(const struct cfg_item *tbl, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (; tbl->key != NULL && o < len; tbl++)
		o += snprintf(buf + o, len - o, "%s%s", o ? ", " : "", tbl->key);
}

static int
item_default(const struct cfg_item *it, void *dst, const char *path, struct ctrl_err *e)
{
	char *f = (char *)dst + it->off;

	if (it->required)
		return ctrl_errf(e, path, "required key is missing");
	switch (it->type) {
	case CFG_T_UINT:
	case CFG_T_ENUM:
		*(uint32_t *)f = (uint32_t)it->def;
		return 0;
	case CFG_T_BOOL:
		*(bool *)f = it->def != 0;
		return 0;
	case CFG_T_STR:
		snprintf(f, it->size, "%s", it->def_str != NULL ? it->def_str : "");
		return 0;
	case CFG_T_FUNC:
		return it->fn(NULL, dst, path, e);
	}
	return ctrl_errf(e, path, "internal: bad item type");
}

static int
item_parse(const struct cfg_item *it, json_t *v, void *dst, const char *path, struct ctrl_err *e)
{
	char *f = (char *)dst + it->off;
	const char *s;
	json_int_t n;
	size_t i;

	switch (it->type) {
	case CFG_T_UINT:
		if (!json_is_integer(v))
			return ctrl_errf(e, path, "expected an integer");
		n = json_integer_value(v);
		if (n < 0 || (uint64_t)n < it->min || (uint64_t)n > it->max)
			return ctrl_errf(e, path, "%" JSON_INTEGER_FORMAT " is out of range %" PRIu64
					"..%" PRIu64, n, it->min, it->max);
		*(uint32_t *)f = (uint32_t)n;
		return 0;
	case CFG_T_BOOL:
		if (!json_is_boolean(v))
			return ctrl_errf(e, path, "expected true or false");
		*(bool *)f = json_is_true(v);
		return 0;
	case CFG_T_STR:
		if (!json_is_string(v))
			return ctrl_errf(e, path, "expected a string");
		s = json_string_value(v);
		if (json_string_length(v) != strlen(s))
			return ctrl_errf(e, path, "string contains a NUL character");
		if (strlen(s) == 0 || strlen(s) >= it->size)
			return ctrl_errf(e, path, "string length must be 1..%zu", it->size - 1);
		memcpy(f, s, strlen(s) + 1);
		return 0;
	case CFG_T_ENUM:
		if (!json_is_string(v))
			return ctrl_errf(e, path, "expected a string");
		s = json_string_value(v);
		for (i = 0; it->names[i] != NULL; i++) {
			if (strcmp(s, it->names[i]) == 0) {
				*(uint32_t *)f = (uint32_t)i;
				return 0;
			}
		}
		{
			char list[256];
			size_t o = 0;

			list[0] = '\0';
			for (i = 0; it->names[i] != NULL && o < sizeof(list); i++)
				o += snprintf(list + o, sizeof(list) - o, "%s%s", i ? ", " : "",
						it->names[i]);
			return ctrl_errf(e, path, "expected one of: %s", list);
		}
	case CFG_T_FUNC:
		return it->fn(v, dst, path, e);
	}
	return ctrl_errf(e, path, "internal: bad item type");
}

int
cfg_schema_apply(json_t *obj, const struct cfg_item *tbl, void *dst, const char *path,
		struct ctrl_err *e)
{
	const struct cfg_item *it;
	char sub[256];
	const char *key;
	json_t *v;
	int rc;

	if (!json_is_object(obj))
		return ctrl_errf(e, path, "expected an object");
	json_object_foreach(obj, key, v) {
		if (schema_find(tbl, key) == NULL) {
			char keys[200];

			cfg_path_key(sub, sizeof(sub), path, key);
			schema_keys(tbl, keys, sizeof(keys));
			return ctrl_errf(e, sub, "unknown key (known: %s)", keys);
		}
	}
	for (it = tbl; it->key != NULL; it++) {
		cfg_path_key(sub, sizeof(sub), path, it->key);
		v = json_object_get(obj, it->key);
		rc = v == NULL ? item_default(it, dst, sub, e) : item_parse(it, v, dst, sub, e);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
cfg_schema_apply_opt(json_t *obj, const struct cfg_item *tbl, void *dst, const char *path,
		struct ctrl_err *e)
{
	json_t *empty;
	int rc;

	if (obj != NULL)
		return cfg_schema_apply(obj, tbl, dst, path, e);
	empty = json_object();
	rc = cfg_schema_apply(empty, tbl, dst, path, e);
	json_decref(empty);
	return rc;
}

/* The JSON value of item @p it of @p src, or NULL to omit it. */
static json_t *
item_emit(const struct cfg_item *it, const void *src)
{
	const char *f = (const char *)src + it->off;

	switch (it->type) {
	case CFG_T_UINT:
		return json_integer(*(const uint32_t *)f);
	case CFG_T_BOOL:
		return json_boolean(*(const bool *)f);
	case CFG_T_STR:
		return f[0] != '\0' ? json_string(f) : NULL;
	case CFG_T_ENUM:
		return json_string(it->names[*(const uint32_t *)f]);
	case CFG_T_FUNC:
		return it->emit != NULL ? it->emit(src) : NULL;
	}
	return NULL;
}

json_t *
cfg_schema_emit(const struct cfg_item *tbl, const void *src)
{
	json_t *o = json_object(), *v;

	for (; tbl->key != NULL; tbl++) {
		v = item_emit(tbl, src);
		if (v != NULL)
			json_object_set_new(o, tbl->key, v);
	}
	return o;
}

const struct cfg_item *
cfg_schema_restart_diff(const struct cfg_item *tbl, const void *a, const void *b)
{
	for (; tbl->key != NULL; tbl++) {
		json_t *x, *y;
		bool same;

		if (tbl->live)
			continue;
		x = item_emit(tbl, a);
		y = item_emit(tbl, b);
		same = (x == NULL && y == NULL) || (x != NULL && y != NULL && json_equal(x, y));
		json_decref(x);
		json_decref(y);
		if (!same)
			return tbl;
	}
	return NULL;
}
