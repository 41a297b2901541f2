/* SPDX-License-Identifier: BSD-3-Clause */
#include <stddef.h>

#include "acl.h"
#include "conn.h"
#include "vsw_node.h"

#define ACL_FIELD(t, sz, idx, in, member) { .type = RTE_ACL_FIELD_TYPE_##t, .size = (sz), \
	.field_index = (idx), .input_index = (in), .offset = offsetof(struct dp_acl_key, member) }

const struct rte_acl_field_def dp_acl_fields[DP_ACL_NUM_FIELDS] = {
	ACL_FIELD(BITMASK, 1, DP_ACL_F_PROTO, 0, proto),
	ACL_FIELD(BITMASK, 1, DP_ACL_F_PORT, 1, port),
	ACL_FIELD(BITMASK, 1, DP_ACL_F_FAMILY, 1, family),
	ACL_FIELD(BITMASK, 2, DP_ACL_F_LMAC_LO, 1, lmac_lo),
	ACL_FIELD(BITMASK, 2, DP_ACL_F_RMAC_LO, 2, rmac_lo),
	ACL_FIELD(BITMASK, 2, DP_ACL_F_PAD, 2, pad1),
	ACL_FIELD(BITMASK, 4, DP_ACL_F_LMAC_HI, 3, lmac_hi),
	ACL_FIELD(BITMASK, 4, DP_ACL_F_RMAC_HI, 4, rmac_hi),
	ACL_FIELD(MASK, 4, DP_ACL_F_LIP0, 5, lip[0]),
	ACL_FIELD(MASK, 4, DP_ACL_F_LIP1, 6, lip[4]),
	ACL_FIELD(MASK, 4, DP_ACL_F_LIP2, 7, lip[8]),
	ACL_FIELD(MASK, 4, DP_ACL_F_LIP3, 8, lip[12]),
	ACL_FIELD(MASK, 4, DP_ACL_F_RIP0, 9, rip[0]),
	ACL_FIELD(MASK, 4, DP_ACL_F_RIP1, 10, rip[4]),
	ACL_FIELD(MASK, 4, DP_ACL_F_RIP2, 11, rip[8]),
	ACL_FIELD(MASK, 4, DP_ACL_F_RIP3, 12, rip[12]),
	ACL_FIELD(RANGE, 2, DP_ACL_F_LPORT, 13, lport),
	ACL_FIELD(RANGE, 2, DP_ACL_F_RPORT, 13, rport),
};

void
dp_acl_key_make(struct dp_acl_key *k, const struct rte_mbuf *m, const struct dp_l34 *l,
		uint16_t port, int dir)
{
	const struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const uint8_t *lm = dir == DP_ACL_OUT ? eh->src_addr.addr_bytes : eh->dst_addr.addr_bytes;
	const uint8_t *rm = dir == DP_ACL_OUT ? eh->dst_addr.addr_bytes : eh->src_addr.addr_bytes;
	bool out = dir == DP_ACL_OUT;

	memset(k, 0, sizeof(*k));
	k->proto = l->proto;
	k->port = (uint8_t)port;
	k->family = l->family;
	memcpy(k->lmac_hi, lm, 4);
	memcpy(k->lmac_lo, lm + 4, 2);
	memcpy(k->rmac_hi, rm, 4);
	memcpy(k->rmac_lo, rm + 4, 2);
	if (l->family == 0)
		return;
	memcpy(k->lip, out ? l->src : l->dst, 16);
	memcpy(k->rip, out ? l->dst : l->src, 16);
	k->lport = rte_cpu_to_be_16(out ? l->sport : l->dport);
	k->rport = rte_cpu_to_be_16(out ? l->dport : l->sport);
}

/* The stateful-flow key of ACL key @p k. */
static inline void
acl_conn_key(struct dp_conn_key *c, const struct dp_acl_key *k)
{
	c->port = k->port;
	c->family = k->family;
	c->proto = k->proto;
	c->lport = k->lport;
	c->rport = k->rport;
	memcpy(c->lip, k->lip, 16);
	memcpy(c->rip, k->rip, 16);
}

void
dp_acl_decide(struct dp_worker *w, const struct dp_snap *s, int dir,
		const struct dp_acl_key *keys, const struct rte_mbuf *const *pkts, uint16_t n,
		uint8_t *verdict)
{
	const struct dp_acl_set *a = s->acl;
	const uint8_t *data[DP_BURST];
	uint32_t res[DP_BURST * DP_ACL_CATEGORIES];
	struct dp_acl_ctr *ctr;
	struct dp_conn_key ck;
	uint16_t i;

	RTE_ASSERT(n <= DP_BURST);
	if (a == NULL || a->ctx[dir] == NULL) {
		memset(verdict, DP_ACL_PASS, n);
		return;
	}
	/* A dry run (trace.simulate) counts nothing: its id has no counters. */
	ctr = w->dry ? NULL : a->ctr[w->id];
	for (i = 0; i < n; i++)
		data[i] = (const uint8_t *)&keys[i];
	rte_acl_classify(a->ctx[dir], data, res, n, DP_ACL_CATEGORIES);
	for (i = 0; i < n; i++) {
		uint32_t d = res[i * DP_ACL_CATEGORIES + DP_ACL_CAT_DECIDE];
		uint32_t mt = res[i * DP_ACL_CATEGORIES + DP_ACL_CAT_METER];
		uint32_t len = rte_pktmbuf_pkt_len(pkts[i]);
		const struct dp_acl_rule *r;

		verdict[i] = DP_ACL_PASS;
		if (mt != 0 && likely(!w->dry)) {
			ctr[(mt - 1) * 2 + dir].pkts++;
			ctr[(mt - 1) * 2 + dir].bytes += len;
		}
		if (d == 0)
			continue;
		r = &a->rule[d - 1];
		if (likely(!w->dry)) {
			ctr[(d - 1) * 2 + dir].pkts++;
			ctr[(d - 1) * 2 + dir].bytes += len;
		}
		if (r->action == DP_ACL_ALLOW && r->stateful && keys[i].family != 0 &&
				likely(!w->dry)) {
			acl_conn_key(&ck, &keys[i]);
			dp_conn_note(w->conn, &ck, w->now);
		} else if (r->action == DP_ACL_DENY) {
			verdict[i] = DP_ACL_DROP;
			if (s->port[keys[i].port].stateful && keys[i].family != 0) {
				acl_conn_key(&ck, &keys[i]);
				if (dp_conn_has(w->conn, &ck, w->now))
					verdict[i] = DP_ACL_PASS;
			}
		}
	}
}

