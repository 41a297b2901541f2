/* SPDX-License-Identifier: BSD-3-Clause */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include <rte_bus_vdev.h>
#include <rte_cryptodev.h>
#include <rte_errno.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_random.h>

#include "esp.h"
#include "esp_inline.h"

/* Names of the software crypto devices (vdev names start with their driver's). */
#define ESP_DEV_GCM "crypto_aesni_gcm_vsw"
#define ESP_DEV_MB "crypto_aesni_mb_vsw"
/* Where the IV would sit in a crypto op (rte_ipsec and the PMDs want it set). */
#define ESP_IV_OFFSET (sizeof(struct rte_crypto_op) + sizeof(struct rte_crypto_sym_op))
/* Descriptors of each queue pair (lookaside; CPU crypto uses none). */
#define ESP_QP_DESC 128
/* Queue pairs of a device: one per lcore index (workers and the control thread). */
#define ESP_QPS 17
static_assert(ESP_QPS >= VSW_MAX_WORKERS + 1, "a queue pair per lcore");
/* Crypto ops for lookaside: each lcore holds at most a burst. */
#define ESP_COPS (ESP_QPS * ESP_IDX_MAX * 2 + 1023)

#define ESP_VDEV_ARGS "max_nb_queue_pairs=" RTE_STR(ESP_QPS)

/* Key length of each algorithm. */
static const uint8_t alg_key_len[ESP_ALG_MAX] = {
	[ESP_AES_GCM_128] = 16, [ESP_AES_GCM_256] = 32,
	[ESP_AES_CBC_128_SHA256] = 16, [ESP_AES_CBC_256_SHA256] = 32,
};

uint8_t
esp_alg_key_len(enum esp_alg alg)
{
	return alg < ESP_ALG_MAX ? alg_key_len[alg] : 0;
}

/* True for the AES-GCM algorithms. */
static inline bool
alg_is_gcm(enum esp_alg alg)
{
	return alg == ESP_AES_GCM_128 || alg == ESP_AES_GCM_256;
}

/* Creates, configures and starts crypto vdev @p name. @return its id or a negative errno. */
static int
crypto_dev_up(const char *name, int socket, struct rte_mempool *pool, struct ctrl_err *e)
{
	struct rte_cryptodev_config conf = { .socket_id = socket, .nb_queue_pairs = ESP_QPS };
	struct rte_cryptodev_qp_conf qp = { .nb_descriptors = ESP_QP_DESC, .mp_session = pool };
	struct rte_cryptodev_info info;
	int id, rc;

	id = rte_cryptodev_get_dev_id(name);
	if (id < 0) {
		rc = rte_vdev_init(name, ESP_VDEV_ARGS);
		if (rc != 0)
			return ctrl_errf(e, "$.ipsec", "cannot create crypto device %s: %s", name,
					strerror(-rc));
		id = rte_cryptodev_get_dev_id(name);
		if (id < 0)
			return ctrl_errf(e, "$.ipsec", "crypto device %s has no id", name);
	}
	rte_cryptodev_info_get((uint8_t)id, &info);
	if (!(info.feature_flags & RTE_CRYPTODEV_FF_SYM_CPU_CRYPTO)) {
		ctrl_errf(e, "$.ipsec", "crypto device %s cannot do CPU crypto", name);
		return -ENOTSUP;
	}
	if (rte_cryptodev_configure((uint8_t)id, &conf) != 0)
		return ctrl_errf(e, "$.ipsec", "cannot configure crypto device %s", name);
	for (rc = 0; rc < ESP_QPS; rc++)
		if (rte_cryptodev_queue_pair_setup((uint8_t)id, (uint16_t)rc, &qp, socket) != 0)
			return ctrl_errf(e, "$.ipsec", "crypto device %s: queue pair %d", name, rc);
	if (rte_cryptodev_start((uint8_t)id) != 0)
		return ctrl_errf(e, "$.ipsec", "cannot start crypto device %s", name);
	return id;
}

