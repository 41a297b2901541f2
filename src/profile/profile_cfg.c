/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <rte_ether.h>

#include "cfg.h"
#include "cfg_schema.h"
#include "profile_cfg.h"

const char *const profile_keys[] = { "vlan", "security", "pvlan", "mirror", NULL };

static bool
is_profile_key(const char *k)
{
	const char *const *p;

	for (p = profile_keys; *p != NULL; p++)
		if (strcmp(*p, k) == 0)
			return true;
	return false;
}

/* Checks profile @p o at @p path: its keys, and its values as a port's. */
static int
profile_check(json_t *o, const char *path, struct ctrl_err *e)
{
	struct cfg_port port;
	const char *k;
	char sub[256];
	json_t *v, *probe;
	int rc;

	if (!json_is_object(o))
		return ctrl_errf(e, path, "expected a profile object {name, vlan, security, pvlan, "
				"mirror}");
	v = json_object_get(o, "name");
	if (!json_is_string(v) || json_string_length(v) == 0 ||
			json_string_length(v) >= CFG_NAME_LEN) {
		cfg_path_key(sub, sizeof(sub), path, "name");
		return ctrl_errf(e, sub, "expected a name of 1..%d characters", CFG_NAME_LEN - 1);
	}
	json_object_foreach(o, k, v) {
		if (strcmp(k, "name") != 0 && !is_profile_key(k)) {
			cfg_path_key(sub, sizeof(sub), path, k);
			return ctrl_errf(e, sub, "unknown key (known: name, vlan, security, pvlan, "
					"mirror)");
		}
	}
	/* Its values are checked as a port's would be: the same parser, the same paths. */
	probe = json_deep_copy(o);
	if (probe == NULL)
		return ctrl_nomem(e, path, "out of memory");
	json_object_set_new(probe, "type", json_string("dpdk"));
	rc = cfg_port_parse_obj(probe, &port, path, e);
	json_decref(probe);
	return rc;
}

int
profile_cfg_parse(json_t *v, json_t **out, const char *path, struct ctrl_err *e)
{
	char sub[256], sub2[256];
	json_t *o, *o2;
	size_t i, j;

	*out = NULL;
	if (v == NULL)
		return 0;
	if (!json_is_array(v) || json_array_size(v) > PROFILE_MAX)
		return ctrl_errf(e, path, "expected an array of at most %d profile objects",
				PROFILE_MAX);
	json_array_foreach(v, i, o) {
		snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
		if (profile_check(o, sub, e) != 0)
			return -EINVAL;
		for (j = 0; j < i; j++) {
			o2 = json_array_get(v, j);
			if (strcmp(json_string_value(json_object_get(o, "name")),
					json_string_value(json_object_get(o2, "name"))) == 0) {
				cfg_path_key(sub2, sizeof(sub2), sub, "name");
				return ctrl_errf(e, sub2, "profile name used twice (also $.profiles[%zu])",
						j);
			}
		}
	}
	*out = json_deep_copy(v);
	return *out != NULL ? 0 : ctrl_nomem(e, path, "out of memory");
}

/* Whether MAC text @p a and @p b are the same address. */
static bool
mac_eq(const char *a, const char *b)
{
	struct rte_ether_addr x, y;

	return rte_ether_unformat_addr(a, &x) == 0 && rte_ether_unformat_addr(b, &y) == 0 &&
		rte_is_same_ether_addr(&x, &y);
}

json_t *
profile_find(json_t *profiles, const char *key)
{
	json_t *o, *m;
	size_t i, j;

	json_array_foreach(profiles, i, o)
		if (strcmp(json_string_value(json_object_get(o, "name")), key) == 0)
			return o;
	json_array_foreach(profiles, i, o) {
		json_t *macs = json_object_get(json_object_get(o, "security"), "macs");

		json_array_foreach(macs, j, m)
			if (json_is_string(m) && mac_eq(json_string_value(m), key))
				return o;
	}
	return NULL;
}

json_t *
profile_merge(json_t *port, json_t *profiles, const char *path, struct ctrl_err *e)
{
	json_t *name = json_object_get(port, "profile"), *prof, *merged, *v;
	const char *const *k;
	char sub[256];

	cfg_path_key(sub, sizeof(sub), path, "profile");
	if (!json_is_string(name)) {
		ctrl_errf(e, sub, "expected a profile name or a MAC of one");
		return NULL;
	}
	prof = profile_find(profiles, json_string_value(name));
	if (prof == NULL) {
		ctrl_errf(e, sub, "no profile named \"%s\" or listing that MAC in $.profiles",
				json_string_value(name));
		return NULL;
	}
	for (k = profile_keys; *k != NULL; k++) {
		if (json_object_get(port, *k) != NULL) {
			cfg_path_key(sub, sizeof(sub), path, *k);
			ctrl_errf(e, sub, "set by profile \"%s\": change the profile, or remove "
					"\"profile\" from the port",
					json_string_value(json_object_get(prof, "name")));
			return NULL;
		}
	}
	merged = json_deep_copy(port);
	if (merged == NULL) {
		ctrl_nomem(e, path, "out of memory");
		return NULL;
	}
	/* The port refers to the profile by its name from now on. */
	json_object_set(merged, "profile", json_object_get(prof, "name"));
	for (k = profile_keys; *k != NULL; k++)
		if ((v = json_object_get(prof, *k)) != NULL)
			json_object_set(merged, *k, v);
	return merged;
}
