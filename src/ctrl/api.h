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

/*
 * Helpers for the method handlers of the features (src/<feature>/<feature>_api.c).
 */

/**
 * Validates @p doc (a reference this call takes) as a whole configuration and applies it
 * (ctrl_config_apply()), or only reports (@p dry_run); saves the running config after a
 * change. Error paths inside element @p elem ("$.acl[3]", or NULL) are reported as
 * "params.<key>". @return the result object, or NULL with @p err.
 */
json_t *api_apply_doc(struct vsw_api *a, json_t *doc, bool dry_run, const char *elem,
		struct rpc_error *err);

/**
 * The running document (a new reference) with element @p k of array @p section replaced by
 * @p v (k == its size: appended; v == NULL: removed).
 */
json_t *api_doc_edit(struct vsw_api *a, const char *section, size_t k, json_t *v);

/** api_apply_doc() of the running document with element @p k of @p section set to @p v. */
json_t *api_element_apply(struct vsw_api *a, const char *section, size_t k, json_t *v,
		struct rpc_error *err);

/** The string param @p key of @p p, or NULL. */
const char *api_str_param(json_t *p, const char *key);

/**
 * The "port" filter of @p p into @p port: NULL (all) or a running port's name.
 * @return 0, or -1 with @p err (RPC_NOT_FOUND) when no port has that name.
 */
int api_port_filter(struct vsw_api *a, json_t *p, const char **port, struct rpc_error *err);

/** rpc_handler of the API: @p ctx is a struct vsw_api. */
json_t *api_handle(void *ctx, const char *method, json_t *params, const struct rpc_peer *peer,
		struct rpc_error *err);

#endif
