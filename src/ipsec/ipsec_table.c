/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>

#include "ipsec_table.h"

/* True when @p a and @p b give the same engine SA (what rte_ipsec and the crypto session
 * hold); names, ports, next hop and lifetimes are kept outside it. */
static bool
engine_same(const struct cfg_ipsec_sa *a, const struct cfg_ipsec_sa *b)
{
	return a->dir == b->dir && a->spi == b->spi && a->mode == b->mode &&
		a->family == b->family && a->alg == b->alg && a->key_len == b->key_len &&
		memcmp(a->key, b->key, sizeof(a->key)) == 0 &&
		memcmp(a->salt, b->salt, sizeof(a->salt)) == 0 &&
		memcmp(a->auth_key, b->auth_key, sizeof(a->auth_key)) == 0 &&
		a->tun_family == b->tun_family && memcmp(a->local, b->local, 16) == 0 &&
		memcmp(a->remote, b->remote, 16) == 0 && a->esn == b->esn &&
		a->window == b->window;
}

/* True when the cipher keys (and salts) of @p a and @p b are the same. */
static bool
key_same(const struct cfg_ipsec_sa *a, const struct cfg_ipsec_sa *b)
{
	return a->key_len == b->key_len && memcmp(a->key, b->key, a->key_len) == 0 &&
		memcmp(a->salt, b->salt, sizeof(a->salt)) == 0;
}

void
ipsec_rsa_spec(const struct cfg_ipsec_sa *c, struct esp_sa_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->spi = c->spi;
	s->outbound = c->dir == 1;
	s->tunnel = c->mode == 0;
	s->family = (uint8_t)c->family;
	s->tun_family = c->tun_family;
	memcpy(s->local, c->local, sizeof(s->local));
	memcpy(s->remote, c->remote, sizeof(s->remote));
	s->alg = (enum esp_alg)c->alg;
	memcpy(s->key, c->key, sizeof(s->key));
	memcpy(s->salt, c->salt, sizeof(s->salt));
	memcpy(s->auth_key, c->auth_key, sizeof(s->auth_key));
	s->esn = c->esn;
	s->replay_win = c->window;
	/* The MACs are the snapshot's (dp_ipsec_sa): the template's stay zero. */
}

void
ipsec_rsa_limits(struct ipsec_rsa *r)
{
	uint64_t maxp = r->cfg.hard_packets != 0 ? r->cfg.hard_packets : UINT64_MAX;
	uint64_t res = UINT64_MAX;

	if (r->cfg.dir == 1 && r->sqn_saved != 0)
		res = r->sqn_saved >= r->sqn_first ? r->sqn_saved - r->sqn_first + 1 : 0;
	r->life.hard_packets = maxp <= res;
	r->life.max_bytes = r->cfg.hard_bytes != 0 ? r->cfg.hard_bytes : UINT64_MAX;
	r->life.hard_bytes = r->cfg.hard_bytes != 0;
	__atomic_store_n(&r->life.max_packets, RTE_MIN(maxp, res), __ATOMIC_RELEASE);
}

/*
 * Outbound SA @p c starts above its saved mark (ipsec_seq.h): sets spec->sqn_next and
 * saves the first reserve in @p r. @return 0 or -errno with @p e (refused, used up, the
 * file cannot be written).
 */
static int
seq_start(struct ipsec_table *t, const struct cfg_ipsec_sa *c, struct esp_sa_spec *spec,
		struct ipsec_rsa *r, const char *path, struct ctrl_err *e)
{
	uint64_t first, mark;
	int rc;

	r->key_id = ipsec_seq_key_id(c->key, c->key_len, c->salt);
	rc = ipsec_seq_first(t->seq, c->spi, r->key_id, &first, path, e);
	if (rc != 0)
		return rc;
	r->mark_before = first - 1;
	if (!c->esn && first > UINT32_MAX)
		return ctrl_errf(e, path, "the sequence numbers of this SPI and key are used up "
				"(saved mark %" PRIu64 "): rekey", first - 1);
	mark = first - 1 + IPSEC_SEQ_BLOCK;
	if (!c->esn)
		mark = RTE_MIN(mark, (uint64_t)UINT32_MAX);
	rc = ipsec_seq_reserve(t->seq, c->spi, r->key_id, mark, path, e);
	if (rc != 0)
		return rc;
	spec->sqn_next = first;
	r->sqn_saved = mark;
	return 0;
}

/* Frees running SA @p r (NULL is fine). */
static void
rsa_free(struct ipsec_rsa *r)
{
	if (r == NULL)
		return;
	esp_sa_free(&r->esp);
	rte_free(r);
}

static void
plan_free(struct ipsec_table_plan *pl)
{
	free(pl->sa);
	free(pl->fresh);
	free(pl->gone);
	memset(pl, 0, sizeof(*pl));
}

int
ipsec_table_prepare(struct ipsec_table *t, const struct cfg_ipsec *next,
		struct ipsec_table_plan *pl, struct ctrl_err *e)
{
	uint8_t *kept = calloc(t->n + 1, 1);
	char path[64];
	uint32_t i, j;
	int rc = 0;

