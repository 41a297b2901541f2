/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_PROFILE_CFG_H
#define VSW_PROFILE_CFG_H

/**
 * @file
 * Port profiles (doc/migration.md): a VM's policy (vlan, security, pvlan, mirror) kept apart
 * from the port it uses, so that it follows the VM to another port, as on a live migration.
 * A port names its profile with "profile": the profile's name, or one of the MACs in the
 * profile's security.macs (the VM keyed by its MAC). The profile's keys are merged into the
 * port object before the port is parsed; a port that sets one of them itself is refused. The
 * running config keeps the "profiles" section as written and shows each such port with its
 * "profile" only.
 */

#include <jansson.h>

#include "ctrl_err.h"

/** Most profiles. */
#define PROFILE_MAX 1024

/** The port keys a profile holds, NULL-terminated. */
extern const char *const profile_keys[];

/**
 * Checks the "profiles" array @p v (names unique, only name and profile_keys, each value as a
 * port's) and stores a copy in @p out (a new reference, NULL when @p v is NULL).
 * @return 0, or -EINVAL with @p e naming the JSON path under @p path.
 */
int profile_cfg_parse(json_t *v, json_t **out, const char *path, struct ctrl_err *e);

/** The profile @p key names in @p profiles: by name, else by a MAC of its security.macs. */
json_t *profile_find(json_t *profiles, const char *key);

/**
 * Port object @p port (it has "profile") with the keys of its profile merged in: a new
 * reference, or NULL with @p e (no such profile: "<path>.profile"; a key the profile holds
 * set on the port too: "<path>.<key>").
 */
json_t *profile_merge(json_t *port, json_t *profiles, const char *path, struct ctrl_err *e);

#endif
