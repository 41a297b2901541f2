/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vsw_ipsec_in: ingress arc of the uplinks of inbound SAs (dp_port.ipsec_in), after
 * vsw_vlan_in, before everything that reads L3 or learns. An IPv4 or IPv6 frame carrying
 * ESP (no IPv6 extension header, not an IPv4 fragment) whose SPI is an inbound SA of this
 * uplink is the SA's: decrypted (authenticated, window checked) by the engine (esp.h), then
 * sent straight to the SA's VM port's egress arc in that port's VLAN, marked
 * VSW_META_F_IPSEC with the SA. ESP to a local tunnel endpoint of this uplink with an SPI
 * no inbound SA has is dropped (ipsec_no_sa). Other frames go on along the arc in the clear.
 *
 * rte_ipsec allows one thread at a time per inbound SA, so each has an owner worker
 * (dp_ipsec_sa.owner). Another worker's frames of that SA take the stolen edge: they go into
 * the owner's ring (dp_ipsec.in_ring[owner]; full: ipsec_handoff_full) and the owner's
 * vsw_ipsec_in_src moves them on. The SA is looked up again there by the frame's SPI and
 * port, so a snapshot swapped in between (another SA at that index, or none) cannot
 * misroute a frame.
 * Drops: ipsec_auth_failed, ipsec_replay, ipsec_inbound_failed (the engine refused it),
 * ipsec_nested (ESP decrypted to ESP), the lifetime's (dp_ipsec_admit()), ipsec_handoff_full,
 * ipsec_owner_changed. Per-SA counters: sa->ctr. Writes: the frames
 * it takes (its own: no flood has run). Flow cache: never (VSW_CACHE_NEVER).
 */
#include <rte_ip.h>

#include "ipsec_dp.h"
#include "vsw_node.h"

/* Most frames the source node takes from its ring in one walk. */
#define IN_SRC_BURST ESP_IDX_MAX

static bool
ipsec_in_enabled(const struct dp_snap *s, uint16_t port)
{
	return s->ipsec != NULL && s->port[port].ipsec_in;
}

/*
 * The SPI of @p m when it is an untagged Ethernet frame of IPv4/IPv6 ESP, with its IP
 * version and destination address, else false.
 */
static inline bool
esp_frame_spi(const struct rte_mbuf *m, uint32_t *spi, uint8_t *family, const uint8_t **dst)
{
	const uint8_t *h = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m), off, v;

	if (len < RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr) + 8)
		return false;
	if (h[12] == 0x08 && h[13] == 0x00) {
		const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(h + 14);

		if ((ip->version_ihl >> 4) != 4 || ip->next_proto_id != IPPROTO_ESP ||
				(ip->fragment_offset & RTE_BE16(0x3fff)) != 0)
			return false;
		off = RTE_ETHER_HDR_LEN + (ip->version_ihl & 0xfu) * 4u;
		*family = 4;
		*dst = (const uint8_t *)&ip->dst_addr;
	} else if (h[12] == 0x86 && h[13] == 0xdd) {
		if (len < RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv6_hdr) + 8 ||
				h[14 + 6] != IPPROTO_ESP)
			return false;
		off = RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv6_hdr);
		*family = 6;
		*dst = h + 14 + 24;
	} else {
		return false;
	}
	if (len < off + 8)
		return false;
	memcpy(&v, h + off, sizeof(v));
	*spi = rte_be_to_cpu_32(v);
	return true;
}

/* True when decrypted frame @p f carries ESP again (its IP protocol). */
static inline bool
esp_nested(const struct rte_mbuf *f)
{
	const uint8_t *h = rte_pktmbuf_mtod(f, const uint8_t *);

	if (rte_pktmbuf_data_len(f) < RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr))
		return false;
	if ((h[14] >> 4) == 4)
		return h[14 + 9] == IPPROTO_ESP;
	return rte_pktmbuf_data_len(f) >= RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv6_hdr) &&
		h[14 + 6] == IPPROTO_ESP;
}

/*
 * Runs the @p n frames of @p pkts listed in @p idx (all of inbound SA @p k, in order)
 * through the SA within its lifetime, sets their next[] codes and counts them on worker
 * @p w.
 */
static void
ipsec_in_sa(const struct dp_worker *w, const struct dp_snap *s, uint16_t k,
		struct rte_mbuf **pkts, const uint8_t *idx, uint16_t n, uint16_t *next)
{
	const struct dp_ipsec_sa *sa = &s->ipsec->sa[k];
	struct dp_ipsec_ctr *c = &sa->ctr[w->id];
	uint8_t why[ESP_IDX_MAX];
	uint32_t len[ESP_IDX_MAX];
	uint16_t a, i;
	uint64_t ok = dp_ipsec_run(sa, c, pkts, idx, n, next, len, why, &a);

	for (i = 0; i < a; i++) {
		struct rte_mbuf *f = pkts[idx[i]];
		struct vsw_meta *md;

		if (!((ok >> i) & 1)) {
			next[idx[i]] = dp_next_drop(dp_ipsec_fail(c, why[i], false));
			continue;
		}
		if (sa->tunnel)
			dp_ipsec_set_macs(f, sa);
		if (esp_nested(f)) {
			c->malformed++;
			next[idx[i]] = dp_next_drop(DP_DROP_IPSEC_NESTED);
			continue;
		}
		c->packets++;
		c->bytes += len[i];
		md = vsw_meta(f);
		md->out_port = sa->port;
		md->flags |= VSW_META_F_IPSEC;
		md->ipsec_sa = k;
		f->vlan_tci = sa->port_vid;
		next[idx[i]] = s->port[sa->port].out_first;
	}
}

