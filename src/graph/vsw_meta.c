/* SPDX-License-Identifier: BSD-3-Clause */
#include <rte_bitops.h>
#include <rte_errno.h>

#include "vsw_meta.h"

int vsw_meta_off = -1;
/* Never 0 once registered; until then no frame matches. */
uint64_t vsw_trace_flag;

int
vsw_meta_register(void)
{
	static const struct rte_mbuf_dynfield desc = {
		.name = "vsw_meta",
		.size = sizeof(struct vsw_meta),
		.align = __alignof__(struct vsw_meta),
	};
	static const struct rte_mbuf_dynflag flag = { .name = "vsw_traced" };
	int off, bit;

	if (vsw_meta_off >= 0)
		return 0;
	off = rte_mbuf_dynfield_register(&desc);
	if (off < 0)
		return -rte_errno;
	bit = rte_mbuf_dynflag_register(&flag);
	if (bit < 0)
		return -rte_errno;
	vsw_meta_off = off;
	vsw_trace_flag = RTE_BIT64(bit);
	return 0;
}
