/* SPDX-License-Identifier: BSD-3-Clause */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>

#include "acl_build.h"

RTE_ACL_RULE_DEF(acl_rule, DP_ACL_NUM_FIELDS);

/* The datapath reads the config's actions as they are. */
static_assert(DP_ACL_ALLOW == (int)CFG_ACL_ALLOW && DP_ACL_DENY == (int)CFG_ACL_DENY &&
		DP_ACL_METER == (int)CFG_ACL_METER, "ACL action values");

/** The set as built here, with what only the control thread reads. */
struct acl_set_priv {
	struct dp_acl_set pub;      /**< what the workers read (first: the same pointer) */
	uint16_t n_workers;         /**< counter arrays made */
	struct dp_acl_ctr *base;    /**< per [rule * 2 + dir]: carried over from an older set */
};

/* Bits rule @p r fixes. */
static uint32_t
acl_specificity(const struct cfg_acl *r)
{
	return 48u * r->has_lmac + 48u * r->has_rmac + (r->has_lip ? r->lip_len : 0) +
		(r->has_rip ? r->rip_len : 0);
}

int32_t
acl_rule_priority(const struct cfg_acl *r, uint32_t pos)
{
	int32_t tie = (int32_t)(ACL_PRIO_SPAN - 1 - (pos % ACL_PRIO_SPAN));

	if (r->weight > 0)
		return ACL_PRIO_EXT + (int32_t)r->weight * ACL_PRIO_SPAN + tie;
	return (int32_t)acl_specificity(r) * ACL_PRIO_SPAN + tie;
}

/* An exact 1-byte field. */
static void
fld8(struct rte_acl_field *f, uint8_t v, bool any)
{
	f->value.u8 = any ? 0 : v;
	f->mask_range.u8 = any ? 0 : 0xff;
}

/* A 16-bit bitmask field from 2 bytes (big endian in the frame). */
static void
fld16(struct rte_acl_field *f, const uint8_t *b, bool any)
{
	f->value.u16 = any ? 0 : (uint16_t)(b[0] << 8 | b[1]);
	f->mask_range.u16 = any ? 0 : 0xffff;
}

