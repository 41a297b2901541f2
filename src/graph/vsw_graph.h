/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_GRAPH_H
#define VSW_GRAPH_H

/**
 * @file
 * Building the per-worker graphs. Ownership: the control thread calls these at start-up and
 * shutdown only; a worker walks its own graph. Nodes come from VSW_NODE_REGISTER() in the
 * node files (constructors), so a new node is its file plus that line.
 */

#include <rte_graph.h>

#include "dp.h"

/**
 * Registers the metadata field, creates one output node per port slot ("vswtx-<i>") and
 * gives every port-reaching node its port edges. Call once, after rte_eal_init().
 * @return 0 or a negative errno.
 */
int vsw_graph_init(void);

/**
 * Creates the graph "vsw-w<id>-<n>" of worker @p w (its nodes' contexts point to @p w) on
 * @p socket. @return the graph, or NULL with rte_errno set.
 */
struct rte_graph *vsw_graph_create(struct dp_worker *w, int socket);

/** Destroys the graph of worker @p w (made by vsw_graph_create()); NULL-safe. */
void vsw_graph_destroy(struct dp_worker *w);

/** Number of nodes vswd registered (for statistics). */
unsigned int vsw_graph_node_count(void);

#endif
