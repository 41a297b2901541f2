/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_DP_CONN_H
#define VSW_DP_CONN_H

/**
 * @file
 * Flows allowed by stateful ACL rules, so that their return traffic is allowed too.
 *
 * Ownership: struct dp_conn is a lock-free rte_hash (RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF,
 * reclaimed with rte_rcu_qsbr) whose one writer is the control thread: workers post new
 * flows on their own SP/SC ring (struct dp_conn_local.ring), dp_conn_drain() adds them and
 * dp_conn_age() removes idle ones. Workers read the table and store last-seen times into
 * seen[] (plain stores of a TSC; a lost race only delays aging). A worker also remembers the
 * flows it posted itself (recent[]), so return traffic polled by the same worker is allowed
 * at once; return traffic on another worker is allowed once the control thread has added
 * the flow (its next poll, about a millisecond).
 *
 * A flow is keyed from the port's side, so both directions give the same key: port, IP
 * version and protocol, local and remote address and port.
 */

#include <rte_hash.h>
#include <rte_ring.h>

#include "dp.h"

/** Slots in a worker's list of flows it posted. */
#define DP_CONN_RECENT 256

/** A flow, from its port's side. */
struct dp_conn_key {
	uint16_t port;     /**< vswd port */
	uint8_t family;    /**< 4 or 6 */
	uint8_t proto;     /**< IP protocol */
	uint16_t lport;    /**< local port (big endian) */
	uint16_t rport;    /**< remote port */
	uint8_t lip[16];   /**< local address */
	uint8_t rip[16];   /**< remote address */
};

/** The shared table. */
struct dp_conn {
	struct rte_hash *h;   /**< flow -> position */
	uint64_t *seen;       /**< by position: TSC a frame of the flow was last seen */
	uint64_t timeout;     /**< idle TSC after which a flow is removed */
	uint32_t capacity;    /**< positions */
	uint64_t added;       /**< flows added */
	uint64_t aged;        /**< flows removed idle */
	uint64_t full;        /**< flows not added: table full */
};

/** A worker's side: its ring and what it posted recently. */
struct dp_conn_local {
	struct dp_conn *tab;      /**< the shared table */
	struct rte_ring *ring;    /**< SP/SC ring of struct dp_conn_key to the writer */
	uint64_t posted;          /**< flows posted */
	uint64_t lost;            /**< flows lost to a full ring */
	struct {
		struct dp_conn_key key; /**< flow */
		uint64_t when;          /**< TSC it was posted or last seen here */
	} recent[DP_CONN_RECENT];   /**< flows this worker posted */
};

/** Creates the table for @p max flows (QSBR variable @p qsv); NULL and rte_errno on failure. */
struct dp_conn *dp_conn_create(const char *name, uint32_t max, uint64_t timeout_tsc,
		struct rte_rcu_qsbr *qsv, int socket);

/** Frees @p c (NULL is fine). */
void dp_conn_free(struct dp_conn *c);

/** Worker side of @p tab with a new ring named @p name; NULL on failure. */
struct dp_conn_local *dp_conn_local_create(const char *name, struct dp_conn *tab, int socket);

/** Frees @p l (NULL is fine). */
void dp_conn_local_free(struct dp_conn_local *l);

/** Worker: flow @p k was allowed by a stateful rule at @p now: remember and post it. */
void dp_conn_note(struct dp_conn_local *l, const struct dp_conn_key *k, uint64_t now);

/** Worker: true when flow @p k is known and not idle at @p now (refreshes it). */
bool dp_conn_has(struct dp_conn_local *l, const struct dp_conn_key *k, uint64_t now);

/** Writer: adds the flows posted on @p ring. @return flows taken from the ring. */
unsigned int dp_conn_drain(struct dp_conn *c, struct rte_ring *ring, uint64_t now);

/** Writer: removes flows idle since before @p now - timeout. @return flows removed. */
unsigned int dp_conn_age(struct dp_conn *c, uint64_t now);

/** Writer: removes every flow of port @p port (all ports: UINT16_MAX). */
void dp_conn_flush(struct dp_conn *c, uint16_t port);

/** Flows in the table. */
uint32_t dp_conn_count(const struct dp_conn *c);

#endif
