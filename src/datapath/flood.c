/* SPDX-License-Identifier: BSD-3-Clause */
#include "flood.h"
#include "vsw_node.h"

/* One frame against the storm limit of @p in_port: true when it is within the limit. */
static inline bool
flood_storm_ok(struct dp_worker *w, const struct dp_snap *s, uint16_t in_port)
{
	/* rte_meter takes the profile as non-const, but only reads it. */
	struct rte_meter_srtcm_profile *prof =
		(struct rte_meter_srtcm_profile *)(uintptr_t)&s->port[in_port].storm;

	if (unlikely(w->storm_gen[in_port] != s->gen)) {
		rte_meter_srtcm_config(&w->storm[in_port], prof);
		w->storm_gen[in_port] = s->gen;
	}
	/* The profile counts one "byte" per packet: the rate is packets per second. */
	return rte_meter_srtcm_color_blind_check(&w->storm[in_port], prof, w->now, 1) ==
		RTE_COLOR_GREEN;
}

uint16_t
dp_flood_burst(struct dp_worker *w, const struct dp_snap *s, uint16_t in_port,
		struct rte_mbuf **pkts, uint16_t n, uint16_t *next)
{
	const struct dp_port *in = &s->port[in_port];
	uint16_t i, nu, nt, dropped = 0;

	RTE_SET_USED(w);
	for (i = 0; i < n; i++) {
		const struct dp_vlan_members *vm;

		if (next[i] != DP_NEXT_FLOOD)
			continue;
		vm = s->vlan[pkts[i]->vlan_tci & RTE_VLAN_ID_MASK];
		if (vm != NULL)
			dp_flood_count(vm, in, pkts[i]->vlan_tci, &nu, &nt);
		if (vm == NULL || nu + nt == 0) {
			next[i] = dp_next_drop(DP_DROP_FLOOD_NO_MEMBERS);
			dropped++;
		} else if (in->storm_pps != 0 && !flood_storm_ok(w, s, in_port)) {
			next[i] = dp_next_drop(DP_DROP_STORM_LIMIT);
			dropped++;
		}
	}
	return dropped;
}

/* --- node vsw_flood: ingress arc; frames l2 floods: members, storm limit -------------- */

static uint16_t
flood_stage(struct dp_worker *w, const struct dp_snap *s, uint16_t in_port,
		struct rte_mbuf **pkts, uint16_t n, uint16_t *next)
{
	uint16_t d;

	vsw_decision_load(pkts, n, next);
	d = dp_flood_burst(w, s, in_port, pkts, n, next);
	vsw_decision_store(pkts, n, next);
	return d;
}

VSW_ARC_STAGE_NODE(flood, "vsw_flood", flood_stage, DP_STAGE_FLOOD, 50, NULL,
		VSW_CACHE_FLOW)
