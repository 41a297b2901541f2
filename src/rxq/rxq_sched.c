/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdlib.h>
#include <string.h>

#include "rxq_sched.h"

/* Heaviest first; equal loads in (port, queue) order, so a placement is reproducible. */
static int
item_cmp(const void *a, const void *b)
{
	const struct rxq_item *x = *(const struct rxq_item *const *)a;
	const struct rxq_item *y = *(const struct rxq_item *const *)b;

	if (x->load != y->load)
		return x->load > y->load ? -1 : 1;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	return x->queue < y->queue ? -1 : x->queue > y->queue;
}

uint32_t
rxq_assign(const struct rxq_item *it, uint32_t n, uint16_t n_workers, uint8_t *out,
		uint32_t *wload)
{
	const struct rxq_item *ord[4096];
	uint32_t load[RXQ_NONE], count[RXQ_NONE], i, max = 0;
	uint16_t w;

	if (n > 4096 || n_workers == 0 || n_workers >= RXQ_NONE)
		return 0;
	memset(load, 0, sizeof(load));
	memset(count, 0, sizeof(count));
	for (i = 0; i < n; i++)
		ord[i] = &it[i];
	qsort(ord, n, sizeof(ord[0]), item_cmp);
	for (i = 0; i < n; i++) {
		const struct rxq_item *q = ord[i];
		uint16_t best = 0;

		for (w = 1; w < n_workers; w++) {
			bool better;

			if (load[w] != load[best])
				better = load[w] < load[best];
			else if ((q->cur == w) != (q->cur == best))
				better = q->cur == w;
			else
				better = count[w] < count[best];
			if (better)
				best = w;
		}
		out[q - it] = (uint8_t)best;
		load[best] += q->load;
		count[best]++;
	}
	for (w = 0; w < n_workers; w++) {
		if (load[w] > max)
			max = load[w];
		if (wload != NULL)
			wload[w] = load[w];
	}
	return max;
}

void
rxq_dry_run(const struct rxq_item *it, uint32_t n, uint16_t n_workers, uint8_t *out,
		struct rxq_dry *d)
{
	uint32_t cur[RXQ_NONE], i;
	uint16_t w;

	memset(d, 0, sizeof(*d));
	memset(cur, 0, sizeof(cur));
	d->new_max = rxq_assign(it, n, n_workers, out, NULL);
	for (i = 0; i < n; i++) {
		if (it[i].cur < n_workers)
			cur[it[i].cur] += it[i].load;
		d->moves += out[i] != it[i].cur;
	}
	for (w = 0; w < n_workers && w < RXQ_NONE; w++)
		if (cur[w] > d->cur_max)
			d->cur_max = cur[w];
	if (d->cur_max > d->new_max)
		d->improve = (uint32_t)(((uint64_t)(d->cur_max - d->new_max) * 100) / d->cur_max);
}

bool
rxq_trigger(const uint16_t *hist, uint16_t n_workers, uint32_t stride, uint32_t newest,
		uint32_t have, uint32_t samples, uint32_t threshold)
{
	uint32_t k;
	uint16_t w;

	if (samples == 0 || samples > stride || have < samples)
		return false;
	for (w = 0; w < n_workers; w++) {
		const uint16_t *row = &hist[(uint32_t)w * stride];

		for (k = 0; k < samples; k++)
			if (row[(newest + stride - k) % stride] < threshold)
				break;
		if (k == samples)
			return true;
	}
	return false;
}