/* dp_acl_in_burst() for at most DP_BURST frames. */
static uint16_t
acl_in_chunk(struct dp_worker *w, const struct dp_snap *s, struct rte_mbuf **pkts,
		uint16_t n, uint16_t *next)
{
	struct dp_acl_key keys[DP_BURST];
	const struct rte_mbuf *sel[DP_BURST];
	uint8_t at[DP_BURST], verdict[DP_BURST];
	struct dp_l34 l;
	uint16_t i, k = 0, dropped = 0;

	RTE_ASSERT(n <= DP_BURST);
	for (i = 0; i < n; i++) {
		if (next[i] >= VSW_MAX_PORTS || !s->port[next[i]].acl_in)
			continue;
		dp_l34_parse(pkts[i], &l);
		dp_acl_key_make(&keys[k], pkts[i], &l, next[i], DP_ACL_IN);
		sel[k] = pkts[i];
		at[k++] = (uint8_t)i;
	}
	if (k == 0)
		return 0;
	dp_acl_decide(w, s, DP_ACL_IN, keys, sel, k, verdict);
	for (i = 0; i < k; i++) {
		if (verdict[i] == DP_ACL_DROP) {
			next[at[i]] = dp_next_drop(DP_DROP_ACL_DENY_IN);
			dropped++;
		}
	}
	return dropped;
}

uint16_t
dp_acl_in_burst(struct dp_worker *w, const struct dp_snap *s, struct rte_mbuf **pkts,
		uint16_t n, uint16_t *next)
{
	uint16_t i, c, dropped = 0;

	for (i = 0; i < n; i += c) {
		c = RTE_MIN(n - i, DP_BURST);
		dropped += acl_in_chunk(w, s, pkts + i, c, next + i);
	}
	return dropped;
}

bool
dp_acl_rules_of(const struct dp_snap *s, const struct rte_mbuf *m, uint16_t port, int dir,
		uint16_t *decide, uint16_t *meter)
{
	const struct dp_acl_set *a = s->acl;
	uint32_t res[DP_ACL_CATEGORIES];
	const uint8_t *data[1];
	struct dp_acl_key key;
	struct dp_l34 l;

	*decide = *meter = 0;
	if (a == NULL || a->ctx[dir] == NULL)
		return true;
	dp_l34_parse(m, &l);
	dp_acl_key_make(&key, m, &l, port, dir);
	data[0] = (const uint8_t *)&key;
	rte_acl_classify(a->ctx[dir], data, res, 1, DP_ACL_CATEGORIES);
	*decide = (uint16_t)res[DP_ACL_CAT_DECIDE];
	*meter = (uint16_t)res[DP_ACL_CAT_METER];
	/* Denied frames reach here only by a stateful flow: those are not cached, nor are the
	 * flows of stateful rules (their state is refreshed on the slow path). */
	return *decide == 0 || (a->rule[*decide - 1].action == DP_ACL_ALLOW &&
			!a->rule[*decide - 1].stateful);
}

/*
 * --- node vsw_acl_in: egress arc, ports with "in" rules ----------------------------------
 * The port's "in" rules on the frames sent to it (before the tag: rules see the frame as
 * switched). Writes: never. Flow cache: with "in" rules anywhere every port's frames use the
 * policy flow cache (snap.c: pfc), whose entry records the verdict; stateful verdicts are not
 * cached (dp_acl_rules_of()).
 */
static bool
acl_in_enabled(const struct dp_snap *s, uint16_t port)
{
	return s->port[port].acl_in;
}

static uint16_t
acl_in_stage(struct dp_worker *w, const struct dp_snap *s, uint16_t out_port,
		struct rte_mbuf **pkts, uint16_t n, uint16_t *next)
{
	uint16_t i, d;

	for (i = 0; i < n; i++)
		next[i] = out_port;
	d = dp_acl_in_burst(w, s, pkts, n, next);
	for (i = 0; i < n; i++)
		if (!dp_next_is_drop(next[i]))
			next[i] = DP_NEXT_CONT;
	return d;
}

VSW_OUT_STAGE_NODE(acl_in, "vsw_acl_in", acl_in_stage, DP_STAGE_EGRESS, 50, acl_in_enabled,
		NULL, VSW_CACHE_FLOW)
