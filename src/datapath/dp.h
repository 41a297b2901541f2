/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_DP_H
#define VSW_DP_H

/**
 * @file
 * Types shared by every datapath stage.
 *
 * Ownership: a struct dp_snap is built by the control thread (src/ctrl/snap.c), published with a
 * release store and never modified afterwards; workers load it once per poll-loop iteration and
 * drop it when they report quiescent (rte_rcu_qsbr). A struct dp_worker belongs to one worker
 * lcore: only that lcore writes it; the control thread reads its counters (torn 64-bit reads do
 * not happen on x86_64).
 *
 * Per-packet metadata: vswd's own lives in one mbuf dynamic field (vsw_meta.h: ingress port,
 * received tag, drop reason); standard mbuf fields keep their DPDK meaning and are written by
 * the stages in this order:
 *   m->l2_len      Ethernet header length including an 802.1Q tag (parse)
 *   m->packet_type RTE_PTYPE_L2_ETHER or RTE_PTYPE_L2_ETHER_VLAN as received (parse)
 *   m->vlan_tci    TCI of the received tag, or 0 (parse); the switching VLAN ID (vlan_in)
 * After vlan_in every frame is untagged: egress inserts the tag its port needs (vlan_out).
 * A flow cache hit gets none of these: it leaves the cache with its header rewritten.
 */

#include <stdint.h>
#include <stdbool.h>
#include <string.h>
#include <rte_common.h>
#include <rte_mbuf.h>
#include <rte_ether.h>
#include <rte_cycles.h>
#include <rte_meter.h>

#include "dp_drops.h"

#ifndef VSW_MAX_PORTS
#define VSW_MAX_PORTS 64
#endif
#ifndef VSW_MAX_WORKERS
#define VSW_MAX_WORKERS 16
#endif

/** Packets per RX burst and per stage call. */
#define DP_BURST 32
/** Highest valid VLAN ID (4095 is reserved). */
#define DP_VLAN_MAX 4094
/** Most nodes on the ingress feature arc (vsw_node.h). */
#define VSW_ARC_MAX 16
/** Words in a VLAN membership bitmap. */
#define DP_VLAN_WORDS (4096 / 64)
/** Most RX queues one worker polls. */
#define DP_MAX_POLL 64
/** Most RX queues (queue pairs) of one port. */
#define DP_MAX_RXQ 16
/** Largest MTU a port may have (jumbo frames). */
#define DP_MTU_MAX 9000
/** Bytes of Ethernet header and one 802.1Q tag counted on top of the MTU. */
#define DP_L2_OVERHEAD (RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN)

/*
 * next[] codes written by stages. Values below VSW_MAX_PORTS are a unicast output port.
 */
/** Packet goes on to the next stage. */
#define DP_NEXT_CONT 0x8000
/** Packet is flooded to the members of its VLAN (vsw_flood, then vsw_egress). */
#define DP_NEXT_FLOOD 0x8001
/** The node kept the packet (the stolen edge): enqueued nowhere, moved on later. */
#define DP_NEXT_STOLEN 0x8002
/** Base of drop codes: DP_NEXT_DROP_BASE + enum dp_drop. */
#define DP_NEXT_DROP_BASE 0xc000

/** next[] code for a drop with reason @p r. */
#define dp_next_drop(r) ((uint16_t)(DP_NEXT_DROP_BASE + (r)))
/** True when next[] code @p n is a drop. */
#define dp_next_is_drop(n) ((n) >= DP_NEXT_DROP_BASE)
/** Drop reason of next[] code @p n (only when dp_next_is_drop(n)). */
#define dp_next_reason(n) ((enum dp_drop)((n) - DP_NEXT_DROP_BASE))

/**
 * Parts of a packet's path, for the per-stage cycle accounting (meson -Dcycle_stats=true):
 * X(enum suffix, name in the statistics). rx: rte_eth_rx_burst and RX counting; parse,
 * vlan_in, sec, l2, flood (with storm limits and the "in" ACLs): the stages (with freeing
 * their drops); egress: vlan_out, replication and
 * TX buffering; fcache: the flow cache lookup and sending its hits to TX buffers; tx:
 * rte_eth_tx_burst and handoff rings.
 */
#define DP_STAGES(X) X(RX, "rx") X(FCACHE, "fcache") X(PARSE, "parse") \
	X(VLAN_IN, "vlan_in") X(SEC, "sec") X(L2, "l2") X(FLOOD, "flood") X(EGRESS, "egress") X(TX, "tx")