int
esp_crypto_init(struct esp_crypto *cr, uint32_t max_sa, int socket, struct ctrl_err *e)
{
	uint32_t sz;
	int gcm, mb, rc;

	memset(cr, 0, sizeof(*cr));
	/* The devices must exist to size their sessions: create them first, unconfigured. */
	rc = rte_vdev_init(ESP_DEV_GCM, ESP_VDEV_ARGS);
	if (rc != 0 && rc != -EEXIST)
		return ctrl_errf(e, "$.ipsec", "cannot create crypto device %s: %s (is "
				"librte-crypto-ipsec-mb23 installed?)", ESP_DEV_GCM, strerror(-rc));
	rc = rte_vdev_init(ESP_DEV_MB, ESP_VDEV_ARGS);
	if (rc != 0 && rc != -EEXIST) {
		esp_crypto_fini(cr);
		return ctrl_errf(e, "$.ipsec", "cannot create crypto device %s: %s", ESP_DEV_MB,
				strerror(-rc));
	}
	gcm = rte_cryptodev_get_dev_id(ESP_DEV_GCM);
	mb = rte_cryptodev_get_dev_id(ESP_DEV_MB);
	if (gcm < 0 || mb < 0) {
		esp_crypto_fini(cr);
		return ctrl_errf(e, "$.ipsec", "the crypto devices have no ids");
	}
	sz = RTE_MAX(rte_cryptodev_sym_get_private_session_size((uint8_t)gcm),
			rte_cryptodev_sym_get_private_session_size((uint8_t)mb));
	cr->sess_pool = rte_cryptodev_sym_session_pool_create("vsw_esp_sess",
			RTE_MAX(max_sa, 16u), sz, 0, 0, socket);
	if (cr->sess_pool == NULL) {
		esp_crypto_fini(cr);
		return ctrl_nomem(e, "$.ipsec", "out of memory for %u crypto sessions", max_sa);
	}
	gcm = crypto_dev_up(ESP_DEV_GCM, socket, cr->sess_pool, e);
	mb = gcm < 0 ? gcm : crypto_dev_up(ESP_DEV_MB, socket, cr->sess_pool, e);
	if (gcm < 0 || mb < 0) {
		esp_crypto_fini(cr);
		return gcm < 0 ? gcm : mb;
	}
	cr->cop_pool = rte_crypto_op_pool_create("vsw_esp_cop", RTE_CRYPTO_OP_TYPE_SYMMETRIC,
			ESP_COPS, 0, 32, socket);
	if (cr->cop_pool == NULL) {
		esp_crypto_fini(cr);
		return ctrl_nomem(e, "$.ipsec", "out of memory for crypto ops");
	}
	cr->dev_gcm = (uint8_t)gcm;
	cr->dev_mb = (uint8_t)mb;
	cr->ready = true;
	return 0;
}

void
esp_crypto_fini(struct esp_crypto *cr)
{
	static const char *const names[] = { ESP_DEV_GCM, ESP_DEV_MB };
	unsigned int i;
	int id;

	if (cr == NULL)
		return;
	for (i = 0; i < RTE_DIM(names); i++) {
		id = rte_cryptodev_get_dev_id(names[i]);
		if (id < 0)
			continue;
		rte_cryptodev_stop((uint8_t)id);
		rte_cryptodev_close((uint8_t)id);
		rte_vdev_uninit(names[i]);
	}
	rte_mempool_free(cr->sess_pool);
	rte_mempool_free(cr->cop_pool);
	memset(cr, 0, sizeof(*cr));
}

