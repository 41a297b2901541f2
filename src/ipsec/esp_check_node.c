/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vsw_ipsec_check: egress arc of the VM ports with inbound SPD entries (dp_port.ipsec_check),
 * first. Holds every frame sent to the port to the port's inbound SPD (spd.h): a frame an
 * entry protects must have been decrypted by that entry's SA (VSW_META_F_IPSEC, ipsec_sa),
 * so plaintext never reaches the VM where the policy wants ESP; a decrypted frame must be
 * selected by an entry of its SA; discard entries drop. Drops: ipsec_policy, ipsec_discard.
 * Writes: never. Flow cache: never (VSW_CACHE_NEVER: the verdict depends on how the frame
 * arrived, which the cache key does not hold).
 */
#include "ipsec_dp.h"
#include "vsw_node.h"

static bool
ipsec_check_enabled(const struct dp_snap *s, uint16_t port)
{
	return s->ipsec != NULL && s->port[port].ipsec_check;
}

static uint16_t
ipsec_check_stage(struct dp_worker *w, const struct dp_snap *s, uint16_t out_port,
		struct rte_mbuf **pkts, uint16_t n, uint16_t *next)
{
	const struct dp_ipsec *ip = s->ipsec;
	const struct ipsec_spd *spd = ip->spd;
	uint32_t res[DP_BURST];
	uint16_t i, dropped = 0;

	RTE_SET_USED(w);
	dp_ipsec_spd_res(s, out_port, DP_ACL_IN, pkts, n, res);
	for (i = 0; i < n; i++) {
		const struct vsw_meta *md = vsw_meta_c(pkts[i]);
		const struct spd_res *r = res[i] != 0 ? &spd->res[res[i] - 1] : NULL;
		bool decrypted = (md->flags & VSW_META_F_IPSEC) != 0;
		uint16_t code = DP_NEXT_CONT;

		if (r != NULL && r->action == SPD_DISCARD)
			code = dp_next_drop(DP_DROP_IPSEC_DISCARD);
		else if (r != NULL && r->action == SPD_PROTECT)
			/* The entry's SA or one of its group (a rekey's old and new SAs). */
			code = decrypted && md->ipsec_sa < ip->n_sa && r->sa < ip->n_sa &&
				ip->sa[md->ipsec_sa].group == ip->sa[r->sa].group ? DP_NEXT_CONT :
				dp_next_drop(DP_DROP_IPSEC_POLICY);
		else if (decrypted) /* bypass, or no entry, for what an SA decrypted */
			code = dp_next_drop(DP_DROP_IPSEC_POLICY);
		next[i] = code;
		dropped += code != DP_NEXT_CONT;
	}
	return dropped;
}

VSW_OUT_STAGE_NODE(ipsec_check, "vsw_ipsec_check", ipsec_check_stage, DP_STAGE_EGRESS, 5,
		ipsec_check_enabled, NULL, VSW_CACHE_NEVER)
