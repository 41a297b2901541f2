/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_IPSEC_API_H
#define VSW_IPSEC_API_H

/**
 * @file
 * API methods of IPsec (ipsec.sa.* and ipsec.spd.*), rows of the method table in api.c. The
 * changing ones build the document they want and apply it (api_apply_doc()); the listing ones
 * show SAs with their counters, lifetime use and placement, keys never.
 */

#include <jansson.h>

#include "api.h"

/** ipsec.sa.list: the SAs (of one "port") with counters, lifetime and where they run. */
json_t *ipsec_api_sa_list(struct vsw_api *a, json_t *p, struct rpc_error *err);
/** ipsec.sa.show: the SA named "name". */
json_t *ipsec_api_sa_show(struct vsw_api *a, json_t *p, struct rpc_error *err);
/** ipsec.sa.add: appends the SA object @p p to the running "ipsec.sa" and applies. */
json_t *ipsec_api_sa_add(struct vsw_api *a, json_t *p, struct rpc_error *err);
/** ipsec.sa.del: removes the SA named "name" (an SPD entry naming it is an error). */
json_t *ipsec_api_sa_del(struct vsw_api *a, json_t *p, struct rpc_error *err);
/** ipsec.spd.list: the SPD entries (of one "port") in order. */
json_t *ipsec_api_spd_list(struct vsw_api *a, json_t *p, struct rpc_error *err);
/** ipsec.spd.show: entry "index". */
json_t *ipsec_api_spd_show(struct vsw_api *a, json_t *p, struct rpc_error *err);
/** ipsec.spd.add: inserts the entry @p p at "index" (default: the end) and applies. */
json_t *ipsec_api_spd_add(struct vsw_api *a, json_t *p, struct rpc_error *err);
/** ipsec.spd.set: changes fields of entry "index" (e.g. its "sa": a rekey) in one apply. */
json_t *ipsec_api_spd_set(struct vsw_api *a, json_t *p, struct rpc_error *err);
/** ipsec.spd.del: removes entry "index". */
json_t *ipsec_api_spd_del(struct vsw_api *a, json_t *p, struct rpc_error *err);

/** ipsec.events: the last lifetime events (soft: rekey now; hard: the SA stopped), after
 * "since" (an event's seq). */
json_t *ipsec_api_events(struct vsw_api *a, json_t *p, struct rpc_error *err);

#endif
