/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_DP_FDB_H
#define VSW_DP_FDB_H

/**
 * @file
 * MAC table (forwarding database), keyed by VLAN and MAC.
 *
 * Concurrency: an rte_hash with RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF, readers are the workers
 * (lookups only, plus a relaxed store of an entry's last-seen time at most once per
 * dp_worker.fdb_refresh). There is ONE writer: the control thread. Workers never add: they post
 * struct dp_learn_ev on their own SP/SC ring and the writer drains them (dp_fdb_drain()).
 * Deleted entries are reclaimed through rte_hash's RCU integration (same QSBR variable as the
 * snapshots), so an entry a worker holds stays valid until that worker reports quiescent.
 * Every function below marked "writer" must be called from the writer thread only.
 */

#include <stdint.h>
#include <string.h>
#include <rte_prefetch.h>
#include <rte_hash.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "dp.h"

/** One MAC table entry; port and seen change in place with atomic stores. */
struct dp_fdb_ent {
	uint64_t key;       /**< the entry's key (VLAN and MAC) */
	uint64_t seen;      /**< TSC when the MAC was last seen (dynamic entries) */
	uint16_t port;      /**< port the MAC lives behind */
	uint8_t is_static;  /**< configured entry: never ages, never moves */
	uint8_t pad;        /**< unused */
	uint32_t slot;      /**< index in the entry array (writer bookkeeping) */
};

/** MAC table statistics, maintained by the writer. */
struct dp_fdb_stats {
	uint32_t n_dynamic;   /**< learned entries */
	uint32_t n_static;    /**< configured entries */
	uint32_t max_dynamic; /**< limit on learned entries */
	uint64_t learned;     /**< entries added by learning */
	uint64_t moved;       /**< learned entries that moved to another port */
	uint64_t aged;        /**< learned entries removed by aging */
	uint64_t overflow;    /**< learn events refused because the table was full */
};

/** The MAC table. */
struct dp_fdb {
	struct rte_hash *h;          /**< key -> struct dp_fdb_ent * */
	struct dp_fdb_ent *ents;     /**< entry storage, capacity slots */
	uint32_t *free_slots;        /**< writer's stack of free entry slots */
	uint32_t n_free;             /**< entries on free_slots */
	uint32_t capacity;           /**< slots in ents */
	uint64_t aging;              /**< aging time in TSC ticks, 0: never */
	struct dp_fdb_stats st;      /**< statistics */
	/** Generation: advanced by every deletion and move; workers' caches answer only at
	 * the current one. On its own cache line, which the writer rarely dirties. */
	uint32_t gen __rte_cache_aligned;
} __rte_cache_aligned;

/** Builds the key of @p mac in VLAN @p vid. */
static inline uint64_t
dp_fdb_key(uint16_t vid, const struct rte_ether_addr *mac)
{
	const uint8_t *b = mac->addr_bytes;

	return ((uint64_t)vid << 48) | ((uint64_t)b[0] << 40) | ((uint64_t)b[1] << 32) |
		((uint64_t)b[2] << 24) | ((uint64_t)b[3] << 16) | ((uint64_t)b[4] << 8) | b[5];
}

/**
 * dp_fdb_key() for a MAC inside a frame's Ethernet header, with one 8-byte load: @p mac must
 * be followed by 2 readable bytes (true of both addresses of a whole header).
 */
static inline uint64_t
dp_fdb_key_in_hdr(uint16_t vid, const struct rte_ether_addr *mac)
{
	uint64_t v;

	memcpy(&v, mac, sizeof(v));
	return ((uint64_t)vid << 48) | (rte_be_to_cpu_64(v) >> 16);
}

/** VLAN ID of key @p k. */
static inline uint16_t
dp_fdb_key_vlan(uint64_t k)
{
	return (uint16_t)(k >> 48);
}

/** Writes the MAC of key @p k to @p mac. */
static inline void
dp_fdb_key_mac(uint64_t k, struct rte_ether_addr *mac)
{
	int i;

	for (i = 5; i >= 0; i--, k >>= 8)
		mac->addr_bytes[i] = (uint8_t)k;
}

/**
 * Creates a MAC table for @p max_dynamic learned and @p max_static configured entries.
 * @p aging_tsc: idle time after which learned entries are removed (0: never).
 * @p qsv: the workers' QSBR variable. Returns NULL and sets rte_errno on failure.
 */
struct dp_fdb *dp_fdb_create(const char *name, uint32_t max_dynamic, uint32_t max_static,
		uint64_t aging_tsc, struct rte_rcu_qsbr *qsv, int socket);

/** Frees @p f (NULL is fine). No worker may use it any more. */
void dp_fdb_free(struct dp_fdb *f);

/**
 * Reader: looks up @p n (at most 64) keys. Sets bit i of *@p hits and @p ents[i] for each key
 * found. The entries stay valid until the caller reports quiescent.
 */
static inline void
dp_fdb_lookup_bulk(const struct dp_fdb *f, const void **keys, uint32_t n, uint64_t *hits,
		struct dp_fdb_ent **ents)
{
	*hits = 0;
	if (n > 0)
		rte_hash_lookup_bulk_data(f->h, keys, n, hits, (void **)ents);
}

/** Set of the lookup cache that holds @p key (multiplicative hash, top bits). */
static inline uint32_t
dp_fdb_cache_set(uint64_t key)
{
	return (uint32_t)((key * UINT64_C(0x9e3779b97f4a7c15)) >> 40) & (DP_FDB_CACHE_SETS - 1);
}

