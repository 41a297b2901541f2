/* SPDX-License-Identifier: BSD-3-Clause */
#include "dp.h"
#include "dp_drops.h"

#define DP_DROP_NAME_(e, name, desc) name,
#define DP_DROP_DESC_(e, name, desc) desc,
static const char *const dp_drop_names[DP_DROP_MAX] = { DP_DROPS(DP_DROP_NAME_) };
static const char *const dp_drop_descs[DP_DROP_MAX] = { DP_DROPS(DP_DROP_DESC_) };

const char *
dp_drop_name(enum dp_drop r)
{
	return (unsigned int)r < DP_DROP_MAX ? dp_drop_names[r] : "unknown";
}

#define DP_STAGE_NAME_(e, name) name,

const char *
dp_stage_name(enum dp_stage s)
{
	static const char *const names[DP_STAGE_MAX] = { DP_STAGES(DP_STAGE_NAME_) };

	return (unsigned int)s < DP_STAGE_MAX ? names[s] : "unknown";
}

const char *
dp_drop_desc(enum dp_drop r)
{
	return (unsigned int)r < DP_DROP_MAX ? dp_drop_descs[r] : "unknown";
}