#define DP_STAGE_ENUM_(e, name) DP_STAGE_##e,
/** A part of a packet's path (DP_STAGES). */
enum dp_stage { DP_STAGES(DP_STAGE_ENUM_) DP_STAGE_MAX };
#undef DP_STAGE_ENUM_

/** Name of stage @p s (as in the statistics). */
const char *dp_stage_name(enum dp_stage s);

/** VLAN mode of a port. */
enum dp_vlan_mode {
	DP_VLAN_ACCESS = 0, /**< untagged frames only, switched in the port's access VLAN */
	DP_VLAN_TRUNK,      /**< tagged frames of allowed VLANs, untagged ones in the native VLAN */
};

/** What the ingress security stage (sec.h) checks on a port: bits of dp_port.sec. */
#define DP_SEC_MACS 0x01     /**< source MAC must be one of the port's (no MAC spoofing) */
#define DP_SEC_DHCP 0x02     /**< DHCP guard */
#define DP_SEC_ROUTER 0x04   /**< router guard */
#define DP_SEC_ACL 0x08      /**< the port has "out" ACL rules (frames from it) */
/** Checks that need the L3/L4 headers (the flow cache cannot decide them). */
#define DP_SEC_L3 (DP_SEC_DHCP | DP_SEC_ROUTER | DP_SEC_ACL)
/** Most MACs a port lists as its own. */
#define DP_PORT_MACS 8

/** Private VLAN role of a port (dp_port.pvlan). */
enum dp_pvlan {
	DP_PVLAN_NONE = 0,    /**< ordinary port: reaches everyone in its VLAN */
	DP_PVLAN_PROMISC,     /**< promiscuous: reaches everyone */
	DP_PVLAN_ISOLATED,    /**< reaches promiscuous (and ordinary) ports only */
	DP_PVLAN_COMMUNITY,   /**< also reaches ports of its community (pvlan_comm) */
};

struct dp_acl_set;
struct dp_ipsec;

/**
 * The output op of a port for one worker (dp_port.out_op[w]): how its output node vswtx-<p>
 * transmits (tx_node.c, one function per op). The QoS scheduler and team ports will be ops.
 */
enum dp_out_op {
	DP_OUT_TXQ = 0,   /**< rte_eth_tx_burst() on the worker's own TX queue txq[w] */
	DP_OUT_HANDOFF,   /**< the port's handoff ring to the owner of txq[w] */
};

/** Per-port state a worker needs; part of the snapshot, read-only. */
struct dp_port {
	uint16_t eth_id;        /**< DPDK ethdev port id */
	uint8_t in_use;         /**< slot holds a configured port */
	uint8_t admin_up;       /**< forwards traffic (admin state "up") */
	uint8_t link_up;        /**< may transmit: vhost-user guest attached (others: always 1) */
	uint8_t vlan_mode;      /**< enum dp_vlan_mode */
	uint16_t access_vlan;   /**< access mode: the port's VLAN */
	uint16_t native_vlan;   /**< trunk mode: VLAN of untagged frames, 0 = none (drop them) */
	uint16_t mtu;           /**< L3 MTU; frames longer than mtu + L2 header are dropped */
	uint16_t n_txq;         /**< TX queues configured on the ethdev */
	uint16_t txq[VSW_MAX_WORKERS];  /**< TX queue each worker uses */
	uint8_t out_op[VSW_MAX_WORKERS]; /**< how worker w sends on the port: enum dp_out_op */
	struct rte_ring *handoff;       /**< MP/SC ring to the owner of txq[w] (DP_OUT_HANDOFF) */
	uint64_t vlans[DP_VLAN_WORDS];  /**< VLAN membership bitmap (access VLAN or allowed list) */
	uint8_t sec;            /**< DP_SEC_* checks of frames from the port */
	uint8_t acl_in;         /**< the port has "in" ACL rules (frames to it) */
	uint8_t pvlan;          /**< enum dp_pvlan */
	uint8_t mirror_src;     /**< frames it receives and sends are copied to mirror_dst[] */
	uint8_t mirror_dst;     /**< the port receives the mirror copies */
	uint8_t stateful;       /**< the port has stateful ACL rules */
	uint8_t pfc;            /**< its frames use the policy flow cache (policy reads L3/L4) */
	uint8_t n_macs;         /**< entries in macs[] */
	uint16_t pvlan_comm;    /**< community: its secondary VLAN ID */
	uint64_t macs[DP_PORT_MACS]; /**< the port's own MACs, as dp_mac64() */
	uint32_t storm_pps;     /**< storm limit (packets per second), 0: none */
	/** Ingress feature arc of the port: the arc index of the node after arc node k, for
	 * each k on the arc (vsw_arc_build()); the arc starts at vsw_parse. */
	uint8_t in_next[VSW_ARC_MAX];
	/** Egress feature arc of the port: the next[] code (vsw_node.h) of its first node,
	 * DP_NEXT_ARC_BASE + arc index, or the port's own index (its output: an empty arc). */
	uint16_t out_first;
	/** The next[] code after egress arc node k, for each k on the port's egress arc: the
	 * next node's, or the port's own index after the last (vsw_arc_build()). */
	uint16_t out_next[VSW_ARC_MAX];
	uint8_t out_writes;     /**< a node of its egress arc may write frame bytes */
	uint8_t ipsec_out;      /**< the port has outbound SPD entries (frames from it) */
	uint8_t ipsec_in;       /**< the port is the uplink of inbound SAs (ESP arrives on it) */
	uint8_t ipsec_check;    /**< the port has inbound SPD entries (frames to it) */
	uint16_t ipsec_all[2];  /**< per direction (DP_ACL_IN, DP_ACL_OUT): when the port's first
				 *   SPD entry selects every frame, its index + 1 (no classify) */
	uint8_t in_nocache;     /**< its ingress arc has a VSW_CACHE_NEVER node: no flow from it
				 *   is cached */
	uint8_t out_nocache;    /**< its egress arc has a VSW_CACHE_NEVER node: no flow to it is
				 *   cached */
	struct rte_meter_srtcm_profile storm; /**< storm limit as a meter profile (1 byte = 1 packet) */
};

