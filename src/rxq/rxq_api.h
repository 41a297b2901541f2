/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_RXQ_API_H
#define VSW_RXQ_API_H

/**
 * @file
 * API methods of RX queue placement (rxq.*), rows of the method table in api.c; each calls
 * the action function of rxq_ctl.h that the automatic rebalancing calls too.
 */

#include <jansson.h>

#include "api.h"

/** rxq.show: settings, each worker's load, each queue's worker, load and history. */
json_t *rxq_api_show(struct vsw_api *a, json_t *p, struct rpc_error *err);
/** rxq.rebalance: a dry run by load, applied when it moves something ("dry_run": only
 * report); the result says what it judged. */
json_t *rxq_api_rebalance(struct vsw_api *a, json_t *p, struct rpc_error *err);
/** rxq.move: queue "queue" of port "port" to worker "worker". */
json_t *rxq_api_move(struct vsw_api *a, json_t *p, struct rpc_error *err);

#endif
