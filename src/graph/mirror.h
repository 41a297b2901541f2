/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_GRAPH_MIRROR_H
#define VSW_GRAPH_MIRROR_H

/**
 * @file
 * Port mirroring. A node that sees a mirror source's frames (rx: as received; the port's
 * output: as sent) emits deep copies on its mirror edge with vsw_mirror_emit(); the
 * "vsw_mirror" node hands each copy to every mirror destination's output. Destinations are
 * never sources, so a copy is never copied again.
 */

#include "vsw_node.h"

/** Name of the mirror node (the edge name nodes declare). */
#define VSW_MIRROR_NODE "vsw_mirror"

/**
 * Emits one deep copy of each of the @p n frames of @p pkts on edge @p edge of @p node (which
 * leads to the mirror node), when the snapshot has mirror destinations. The originals go on
 * unchanged and undelayed. A copy the pool cannot give is a counted drop
 * (mirror_copy_failed) on each destination.
 */
void vsw_mirror_emit(struct rte_graph *graph, struct rte_node *node, rte_edge_t edge,
		struct rte_mbuf **pkts, uint16_t n);

#endif
