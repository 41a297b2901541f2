/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_malloc.h>

#include "acl_build.h"
#include "spd.h"

RTE_ACL_RULE_DEF(spd_rule, DP_ACL_NUM_FIELDS);

/* The context of direction @p dir (DP_ACL_IN/OUT) of the entries that have it, or NULL. */
static int
spd_ctx(struct ipsec_spd *spd, const struct spd_entry *e, uint32_t n, int dir,
		struct ctrl_err *err)
{
	uint32_t want = dir == DP_ACL_IN ? CFG_ACL_IN : CFG_ACL_OUT, i, k = 0;
	struct spd_rule r;
	int rc;

	for (i = 0; i < n; i++)
		k += (e[i].sel.dir & want) != 0;
	if (k == 0)
		return 0;
	spd->ctx[dir] = acl_ctx_new("spd", dir, k, "$.ipsec.spd", err);
	if (spd->ctx[dir] == NULL)
		return ctrl_err_rc(err, -EINVAL);
	for (i = 0; i < n; i++) {
		if (!(e[i].sel.dir & want))
			continue;
		memset(&r, 0, sizeof(r));
		acl_rule_fields(r.field, &e[i].sel, e[i].sel.port_idx);
		r.data.category_mask = 1;
		/* Ordered: the earlier entry has the higher priority. */
		r.data.priority = (int32_t)(SPD_MAX_ENTRIES - i);
		r.data.userdata = i + 1;
		rc = rte_acl_add_rules(spd->ctx[dir], (const struct rte_acl_rule *)&r, 1);
		if (rc != 0) {
			char path[48];

			snprintf(path, sizeof(path), "$.ipsec.spd[%u]", i);
			return (rc == -ENOMEM ? ctrl_nomem : ctrl_errf)(err, path,
					"adding the entry: %s", strerror(-rc));
		}
	}
	return acl_ctx_finish(spd->ctx[dir], 1, "$.ipsec.spd", err);
}

struct ipsec_spd *
spd_build(const struct spd_entry *e, uint32_t n, struct ctrl_err *err)
{
	struct ipsec_spd *spd;
	uint32_t i;

	if (n > SPD_MAX_ENTRIES) {
		ctrl_errf(err, "$.ipsec.spd", "%u entries: at most %d", n, SPD_MAX_ENTRIES);
		return NULL;
	}
	spd = rte_zmalloc("vsw_spd", sizeof(*spd), 0);
	if (spd != NULL)
		spd->res = rte_zmalloc("vsw_spd_res", sizeof(spd->res[0]) * (n + 1), 0);
	if (spd == NULL || spd->res == NULL) {
		spd_free(spd);
		ctrl_nomem(err, "$.ipsec.spd", "out of memory for %u entries", n);
		return NULL;
	}
	spd->n = n;
	for (i = 0; i < n; i++) {
		spd->res[i].action = e[i].action;
		spd->res[i].sa = e[i].sa;
	}
	if (spd_ctx(spd, e, n, DP_ACL_IN, err) != 0 || spd_ctx(spd, e, n, DP_ACL_OUT, err) != 0) {
		spd_free(spd);
		return NULL;
	}
	return spd;
}

void
spd_free(struct ipsec_spd *spd)
{
	if (spd == NULL)
		return;
	rte_acl_free(spd->ctx[DP_ACL_IN]);
	rte_acl_free(spd->ctx[DP_ACL_OUT]);
	rte_free(spd->res);
	rte_free(spd);
}