/*
 * The work on @p n frames that arrived on @p port: the ones of an inbound SA this worker
 * owns are decrypted (next: the VM port's egress arc), those of another worker's SA handed
 * to it when @p handoff (next: DP_NEXT_STOLEN), the rest go on (DP_NEXT_CONT).
 */
static void
ipsec_in_frames(struct dp_worker *w, const struct dp_snap *s, uint16_t port,
		struct rte_mbuf **pkts, uint16_t n, uint16_t *next, bool handoff)
{
	const struct dp_ipsec *ip = s->ipsec;
	int16_t sa_of[IN_SRC_BURST];
	uint8_t idx[IN_SRC_BURST];
	const uint8_t *dst;
	uint16_t i, j, k;
	uint8_t family;
	uint32_t spi;
	int sa;

	RTE_ASSERT(n <= IN_SRC_BURST);
	for (i = 0; i < n; i++) {
		sa_of[i] = -1;
		next[i] = DP_NEXT_CONT;
		if (!esp_frame_spi(pkts[i], &spi, &family, &dst))
			continue;
		sa = dp_ipsec_in_sa(ip, spi, port);
		if (sa < 0) {
			/* To one of our tunnel endpoints: ours to refuse (RFC 4301 5.2). */
			if (dp_ipsec_is_local(ip, port, family, dst))
				next[i] = dp_next_drop(DP_DROP_IPSEC_NO_SA);
			continue;
		}
		if (ip->sa[sa].owner == w->id) {
			sa_of[i] = (int16_t)sa;
		} else if (!handoff || ip->sa[sa].owner >= VSW_MAX_WORKERS) {
			/* The owner changed between handoff and now: the frame is lost. */
			next[i] = dp_next_drop(DP_DROP_IPSEC_OWNER_CHANGED);
		} else if (ip->in_ring[ip->sa[sa].owner] != NULL &&
				rte_ring_mp_enqueue(ip->in_ring[ip->sa[sa].owner], pkts[i]) == 0) {
			next[i] = DP_NEXT_STOLEN;
			w->ipsec_handoffs++;
		} else {
			next[i] = dp_next_drop(DP_DROP_IPSEC_HANDOFF_FULL);
		}
	}
	/* One engine call per SA, with its frames in their order. */
	for (i = 0; i < n; i++) {
		int16_t cur = sa_of[i];

		if (cur < 0)
			continue;
		for (j = i, k = 0; j < n; j++) {
			if (sa_of[j] == cur) {
				idx[k++] = (uint8_t)j;
				sa_of[j] = -1;
			}
		}
		ipsec_in_sa(w, s, (uint16_t)cur, pkts, idx, k, next);
	}
}

static uint16_t
ipsec_in_stage(struct dp_worker *w, const struct dp_snap *s, uint16_t in_port,
		struct rte_mbuf **pkts, uint16_t n, uint16_t *next)
{
	uint16_t i, d = 0;

	ipsec_in_frames(w, s, in_port, pkts, n, next, true);
	for (i = 0; i < n; i++)
		d += dp_next_is_drop(next[i]);
	return d;
}

VSW_ARC_STAGE_NODE(ipsec_in, "vsw_ipsec_in", ipsec_in_stage, DP_STAGE_SEC, 25,
		ipsec_in_enabled, VSW_CACHE_NEVER)

/* --- vsw_ipsec_in_src: the frames other workers handed to this one ------------------------ */

static uint16_t
ipsec_in_src_process(struct rte_graph *graph, struct rte_node *node, void **objs, uint16_t nb)
{
	struct dp_worker *w = vsw_node_worker(node);
	const struct dp_snap *s = w->snap;
	struct rte_mbuf *m[IN_SRC_BURST];
	uint16_t next[IN_SRC_BURST], i, n, k;
	struct rte_ring *r;

	RTE_SET_USED(objs);
	RTE_SET_USED(nb);
	if (s == NULL || s->ipsec == NULL || (r = s->ipsec->in_ring[w->id]) == NULL)
		return 0;
	n = (uint16_t)rte_ring_sc_dequeue_burst(r, (void **)m, IN_SRC_BURST, NULL);
	if (n == 0)
		return 0;
	vsw_resumed(w, m, n);
	/* Frames of one uplink at a time: the SA is found by SPI and arrival port. */
	for (i = 0; i < n; i += k) {
		uint16_t port = vsw_meta_c(m[i])->in_port;

		for (k = 1; i + k < n && vsw_meta_c(m[i + k])->in_port == port; k++)
			;
		ipsec_in_frames(w, s, port, &m[i], k, &next[i], false);
		for (uint16_t j = i; j < i + k; j++)
			if (next[j] == DP_NEXT_CONT) /* its SA is gone: not ours any more */
				next[j] = dp_next_drop(DP_DROP_IPSEC_INBOUND_FAILED);
	}
	vsw_enqueue_codes(graph, node, (void **)m, next, n, false, 0);
	return n;
}

static struct rte_node_register ipsec_in_src_node = {
	.name = "vsw_ipsec_in_src",
	.flags = RTE_NODE_SOURCE_F,
	.process = ipsec_in_src_process,
	.init = vsw_node_init_ctx,
	.nb_edges = 2,
	.next_nodes = { "vsw_drop", "vsw_drop" },
};
VSW_NODE_REGISTER(ipsec_in_src_node, true)