/* The crypto transforms of @p s into @p xf (two for CBC + HMAC, chained in @p xf[0]). */
void
esp_sa_xforms(const struct esp_sa_spec *s, struct rte_crypto_sym_xform xf[2])
{
	struct rte_crypto_sym_xform *c = &xf[0], *a = &xf[1];

	memset(xf, 0, 2 * sizeof(xf[0]));
	if (alg_is_gcm(s->alg)) {
		c->type = RTE_CRYPTO_SYM_XFORM_AEAD;
		c->aead.op = s->outbound ? RTE_CRYPTO_AEAD_OP_ENCRYPT : RTE_CRYPTO_AEAD_OP_DECRYPT;
		c->aead.algo = RTE_CRYPTO_AEAD_AES_GCM;
		c->aead.key.data = s->key;
		c->aead.key.length = esp_alg_key_len(s->alg);
		c->aead.iv.offset = ESP_IV_OFFSET;
		c->aead.iv.length = 12;
		c->aead.digest_length = 16;
		c->aead.aad_length = s->esn ? 12 : 8;
		return;
	}
	c->type = RTE_CRYPTO_SYM_XFORM_CIPHER;
	c->cipher.op = s->outbound ? RTE_CRYPTO_CIPHER_OP_ENCRYPT : RTE_CRYPTO_CIPHER_OP_DECRYPT;
	c->cipher.algo = RTE_CRYPTO_CIPHER_AES_CBC;
	c->cipher.key.data = s->key;
	c->cipher.key.length = esp_alg_key_len(s->alg);
	c->cipher.iv.offset = ESP_IV_OFFSET;
	c->cipher.iv.length = 16;
	a->type = RTE_CRYPTO_SYM_XFORM_AUTH;
	a->auth.op = s->outbound ? RTE_CRYPTO_AUTH_OP_GENERATE : RTE_CRYPTO_AUTH_OP_VERIFY;
	a->auth.algo = RTE_CRYPTO_AUTH_SHA256_HMAC;
	a->auth.key.data = s->auth_key;
	a->auth.key.length = 32;
	a->auth.digest_length = 16;
	/* Encrypt then MAC out; verify then decrypt in. */
	if (s->outbound) {
		c->next = a;
	} else {
		struct rte_crypto_sym_xform cipher = *c;

		xf[0] = *a;
		xf[1] = cipher;
		xf[0].next = &xf[1];
		xf[1].next = NULL;
	}
}

/* The outer header template of outbound tunnel SA @p s in @p hdr. @return its length. */
static uint8_t
sa_tun_hdr(const struct esp_sa_spec *s, uint8_t *hdr)
{
	struct rte_ether_hdr eh = s->l2;

	if (s->tun_family == 4) {
		struct rte_ipv4_hdr ip = {
			.version_ihl = RTE_IPV4_VHL_DEF,
			.time_to_live = 64,
			.next_proto_id = IPPROTO_ESP,
		};

		memcpy(&ip.src_addr, s->local, 4);
		memcpy(&ip.dst_addr, s->remote, 4);
		eh.ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
		memcpy(hdr, &eh, sizeof(eh));
		memcpy(hdr + sizeof(eh), &ip, sizeof(ip));
		return (uint8_t)(sizeof(eh) + sizeof(ip));
	} else {
		struct rte_ipv6_hdr ip = {
			.vtc_flow = RTE_BE32(0x60000000),
			.proto = IPPROTO_ESP,
			.hop_limits = 64,
		};

		memcpy(ip.src_addr, s->local, 16);
		memcpy(ip.dst_addr, s->remote, 16);
		eh.ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV6);
		memcpy(hdr, &eh, sizeof(eh));
		memcpy(hdr + sizeof(eh), &ip, sizeof(ip));
		return (uint8_t)(sizeof(eh) + sizeof(ip));
	}
}

