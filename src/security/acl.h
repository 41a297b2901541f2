/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_DP_ACL_H
#define VSW_DP_ACL_H

/**
 * @file
 * Port ACLs: classification with DPDK's rte_acl, the egress ("in") ACL stage, and the
 * decision shared with the ingress security stage (sec.h).
 *
 * Ownership: a struct dp_acl_set is built by the control thread (src/security/acl_build.c) from
 * the whole rule list, referenced by the snapshot and freed only after a snapshot without it
 * was published (RCU). Workers only read it, except their own counter array ctr[w].
 *
 * Every rule of every port lives in one rte_acl context per direction; the key carries the
 * port index, so one rte_acl_classify() call serves a whole burst. Two categories: 0 picks
 * the allow/deny rule, 1 the meter rule; each is the matching rule with the highest
 * priority (see doc/security.md for the order). "local" is the port's side: the source of a
 * frame from the port (direction out), the destination of a frame to it (direction in).
 */

#include <rte_acl.h>

#include "dp.h"
#include "l34.h"

/** Direction index of a rule context and counter: frames to the port. */
#define DP_ACL_IN 0
/** Frames from the port. */
#define DP_ACL_OUT 1
/** rte_acl categories per classification (a multiple of RTE_ACL_RESULTS_MULTIPLIER). */
#define DP_ACL_CATEGORIES 4
/** Category of the allow/deny decision. */
#define DP_ACL_CAT_DECIDE 0
/** Category of the meter rule. */
#define DP_ACL_CAT_METER 1

/** rte_acl field indexes of struct dp_acl_key, in input order. */
enum dp_acl_field {
	DP_ACL_F_PROTO = 0, DP_ACL_F_PORT, DP_ACL_F_FAMILY, DP_ACL_F_LMAC_LO, DP_ACL_F_RMAC_LO,
	DP_ACL_F_PAD, DP_ACL_F_LMAC_HI, DP_ACL_F_RMAC_HI,
	DP_ACL_F_LIP0, DP_ACL_F_LIP1, DP_ACL_F_LIP2, DP_ACL_F_LIP3,
	DP_ACL_F_RIP0, DP_ACL_F_RIP1, DP_ACL_F_RIP2, DP_ACL_F_RIP3,
	DP_ACL_F_LPORT, DP_ACL_F_RPORT,
	DP_ACL_NUM_FIELDS
};

/**
 * The classification input, in network byte order: a 1-byte first field, then groups of 4
 * bytes, as rte_acl reads them.
 */
struct dp_acl_key {
	uint8_t proto;       /**< IP protocol, 0: not IP */
	uint8_t pad0[3];     /**< not read */
	uint8_t port;        /**< vswd port index whose rules apply */
	uint8_t family;      /**< 4, 6, 0: not IP */
	uint8_t lmac_lo[2];  /**< local MAC bytes 4-5 */
	uint8_t rmac_lo[2];  /**< remote MAC bytes 4-5 */
	uint8_t pad1[2];     /**< always 0 (a match-all field completes the group) */
	uint8_t lmac_hi[4];  /**< local MAC bytes 0-3 */
	uint8_t rmac_hi[4];  /**< remote MAC bytes 0-3 */
	uint8_t lip[16];     /**< local address (IPv4: first 4 bytes) */
	uint8_t rip[16];     /**< remote address */
	uint16_t lport;      /**< local TCP/UDP/SCTP port (big endian), else 0 */
	uint16_t rport;      /**< remote port */
};

/** The rte_acl field definitions of struct dp_acl_key. */
extern const struct rte_acl_field_def dp_acl_fields[DP_ACL_NUM_FIELDS];

/** Rule actions; the same values as the config's enum cfg_acl_action. */
enum dp_acl_action {
	DP_ACL_ALLOW = 0,  /**< forward */
	DP_ACL_DENY,       /**< drop */
	DP_ACL_METER,      /**< count in the metering report */
};

/** What the datapath needs of one rule (index = rte_acl userdata - 1). */
struct dp_acl_rule {
	uint8_t action;    /**< enum dp_acl_action */
	uint8_t stateful;  /**< allow rule whose flows' return traffic is allowed */
};

/** Frames and bytes of one rule in one direction. */
struct dp_acl_ctr {
	uint64_t pkts;   /**< frames the rule decided or metered */
	uint64_t bytes;  /**< their bytes */
};

/** The classifier of all rules; see the file comment for ownership. */
struct dp_acl_set {
	struct rte_acl_ctx *ctx[2];  /**< per direction (DP_ACL_IN/OUT); NULL: no such rule */
	uint32_t n_rules;            /**< rules (of the config's list) */
	struct dp_acl_rule *rule;    /**< per rule */
	struct dp_acl_ctr *ctr[VSW_MAX_WORKERS]; /**< per worker: [rule * 2 + direction] */
};

/** Allow/deny verdicts of dp_acl_decide(). */
#define DP_ACL_PASS 0
/** The frame is denied. */
#define DP_ACL_DROP 1

/**
 * Fills @p k for frame @p m (untagged, parsed into @p l) of port @p port in direction
 * @p dir (DP_ACL_IN: the port is the destination, DP_ACL_OUT: the source).
 */
void dp_acl_key_make(struct dp_acl_key *k, const struct rte_mbuf *m, const struct dp_l34 *l,
		uint16_t port, int dir);

/**
 * Classifies the @p n keys of direction @p dir (frames @p pkts) and decides each into
 * @p verdict (DP_ACL_PASS/DROP): the allow/deny rule's action (no rule: allow), and a denied
 * frame of a flow that a stateful rule allowed is let through. Counts the decision and the
 * meter rule of every frame in the worker's counters and records flows of stateful rules.
 */
void dp_acl_decide(struct dp_worker *w, const struct dp_snap *s, int dir,
		const struct dp_acl_key *keys, const struct rte_mbuf *const *pkts, uint16_t n,
		uint8_t *verdict);

/**
 * Egress ACL stage: frames whose next[] is a port with "in" rules are classified with that
 * port's rules; a denied one gets acl_deny_in. Frames are untagged (after l2 and flood),
 * all from one ingress port; other next[] codes are left alone.
 * @return number of packets given a drop code.
 */
uint16_t dp_acl_in_burst(struct dp_worker *w, const struct dp_snap *s,
		struct rte_mbuf **pkts, uint16_t n, uint16_t *next);


/**
 * The rules (index + 1, 0: none) that decide and meter frame @p m (untagged) of @p port in
 * direction @p dir, for the policy flow cache. @return false when the flow must not be
 * cached: it passed only by a stateful flow, or a stateful rule decides it.
 */
bool dp_acl_rules_of(const struct dp_snap *s, const struct rte_mbuf *m, uint16_t port, int dir,
		uint16_t *decide, uint16_t *meter);

#endif
