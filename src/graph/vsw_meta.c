/* SPDX-License-Identifier: BSD-3-Clause */
#include <rte_errno.h>

#include "vsw_meta.h"

int vsw_meta_off = -1;

int
vsw_meta_register(void)
{
	static const struct rte_mbuf_dynfield desc = {
		.name = "vsw_meta",
		.size = sizeof(struct vsw_meta),
		.align = __alignof__(struct vsw_meta),
	};
	int off;

	if (vsw_meta_off >= 0)
		return 0;
	off = rte_mbuf_dynfield_register(&desc);
	if (off < 0)
		return -rte_errno;
	vsw_meta_off = off;
	return 0;
}
