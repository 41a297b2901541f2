/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_IPSEC_SPD_H
#define VSW_IPSEC_SPD_H

/**
 * @file
 * Security policy databases: per port and direction, an ordered list of entries, each a
 * selector in the ACL vocabulary (local and remote MAC, IPv4/IPv6 prefix, protocol, port
 * ranges: struct cfg_acl without weight) and an action. The first matching entry of the
 * frame's port and direction decides (RFC 4301's ordered SPD); no match means bypass.
 * Classified with rte_acl on struct dp_acl_key (acl.h: dp_acl_key_make() gives local and
 * remote by direction), one context per direction for all ports.
 *
 * Ownership: built by the control thread, read by the workers through a snapshot,
 * freed after it (immutable in between).
 */

#include <stdint.h>

#include <rte_acl.h>

#include "acl.h"
#include "cfg.h"
#include "ctrl_err.h"

/** What an SPD entry does with the frames it matches. */
enum spd_action {
	SPD_BYPASS = 0, /**< pass in the clear */
	SPD_DISCARD,    /**< drop (counted) */
	SPD_PROTECT,    /**< outbound: apply its SA; inbound: must have arrived through it */
};

/** Most entries of one SPD set (all ports and directions). */
#define SPD_MAX_ENTRIES 16384

/** One entry as the builder takes it. */
struct spd_entry {
	struct cfg_acl sel;  /**< selector: port_idx (the port slot), dir (CFG_ACL_IN or
			      *   CFG_ACL_OUT), the match fields; weight, action unused */
	uint8_t action;      /**< enum spd_action */
	uint16_t sa;         /**< SPD_PROTECT: the SA's index */
};

/** The decision of an entry, as the workers read it (index: classify result - 1). */
struct spd_res {
	uint8_t action;      /**< enum spd_action */
	uint16_t sa;         /**< SPD_PROTECT: the SA's index */
};

/** An SPD set. */
struct ipsec_spd {
	struct rte_acl_ctx *ctx[2]; /**< per direction (DP_ACL_IN, DP_ACL_OUT); NULL: empty */
	uint32_t n;                 /**< entries */
	struct spd_res *res;        /**< per entry, in order */
};

/**
 * Builds the SPD set of the @p n entries of @p e (in their order: earlier wins within a port
 * and direction). @return it, or NULL with @p err (its cause in err->rc: -ENOMEM, or -EINVAL
 * naming "$.ipsec.spd[i]").
 */
struct ipsec_spd *spd_build(const struct spd_entry *e, uint32_t n, struct ctrl_err *err);

/** Frees @p spd (NULL is fine); no worker may use it any more. */
void spd_free(struct ipsec_spd *spd);

/**
 * Classifies the @p n keys of @p keys (dp_acl_key_make() for a port and direction @p dir)
 * into @p res: the deciding entry's index + 1, or 0 (no entry: bypass).
 */
static inline void
spd_classify(const struct ipsec_spd *spd, int dir, const struct dp_acl_key *keys, uint16_t n,
		uint32_t *res)
{
	const uint8_t *data[n];
	uint16_t i;

	if (spd->ctx[dir] == NULL) {
		for (i = 0; i < n; i++)
			res[i] = 0;
		return;
	}
	for (i = 0; i < n; i++)
		data[i] = (const uint8_t *)&keys[i];
	rte_acl_classify(spd->ctx[dir], data, res, n, 1);
}

#endif
