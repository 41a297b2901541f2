/* SPDX-License-Identifier: BSD-3-Clause */
#include "vlan_out.h"

uint16_t
dp_vlan_out_burst(struct dp_worker *w, const struct dp_port *out,
		struct rte_mbuf **pkts, uint16_t n, uint16_t *next)
{
	uint16_t i, dropped = 0;

	RTE_SET_USED(w);
	for (i = 0; i < n; i++) {
		next[i] = dp_vlan_out_one(out, pkts[i]);
		dropped += dp_next_is_drop(next[i]);
	}
	return dropped;
}
