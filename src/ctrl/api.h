/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_API_H
#define VSW_API_H

/**
 * @file
 * The methods of the control socket: one declarative table (name, parameters with their
 * types, whether it changes state, one line of help) from which help, list, the parameter
 * checks and vswctl's help all come. Every method that changes configuration builds the
 * document it wants and hands it to ctrl_config_apply(), the same action the config loader
 * uses; a successful change is then saved (persist.h).
 */

#include <stdbool.h>

#include "ctrl.h"
#include "rpc.h"

/** Context of the API. */
struct vsw_api {
	struct vsw_ctrl *c;   /**< the running switch */
	char running[4096];   /**< where the running config is saved, "" = not saved */
	uint64_t started;     /**< TSC at start, for uptime */
};

/** rpc_handler of the API: @p ctx is a struct vsw_api. */
json_t *api_handle(void *ctx, const char *method, json_t *params, const struct rpc_peer *peer,
		struct rpc_error *err);

#endif
