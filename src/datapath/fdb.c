/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>

#include <rte_errno.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include "fdb.h"

/* Called by rte_hash, in the writer's context, once no reader can hold the entry. */
static void
fdb_reclaim(void *p, void *key_data)
{
	struct dp_fdb *f = p;
	struct dp_fdb_ent *e = key_data;

	f->free_slots[f->n_free++] = e->slot;
}

struct dp_fdb *
dp_fdb_create(const char *name, uint32_t max_dynamic, uint32_t max_static,
		uint64_t aging_tsc, struct rte_rcu_qsbr *qsv, int socket)
{
	struct rte_hash_rcu_config rcfg = { 0 };
	struct rte_hash_parameters hp = { 0 };
	struct dp_fdb *f;
	uint32_t cap, i;

	/* Deleted entries wait a grace period before reuse: leave room for them. */
	cap = max_dynamic + max_static;
	cap += cap / 4 + 64;
	f = rte_zmalloc_socket(name, sizeof(*f), RTE_CACHE_LINE_SIZE, socket);
	if (f == NULL)
		goto fail;
	f->ents = rte_zmalloc_socket(name, sizeof(*f->ents) * cap, RTE_CACHE_LINE_SIZE, socket);
	f->free_slots = rte_malloc_socket(name, sizeof(uint32_t) * cap, 0, socket);
	if (f->ents == NULL || f->free_slots == NULL)
		goto free_f;
	for (i = 0; i < cap; i++)
		f->free_slots[i] = cap - 1 - i;
	f->n_free = cap;
	f->capacity = cap;
	f->aging = aging_tsc;
	f->st.max_dynamic = max_dynamic;

	hp.name = name;
	hp.entries = cap;
	hp.key_len = sizeof(uint64_t);
	hp.hash_func = rte_hash_crc;
	hp.socket_id = socket;
	hp.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF | RTE_HASH_EXTRA_FLAGS_EXT_TABLE;
	f->h = rte_hash_create(&hp);
	if (f->h == NULL)
		goto free_f;
	if (qsv != NULL) {
		rcfg.v = qsv;
		rcfg.mode = RTE_HASH_QSBR_MODE_DQ;
		rcfg.key_data_ptr = f;
		rcfg.free_key_data_func = fdb_reclaim;
		if (rte_hash_rcu_qsbr_add(f->h, &rcfg) != 0)
			goto free_hash;
	}
	return f;

free_hash:
	rte_hash_free(f->h);
free_f:
	if (f != NULL) {
		rte_free(f->ents);
		rte_free(f->free_slots);
		rte_free(f);
	}
fail:
	if (rte_errno == 0)
		rte_errno = ENOMEM;
	return NULL;
}

void
dp_fdb_free(struct dp_fdb *f)
{
	if (f == NULL)
		return;
	rte_hash_free(f->h);
	rte_free(f->ents);
	rte_free(f->free_slots);
	rte_free(f);
}

static struct dp_fdb_ent *
fdb_find(struct dp_fdb *f, uint64_t key)
{
	void *data;

	if (rte_hash_lookup_data(f->h, &key, &data) < 0)
		return NULL;
	return data;
}

/* Takes a slot, fills it and publishes it under @p key. */
static int
fdb_insert(struct dp_fdb *f, uint64_t key, uint16_t port, uint8_t is_static, uint64_t now)
{
	struct dp_fdb_ent *e;
	uint32_t slot;

	if (f->n_free == 0)
		return -ENOSPC;
	slot = f->free_slots[--f->n_free];
	e = &f->ents[slot];
	e->key = key;
	e->port = port;
	e->is_static = is_static;
	e->slot = slot;
	__atomic_store_n(&e->seen, now, __ATOMIC_RELAXED);
	/* rte_hash publishes key and data with release semantics. */
	if (rte_hash_add_key_data(f->h, &key, e) != 0) {
		f->free_slots[f->n_free++] = slot;
		return -ENOSPC;
	}
	return 0;
}

int
dp_fdb_learn(struct dp_fdb *f, uint64_t key, uint16_t port, uint64_t now)
{
	struct dp_fdb_ent *e = fdb_find(f, key);

	if (e != NULL) {
		if (e->is_static)
			return 0;
		if (e->port != port) {
			__atomic_store_n(&e->port, port, __ATOMIC_RELAXED);
			/* Cached copies of the old port stop answering. */
			__atomic_store_n(&f->gen, f->gen + 1, __ATOMIC_RELEASE);
			f->st.moved++;
		}
		__atomic_store_n(&e->seen, now, __ATOMIC_RELAXED);
		return 0;
	}
	if (f->st.n_dynamic >= f->st.max_dynamic || fdb_insert(f, key, port, 0, now) != 0) {
		f->st.overflow++;
		return -ENOSPC;
	}
	f->st.n_dynamic++;
	f->st.learned++;
	return 0;
}