/** Ports of one VLAN, split by egress encoding; read-only in the snapshot. */
struct dp_vlan_members {
	uint16_t n_untagged;           /**< entries in untagged[] */
	uint16_t n_tagged;             /**< entries in tagged[] */
	uint16_t untagged[VSW_MAX_PORTS]; /**< admin- and link-up members sending it untagged */
	uint16_t tagged[VSW_MAX_PORTS];   /**< admin- and link-up members sending it tagged */
};

/** One RX queue a worker polls. */
struct dp_rxq {
	uint16_t port;  /**< vswd port index */
	uint16_t queue; /**< ethdev RX queue id */
};

/** One TX handoff ring a worker drains into a TX queue it owns. */
struct dp_drain {
	uint16_t port;          /**< vswd port index */
	uint16_t queue;         /**< ethdev TX queue id owned by this worker */
	struct rte_ring *ring;  /**< the port's handoff ring */
};

/** What one worker does; part of the snapshot. */
struct dp_worker_plan {
	uint16_t n_rxq;                    /**< entries in rxq[] */
	uint16_t n_drain;                  /**< entries in drain[] */
	struct dp_rxq rxq[DP_MAX_POLL];    /**< RX queues this worker polls */
	struct dp_drain drain[VSW_MAX_PORTS]; /**< handoff rings this worker drains */
};

/** Immutable configuration snapshot read by the workers. */
struct dp_snap {
	uint64_t gen;                             /**< generation, increases with each publish */
	uint16_t n_ports;                         /**< highest port index in use + 1 */
	uint16_t n_workers;                       /**< workers planned for */
	uint16_t n_active;                        /**< workers 0..n_active-1 run; the others
						   *   poll nothing and sleep */
	uint8_t fcache_on;                        /**< workers use their flow cache */
	uint32_t idle_sleep_us;                   /**< sleep between polls once idle, 0: never */
	struct dp_port port[VSW_MAX_PORTS];       /**< indexed by vswd port index */
	struct dp_vlan_members *vlan[4096];       /**< members per VLAN ID; NULL: no member */
	struct dp_worker_plan plan[VSW_MAX_WORKERS]; /**< per worker RX and drain lists */
	struct dp_vlan_members *vlan_pool;        /**< storage behind vlan[] (owned) */
	const struct dp_ipsec *ipsec;             /**< IPsec SAs and SPD (ipsec_dp.h; owned
						   *   by the control thread), NULL: none */
	const struct dp_acl_set *acl;             /**< ACL rules (owned by the control thread,
						   *   freed after the snapshot), NULL: none */
	uint16_t n_mirror_dst;                    /**< entries in mirror_dst[] */
	uint16_t mirror_dst[VSW_MAX_PORTS];       /**< mirror destination ports (admin, link up) */
};