int
esp_sa_create(struct esp_crypto *cr, const struct esp_sa_spec *s, struct esp_sa *sa,
		const char *path, struct ctrl_err *e)
{
	struct rte_crypto_sym_xform xf[2];
	struct rte_ipsec_sa_prm prm;
	uint8_t hdr[sizeof(struct rte_ether_hdr) + sizeof(struct rte_ipv6_hdr)];
	int size, rc;

	memset(sa, 0, sizeof(*sa));
	if (!cr->ready)
		return ctrl_errf(e, path, "no crypto device");
	if (esp_alg_key_len(s->alg) == 0 || (s->family != 4 && s->family != 6) ||
			(s->tunnel && s->tun_family != 4 && s->tun_family != 6))
		return ctrl_errf(e, path, "bad SA parameters");
	esp_sa_xforms(s, xf);
	memset(&prm, 0, sizeof(prm));
	/* Several workers may send through one outbound SA. */
	prm.flags = s->outbound ? RTE_IPSEC_SAFLAG_SQN_ATOM : 0;
	prm.ipsec_xform.spi = s->spi;
	if (alg_is_gcm(s->alg))
		memcpy(&prm.ipsec_xform.salt, s->salt, sizeof(prm.ipsec_xform.salt));
	prm.ipsec_xform.options.esn = s->esn;
	prm.ipsec_xform.direction = s->outbound ? RTE_SECURITY_IPSEC_SA_DIR_EGRESS :
		RTE_SECURITY_IPSEC_SA_DIR_INGRESS;
	prm.ipsec_xform.proto = RTE_SECURITY_IPSEC_SA_PROTO_ESP;
	prm.ipsec_xform.mode = s->tunnel ? RTE_SECURITY_IPSEC_SA_MODE_TUNNEL :
		RTE_SECURITY_IPSEC_SA_MODE_TRANSPORT;
	prm.ipsec_xform.replay_win_sz = s->replay_win;
	/* Outbound: the next number to send; inbound: the last one taken (the window's top). */
	prm.ipsec_xform.esn.value = s->outbound || s->sqn_next == 0 ? s->sqn_next :
		s->sqn_next - 1;
	prm.crypto_xform = &xf[0];
	if (s->tunnel) {
		prm.ipsec_xform.tunnel.type = s->tun_family == 4 ? RTE_SECURITY_IPSEC_TUNNEL_IPV4 :
			RTE_SECURITY_IPSEC_TUNNEL_IPV6;
		prm.tun.next_proto = s->family == 4 ? IPPROTO_IPIP : IPPROTO_IPV6;
		if (s->outbound) {
			prm.tun.hdr_len = sa_tun_hdr(s, hdr);
			prm.tun.hdr_l3_off = sizeof(struct rte_ether_hdr);
			prm.tun.hdr = hdr;
		}
	} else {
		prm.trs.proto = s->family == 4 ? IPPROTO_IPIP : IPPROTO_IPV6;
	}
	size = rte_ipsec_sa_size(&prm);
	if (size < 0)
		return ctrl_errf(e, path, "rte_ipsec refuses the SA: %s", strerror(-size));
	sa->sa = rte_zmalloc("vsw_esp_sa", (size_t)size, RTE_CACHE_LINE_SIZE);
	if (sa->sa == NULL)
		return ctrl_nomem(e, path, "out of memory for the SA");
	rc = rte_ipsec_sa_init(sa->sa, &prm, (uint32_t)size);
	if (rc < 0) {
		esp_sa_free(sa);
		return ctrl_errf(e, path, "rte_ipsec refuses the SA: %s", strerror(-rc));
	}
	sa->dev_id = alg_is_gcm(s->alg) ? cr->dev_gcm : cr->dev_mb;
	sa->crypto_ses = rte_cryptodev_sym_session_create(sa->dev_id, &xf[0], cr->sess_pool);
	if (sa->crypto_ses == NULL) {
		rc = rte_errno;
		esp_sa_free(sa);
		return (rc == ENOMEM ? ctrl_nomem : ctrl_errf)(e, path,
				"the crypto device refuses the session: %s", rte_strerror(rc));
	}
	sa->ss.sa = sa->sa;
	sa->ss.type = RTE_SECURITY_ACTION_TYPE_CPU_CRYPTO;
	sa->ss.crypto.ses = sa->crypto_ses;
	sa->ss.crypto.dev_id = sa->dev_id;
	rc = rte_ipsec_session_prepare(&sa->ss);
	/* The lookaside session (crypto ops on the same device session): outbound AES-CBC
	 * always (its IV, below), the others when asked (measurement). */
	sa->la.sa = sa->sa;
	sa->la.type = RTE_SECURITY_ACTION_TYPE_NONE;
	sa->la.crypto.ses = sa->crypto_ses;
	sa->la.crypto.dev_id = sa->dev_id;
	if (rc == 0)
		rc = rte_ipsec_session_prepare(&sa->la);
	if (rc != 0) {
		esp_sa_free(sa);
		return ctrl_errf(e, path, "rte_ipsec refuses the session: %s", strerror(-rc));
	}
	sa->cop_pool = cr->cop_pool;
	sa->cbc_out = s->outbound && !alg_is_gcm(s->alg);
	sa->lookaside = s->lookaside || sa->cbc_out;
	sa->outbound = s->outbound;
	sa->tunnel = s->tunnel;
	sa->rp.win = s->outbound ? 0 : s->replay_win;
	sa->rp.esn = s->esn;
	sa->rp.top = s->outbound || s->sqn_next == 0 ? 0 : s->sqn_next - 1;
	sa->iv_len = alg_is_gcm(s->alg) ? 8 : 16;
	sa->icv_len = 16;
	sa->align = alg_is_gcm(s->alg) ? 4 : 16;
	sa->family = s->family;
	sa->in_l2 = s->l2;
	sa->in_l2.ether_type = s->family == 4 ? RTE_BE16(RTE_ETHER_TYPE_IPV4) :
		RTE_BE16(RTE_ETHER_TYPE_IPV6);
	return 0;
}

