/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vsw_ipsec_out: ingress arc of the VM ports with outbound SPD entries, after vsw_sec (the
 * port's own protections and "out" rules first), before vsw_l2. Classifies each frame by the
 * port's outbound SPD (spd.h): bypass goes on in the clear, discard is dropped
 * (ipsec_discard), protect goes through its SA (esp.h), per SA in order. A tunnel SA's ESP
 * frame leaves for its uplink's egress arc in the uplink's VLAN; a transport SA's goes on
 * along the arc and is switched like any frame. The SA's lifetime admits frames first
 * (ipsec_sa_expired, ipsec_seq_unsaved, ipsec_sa_down); what the engine refuses is
 * ipsec_esp_failed (sequence numbers used up: ipsec_sa_expired). Per-SA counters: sa->ctr.
 * Writes: the frames it protects (its own, never a shared one: the ingress arc runs before
 * any flood). Flow cache: never (VSW_CACHE_NEVER: every frame is classified and encrypted).
 */
#include "ipsec_dp.h"
#include "vsw_node.h"

static bool
ipsec_out_enabled(const struct dp_snap *s, uint16_t port)
{
	return s->ipsec != NULL && s->port[port].ipsec_out;
}

/*
 * Runs the frames of @p pkts whose index is listed in @p idx (@p n of them, in order)
 * through SA @p sa within its lifetime, sets their next[] codes and counts them on worker
 * @p w. @return how many were dropped.
 */
static uint16_t
ipsec_out_sa(const struct dp_worker *w, const struct dp_snap *s, const struct dp_ipsec_sa *sa,
		struct rte_mbuf **pkts, const uint8_t *idx, uint16_t n, uint16_t *next)
{
	struct dp_ipsec_ctr *c = &sa->ctr[w->id];
	uint8_t why[ESP_IDX_MAX];
	uint32_t len[ESP_IDX_MAX];
	uint16_t k, i, dropped;
	uint64_t ok = dp_ipsec_run(sa, c, pkts, idx, n, next, len, why, &k);

	dropped = n - k;
	for (i = 0; i < k; i++) {
		struct rte_mbuf *f = pkts[idx[i]];

		if (!((ok >> i) & 1)) {
			next[idx[i]] = dp_next_drop(dp_ipsec_fail(c, why[i], true));
			dropped++;
			continue;
		}
		c->packets++;
		c->bytes += len[i];
		if (!sa->tunnel) {
			next[idx[i]] = DP_NEXT_CONT;
			continue;
		}
		/* The MACs are the snapshot's, not the engine template's: a new next hop or
		 * uplink address must not recreate the SA (and its sequence). */
		dp_ipsec_set_macs(f, sa);
		vsw_meta(f)->out_port = sa->uplink;
		f->vlan_tci = sa->uplink_vid;
		next[idx[i]] = s->port[sa->uplink].out_first;
	}
	return dropped;
}

static uint16_t
ipsec_out_stage(struct dp_worker *w, const struct dp_snap *s, uint16_t in_port,
		struct rte_mbuf **pkts, uint16_t n, uint16_t *next)
{
	const struct dp_ipsec *ip = s->ipsec;
	uint32_t res[DP_BURST];
	uint16_t sa_of[DP_BURST], i, j, k, dropped = 0;
	uint8_t idx[DP_BURST];
	bool done[DP_BURST];

	/* The engine writes l2_len and l3_len: the mbuf's second line, not touched yet. */
	for (i = 0; i < n; i++)
		rte_prefetch0(&pkts[i]->cacheline1);
	dp_ipsec_spd_res(s, in_port, DP_ACL_OUT, pkts, n, res);
	for (i = 0; i < n; i++) {
		const struct spd_res *r = res[i] != 0 ? &ip->spd->res[res[i] - 1] : NULL;

		done[i] = true;
		if (r == NULL || r->action == SPD_BYPASS) {
			next[i] = DP_NEXT_CONT;
		} else if (r->action == SPD_DISCARD || r->sa >= ip->n_sa) {
			next[i] = dp_next_drop(DP_DROP_IPSEC_DISCARD);
			dropped++;
		} else {
			sa_of[i] = r->sa;
			done[i] = false;
		}
	}
	/* One engine call per SA, with its frames in their order. */
	for (i = 0; i < n; i++) {
		if (done[i])
			continue;
		for (j = i, k = 0; j < n; j++) {
			if (!done[j] && sa_of[j] == sa_of[i]) {
				idx[k++] = (uint8_t)j;
				done[j] = true;
			}
		}
		dropped += ipsec_out_sa(w, s, &ip->sa[sa_of[i]], pkts, idx, k, next);
	}
	return dropped;
}

VSW_ARC_STAGE_NODE(ipsec_out, "vsw_ipsec_out", ipsec_out_stage, DP_STAGE_SEC, 35,
		ipsec_out_enabled, VSW_CACHE_NEVER)
