/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "vsw_log.h"

int vsw_logtype = RTE_LOGTYPE_USER1;

void
vsw_log_init(uint32_t level)
{
	int t = rte_log_register_type_and_pick_level("vswd", level);

	if (t >= 0)
		vsw_logtype = t;
	rte_log_set_level(vsw_logtype, level);
}

uint32_t
vsw_log_level_parse(const char *name)
{
	static const char *const names[] = { "", "emergency", "alert", "critical", "error",
		"warning", "notice", "info", "debug" };
	uint32_t i;

	for (i = 1; i < RTE_DIM(names); i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return RTE_LOG_NOTICE;
}
