/* SPDX-License-Identifier: BSD-3-Clause */
#include <inttypes.h>
#include <string.h>

#include <rte_common.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "eal_args.h"
#include "ipsec_dp.h"
#include "mem.h"

/* Drivers that chain mbufs for large frames without the SCATTER offload. */
static const char *const chaining_drivers[] = {
	"net_vhost", "net_pcap", "net_ring", "net_null", "net_virtio_user", "net_tap", NULL
};

bool
mem_port_needs_jumbo_pool(const struct cfg_port *p, const char *driver, bool scatter)
{
	int i;

	if (!cfg_port_is_eth(p) || p->mtu + DP_L2_OVERHEAD <= RTE_MBUF_DEFAULT_DATAROOM ||
			scatter)
		return false;
	for (i = 0; chaining_drivers[i] != NULL; i++)
		if (strncmp(driver, chaining_drivers[i], strlen(chaining_drivers[i])) == 0)
			return false;
	return true;
}

uint32_t
mem_jumbo_pool_size(const struct cfg_port *p)
{
	return p->queues * p->rx_desc + 2 * MEM_TXBUF + 511;
}

int
mem_check(const struct vsw_config *c, uint32_t n_workers, struct mem_plan *mp,
		struct ctrl_err *e)
{
	uint64_t elt, spare;

	mem_plan(c, n_workers, 0, mp);
	if (mp->total_mb <= c->dpdk.memory_mb) {
		/* Room for ports added while running (the pool cannot grow): half of the memory
		 * the start config leaves free; the rest stays for their rings, jumbo pools and
		 * the EAL. Rounded down to 2^n - 1, the mempool's best size. */
		elt = mp->pool_bytes / mp->n_mbufs;
		spare = ((uint64_t)(c->dpdk.memory_mb - mp->total_mb) << 20) / 2 / elt;
		mp->pool_mbufs = (uint32_t)RTE_MIN((uint64_t)mp->n_mbufs + spare, 1u << 22);
		if (mp->pool_mbufs > mp->n_mbufs)
			mp->pool_mbufs = RTE_MAX(rte_align32prevpow2(mp->pool_mbufs + 1) - 1,
					mp->n_mbufs);
		return 0;
	}
	return ctrl_errf(e, "$.dpdk.memory_mb", "the config needs %u MiB of hugepage memory "
			"(%u mbufs of %u B: %" PRIu64 " MiB, jumbo pools %" PRIu64 " MiB, MAC table %"
			PRIu64 " MiB, EAL %u MiB) but memory_mb is %u", mp->total_mb, mp->n_mbufs,
			mp->data_room, mp->pool_bytes >> 20, mp->jumbo_bytes >> 20,
			mp->fdb_bytes >> 20, MEM_EAL_BASE_MB, c->dpdk.memory_mb);
}

uint32_t
mem_handoff_size(const struct cfg_port *p)
{
	return rte_align32pow2(p->tx_desc);
}

void
mem_plan(const struct vsw_config *c, uint32_t n_workers, uint32_t data_room,
		struct mem_plan *mp)
{
	struct rte_mempool_objsz osz;
	uint64_t held = 0, inflight = 0, elt, cap;
	uint32_t i, max_frame = 0;

	if (data_room == 0)
		data_room = RTE_MBUF_DEFAULT_DATAROOM;
	for (i = 0; i < c->n_ports; i++) {
		const struct cfg_port *p = &c->ports[i];
		uint32_t txq = RTE_MIN(n_workers, p->queues);

		if (cfg_port_is_eth(p)) {
			/* A NIC keeps an mbuf in every RX descriptor, and TX descriptors hold
			 * frames until completion; a dpdk port gets a TX queue per worker. */
			held += (uint64_t)p->queues * p->rx_desc;
			inflight += (uint64_t)RTE_MAX(n_workers, 1u) * p->tx_desc;
		} else {
			/* vhost-user copies into and out of guest memory: only bursts and the
			 * TX handoff ring hold mbufs. */
			held += (uint64_t)p->queues * DP_BURST;
			if (txq < n_workers)
				inflight += mem_handoff_size(p);
		}
		max_frame = RTE_MAX(max_frame, p->mtu + DP_L2_OVERHEAD);
	}
	mp->data_room = data_room;
	mp->segs_per_frame = (max_frame + data_room - 1) / data_room;
	if (mp->segs_per_frame == 0)
		mp->segs_per_frame = 1;
	/* Per worker: its mempool cache, a TX buffer per port, one burst in flight. */
	inflight += (uint64_t)n_workers * (c->n_ports * MEM_TXBUF + 2 * DP_BURST);
	/* Inbound ESP handed to the worker owning its SA waits in that worker's ring. */
	if (c->ipsec.n_sa > 0 && n_workers > 1)
		inflight += (uint64_t)n_workers * DP_IPSEC_RING_SIZE;
	held += (uint64_t)(n_workers + 1) * MEM_POOL_CACHE;
	cap = held + inflight * mp->segs_per_frame;
	/* Headroom for flood copies and bursts between stages, then at least 8K. */
	cap += cap / 4;
	cap = RTE_MAX(cap, (uint64_t)8191);
	mp->n_mbufs = (uint32_t)RTE_MIN(cap, (uint64_t)UINT32_MAX);

	elt = rte_mempool_calc_obj_size(sizeof(struct rte_mbuf) + RTE_PKTMBUF_HEADROOM +
			data_room, 0, &osz);
	mp->pool_bytes = (uint64_t)mp->n_mbufs * elt;
	/* rte_hash with extendable buckets: about 128 bytes per entry with our entry array. */
	mp->fdb_bytes = ((uint64_t)c->sw.fdb_max_entries + c->n_fdb) * 5 / 4 * 128 + 65536;
	/* Learn rings, worker contexts, snapshots (two alive during a swap), handoff rings. */
	mp->other_bytes = (uint64_t)n_workers * (MEM_LEARN_RING * sizeof(struct dp_learn_ev) +
			sizeof(struct dp_worker) +
			VSW_MAX_PORTS * MEM_TXBUF * sizeof(void *)) +
		2 * (sizeof(struct dp_snap) + 4096 * sizeof(struct dp_vlan_members));
	mp->jumbo_bytes = 0;
	for (i = 0; i < c->n_ports; i++) {
		const struct cfg_port *p = &c->ports[i];

		mp->other_bytes += mem_handoff_size(p) * sizeof(void *);
		/* Before probing, PCI devices are assumed to scatter, vdevs by name. */
		if (mem_port_needs_jumbo_pool(p, p->devargs, !eal_devargs_is_vdev(p->devargs)))
			mp->jumbo_bytes += (uint64_t)mem_jumbo_pool_size(p) * rte_mempool_calc_obj_size(
					sizeof(struct rte_mbuf) + RTE_PKTMBUF_HEADROOM +
					MEM_JUMBO_DATAROOM, 0, &osz);
	}
	mp->total_mb = (uint32_t)((mp->pool_bytes + mp->jumbo_bytes + mp->fdb_bytes +
			mp->other_bytes +
			(1 << 20) - 1) >> 20) + MEM_EAL_BASE_MB;
}