/** The way of set @p c holding @p key at generation @p gen, or NULL. */
static inline struct dp_fdb_cache_ent *
dp_fdb_cache_get(struct dp_fdb_cache_ent *c, uint64_t key, uint32_t gen)
{
	uint32_t i;

	for (i = 0; i < DP_FDB_CACHE_WAYS; i++)
		if (c[i].key == key && c[i].gen == gen)
			return &c[i];
	return NULL;
}

/**
 * Reader: looks up @p n (at most 64) keys through worker @p w's cache, then the rte_hash (one
 * bulk lookup for the misses, whose hits are then cached, most recent way first). @p res[i]
 * receives a copy of the cache entry of @p keys[i]; res[i].ent == NULL when the key is not in
 * the table. Entries stay valid until the caller reports quiescent.
 *
 * The cache answers only at the table's current generation: the writer advances it before
 * deleting an entry (so before the deletion's RCU token) and after moving one, so a cached
 * copy never outlives the entry it copies nor shows a port the entry no longer has once the
 * worker has seen the new generation (at the latest after its next quiescent report).
 */
static inline void
dp_fdb_lookup_cached(struct dp_worker *w, const uint64_t *keys, uint32_t n,
		struct dp_fdb_cache_ent *res)
{
	uint32_t gen = __atomic_load_n(&w->fdb->gen, __ATOMIC_ACQUIRE);
	struct dp_fdb_cache_ent *set[64], *c;
	struct dp_fdb_ent *found[64];
	const void *kp[64];
	uint8_t miss[64];
	uint32_t i, nm = 0;
	uint64_t hits;

	RTE_ASSERT(n <= 64);
	for (i = 0; i < n; i++) {
		set[i] = w->fdb_cache[dp_fdb_cache_set(keys[i])];
		rte_prefetch0(set[i]);
	}
	for (i = 0; i < n; i++) {
		c = dp_fdb_cache_get(set[i], keys[i], gen);
		if (likely(c != NULL)) {
			res[i] = *c;
		} else {
			kp[nm] = &keys[i];
			miss[nm++] = (uint8_t)i;
		}
	}
	if (nm == 0)
		return;
	w->fdb_cache_miss += nm;
	dp_fdb_lookup_bulk(w->fdb, kp, nm, &hits, found);
	for (i = 0; i < nm; i++) {
		struct dp_fdb_cache_ent *r = &res[miss[i]];

		r->key = keys[miss[i]];
		r->ent = (hits >> i) & 1 ? found[i] : NULL;
		r->gen = gen;
		r->seen = 0;
		if (r->ent == NULL)
			continue;
		r->port = __atomic_load_n(&r->ent->port, __ATOMIC_RELAXED);
		r->is_static = r->ent->is_static;
		c = set[miss[i]];
		/* One MAC as source and destination of a burst misses twice: cache it once. */
		if (dp_fdb_cache_get(c, r->key, gen) != NULL)
			continue;
		memmove(&c[1], &c[0], sizeof(c[0]) * (DP_FDB_CACHE_WAYS - 1));
		c[0] = *r;
	}
}

/**
 * Reader: records that this worker saw @p r's key at @p now: stores ent->seen (the writer ages
 * by it) and the cached copy's refresh time when the key is still cached.
 */
static inline void
dp_fdb_touch(struct dp_worker *w, const struct dp_fdb_cache_ent *r, uint64_t now)
{
	struct dp_fdb_cache_ent *c;

	__atomic_store_n(&r->ent->seen, now, __ATOMIC_RELAXED);
	c = dp_fdb_cache_get(w->fdb_cache[dp_fdb_cache_set(r->key)], r->key, r->gen);
	if (c != NULL)
		c->seen = now;
}

/**
 * Writer: records that @p key was seen on @p port at @p now: adds it, moves it, or refreshes it.
 * A static entry is left as it is. @return 0, or -ENOSPC when the learned-entry limit is reached.
 */
int dp_fdb_learn(struct dp_fdb *f, uint64_t key, uint16_t port, uint64_t now);

/** Writer: adds or replaces the static entry @p key -> @p port. @return 0 or -ENOSPC. */
int dp_fdb_add_static(struct dp_fdb *f, uint64_t key, uint16_t port);

/** Writer: removes @p key (static or learned). @return 0 or -ENOENT. */
int dp_fdb_del(struct dp_fdb *f, uint64_t key);

/** Writer: removes learned entries idle for longer than the aging time. @return entries removed. */
uint32_t dp_fdb_age(struct dp_fdb *f, uint64_t now);

/**
 * Writer: applies every learn event waiting on @p ring. Events refused for lack of room are
 * counted in st.overflow. @return events applied.
 */
uint32_t dp_fdb_drain(struct dp_fdb *f, struct rte_ring *ring, uint64_t now);

/** dp_fdb_flush() filter value meaning "any". */
#define DP_FDB_ANY (-1)

/**
 * Writer: removes the entries behind port @p port in VLAN @p vlan (either DP_FDB_ANY); learned
 * ones only, unless @p with_static. @return entries removed.
 */
uint32_t dp_fdb_flush(struct dp_fdb *f, int port, int vlan, bool with_static);

/** Callback of dp_fdb_walk(); return non-zero to stop the walk. */
typedef int (*dp_fdb_walk_cb)(const struct dp_fdb_ent *e, void *arg);

/** Writer: calls @p cb for every entry. @return what the last callback returned. */
int dp_fdb_walk(struct dp_fdb *f, dp_fdb_walk_cb cb, void *arg);

#endif
