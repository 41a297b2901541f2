/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_GRAPH_INJECT_H
#define VSW_GRAPH_INJECT_H

/**
 * @file
 * Driving a graph without devices: frames handed to the rx node instead of polling (the
 * dry run of trace.simulate, unit tests, fuzzing) and the capture of what the output nodes
 * would send. Owned by whoever walks that graph (the control thread's dry-run worker, a
 * test); a worker serving real ports has neither.
 */

#include <stdint.h>

#include <rte_mbuf.h>

/** Most frames one injection holds. */
#define VSW_INJECT_MAX 256

/** Frames the rx node takes at the next walk instead of polling its queues. */
struct vsw_inject {
	uint16_t n;                          /**< frames in pkt[] */
	uint8_t trace;                       /**< mark them traced, ids from trace_id on */
	uint32_t trace_id;                   /**< packet id of the first when traced */
	struct rte_mbuf *pkt[VSW_INJECT_MAX]; /**< the frames (the graph owns them) */
	uint16_t port[VSW_INJECT_MAX];       /**< the ingress port of each */
};

/** One reference an output node would have sent. */
struct vsw_capture_ent {
	struct rte_mbuf *m;  /**< the frame (one reference: the capturer frees it) */
	uint16_t port;       /**< the output port */
};

/** What the output nodes would have sent, in order. */
struct vsw_capture {
	uint32_t n;                     /**< entries used */
	uint32_t max;                   /**< entries in ent[] */
	uint64_t lost;                  /**< references freed for want of room */
	struct vsw_capture_ent *ent;    /**< the entries */
};

#endif
