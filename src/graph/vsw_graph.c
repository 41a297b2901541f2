/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>

#include "vsw_graph.h"
#include "vsw_node.h"

/** Most nodes vswd registers (not counting the per-port output clones). */
#define VSW_NODES_MAX 64

/* Nodes registered by VSW_NODE_REGISTER(), in constructor order. */
static const struct vsw_node_info *node_infos[VSW_NODES_MAX];
static unsigned int n_node_infos;
/* The worker whose graph rte_graph_create() is building (its nodes' init reads it). */
static struct dp_worker *graph_creating;

void
vsw_node_info_add(const struct vsw_node_info *info)
{
	/* A constructor cannot fail: too many nodes is a build error caught by this test. */
	if (n_node_infos < VSW_NODES_MAX)
		node_infos[n_node_infos++] = info;
}

unsigned int
vsw_graph_node_count(void)
{
	return n_node_infos;
}

/* Node init callback shared by vswd's nodes: the context names the worker being built. */
int
vsw_node_init_ctx(const struct rte_graph *graph, struct rte_node *node)
{
	struct vsw_node_ctx *c = vsw_node_ctx(node);
	const char *dash;

	memset(c, 0, sizeof(*c));
	c->w = graph_creating;
	dash = strrchr(node->name, '-');
	if (strncmp(node->name, VSW_TX_NODE "-", strlen(VSW_TX_NODE) + 1) == 0 && dash != NULL)
		c->port = (uint16_t)strtoul(dash + 1, NULL, 10);
	return c->w == NULL ? -EINVAL : 0;
}

int
vsw_graph_init(void)
{
	const char *names[VSW_MAX_PORTS];
	static char buf[VSW_MAX_PORTS][RTE_NODE_NAMESIZE];
	char clone[16];
	rte_node_t tx, id;
	unsigned int i;
	int rc;

	rc = vsw_meta_register();
	if (rc != 0)
		return rc;
	tx = rte_node_from_name(VSW_TX_NODE);
	if (rte_node_is_invalid(tx))
		return -ENOENT;
	for (i = 0; i < VSW_MAX_PORTS; i++) {
		snprintf(buf[i], sizeof(buf[i]), "%s-%u", VSW_TX_NODE, i);
		names[i] = buf[i];
		if (!rte_node_is_invalid(rte_node_from_name(buf[i])))
			continue;
		snprintf(clone, sizeof(clone), "%u", i);
		if (rte_node_is_invalid(rte_node_clone(tx, clone)))
			return -rte_errno ? -rte_errno : -ENOMEM;
	}
	for (i = 0; i < n_node_infos; i++) {
		if (!node_infos[i]->port_edges)
			continue;
		id = rte_node_from_name(node_infos[i]->reg->name);
		if (rte_node_is_invalid(id))
			return -ENOENT;
		if (rte_node_edge_update(id, VSW_EDGE_PORT0, names, VSW_MAX_PORTS) == 0 ||
				rte_node_edge_count(id) != VSW_EDGE_PORT0 + VSW_MAX_PORTS)
			return -EINVAL;
	}
	return 0;
}

struct rte_graph *
vsw_graph_create(struct dp_worker *w, int socket)
{
	static const char *patterns[] = { "vsw_*", VSW_TX_NODE "-*" };
	struct rte_graph_param prm = {
		.socket_id = socket,
		.nb_node_patterns = RTE_DIM(patterns),
		.node_patterns = patterns,
	};
	char name[RTE_GRAPH_NAMESIZE];
	rte_graph_t id;

	snprintf(name, sizeof(name), "vsw-w%u", w->id);
	graph_creating = w;
	id = rte_graph_create(name, &prm);
	graph_creating = NULL;
	if (rte_graph_is_invalid(id)) {
		if (rte_errno == 0)
			rte_errno = EINVAL;
		return NULL;
	}
	w->graph = rte_graph_lookup(name);
	w->graph_id = id;
	return w->graph;
}

void
vsw_graph_destroy(struct dp_worker *w)
{
	if (w->graph == NULL)
		return;
	rte_graph_destroy(w->graph_id);
	w->graph = NULL;
}
