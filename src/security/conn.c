/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>

#include <rte_errno.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include "conn.h"

struct dp_conn *
dp_conn_create(const char *name, uint32_t max, uint64_t timeout_tsc, struct rte_rcu_qsbr *qsv,
		int socket)
{
	struct rte_hash_rcu_config rcfg = { 0 };
	struct rte_hash_parameters hp = { 0 };
	struct dp_conn *c;

	c = rte_zmalloc_socket(name, sizeof(*c), RTE_CACHE_LINE_SIZE, socket);
	if (c == NULL)
		goto fail;
	hp.name = name;
	hp.entries = max;
	hp.key_len = sizeof(struct dp_conn_key);
	hp.hash_func = rte_hash_crc;
	hp.socket_id = socket;
	hp.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF;
	c->h = rte_hash_create(&hp);
	if (c->h == NULL)
		goto free_c;
	/* Positions run up to the table's real size, which rte_hash rounds up. */
	c->capacity = rte_hash_max_key_id(c->h) + 1;
	c->seen = rte_zmalloc_socket(name, sizeof(uint64_t) * c->capacity, RTE_CACHE_LINE_SIZE,
			socket);
	if (c->seen == NULL)
		goto free_hash;
	if (qsv != NULL) {
		rcfg.v = qsv;
		rcfg.mode = RTE_HASH_QSBR_MODE_DQ;
		if (rte_hash_rcu_qsbr_add(c->h, &rcfg) != 0)
			goto free_hash;
	}
	c->timeout = timeout_tsc;
	return c;

free_hash:
	rte_free(c->seen);
	rte_hash_free(c->h);
free_c:
	rte_free(c);
fail:
	if (rte_errno == 0)
		rte_errno = ENOMEM;
	return NULL;
}

void
dp_conn_free(struct dp_conn *c)
{
	if (c == NULL)
		return;
	rte_hash_free(c->h);
	rte_free(c->seen);
	rte_free(c);
}

struct dp_conn_local *
dp_conn_local_create(const char *name, struct dp_conn *tab, int socket)
{
	struct dp_conn_local *l = rte_zmalloc_socket(name, sizeof(*l), RTE_CACHE_LINE_SIZE, socket);

	if (l == NULL)
		return NULL;
	l->tab = tab;
	l->ring = rte_ring_create_elem(name, sizeof(struct dp_conn_key), 4096, socket,
			RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (l->ring == NULL) {
		rte_free(l);
		return NULL;
	}
	return l;
}

void
dp_conn_local_free(struct dp_conn_local *l)
{
	if (l == NULL)
		return;
	rte_ring_free(l->ring);
	rte_free(l);
}

/* Slot of @p k in a worker's recent[]. */
static inline uint32_t
conn_slot(const struct dp_conn_key *k)
{
	return rte_hash_crc(k, sizeof(*k), 0) & (DP_CONN_RECENT - 1);
}

void
dp_conn_note(struct dp_conn_local *l, const struct dp_conn_key *k, uint64_t now)
{
	uint32_t s = conn_slot(k);
	int pos;

	if (memcmp(&l->recent[s].key, k, sizeof(*k)) == 0 &&
			now - l->recent[s].when < l->tab->timeout / 8) {
		return;
	}
	l->recent[s].key = *k;
	l->recent[s].when = now;
	pos = rte_hash_lookup(l->tab->h, k);
	if (pos >= 0) {
		l->tab->seen[pos] = now;
		return;
	}
	if (rte_ring_sp_enqueue_elem(l->ring, (void *)(uintptr_t)k, sizeof(*k)) == 0)
		l->posted++;
	else
		l->lost++;
}

bool
dp_conn_has(struct dp_conn_local *l, const struct dp_conn_key *k, uint64_t now)
{
	uint32_t s = conn_slot(k);
	int pos;

	if (memcmp(&l->recent[s].key, k, sizeof(*k)) == 0 &&
			now - l->recent[s].when < l->tab->timeout) {
		l->recent[s].when = now;
		return true;
	}
	pos = rte_hash_lookup(l->tab->h, k);
	if (pos < 0 || now - l->tab->seen[pos] >= l->tab->timeout)
		return false;
	l->tab->seen[pos] = now;
	return true;
}

unsigned int
dp_conn_drain(struct dp_conn *c, struct rte_ring *ring, uint64_t now)
{
	struct dp_conn_key k[32];
	unsigned int n, i, total = 0;
	int pos;

	do {
		n = rte_ring_sc_dequeue_burst_elem(ring, k, sizeof(k[0]), RTE_DIM(k), NULL);
		for (i = 0; i < n; i++) {
			pos = rte_hash_lookup(c->h, &k[i]);
			if (pos < 0) {
				pos = rte_hash_add_key(c->h, &k[i]);
				if (pos < 0) {
					c->full++;
					continue;
				}
				c->added++;
			}
			c->seen[pos] = now;
		}
		total += n;
	} while (n == RTE_DIM(k));
	return total;
}

unsigned int
dp_conn_age(struct dp_conn *c, uint64_t now)
{
	const void *key;
	void *data;
	uint32_t it = 0;
	unsigned int n = 0;
	int32_t pos;

	while ((pos = rte_hash_iterate(c->h, &key, &data, &it)) >= 0) {
		if (now - c->seen[pos] < c->timeout)
			continue;
		if (rte_hash_del_key(c->h, key) >= 0) {
			c->aged++;
			n++;
		}
	}
	return n;
}

void
dp_conn_flush(struct dp_conn *c, uint16_t port)
{
	const struct dp_conn_key *k;
	const void *key;
	void *data;
	uint32_t it = 0;

	while (rte_hash_iterate(c->h, &key, &data, &it) >= 0) {
		k = key;
		if (port == UINT16_MAX || k->port == port)
			rte_hash_del_key(c->h, key);
	}
}

uint32_t
dp_conn_count(const struct dp_conn *c)
{
	return (uint32_t)rte_hash_count(c->h);
}