void
esp_sa_free(struct esp_sa *sa)
{
	esp_inline_detach(sa);
	if (sa->crypto_ses != NULL)
		rte_cryptodev_sym_session_free(sa->dev_id, sa->crypto_ses);
	if (sa->sa != NULL) {
		rte_ipsec_sa_fini(sa->sa);
		rte_free(sa->sa);
	}
	memset(sa, 0, sizeof(*sa));
}

/*
 * Sets l2_len and l3_len of Ethernet frame @p m for rte_ipsec. @return false when it is not
 * an IPv4/IPv6 packet whose headers are in the first segment.
 */
static inline bool
esp_frame_lens(struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eh;
	const uint8_t *ip;
	uint32_t l3;

	if (rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr))
		return false;
	eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	ip = (const uint8_t *)(eh + 1);
	if (eh->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV4) && (ip[0] >> 4) == 4 &&
			(ip[0] & 0xf) >= 5) {
		l3 = (ip[0] & 0xf) * 4u;
		m->packet_type = RTE_PTYPE_L2_ETHER | RTE_PTYPE_L3_IPV4;
	} else if (eh->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV6) && (ip[0] >> 4) == 6) {
		l3 = sizeof(struct rte_ipv6_hdr);
		m->packet_type = RTE_PTYPE_L2_ETHER | RTE_PTYPE_L3_IPV6;
	} else {
		return false;
	}
	/* One store of the whole word (l2_len, l3_len; no TSO here): the bitfields one by one
	 * are two read-modify-writes of a line nothing has read yet. */
	m->tx_offload = rte_mbuf_tx_offload(RTE_ETHER_HDR_LEN, l3, 0, 0, 0, 0, 0);
	return rte_pktmbuf_data_len(m) >= RTE_ETHER_HDR_LEN + l3;
}

/* Recomputes the checksum of the IPv4 header at @p off in @p m (one it changed). */
static inline void
esp_ipv4_cksum(struct rte_mbuf *m, uint32_t off)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, off);

	uint32_t sum;
	uint16_t old;

	if ((ip->version_ihl >> 4) != 4)
		return;
	/* Summed with the stale checksum in place, then taken out (ones' complement): zeroing
	 * the field first would make the wide loads of the sum wait for that narrow store. */
	old = ip->hdr_checksum;
	sum = __rte_raw_cksum(ip, rte_ipv4_hdr_len(ip), 0) + (uint16_t)~old;
	ip->hdr_checksum = (uint16_t)~__rte_raw_cksum_reduce(sum);
}

/* The frame @p m left by rte_ipsec made whole: headers, checksums. @return false: drop. */
static inline bool
esp_finish(const struct esp_sa *sa, struct rte_mbuf *m)
{
	struct rte_ether_hdr *eh;

	if (sa->outbound || !sa->tunnel) {
		/* Outbound: the outer (tunnel) or the packet's own (transport) IPv4 header
		 * changed; inbound transport: the packet's own. */
		esp_ipv4_cksum(m, RTE_ETHER_HDR_LEN);
		return true;
	}
	/* Inbound tunnel: the inner packet gets its Ethernet header. */
	eh = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, RTE_ETHER_HDR_LEN);
	if (eh == NULL)
		return false;
	*eh = sa->in_l2;
	m->l2_len = RTE_ETHER_HDR_LEN;
	return true;
}

