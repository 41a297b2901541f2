/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_ACL_BUILD_H
#define VSW_ACL_BUILD_H

/**
 * @file
 * Building the ACL classifier (struct dp_acl_set, acl.h) from the "acl" rules of a config,
 * off the datapath: the control thread builds a new set, publishes a snapshot that points to
 * it, and frees the old set after the grace period (ctrl_config_apply).
 *
 * Rule priorities (rte_acl picks the highest per category; see doc/security.md):
 *   extended rules (weight > 0): ACL_PRIO_EXT + weight * ACL_PRIO_SPAN + (ACL_PRIO_SPAN - 1 -
 *     position of the rule among its port's rules), so higher weights win, then earlier rules;
 *   basic rules: specificity * ACL_PRIO_SPAN + (ACL_PRIO_SPAN - 1 - position), specificity
 *     being the bits the rule fixes (48 per MAC, the prefix lengths), so the longest match
 *     wins, then the earlier rule.
 * Allow and deny rules are in category 0, meter rules in category 1.
 */

#include <rte_acl.h>

#include "acl.h"
#include "cfg.h"
#include "ctrl_err.h"

/** Most rules per port (positions within a port). */
#define ACL_PRIO_SPAN 4096
/** Base priority of extended rules: above every basic rule. */
#define ACL_PRIO_EXT (1 << 21)

/**
 * The rte_acl fields (DP_ACL_NUM_FIELDS of @p f, struct dp_acl_key's layout) matching the
 * selector of rule @p r on port slot @p port: its MACs, addresses, protocol and port ranges.
 * Shared by every classifier with the ACL vocabulary (port ACLs, IPsec SPDs).
 */
void acl_rule_fields(struct rte_acl_field *f, const struct cfg_acl *r, uint16_t port);

/**
 * An empty rte_acl context for @p n rules of the ACL vocabulary (struct dp_acl_key), named
 * after @p what and direction @p dir. @return it, or NULL with @p e naming @p path.
 */
struct rte_acl_ctx *acl_ctx_new(const char *what, int dir, uint32_t n, const char *path,
		struct ctrl_err *e);

/**
 * Builds context @p ctx (its rules added) with @p categories result categories.
 * @return 0, or a negative errno with @p e naming @p path (-ENOMEM: the trie does not fit).
 */
int acl_ctx_finish(struct rte_acl_ctx *ctx, uint32_t categories, const char *path,
		struct ctrl_err *e);

/** Priority of rule @p r, the @p pos-th rule of its port. */
int32_t acl_rule_priority(const struct cfg_acl *r, uint32_t pos);

/**
 * Builds the classifier of the rules of @p doc. Rule i applies to port slot_of[port_idx]
 * (slot_of NULL: port_idx itself). Counter arrays are made for @p n_workers.
 * @return the set, or NULL with @p e naming the rule ("$.acl[i]") or "$.acl".
 */
struct dp_acl_set *acl_build(const struct vsw_config *doc, const int16_t *slot_of,
		uint16_t n_workers, struct ctrl_err *e);

/** Frees @p a (NULL is fine); no worker may use it any more. */
void acl_set_free(struct dp_acl_set *a);

/** Frames and bytes of rule @p i, direction @p dir, summed over the workers (and base). */
struct dp_acl_ctr acl_rule_total(const struct dp_acl_set *a, uint32_t i, int dir);

/**
 * Carries the counts of the rules of @p to_r (the @p to_n rules of set @p to) that are in
 * @p from_r unchanged (set @p from, final: no worker writes it any more) into @p to, so a
 * rule's counters survive changes of other rules. @return 0 or -ENOMEM (counts start at 0).
 */
int acl_carry(struct dp_acl_set *to, const struct cfg_acl *to_r, uint32_t to_n,
		const struct dp_acl_set *from, const struct cfg_acl *from_r, uint32_t from_n);

#endif
