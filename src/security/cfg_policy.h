/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_CFG_POLICY_H
#define VSW_CFG_POLICY_H

/**
 * @file
 * Config items of the port policies (cfg_policy.c): a port's "security" and "pvlan" objects
 * and the top-level "acl" list. cfg_parse.c puts them in its tables; cfg_check() calls
 * cfg_check_policy(). The parsers follow cfg_item_fn, the writers cfg_emit_fn.
 */

#include "cfg.h"

/** "ports[i].security" (obj: struct cfg_port; absent: defaults by port type). */
int cfg_parse_security(json_t *v, void *obj, const char *path, struct ctrl_err *e);
/** Writer of "ports[i].security". */
json_t *cfg_emit_security(const void *obj);

/** "ports[i].pvlan" (obj: struct cfg_port). */
int cfg_parse_pvlan(json_t *v, void *obj, const char *path, struct ctrl_err *e);
/** Writer of "ports[i].pvlan" (omitted for an ordinary port). */
json_t *cfg_emit_pvlan(const void *obj);

/** "acl" (obj: struct vsw_config). */
int cfg_parse_acl(json_t *v, void *obj, const char *path, struct ctrl_err *e);
/** Writer of "acl". */
json_t *cfg_emit_acl(const void *obj);

/**
 * Cross-field rules of the policies of @p c: a VM port without MAC spoofing names its MACs,
 * private VLAN roles are consistent, every rule names a port (resolves port_idx).
 * @return 0 or -EINVAL with @p e naming the field.
 */
int cfg_check_policy(struct vsw_config *c, struct ctrl_err *e);

/**
 * The selector keys of JSON object @p obj (local_mac, remote_mac, local_ip, remote_ip,
 * protocol, local_port, remote_port; no other key may be present) into @p sel (zeroed
 * first; protocol and ports allowed as in an extended rule). For classifiers in the ACL
 * vocabulary other than the port ACLs (IPsec SPDs). @return 0 or -EINVAL with @p e.
 */
int cfg_acl_selector_parse(json_t *obj, struct cfg_acl *sel, const char *path, struct ctrl_err *e);

/** The selector keys of @p sel as a JSON object (new reference). */
json_t *cfg_acl_selector_emit(const struct cfg_acl *sel);

/** MAC @p v (a JSON string) into @p mac: a non-zero unicast address, else -EINVAL. */
int cfg_mac_parse(json_t *v, uint8_t *mac, const char *path, struct ctrl_err *e);

/** MAC @p m as a JSON string "xx:xx:xx:xx:xx:xx" (new reference). */
json_t *cfg_mac_json(const uint8_t *m);

/** Names of the port mirroring roles, for the "mirror" item. */
extern const char *const cfg_mirror_names[];

#endif