uint64_t
esp_sa_process_idx(struct esp_sa *sa, struct rte_mbuf **pkts, const uint8_t *idx, uint16_t n,
		uint8_t *why)
{
	struct rte_mbuf *m[ESP_IDX_MAX];
	uint8_t w[ESP_IDX_MAX];
	uint16_t i, j, ok, k = 0;
	uint64_t done = 0;

	RTE_ASSERT(n <= ESP_IDX_MAX);
	for (i = 0; i < n; i++)
		m[i] = pkts[idx[i]];
	ok = esp_sa_process(sa, m, n, w);
	/* esp_sa_process() keeps the order of the frames it took: walk both lists. */
	for (i = 0; i < n; i++) {
		why[i] = ESP_OK;
		if (k < ok && m[k] == pkts[idx[i]]) {
			done |= UINT64_C(1) << i;
			k++;
		}
	}
	for (j = ok; j < n; j++)
		for (i = 0; i < n; i++)
			if (m[j] == pkts[idx[i]])
				why[i] = w[j];
	return done;
}

/* Inbound: true when the ESP of @p m (lens set) can be an SA's: length and alignment. */
static inline bool
esp_inb_len_ok(const struct esp_sa *sa, const struct rte_mbuf *m)
{
	int64_t clen = (int64_t)m->pkt_len - m->l2_len - m->l3_len - 8 - sa->iv_len -
		sa->icv_len;

	return clen >= sa->align && (clen & (sa->align - 1)) == 0 &&
		rte_pktmbuf_tailroom(rte_pktmbuf_lastseg((struct rte_mbuf *)(uintptr_t)m)) >= 16;
}

/* The ESP sequence number of inbound frame @p m (lens set). */
static inline uint32_t
esp_inb_seq(const struct rte_mbuf *m)
{
	uint32_t v;

	memcpy(&v, rte_pktmbuf_mtod_offset(m, const uint8_t *, m->l2_len + m->l3_len + 4),
			sizeof(v));
	return v;
}

/*
 * Why inbound frame @p f failed in rte_ipsec_pkt_process(), given the @p n frames @p pre
 * handed to it with their sequence numbers @p seq: the ICV; or a replay when an earlier
 * frame of the burst had its number (the window took that one); or its padding or trailer.
 */
static inline uint8_t
esp_inb_why(const struct rte_mbuf *f, struct rte_mbuf *const *pre, const uint64_t *seq,
		uint16_t n)
{
	uint16_t p, q;

	if (f->ol_flags & RTE_MBUF_F_RX_SEC_OFFLOAD_FAILED)
		return ESP_AUTH;
	for (p = 0; p < n && pre[p] != f; p++)
		;
	for (q = 0; q < p && p < n; q++)
		if (seq[q] == seq[p])
			return ESP_REPLAY;
	return ESP_MALFORMED;
}

/* The 64-bit sequence number of 32-bit @p sqn given window @p rp (RFC 4303 A2.1). */
static inline uint64_t
rp_full(const struct esp_replay *rp, uint32_t sqn)
{
	uint32_t tl = (uint32_t)rp->top, th = (uint32_t)(rp->top >> 32);
	uint32_t bl = tl - rp->win + 1;

	if (!rp->esn)
		return sqn;
	if (tl >= rp->win - 1)
		th += sqn < bl;       /* the window lies in one 2^32 subspace */
	else if (th != 0)
		th -= sqn >= bl;      /* it spans two */
	return (uint64_t)th << 32 | sqn;
}

/* True when @p s may be new to window @p rp (not seen, not behind it). */
static inline bool
rp_check(const struct esp_replay *rp, uint64_t s)
{
	if (s == 0)
		return false;
	if (s > rp->top)
		return true;
	if (rp->top - s >= rp->win)
		return false;
	return !((rp->bits[(s >> 6) & (ESP_RP_WORDS - 1)] >> (s & 63)) & 1);
}

/* Takes @p s into window @p rp (after authentication). @return false when already seen. */
static inline bool
rp_update(struct esp_replay *rp, uint64_t s)
{
	uint64_t *w;

	if (!rp_check(rp, s))
		return false;
	if (s > rp->top) {
		uint64_t from = (rp->top >> 6) + 1, to = s >> 6, x;

		if (to - from >= ESP_RP_WORDS)
			memset(rp->bits, 0, sizeof(rp->bits));
		else
			for (x = from; x <= to && to >= from; x++)
				rp->bits[x & (ESP_RP_WORDS - 1)] = 0;
		rp->top = s;
	}
	w = &rp->bits[(s >> 6) & (ESP_RP_WORDS - 1)];
	*w |= UINT64_C(1) << (s & 63);
	return true;
}