int
dp_fdb_add_static(struct dp_fdb *f, uint64_t key, uint16_t port)
{
	struct dp_fdb_ent *e = fdb_find(f, key);

	if (e != NULL) {
		/* Replace, so readers never see a half-converted entry. */
		if (dp_fdb_del(f, key) != 0)
			return -ENOENT;
	}
	if (fdb_insert(f, key, port, 1, 0) != 0)
		return -ENOSPC;
	f->st.n_static++;
	return 0;
}

int
dp_fdb_del(struct dp_fdb *f, uint64_t key)
{
	struct dp_fdb_ent *e = fdb_find(f, key);

	if (e == NULL)
		return -ENOENT;
	if (e->is_static)
		f->st.n_static--;
	else
		f->st.n_dynamic--;
	/* Workers' lookup caches stop answering for this generation; the RCU token the
	 * deletion takes (a release) orders this before any reuse of the slot. The slot returns
	 * to free_slots through fdb_reclaim() after a grace period. */
	__atomic_store_n(&f->gen, f->gen + 1, __ATOMIC_RELEASE);
	return rte_hash_del_key(f->h, &key) >= 0 ? 0 : -ENOENT;
}

uint32_t
dp_fdb_age(struct dp_fdb *f, uint64_t now)
{
	uint64_t expired[256];
	uint32_t n, total = 0, iter, i, removed;
	const void *key;
	void *data;

	if (f->aging == 0)
		return 0;
	do {
		n = 0;
		iter = 0;
		while (n < RTE_DIM(expired) && rte_hash_iterate(f->h, &key, &data, &iter) >= 0) {
			const struct dp_fdb_ent *e = data;
			uint64_t seen = __atomic_load_n(&e->seen, __ATOMIC_RELAXED);

			if (!e->is_static && now > seen && now - seen > f->aging)
				expired[n++] = e->key;
		}
		removed = 0;
		for (i = 0; i < n; i++)
			removed += dp_fdb_del(f, expired[i]) == 0;
		f->st.aged += removed;
		total += removed;
	} while (n == RTE_DIM(expired) && removed == n);
	return total;
}

uint32_t
dp_fdb_drain(struct dp_fdb *f, struct rte_ring *ring, uint64_t now)
{
	struct dp_learn_ev ev[64];
	uint32_t n, i, total = 0;

	do {
		n = rte_ring_dequeue_burst_elem(ring, ev, sizeof(ev[0]), RTE_DIM(ev), NULL);
		for (i = 0; i < n; i++)
			dp_fdb_learn(f, ev[i].key, ev[i].port, now);
		total += n;
	} while (n == RTE_DIM(ev));
	return total;
}

uint32_t
dp_fdb_flush(struct dp_fdb *f, int port, int vlan, bool with_static)
{
	uint64_t keys[256];
	uint32_t n, total = 0, iter, i, removed;
	const void *key;
	void *data;

	/* Collect a batch, then delete: the iterator is not kept across deletions. */
	do {
		n = 0;
		iter = 0;
		while (n < RTE_DIM(keys) && rte_hash_iterate(f->h, &key, &data, &iter) >= 0) {
			const struct dp_fdb_ent *e = data;

			if ((e->is_static && !with_static) ||
					(port != DP_FDB_ANY && e->port != port) ||
					(vlan != DP_FDB_ANY && dp_fdb_key_vlan(e->key) != vlan))
				continue;
			keys[n++] = e->key;
		}
		removed = 0;
		for (i = 0; i < n; i++)
			removed += dp_fdb_del(f, keys[i]) == 0;
		total += removed;
	} while (n == RTE_DIM(keys) && removed == n);
	return total;
}

int
dp_fdb_walk(struct dp_fdb *f, dp_fdb_walk_cb cb, void *arg)
{
	const void *key;
	uint32_t iter = 0;
	void *data;
	int rc = 0;

	while (rc == 0 && rte_hash_iterate(f->h, &key, &data, &iter) >= 0)
		rc = cb(data, arg);
	return rc;
}