/** Per-port counters kept by one worker. */
struct dp_port_ctr {
	uint64_t rx_pkts;   /**< frames received from the port */
	uint64_t rx_bytes;  /**< bytes received from the port */
	uint64_t rx_drops;  /**< received frames dropped by a stage (any reason) */
	uint64_t tx_pkts;   /**< frames the port accepted for transmission */
	uint64_t tx_bytes;  /**< bytes the port accepted */
	uint64_t tx_drops;  /**< frames for this port that were not sent (egress drops) */
};

/** Load of one RX queue as its poller measured it (read by the control thread, rxq_ctl.h). */
struct dp_rxq_ctr {
	uint64_t pkts;    /**< frames received from the queue */
	uint64_t cycles;  /**< busy TSC charged to it: its share (by frames) of the iterations
			   *   that received from it */
};

struct dp_fdb;
struct dp_conn_local;
struct rte_graph;
struct vsw_trace_ctl;
struct vsw_inject;
struct vsw_capture;

/** A MAC learning event posted by a worker to the FDB writer. */
struct dp_learn_ev {
	uint64_t key;   /**< dp_fdb key: VLAN and MAC (see fdb.h) */
	uint16_t port;  /**< port the MAC was seen on */
	uint16_t pad[3]; /**< keeps the element 16 bytes */
};

/** Slots in the worker's "recently posted" learn cache. */
#define DP_LEARN_CACHE 256
/** Sets (of DP_FDB_CACHE_WAYS entries) in a worker's MAC table lookup cache; a power of 2. */
#define DP_FDB_CACHE_SETS 4096
/** Entries per set of the lookup cache. */
#define DP_FDB_CACHE_WAYS 2

struct dp_fdb_ent;

/** Sets (of DP_FCACHE_WAYS entries) in a worker's flow cache (fcache.h); a power of 2. */
#define DP_FCACHE_SETS 4096
/** Entries per set of the flow cache. */
#define DP_FCACHE_WAYS 2

/** One entry of a worker's flow cache (fcache.h); one cache line. */
struct dp_fcache_ent {
	uint64_t k0;             /**< frame bytes 0-7 as received (destination, source 0-1) */
	uint64_t k1;             /**< frame bytes 8-15 (source 2-5, EtherType, TCI if tagged) */
	/** Generations it was made under: low 32 bits of dp_snap.gen << 32 | dp_fdb.gen. The
	 * snapshot's is never 0 in its low 32 bits while it matters, so 0 marks an empty entry. */
	uint64_t epoch;
	struct dp_fdb_ent *src;  /**< MAC table entry of the source, for last-seen refreshes */
	uint64_t refresh_at;     /**< TSC after which a hit refreshes src->seen; max: static */
	uint16_t in_port;        /**< ingress port (part of the key) */
	uint16_t out_port;       /**< output port */
	uint16_t max_len;        /**< longest frame (as received) the slow path would forward */
	uint16_t vid;            /**< switching VLAN */
	uint8_t act;             /**< enum dp_fcache_act */
} __rte_cache_aligned;

/** Sets (of DP_PFC_WAYS entries) in a worker's policy flow cache (fcache.h); a power of 2. */
#define DP_PFC_SETS 2048
/** Entries per set of the policy flow cache. */
#define DP_PFC_WAYS 2
/** Words of the L3/L4 part of a policy flow cache key. */
#define DP_PFC_L3_WORDS 2

/**
 * An entry of the policy flow cache: a flow cache entry whose key also holds the IPv4 and
 * L4 header fields the policy stages read, and the ACL rules that decided and metered it.
 */
struct dp_pfc_ent {
	struct dp_fcache_ent fc;        /**< the L2 part and outcome, as a flow cache entry */
	uint64_t l3[DP_PFC_L3_WORDS];   /**< IPv4 addresses; protocol and ports (fcache.c) */
	uint16_t rule[4];               /**< rule index + 1 (0: none): decide out, meter out,
					 *   decide in, meter in */
} __rte_cache_aligned;

/**
 * One entry of a worker's MAC table lookup cache (see dp_fdb_lookup_cached()): a copy of what
 * the worker needs from a MAC table entry, valid while the table's generation is @c gen.
 */
struct dp_fdb_cache_ent {
	uint64_t key;             /**< key of the cached entry; 0: empty */
	struct dp_fdb_ent *ent;   /**< the MAC table entry */
	uint64_t seen;            /**< TSC this worker last refreshed ent->seen */
	uint32_t gen;             /**< dp_fdb.gen when cached */
	uint16_t port;            /**< ent->port when cached */
	uint8_t is_static;        /**< ent->is_static */
	uint8_t pad;              /**< unused; the entry is 32 bytes, a set one cache line */
};