/*
 * esp_sa_process() through rte_ipsec session @p ss of @p sa: @p cpu, the software one
 * (crypto in rte_ipsec_pkt_cpu_prepare()), else the inline one (the NIC does the crypto).
 */
/*
 * Lookaside: crypto ops for the @p k frames of @p mb through @p sa's device, on this
 * lcore's queue pair; a software device completes them within the enqueue. The frames whose
 * op completed come first (failed crypto marked RTE_MBUF_F_RX_SEC_OFFLOAD_FAILED for
 * rte_ipsec_pkt_process()), those refused before the crypto after them. @return the first.
 */
static uint16_t
esp_lookaside(struct esp_sa *sa, struct rte_mbuf **mb, uint16_t k)
{
	struct rte_crypto_op *cop[k];
	struct rte_ipsec_group grp[1];
	struct rte_mbuf *left[k];
	int li = rte_lcore_index(rte_lcore_id());
	uint16_t qp = (uint16_t)(li < 0 ? 0 : li % ESP_QPS), i, prep, enq, deq = 0, nl = 0;

	if (rte_crypto_op_bulk_alloc(sa->cop_pool, RTE_CRYPTO_OP_TYPE_SYMMETRIC, cop, k) == 0)
		return 0;
	prep = rte_ipsec_pkt_crypto_prepare(&sa->la, mb, cop, k);
	/* AES-CBC: rte_ipsec ciphers the IV field with the op's IV, which it leaves unset:
	 * random bytes there make the IV on the wire unpredictable (RFC 3602). */
	for (i = 0; sa->cbc_out && i < prep; i++) {
		uint64_t *iv = rte_crypto_op_ctod_offset(cop[i], uint64_t *, ESP_IV_OFFSET);

		iv[0] = rte_rand();
		iv[1] = rte_rand();
	}
	enq = prep == 0 ? 0 : rte_cryptodev_enqueue_burst(sa->dev_id, qp, cop, prep);
	for (i = enq; i < prep; i++)
		left[nl++] = mb[i];
	while (deq < enq) /* software devices: all there already */
		deq += rte_cryptodev_dequeue_burst(sa->dev_id, qp, cop + deq, enq - deq);
	/* In completion order (the enqueue's, for these devices); sets the flags. */
	if (deq != 0)
		rte_ipsec_pkt_crypto_group((const struct rte_crypto_op **)cop, mb, grp, deq);
	memcpy(mb + deq, left, nl * sizeof(mb[0]));
	rte_mempool_put_bulk(sa->cop_pool, (void **)cop, k);
	return deq;
}