/* A 32-bit bitmask field from 4 bytes. */
static void
fld32(struct rte_acl_field *f, const uint8_t *b, bool any)
{
	f->value.u32 = any ? 0 : (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
		(uint32_t)b[2] << 8 | b[3];
	f->mask_range.u32 = any ? 0 : UINT32_MAX;
}

/* Four 32-bit MASK fields (prefix lengths) from a 16-byte address and prefix @p len. */
static void
fld_ip(struct rte_acl_field *f, const uint8_t *a, uint32_t len)
{
	int w;

	for (w = 0; w < 4; w++) {
		int bits = (int)len - w * 32;

		bits = bits < 0 ? 0 : bits > 32 ? 32 : bits;
		f[w].value.u32 = bits == 0 ? 0 : (uint32_t)a[w * 4] << 24 |
			(uint32_t)a[w * 4 + 1] << 16 | (uint32_t)a[w * 4 + 2] << 8 | a[w * 4 + 3];
		f[w].mask_range.u32 = (uint32_t)bits;
	}
}

/* Fills the rte_acl rule of config rule @p r for port @p port. */
void
acl_rule_fields(struct rte_acl_field *f, const struct cfg_acl *r, uint16_t port)
{
	static const uint8_t zero[6];

	memset(f, 0, sizeof(f[0]) * DP_ACL_NUM_FIELDS);
	fld8(&f[DP_ACL_F_PROTO], (uint8_t)r->protocol, r->protocol == 256);
	fld8(&f[DP_ACL_F_PORT], (uint8_t)port, false);
	fld8(&f[DP_ACL_F_FAMILY], r->family, r->family == 0);
	fld16(&f[DP_ACL_F_LMAC_LO], r->has_lmac ? r->lmac + 4 : zero, !r->has_lmac);
	fld16(&f[DP_ACL_F_RMAC_LO], r->has_rmac ? r->rmac + 4 : zero, !r->has_rmac);
	fld16(&f[DP_ACL_F_PAD], zero, true);
	fld32(&f[DP_ACL_F_LMAC_HI], r->lmac, !r->has_lmac);
	fld32(&f[DP_ACL_F_RMAC_HI], r->rmac, !r->has_rmac);
	/* IPv4 addresses sit in the first word, and the family field tells them apart. */
	fld_ip(&f[DP_ACL_F_LIP0], r->lip, r->has_lip ? r->lip_len : 0);
	fld_ip(&f[DP_ACL_F_RIP0], r->rip, r->has_rip ? r->rip_len : 0);
	f[DP_ACL_F_LPORT].value.u16 = r->lport[0];
	f[DP_ACL_F_LPORT].mask_range.u16 = r->lport[1];
	f[DP_ACL_F_RPORT].value.u16 = r->rport[0];
	f[DP_ACL_F_RPORT].mask_range.u16 = r->rport[1];
}

struct rte_acl_ctx *
acl_ctx_new(const char *what, int dir, uint32_t n, const char *path, struct ctrl_err *e)
{
	static unsigned int seq;
	struct rte_acl_param prm = { 0 };
	char name[RTE_ACL_NAMESIZE];
	struct rte_acl_ctx *ctx;

	snprintf(name, sizeof(name), "vsw_%s%d_%u", what, dir, seq++);
	prm.name = name;
	prm.socket_id = SOCKET_ID_ANY;
	prm.rule_size = RTE_ACL_RULE_SZ(DP_ACL_NUM_FIELDS);
	prm.max_rule_num = n;
	ctx = rte_acl_create(&prm);
	if (ctx == NULL)
		(rte_errno == ENOMEM ? ctrl_nomem : ctrl_errf)(e, path,
				"cannot create a classifier: %s", rte_strerror(rte_errno));
	return ctx;
}

int
acl_ctx_finish(struct rte_acl_ctx *ctx, uint32_t categories, const char *path,
		struct ctrl_err *e)
{
	struct rte_acl_config cfg = { 0 };
	int rc;

	cfg.num_categories = categories;
	cfg.num_fields = DP_ACL_NUM_FIELDS;
	memcpy(cfg.defs, dp_acl_fields, sizeof(dp_acl_fields));
	rc = rte_acl_build(ctx, &cfg);
	if (rc == 0)
		return 0;
	/* -ENOMEM: the trie did not fit in memory, the rules may be fine. */
	return (rc == -ENOMEM ? ctrl_nomem : ctrl_errf)(e, path, "building the classifier: %s",
			strerror(-rc));
}

/* A context for direction @p dir holding the rules of @p doc that have it. NULL: none. */
static int
acl_ctx(struct dp_acl_set *a, const struct vsw_config *doc, const int16_t *slot_of, int dir,
		struct ctrl_err *e)
{
	uint32_t pos_of_port[VSW_MAX_PORTS] = { 0 };
	uint32_t want = dir == DP_ACL_IN ? CFG_ACL_IN : CFG_ACL_OUT, i, n = 0;
	struct rte_acl_ctx *ctx;
	struct acl_rule ar;
	int rc;

	for (i = 0; i < doc->n_acl; i++)
		n += (doc->acl[i].dir & want) != 0;
	if (n == 0)
		return 0;
	ctx = acl_ctx_new("acl", dir, n, "$.acl", e);
	if (ctx == NULL)
		return ctrl_err_rc(e, -EINVAL);
	for (i = 0; i < doc->n_acl; i++) {
		const struct cfg_acl *r = &doc->acl[i];
		uint16_t port = slot_of != NULL ? (uint16_t)slot_of[r->port_idx] : r->port_idx;
		uint32_t pos = pos_of_port[r->port_idx]++;

		if (!(r->dir & want))
			continue;
		if (pos >= ACL_PRIO_SPAN) {
			char path[32];

			rte_acl_free(ctx);
			snprintf(path, sizeof(path), "$.acl[%u]", i);
			return ctrl_errf(e, path, "more than %d rules for port \"%s\"",
					ACL_PRIO_SPAN, r->port);
		}
		acl_rule_fields(ar.field, r, port);
		ar.data.category_mask = 1u << (r->action == CFG_ACL_METER ? DP_ACL_CAT_METER :
				DP_ACL_CAT_DECIDE);
		ar.data.priority = acl_rule_priority(r, pos);
		ar.data.userdata = i + 1;
		rc = rte_acl_add_rules(ctx, (const struct rte_acl_rule *)&ar, 1);
		if (rc != 0) {
			rte_acl_free(ctx);
			return ctrl_errf(e, "$.acl", "adding rule %u: %s", i, strerror(-rc));
		}
	}
	rc = acl_ctx_finish(ctx, DP_ACL_CATEGORIES, "$.acl", e);
	if (rc != 0) {
		rte_acl_free(ctx);
		return rc;
	}
	a->ctx[dir] = ctx;
	return 0;
}

struct dp_acl_set *
acl_build(const struct vsw_config *doc, const int16_t *slot_of, uint16_t n_workers,
		struct ctrl_err *e)
{
	struct acl_set_priv *p;
	uint32_t i, n = doc->n_acl;
	uint16_t w;

	p = rte_zmalloc("vsw_acl_set", sizeof(*p), RTE_CACHE_LINE_SIZE);
	if (p == NULL)
		goto nomem;
	p->n_workers = n_workers;
	p->pub.n_rules = n;
	p->pub.rule = rte_zmalloc("vsw_acl_rules", sizeof(p->pub.rule[0]) * (n + 1), 0);
	p->base = rte_zmalloc("vsw_acl_base", sizeof(p->base[0]) * 2 * (n + 1), 0);
	if (p->pub.rule == NULL || p->base == NULL)
		goto nomem;
	for (w = 0; w < n_workers; w++) {
		p->pub.ctr[w] = rte_zmalloc("vsw_acl_ctr", sizeof(struct dp_acl_ctr) * 2 * (n + 1),
				RTE_CACHE_LINE_SIZE);
		if (p->pub.ctr[w] == NULL)
			goto nomem;
	}
	for (i = 0; i < n; i++) {
		const struct cfg_acl *r = &doc->acl[i];

		p->pub.rule[i].action = (uint8_t)r->action;
		p->pub.rule[i].stateful = r->stateful;
	}
	if (acl_ctx(&p->pub, doc, slot_of, DP_ACL_IN, e) != 0 ||
			acl_ctx(&p->pub, doc, slot_of, DP_ACL_OUT, e) != 0) {
		acl_set_free(&p->pub);
		return NULL;
	}
	return &p->pub;
nomem:
	acl_set_free(p != NULL ? &p->pub : NULL);
	ctrl_nomem(e, "$.acl", "out of memory for %u rules", n);
	return NULL;
}

void
acl_set_free(struct dp_acl_set *a)
{
	struct acl_set_priv *p = (struct acl_set_priv *)a;
	uint16_t w;

	if (a == NULL)
		return;
	rte_acl_free(a->ctx[0]);
	rte_acl_free(a->ctx[1]);
	for (w = 0; w < RTE_DIM(a->ctr); w++)
		rte_free(a->ctr[w]);
	rte_free(a->rule);
	rte_free(p->base);
	rte_free(p);
}

struct dp_acl_ctr
acl_rule_total(const struct dp_acl_set *a, uint32_t i, int dir)
{
	const struct acl_set_priv *p = (const struct acl_set_priv *)a;
	struct dp_acl_ctr t = p->base[i * 2 + dir];
	uint16_t w;

	for (w = 0; w < p->n_workers; w++) {
		t.pkts += a->ctr[w][i * 2 + dir].pkts;
		t.bytes += a->ctr[w][i * 2 + dir].bytes;
	}
	return t;
}

/* Orders indexes into the rule list @p list by rule content (qsort_r). */
static int
acl_ix_cmp(const void *x, const void *y, void *list)
{
	const struct cfg_acl *r = list;

	return cfg_acl_cmp(&r[*(const uint32_t *)x], &r[*(const uint32_t *)y]);
}

int
acl_carry(struct dp_acl_set *to, const struct cfg_acl *to_r, uint32_t to_n,
		const struct dp_acl_set *from, const struct cfg_acl *from_r, uint32_t from_n)
{
	struct acl_set_priv *p = (struct acl_set_priv *)to;
	uint32_t *ix, i, lo, hi, mid;
	int d;

	if (from == NULL || from_n == 0)
		return 0;
	ix = malloc(sizeof(*ix) * from_n);
	if (ix == NULL)
		return -ENOMEM;
	for (i = 0; i < from_n; i++)
		ix[i] = i;
	qsort_r(ix, from_n, sizeof(*ix), acl_ix_cmp, (void *)(uintptr_t)from_r);
	for (i = 0; i < to_n; i++) {
		lo = 0;
		hi = from_n;
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (cfg_acl_cmp(&from_r[ix[mid]], &to_r[i]) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == from_n || cfg_acl_cmp(&from_r[ix[lo]], &to_r[i]) != 0)
			continue;
		for (d = 0; d < 2; d++)
			p->base[i * 2 + d] = acl_rule_total(from, ix[lo], d);
	}
	free(ix);
	return 0;
}