/** Per-worker datapath context; written only by its worker. */
struct dp_worker {
	uint16_t id;             /**< worker index, also its RCU thread id */
	uint64_t now;            /**< TSC, read once per poll-loop iteration */
	const struct dp_snap *snap; /**< snapshot of this loop iteration (RCU: never kept past
				     *   it); what the nodes read */
	struct rte_graph *graph; /**< this worker's graph (vsw_graph.h) */
	uint16_t graph_id;       /**< its rte_graph id */
	uint32_t moved;          /**< packets received and drained in this iteration */
	uint8_t trace_on;        /**< this walk carries traced packets (trace.h) */
	uint8_t dry;             /**< dry run (trace.simulate): learns, notes, refreshes and
				  *   transmits nothing; its counters are nobody's */
	struct vsw_trace_ctl *trace_ctl; /**< what to trace (control thread's) */
	struct rte_ring *trace_ring;     /**< SP/SC ring of struct vsw_trace_rec to the
					  *   control thread */
	uint64_t trace_lost;     /**< trace records lost to a full ring */
	struct vsw_inject *inject;  /**< frames for the rx node instead of polling (vsw_inject.h:
				     *   dry run, tests), or NULL */
	struct vsw_capture *capture; /**< outputs record instead of sending (tests), or NULL */
	uint16_t n_rx_runs;      /**< entries in rx_run[] */
	/** The runs of one ingress port in the stream the rx node gave the flow cache node in
	 * this walk, in order: that node reads them instead of each frame's metadata. */
	struct {
		uint16_t port;   /**< ingress port */
		uint16_t n;      /**< frames */
	} rx_run[DP_MAX_POLL];
	uint64_t tsc_hz;         /**< TSC ticks per second */
	uint64_t fdb_refresh;    /**< refresh an entry's last-seen at most this often (TSC) */
	uint64_t learn_repost;   /**< re-post the same learn event after this long (TSC) */
	struct dp_fdb *fdb;      /**< MAC table (read side) */
	struct rte_ring *learn_ring; /**< SP/SC ring of struct dp_learn_ev to the FDB writer */
	struct rte_mempool *pool;    /**< mbufs for flood copies */
	uint16_t n_learn;        /**< events gathered in the current burst */
	struct dp_learn_ev learn[DP_BURST]; /**< events gathered in the current burst */
	struct {
		uint64_t key;    /**< key last posted in this slot */
		uint64_t when;   /**< TSC of that post */
		uint16_t port;   /**< port of that post */
	} learn_cache[DP_LEARN_CACHE];   /**< suppresses repeated posts of one event */
	/** Recently used MAC table entries, consulted before the rte_hash (fdb.h). */
	struct dp_fdb_cache_ent fdb_cache[DP_FDB_CACHE_SETS][DP_FDB_CACHE_WAYS];
	uint64_t fdb_cache_miss; /**< lookups the cache could not answer */
	/** Exact-match flow cache, consulted before the stages (fcache.h). */
	struct dp_fcache_ent fcache[DP_FCACHE_SETS][DP_FCACHE_WAYS];
	/** Policy flow cache: the flow cache of ports whose policy reads L3/L4 (fcache.h). */
	struct dp_pfc_ent pfc[DP_PFC_SETS][DP_PFC_WAYS];
	uint64_t fcache_hits;    /**< frames the flow cache decided */
	uint64_t fcache_misses;  /**< frames that took the slow path with the flow cache on */
	uint64_t learn_posted;   /**< learn events posted */
	uint64_t learn_lost;     /**< learn events lost to a full ring */
	uint64_t busy_cycles;    /**< TSC spent in iterations that moved packets, less their
				  *   polls of empty queues */
	uint64_t idle_cycles;    /**< TSC spent in iterations that moved none, and polling
				  *   empty queues */
	uint64_t stolen_cycles;  /**< TSC of iterations over 2 ms: preempted or stalled, counted
				  *   neither busy nor idle */
	uint64_t loops;          /**< poll-loop iterations */
	uint64_t rx_bursts;      /**< RX polls that returned packets */
	uint64_t tx_bursts;      /**< TX bursts (calls of rte_eth_tx_burst) */
	uint64_t mirror_copies;  /**< mirror copies queued */
	uint64_t ipsec_handoffs; /**< inbound ESP handed to the worker owning its SA */
	struct rte_meter_srtcm storm[VSW_MAX_PORTS]; /**< storm limit state per ingress port */
	uint64_t storm_gen[VSW_MAX_PORTS]; /**< snapshot generation storm[] was set up for */
	struct dp_conn_local *conn;  /**< stateful ACL: this worker's view of the state table */
	uint64_t drops[DP_DROP_MAX];        /**< dropped packets by reason */
	uint64_t stage_cycles[DP_STAGE_MAX]; /**< TSC per stage (only with VSW_CYCLE_STATS) */
	struct dp_port_ctr port[VSW_MAX_PORTS]; /**< per-port counters */
	uint64_t poll_idle;      /**< TSC of this walk's polls of queues that had nothing */
	uint16_t rxq_got[DP_MAX_POLL]; /**< frames from each queue of the plan (by its index in
					*   rxq[]) in this walk; the poll loop charges them */
	uint32_t rx_got;         /**< frames polled in this walk (the sum of rxq_got[]) */
	/** Load per RX queue this worker polled, by port and queue (rxq_ctl.h). */
	struct dp_rxq_ctr rxq_load[VSW_MAX_PORTS][DP_MAX_RXQ];
} __rte_cache_aligned;