static uint16_t
esp_run(struct esp_sa *sa, struct rte_ipsec_session *ss, bool cpu, struct rte_mbuf **mb,
		uint16_t n, uint8_t *why)
{
	struct rte_mbuf *bad[n], *pre[n];
	uint8_t bad_why[n];
	uint64_t seq[n];
	uint16_t i, k = 0, nb = 0, ok, prep, j, p;
	bool rp = !sa->outbound && sa->rp.win != 0;

	/* Frames rte_ipsec cannot take go to the end at once; so do replays (vswd keeps its
	 * own window: rte_ipsec 22.11's loses bits 32..63 of each word, doc/ipsec.md). */
	for (i = 0; i < n; i++) {
		if (!esp_frame_lens(mb[i]) || (!sa->outbound && !esp_inb_len_ok(sa, mb[i]))) {
			bad_why[nb] = ESP_MALFORMED;
			bad[nb++] = mb[i];
		} else if (rp && !rp_check(&sa->rp, rp_full(&sa->rp,
				rte_be_to_cpu_32(esp_inb_seq(mb[i]))))) {
			bad_why[nb] = ESP_REPLAY;
			bad[nb++] = mb[i];
		} else {
			mb[k++] = mb[i];
		}
	}
	rte_errno = 0;
	if (k == 0)
		prep = 0;
	else if (!cpu)
		prep = k; /* inline: the NIC does the crypto */
	else if (sa->lookaside)
		prep = esp_lookaside(sa, mb, k);
	else
		prep = rte_ipsec_pkt_cpu_prepare(ss, mb, k);
	if (cpu && sa->lookaside)
		ss = &sa->la;
	/* rte_ipsec moved the ones it refused behind the ones it took: [prep, k). Inbound,
	 * after the checks above, that is its own window; outbound, the sequence numbers or
	 * the room for the headers. */
	for (i = prep; i < k; i++)
		why[i] = !sa->outbound ? ESP_REPLAY : rte_errno == EOVERFLOW ? ESP_OVERFLOW :
			ESP_OTHER;
	if (!sa->outbound) {
		for (i = 0; i < prep; i++) {
			pre[i] = mb[i];
			seq[i] = rp_full(&sa->rp, rte_be_to_cpu_32(esp_inb_seq(mb[i])));
		}
	}
	ok = prep == 0 ? 0 : rte_ipsec_pkt_process(ss, mb, prep);
	for (i = ok; i < prep; i++)
		why[i] = sa->outbound ? ESP_OTHER : esp_inb_why(mb[i], pre, seq, prep);
	/* The good ones kept their order: their numbers are pre[]'s in that order. */
	for (i = 0, j = 0, p = 0; i < ok; i++) {
		bool dup = false;

		if (!sa->outbound) {
			while (pre[p] != mb[i])
				p++;
			dup = rp && !rp_update(&sa->rp, seq[p]);
		}
		if (!dup && esp_finish(sa, mb[i])) {
			mb[j++] = mb[i];
		} else {
			bad_why[nb] = dup ? ESP_REPLAY : ESP_OTHER;
			bad[nb++] = mb[i];
		}
	}
	/* The failures of prepare and process stay between ok and k: keep them there, after
	 * the good ones, then the early refusals and the unfinished. */
	if (j < ok) {
		memmove(&mb[j], &mb[ok], (k - ok) * sizeof(mb[0]));
		memmove(&why[j], &why[ok], (k - ok) * sizeof(why[0]));
	}
	memcpy(&mb[j + (k - ok)], bad, nb * sizeof(mb[0]));
	memset(why, ESP_OK, j);
	memcpy(&why[j + (k - ok)], bad_why, nb);
	return j;
}

uint16_t
esp_sa_process(struct esp_sa *sa, struct rte_mbuf **mb, uint16_t n, uint8_t *why)
{
	struct rte_mbuf *hw[n], *sw[n];
	uint8_t w_[n], wh[n];
	uint16_t i, nh = 0, ns = 0, oh, os;

	if (why == NULL)
		why = w_;
	if (likely(sa->inl == NULL))
		return esp_run(sa, &sa->ss, true, mb, n, why);
	if (sa->outbound)
		return esp_run(sa, &sa->inl->ss, false, mb, n, why);
	/* Inbound: what the NIC decrypted goes through the inline session, the rest (frames
	 * before its flow rule, or it skipped) through the software one. */
	for (i = 0; i < n; i++) {
		if (mb[i]->ol_flags & RTE_MBUF_F_RX_SEC_OFFLOAD)
			hw[nh++] = mb[i];
		else
			sw[ns++] = mb[i];
	}
	oh = nh == 0 ? 0 : esp_run(sa, &sa->inl->ss, false, hw, nh, wh);
	os = ns == 0 ? 0 : esp_run(sa, &sa->ss, true, sw, ns, why);
	/* Good ones first (both kinds), then the failures with their reasons. */
	memcpy(mb, hw, oh * sizeof(mb[0]));
	memcpy(mb + oh, sw, os * sizeof(mb[0]));
	memcpy(mb + oh + os, hw + oh, (nh - oh) * sizeof(mb[0]));
	memcpy(mb + oh + os + (nh - oh), sw + os, (ns - os) * sizeof(mb[0]));
	memmove(why + oh + os + (nh - oh), why + os, ns - os);
	memcpy(why + oh + os, wh + oh, nh - oh);
	memset(why, ESP_OK, oh + os);
	return oh + os;
}
