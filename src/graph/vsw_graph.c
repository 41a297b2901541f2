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
/* The arc nodes, ingress then egress, each arc in its order (index = arc index), set by
 * vsw_graph_init(). */
static const struct vsw_node_info *arc_nodes[VSW_ARC_MAX];
static rte_node_t arc_ids[VSW_ARC_MAX];
static unsigned int n_arc;

/* qsort order of arc nodes. */
static int
arc_cmp(const void *a, const void *b)
{
	const struct vsw_node_info *x = *(const struct vsw_node_info *const *)a;
	const struct vsw_node_info *y = *(const struct vsw_node_info *const *)b;

	if (x->arc->kind != y->arc->kind)
		return x->arc->kind == VSW_ARC_IN ? -1 : 1;
	return (x->arc->order > y->arc->order) - (x->arc->order < y->arc->order);
}

/* The egress arc of port @p p of @p s (out_first, out_next[], out_writes). */
static void
arc_build_out(struct dp_snap *s, uint16_t p)
{
	struct dp_port *dp = &s->port[p];
	uint16_t *prev = &dp->out_first;
	unsigned int k;

	dp->out_writes = 0;
	dp->out_nocache = 0;
	for (k = 0; k < VSW_ARC_MAX; k++)
		dp->out_next[k] = p;
	for (k = 0; k < n_arc; k++) {
		const struct vsw_arc_info *a = arc_nodes[k]->arc;

		if (a->kind != VSW_ARC_OUT || (a->enabled != NULL && !a->enabled(s, p)))
			continue;
		*prev = (uint16_t)(DP_NEXT_ARC_BASE + k);
		prev = &dp->out_next[k];
		if (a->writes != NULL && a->writes(s, p))
			dp->out_writes = 1;
		dp->out_nocache |= a->cache == VSW_CACHE_NEVER;
	}
	*prev = p;
}

void
vsw_arc_build(struct dp_snap *s)
{
	uint16_t p;
	unsigned int k, prev;

	for (p = 0; p < s->n_ports; p++) {
		struct dp_port *dp = &s->port[p];

		memset(dp->in_next, 0, sizeof(dp->in_next));
		dp->in_nocache = 0;
		prev = 0; /* the first arc node (vsw_parse) runs everywhere */
		for (k = 1; k < n_arc && arc_nodes[k]->arc->kind == VSW_ARC_IN; k++) {
			const struct vsw_arc_info *a = arc_nodes[k]->arc;

			if (a->enabled != NULL && !a->enabled(s, p))
				continue;
			dp->in_nocache |= a->cache == VSW_CACHE_NEVER;
			dp->in_next[prev] = (uint8_t)k;
			prev = k;
		}
		arc_build_out(s, p);
	}
}

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

	memset(c, 0, sizeof(*c));
	c->w = graph_creating;
	for (unsigned int k = 0; k < n_arc; k++)
		if (arc_ids[k] == node->id)
			c->arc = (uint8_t)k;
	vsw_tx_node_port(node->name, &c->port);
	return c->w == NULL ? -EINVAL : 0;
}

bool
vsw_tx_node_port(const char *name, uint16_t *port)
{
	unsigned int p;
	char tail;

	if (name == NULL || sscanf(name, VSW_TX_NODE "-%u%c", &p, &tail) != 1 ||
			p >= VSW_MAX_PORTS)
		return false;
	*port = (uint16_t)p;
	return true;
}

int
vsw_graph_init(void)
{
	const char *names[VSW_MAX_PORTS + VSW_ARC_MAX];
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
	if (n_arc == 0) {
		for (i = 0; i < n_node_infos; i++)
			if (node_infos[i]->arc != NULL && n_arc < VSW_ARC_MAX)
				arc_nodes[n_arc++] = node_infos[i];
		qsort(arc_nodes, n_arc, sizeof(arc_nodes[0]), arc_cmp);
		/* The flow cache and the rx node hand misses to vsw_parse: it must come first. */
		if (n_arc == 0 || strcmp(arc_nodes[0]->reg->name, "vsw_parse") != 0) {
			n_arc = 0;
			return -EINVAL;
		}
		for (i = 0; i < n_arc; i++)
			arc_ids[i] = rte_node_from_name(arc_nodes[i]->reg->name);
	}
	for (i = 0; i < n_node_infos; i++) {
		unsigned int k;

		if (!node_infos[i]->port_edges)
			continue;
		/* rte_graph refuses an edge to the node itself: an arc node's own arc edge,
		 * never taken, names the drop node instead. */
		for (k = 0; k < n_arc; k++)
			names[VSW_MAX_PORTS + k] = arc_nodes[k] == node_infos[i] ? "vsw_drop" :
				arc_nodes[k]->reg->name;
		id = rte_node_from_name(node_infos[i]->reg->name);
		if (rte_node_is_invalid(id))
			return -ENOENT;
		if (rte_node_edge_update(id, VSW_EDGE_PORT0, names, VSW_MAX_PORTS + n_arc) == 0 ||
				rte_node_edge_count(id) != VSW_EDGE_PORT0 + VSW_MAX_PORTS + n_arc)
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
	static unsigned int seq;
	char name[RTE_GRAPH_NAMESIZE];
	rte_graph_t id;

	/* Two contexts may share a worker id (unit tests' pipes): the sequence keeps the
	 * names apart. */
	snprintf(name, sizeof(name), "vsw-w%u-%u", w->id, seq++);
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
