/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_CFG_SCHEMA_H
#define VSW_CFG_SCHEMA_H

/**
 * @file
 * Declarative config items: each key of each JSON object is declared once, with its type,
 * bounds, default and whether it can change on a running switch. cfg_schema_apply() parses an
 * object against such a table: unknown keys, missing required keys, wrong types and
 * out-of-range values are errors naming the JSON path.
 */

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "ctrl_err.h"

/** Value types of config items. */
enum cfg_type {
	CFG_T_UINT,  /**< JSON integer stored in a uint32_t, within [min, max] */
	CFG_T_BOOL,  /**< JSON true/false stored in a bool */
	CFG_T_STR,   /**< JSON string stored in a char[size], 1..size-1 bytes */
	CFG_T_ENUM,  /**< JSON string, one of names[], stored as its index in a uint32_t */
	CFG_T_FUNC,  /**< parsed by fn (also called with v == NULL when the key is absent) */
};

/** Parser of a CFG_T_FUNC item: @p v may be NULL (absent). Returns 0 or -EINVAL. */
typedef int (*cfg_item_fn)(json_t *v, void *obj, const char *path, struct ctrl_err *e);

/** Writer of a CFG_T_FUNC item: its JSON value in @p obj (new reference), NULL: omit it. */
typedef json_t *(*cfg_emit_fn)(const void *obj);

/** One key of a JSON object. */
struct cfg_item {
	const char *key;          /**< JSON key */
	enum cfg_type type;       /**< value type */
	size_t off;               /**< offset of the field in the target struct */
	size_t size;              /**< CFG_T_STR: size of the char array */
	uint64_t min;             /**< CFG_T_UINT: smallest value */
	uint64_t max;             /**< CFG_T_UINT: largest value */
	uint64_t def;             /**< default (UINT, BOOL, ENUM index) when not required */
	const char *def_str;      /**< CFG_T_STR default, NULL: empty */
	const char *const *names; /**< CFG_T_ENUM: NULL-terminated accepted strings */
	cfg_item_fn fn;           /**< CFG_T_FUNC parser */
	cfg_emit_fn emit;         /**< CFG_T_FUNC writer (config.get, persistence) */
	bool required;            /**< the key must be present */
	bool live;                /**< may change without a restart */
	const char *help;         /**< one line for the documentation */
};

/** Terminates an item table. */
#define CFG_ITEM_END { .key = NULL }

/**
 * Parses JSON object @p obj (at JSON path @p path) into @p dst by table @p tbl.
 * @return 0, or -EINVAL with @p e naming the field.
 */
int cfg_schema_apply(json_t *obj, const struct cfg_item *tbl, void *dst, const char *path,
		struct ctrl_err *e);

/** As cfg_schema_apply(), and an absent object (@p obj NULL) takes every default. */
int cfg_schema_apply_opt(json_t *obj, const struct cfg_item *tbl, void *dst, const char *path,
		struct ctrl_err *e);

/** Parser of array element @p a, index @p i, JSON path @p path. Returns 0 or -EINVAL. */
typedef int (*cfg_elem_fn)(json_t *a, size_t i, void *obj, const char *path,
		struct ctrl_err *e);

/**
 * Parses JSON array @p v at @p path (NULL: absent, nothing to do) of at most @p max elements,
 * calling @p fn on each with its path "path[i]"; @p what names the elements in the error for
 * a non-array. @return 0, or -EINVAL with @p e from the first failing element.
 */
int cfg_array_apply(json_t *v, size_t max, cfg_elem_fn fn, void *obj, const char *path,
		const char *what, struct ctrl_err *e);

/**
 * The JSON object of @p src by table @p tbl: the inverse of cfg_schema_apply() (empty strings
 * and CFG_T_FUNC items whose writer returns NULL are omitted). @return a new reference.
 */
json_t *cfg_schema_emit(const struct cfg_item *tbl, const void *src);

/**
 * First item of @p tbl that is not live and differs between @p a and @p b (CFG_T_FUNC items
 * are compared by their written JSON). @return the item, or NULL when none differs.
 */
const struct cfg_item *cfg_schema_restart_diff(const struct cfg_item *tbl, const void *a,
		const void *b);

/** Writes "@p path.@p key" into @p buf. */
void cfg_path_key(char *buf, size_t len, const char *path, const char *key);

/** Writes "@p path[@p i]" into @p buf. */
void cfg_path_idx(char *buf, size_t len, const char *path, size_t i);

#endif
