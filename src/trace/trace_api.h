/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_TRACE_API_H
#define VSW_TRACE_API_H

/**
 * @file
 * API methods of the packet trace (trace.start, trace.stop, trace.show, trace.simulate) and
 * of the graph's per-node counters (stats.nodes). Handlers only check, call trace_ctl.h and
 * serialise; api.c lists them in its method table.
 */

#include <jansson.h>

#include "api.h"

/** Most bytes trace.simulate takes (a jumbo frame with its tag). */
#define TRACE_FRAME_MAX (DP_MTU_MAX + DP_L2_OVERHEAD)

json_t *trace_api_start(struct vsw_api *a, json_t *p, struct rpc_error *err);
json_t *trace_api_stop(struct vsw_api *a, json_t *p, struct rpc_error *err);
json_t *trace_api_show(struct vsw_api *a, json_t *p, struct rpc_error *err);
json_t *trace_api_simulate(struct vsw_api *a, json_t *p, struct rpc_error *err);
json_t *trace_api_nodes(struct vsw_api *a, json_t *p, struct rpc_error *err);

/** Per-node counters summed over the workers: one row per node (stats.nodes, telemetry). */
json_t *trace_nodes_json(const struct vsw_ctrl *c);

/**
 * Decodes hex string @p s (optional ':', '-', ' ' between bytes) into @p out (at most @p max
 * bytes). @return bytes, or -1 when @p s is not whole bytes of hex or is longer.
 */
int trace_hex_decode(const char *s, uint8_t *out, size_t max);

#endif