#ifdef VSW_CYCLE_STATS
/** Starts a cycle-accounting interval in local @p t. */
#define DP_CYC_START(t) uint64_t t = rte_rdtsc()
/** Restarts the interval in @p t without charging anything. */
#define DP_CYC_MARK(t) ((t) = rte_rdtsc())
/** Charges the cycles since @p t to stage @p st of worker context @p w; restarts @p t. */
#define DP_CYC(w, st, t) do { \
		uint64_t t_now_ = rte_rdtsc(); \
		(w)->stage_cycles[st] += t_now_ - (t); \
		(t) = t_now_; \
	} while (0)
#else
#define DP_CYC_START(t) uint64_t t __rte_unused = 0
#define DP_CYC_MARK(t) do { } while (0)
#define DP_CYC(w, st, t) do { } while (0)
#endif

/** Counts @p n frames for port @p port that were not sent: per reason and against the port. */
static inline void
dp_count_tx_drops(struct dp_worker *w, uint16_t port, enum dp_drop r, uint16_t n)
{
	w->drops[r] += n;
	w->port[port].tx_drops += n;
}

/**
 * Moves the two MAC addresses (12 bytes) at @p src to @p dst; the ranges may overlap (a tag
 * is 4 bytes). Loads everything before storing, inline: memmove() is a library call here.
 */
static inline void
dp_move_macs(uint8_t *dst, const uint8_t *src)
{
	uint64_t a;
	uint32_t b;

	memcpy(&a, src, sizeof(a));
	memcpy(&b, src + sizeof(a), sizeof(b));
	memcpy(dst, &a, sizeof(a));
	memcpy(dst + sizeof(a), &b, sizeof(b));
}

/** The 6 bytes of a MAC at @p a as an integer (low 48 bits), for compares. */
static inline uint64_t
dp_mac64(const void *a)
{
	uint64_t v = 0;

	memcpy(&v, a, 6);
	return v;
}

/** True when private VLAN roles allow port @p a and port @p b to exchange frames. */
static inline bool
dp_pvlan_ok(const struct dp_port *a, const struct dp_port *b)
{
	if (likely(a->pvlan <= DP_PVLAN_PROMISC || b->pvlan <= DP_PVLAN_PROMISC))
		return true;
	return a->pvlan == DP_PVLAN_COMMUNITY && b->pvlan == DP_PVLAN_COMMUNITY &&
		a->pvlan_comm == b->pvlan_comm;
}

/** True when VLAN @p vid is set in bitmap @p bm. */
static inline bool
dp_vlan_test(const uint64_t *bm, uint16_t vid)
{
	return (bm[vid >> 6] >> (vid & 63)) & 1;
}

/** Sets VLAN @p vid in bitmap @p bm. */
static inline void
dp_vlan_set(uint64_t *bm, uint16_t vid)
{
	bm[vid >> 6] |= UINT64_C(1) << (vid & 63);
}

/** True when port @p p sends VLAN @p vid tagged. */
static inline bool
dp_port_tags(const struct dp_port *p, uint16_t vid)
{
	return p->vlan_mode == DP_VLAN_TRUNK && vid != p->native_vlan;
}

#endif