	memset(pl, 0, sizeof(*pl));
	pl->seq = t->seq;
	pl->n = next->n_sa;
	pl->sa = calloc(next->n_sa + 1, sizeof(*pl->sa));
	pl->fresh = calloc(next->n_sa + 1, 1);
	pl->gone = calloc(t->n + 1, sizeof(*pl->gone));
	if (kept == NULL || pl->sa == NULL || pl->fresh == NULL || pl->gone == NULL) {
		free(kept);
		plan_free(pl);
		return ctrl_nomem(e, "$.ipsec.sa", "out of memory");
	}
	for (i = 0; i < next->n_sa; i++) {
		for (j = 0; j < t->n; j++) {
			if (!kept[j] && engine_same(&t->sa[j]->cfg, &next->sa[i])) {
				kept[j] = 1;
				pl->sa[i] = t->sa[j];
				break;
			}
		}
	}
	/* A new outbound SA counts from 1 again: its key must be new to every other SA. */
	for (i = 0; rc == 0 && i < next->n_sa; i++) {
		if (pl->sa[i] != NULL || next->sa[i].dir != 1)
			continue;
		for (j = 0; rc == 0 && j < t->n; j++)
			if (key_same(&t->sa[j]->cfg, &next->sa[i]))
				rc = -EINVAL;
		for (j = 0; rc == 0 && j < next->n_sa; j++)
			if (j != i && key_same(&next->sa[j], &next->sa[i]))
				rc = -EINVAL;
		if (rc != 0) {
			snprintf(path, sizeof(path), "$.ipsec.sa[%u].key", i);
			ctrl_errf(e, path, "this key is another SA's: a new outbound SA starts its "
					"sequence numbers again, so it needs a key of its own");
		}
	}
	if (rc == 0 && !t->cr_up && next->n_sa > 0) {
		rc = esp_crypto_init(&t->cr, IPSEC_MAX_SA, SOCKET_ID_ANY, e);
		t->cr_up = rc == 0;
	}
	for (i = 0; rc == 0 && i < next->n_sa; i++) {
		struct esp_sa_spec spec;
		struct ipsec_rsa *r;

		if (pl->sa[i] != NULL)
			continue;
		r = rte_zmalloc("vsw_ipsec_sa", sizeof(*r), RTE_CACHE_LINE_SIZE);
		if (r == NULL) {
			rc = ctrl_nomem(e, "$.ipsec.sa", "out of memory for an SA");
			break;
		}
		ipsec_rsa_spec(&next->sa[i], &spec);
		snprintf(path, sizeof(path), "$.ipsec.sa[%u]", i);
		rc = spec.outbound ? seq_start(t, &next->sa[i], &spec, r, path, e) : 0;
		if (rc == 0) {
			rc = esp_sa_create(&t->cr, &spec, &r->esp, path, e);
			if (rc != 0 && spec.outbound)
				ipsec_seq_restore(t->seq, next->sa[i].spi, r->key_id,
						r->mark_before);
		}
		if (rc != 0) {
			rte_free(r);
			break;
		}
		r->cfg = next->sa[i];
		r->sqn_first = spec.sqn_next != 0 ? spec.sqn_next : 1;
		ipsec_rsa_limits(r);
		pl->sa[i] = r;
		pl->fresh[i] = 1;
	}
	if (rc != 0) {
		free(kept);
		ipsec_table_abort(pl);
		return rc;
	}
	for (j = 0; j < t->n; j++)
		if (!kept[j])
			pl->gone[pl->n_gone++] = t->sa[j];
	free(kept);
	return 0;
}

void
ipsec_table_commit(struct ipsec_table *t, struct ipsec_table_plan *pl,
		const struct cfg_ipsec *next)
{
	uint32_t i;

	/* Kept SAs take the next config's names, ports and lifetimes (same engine). */
	for (i = 0; i < pl->n; i++) {
		pl->sa[i]->cfg = next->sa[i];
		ipsec_rsa_limits(pl->sa[i]);
	}
	free(t->sa);
	t->sa = pl->sa;
	t->n = pl->n;
	pl->sa = NULL;
}

void
ipsec_table_retire(struct ipsec_table_plan *pl)
{
	uint32_t i;

	for (i = 0; i < pl->n_gone; i++)
		rsa_free(pl->gone[i]);
	plan_free(pl);
}

void
ipsec_table_abort(struct ipsec_table_plan *pl)
{
	uint32_t i;

	for (i = 0; pl->sa != NULL && i < pl->n; i++) {
		if (!pl->fresh[i])
			continue;
		/* It never sent: its reserve goes back (a dry run must not use numbers up). */
		if (pl->sa[i]->cfg.dir == 1 && pl->sa[i]->sqn_saved != 0)
			ipsec_seq_restore(pl->seq, pl->sa[i]->cfg.spi, pl->sa[i]->key_id,
					pl->sa[i]->mark_before);
		rsa_free(pl->sa[i]);
	}
	plan_free(pl);
}

void
ipsec_table_fini(struct ipsec_table *t)
{
	uint32_t i;

	for (i = 0; i < t->n; i++)
		rsa_free(t->sa[i]);
	free(t->sa);
	if (t->cr_up)
		esp_crypto_fini(&t->cr);
	memset(t, 0, sizeof(*t));
}
