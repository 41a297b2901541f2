/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_GRAPH_META_H
#define VSW_GRAPH_META_H

/**
 * @file
 * Per-packet metadata: one registered mbuf dynamic field (rte_mbuf_dyn), the only place a
 * node leaves state for the nodes after it. Standard mbuf fields keep their DPDK meaning.
 *
 * Ownership: the field belongs to whichever node holds the packet. It is written in this
 * order:
 *   in_port   vswd port index the frame was received on: the flow cache on the frames it
 *             leaves to the slow path, the rx node when the cache is off (a hit never
 *             needs it)
 *   rx_tci    TCI of the 802.1Q tag the frame arrived with, valid with VSW_META_F_RX_TAGGED
 *             (the flow cache, on the frames it leaves; read back when the slow path
 *             offers the flow to the cache after vlan_in removed the tag)
 *   out_port  the switching decision on the ingress arc: an output port or DP_NEXT_FLOOD
 *             (vsw_l2; vsw_flood may turn it into a drop); on the egress arc the port
 *             the frame is being sent to (vsw_egress, one frame per destination)
 *   drop      reason (enum dp_drop) of a packet sent to a drop edge (the deciding node),
 *             with out_port the port it was meant for when the drop is an egress drop
 *   trace_id  packet id of a frame being traced (the rx node, or trace.simulate), valid
 *             only while the frame carries the vsw_trace_flag dynamic flag: mbuf flags
 *             are cleared for every received frame, the dynamic field is not
 * The offset is registered once by vsw_meta_register() before any worker starts and never
 * changes afterwards.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>

/** What vswd's nodes know about one packet. */
struct vsw_meta {
	uint16_t in_port;   /**< vswd port index of the ingress port */
	uint16_t out_port;  /**< switching decision (a port, DP_NEXT_FLOOD); port of an egress
			     *   drop */
	uint16_t rx_tci;    /**< TCI as received (with VSW_META_F_RX_TAGGED) */
	uint8_t drop;       /**< enum dp_drop of a packet on a drop edge */
	uint8_t flags;      /**< VSW_META_F_* */
	uint32_t trace_id;  /**< packet id of a traced packet (vsw_traced()) */
	uint16_t ipsec_sa;  /**< the inbound SA that decrypted it (with VSW_META_F_IPSEC) */
};

/** The drop was decided for out_port (an egress drop), not against in_port. */
#define VSW_META_F_EGRESS 0x01
/** The frame was decrypted by inbound SA ipsec_sa (vsw_ipsec_in). */
#define VSW_META_F_IPSEC 0x08
/** The frame arrived with an 802.1Q tag (rx_tci). */
#define VSW_META_F_RX_TAGGED 0x04
/** The drop was already counted (per destination, by the node): the drop node only frees. */
#define VSW_META_F_COUNTED 0x02

/** Offset of struct vsw_meta in every mbuf (set by vsw_meta_register()). */
extern int vsw_meta_off;
/** ol_flags bit of a frame being traced (dynamic flag "vsw_traced"). */
extern uint64_t vsw_trace_flag;

/**
 * Registers the dynamic field and the trace flag. Idempotent; call before any mbuf pool's frames reach a node.
 * @return 0 or a negative errno (rte_errno of rte_mbuf_dynfield_register()).
 */
int vsw_meta_register(void);

/** The metadata of @p m. */
static inline struct vsw_meta *
vsw_meta(struct rte_mbuf *m)
{
	return RTE_MBUF_DYNFIELD(m, vsw_meta_off, struct vsw_meta *);
}

/** The metadata of @p m, read only. */
static inline const struct vsw_meta *
vsw_meta_c(const struct rte_mbuf *m)
{
	return RTE_MBUF_DYNFIELD(m, vsw_meta_off, const struct vsw_meta *);
}

/** True when @p m is being traced (trace.h). */
static inline bool
vsw_traced(const struct rte_mbuf *m)
{
	return (m->ol_flags & vsw_trace_flag) != 0;
}

#endif
