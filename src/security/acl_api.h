/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_SECURITY_ACL_API_H
#define VSW_SECURITY_ACL_API_H

/**
 * @file
 * API methods of the port ACLs (acl.add, acl.del, acl.list, acl.meter), rows of the method
 * table in api.c. Each takes the API context, the checked params, and fills @p err on error.
 */

#include <jansson.h>

#include "api.h"

/** acl.add: appends the rule object @p p to the running "acl" and applies the document. */
json_t *acl_api_add(struct vsw_api *a, json_t *p, struct rpc_error *err);
/** acl.del: removes the rule by "index", or by "name" (and "port"). */
json_t *acl_api_del(struct vsw_api *a, json_t *p, struct rpc_error *err);
/** acl.list: the rules with their counters, optionally of one "port". */
json_t *acl_api_list(struct vsw_api *a, json_t *p, struct rpc_error *err);
/** acl.meter: the metering report, optionally of one "port". */
json_t *acl_api_meter(struct vsw_api *a, json_t *p, struct rpc_error *err);

#endif
