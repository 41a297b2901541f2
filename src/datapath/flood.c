/* SPDX-License-Identifier: BSD-3-Clause */
#include "flood.h"

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
		}
	}
	return dropped;
}
