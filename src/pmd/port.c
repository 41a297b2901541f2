/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_log.h>
#include <rte_eth_vhost.h>
#include <rte_ethdev.h>

#include "eal_args.h"
#include "mem.h"
#include "port.h"
#include "vsw_log.h"

/* mkdir -p of the directory holding @p path. */
static int
make_parent_dir(const char *path)
{
	char dir[108], *s;

	snprintf(dir, sizeof(dir), "%s", path);
	s = strrchr(dir, '/');
	if (s == NULL || s == dir)
		return 0;
	*s = '\0';
	for (s = dir + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(dir, 0755) != 0 && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	return mkdir(dir, 0755) != 0 && errno != EEXIST ? -errno : 0;
}

/* A server socket path must be free: remove a stale socket nobody listens on. */
static int
vhost_server_path_prepare(const char *path, const char *jpath, struct ctrl_err *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int fd, rc;

	if (make_parent_dir(path) != 0)
		return ctrl_errf(e, jpath, "cannot create the directory of %s: %s", path,
				strerror(errno));
	if (lstat(path, &st) != 0)
		return 0;
	if (!S_ISSOCK(st.st_mode))
		return ctrl_errf(e, jpath, "%s exists and is not a socket", path);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		return ctrl_errf(e, jpath, "socket: %s", strerror(errno));
	rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	if (rc == 0)
		return ctrl_errf(e, jpath, "%s is in use by another process", path);
	VSW_LOG(NOTICE, "removing stale vhost-user socket %s\n", path);
	unlink(path);
	return 0;
}

/*
 * rte_dev_probe() of @p devargs (port @p name). DPDK's tap PMD gives each tap a multiq qdisc
 * for its rte_flow support; in a kernel without sch_multiq it logs four error lines at every
 * start and goes on without rte_flow, which vswd does not use. Those lines are kept out of
 * the log (the PMD's level is raised for the probe only) and replaced by one notice; a probe
 * failure is still reported by the caller with its errno.
 */
static int
tap_probe_quiet(const char *devargs, const char *name)
{
	int type, level = -1, rc;
	bool multiq;

	if (strncmp(devargs, "net_tap", 7) != 0)
		return rte_dev_probe(devargs);
	multiq = access("/sys/module/sch_multiq", F_OK) == 0;
	type = rte_log_register("pmd.net.tap");
	if (!multiq && type >= 0) {
		level = rte_log_get_level((uint32_t)type);
		rte_log_set_level((uint32_t)type, RTE_LOG_CRIT);
	}
	rc = rte_dev_probe(devargs);
	if (level >= 0)
		rte_log_set_level((uint32_t)type, (uint32_t)level);
	/* The kernel may have loaded the module on demand during the probe. */
	if (rc == 0 && !multiq && access("/sys/module/sch_multiq", F_OK) != 0)
		VSW_LOG(NOTICE, "port %s: this kernel has no multiq qdisc (sch_multiq): the tap "
				"driver's rte_flow support is off, which vswd does not use\n", name);
	return rc;
}

/* Finds the ethdev a just-probed @p devargs created. */
static int
find_eth(const char *devargs, uint16_t *eth_id)
{
	struct rte_dev_iterator it;
	uint16_t id;

	RTE_ETH_FOREACH_MATCHING_DEV(id, devargs, &it) {
		*eth_id = id;
		rte_eth_iterator_cleanup(&it);
		return 0;
	}
	return -ENODEV;
}

static int
port_queues(struct pmd_port *pp, const struct cfg_port *cfg, const struct rte_eth_dev_info *di,
		uint16_t n_workers, struct rte_mempool *pool, const char *jpath, struct ctrl_err *e)
{
	struct rte_eth_conf conf = { 0 };
	uint32_t frame = cfg->mtu + DP_L2_OVERHEAD;
	uint32_t room = rte_pktmbuf_data_room_size(pool) - RTE_PKTMBUF_HEADROOM;
	uint16_t nb_rxd = (uint16_t)cfg->rx_desc, nb_txd = (uint16_t)cfg->tx_desc, q;
	uint32_t overhead;
	char sub[160];
	int rc;

	if (cfg->queues > di->max_rx_queues) {
		snprintf(sub, sizeof(sub), "%s.queues", jpath);
		return ctrl_errf(e, sub, "device %s has at most %u RX queues", pp->devname,
				di->max_rx_queues);
	}
	pp->n_rxq = (uint16_t)cfg->queues;
	if (cfg->type == CFG_PORT_VHOST)
		pp->n_txq = (uint16_t)cfg->queues;
	else if (strcmp(di->driver_name, "net_tap") == 0)
		/* The tap driver pairs each RX queue with a TX queue (one fd each). */
		pp->n_txq = (uint16_t)cfg->queues;
	else
		pp->n_txq = RTE_MAX(RTE_MIN(n_workers, di->max_tx_queues), 1);

	/* Set the device MTU only where the device's own limits allow it (ethdev's rule for the
	 * L2 overhead); vswd enforces the port MTU in the parse stage either way. */
	overhead = di->max_mtu != UINT16_MAX && di->max_rx_pktlen > di->max_mtu ?
		di->max_rx_pktlen - di->max_mtu : RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN;
	if (cfg->mtu >= di->min_mtu && cfg->mtu <= di->max_mtu &&
			cfg->mtu + overhead <= di->max_rx_pktlen)
		conf.rxmode.mtu = cfg->mtu;
	if (frame > room && (di->rx_offload_capa & RTE_ETH_RX_OFFLOAD_SCATTER))
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_SCATTER;
	if (mem_port_needs_jumbo_pool(cfg, di->driver_name,
			di->rx_offload_capa & RTE_ETH_RX_OFFLOAD_SCATTER)) {
		char pname[RTE_MEMPOOL_NAMESIZE];
		uint32_t jroom = MEM_JUMBO_DATAROOM;
		static uint32_t seq; /* a reused slot must not reuse a pool name still taken */

		snprintf(pname, sizeof(pname), "vsw_jumbo_%u_%u", pp->idx, seq++);
		pp->jumbo_pool = rte_pktmbuf_pool_create(pname, mem_jumbo_pool_size(cfg),
				MEM_POOL_CACHE, 0, (uint16_t)(RTE_PKTMBUF_HEADROOM + jroom),
				rte_eth_dev_socket_id(pp->eth_id));
		if (pp->jumbo_pool == NULL) {
			snprintf(sub, sizeof(sub), "%s.mtu", jpath);
			return ctrl_errf(e, sub, "no memory for %u jumbo mbufs of %u B (driver %s "
					"cannot chain): raise $.dpdk.memory_mb", mem_jumbo_pool_size(cfg),
					jroom, di->driver_name);
		}
		pool = pp->jumbo_pool;
	}
	if (di->tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS)
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	/* Inline IPsec where the NIC has it (src/ipsec/esp_inline.c decides per SA). */
	if ((di->rx_offload_capa & RTE_ETH_RX_OFFLOAD_SECURITY) &&
			(di->tx_offload_capa & RTE_ETH_TX_OFFLOAD_SECURITY)) {
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_SECURITY;
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_SECURITY;
	}

	rc = rte_eth_dev_configure(pp->eth_id, pp->n_rxq, pp->n_txq, &conf);
	if (rc != 0)
		return ctrl_errf(e, jpath, "configuring %s: %s", pp->devname, strerror(-rc));
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(pp->eth_id, &nb_rxd, &nb_txd);
	if (rc != 0)
		return ctrl_errf(e, jpath, "ring sizes of %s: %s", pp->devname, strerror(-rc));
	for (q = 0; q < pp->n_rxq; q++) {
		rc = rte_eth_rx_queue_setup(pp->eth_id, q, nb_rxd, rte_eth_dev_socket_id(pp->eth_id),
				NULL, pool);
		if (rc != 0)
			return ctrl_errf(e, jpath, "RX queue %u of %s: %s", q, pp->devname,
					strerror(-rc));
	}
	for (q = 0; q < pp->n_txq; q++) {
		rc = rte_eth_tx_queue_setup(pp->eth_id, q, nb_txd, rte_eth_dev_socket_id(pp->eth_id),
				NULL);
		if (rc != 0)
			return ctrl_errf(e, jpath, "TX queue %u of %s: %s", q, pp->devname,
					strerror(-rc));
	}
	if (conf.rxmode.mtu == 0) {
		VSW_LOG(NOTICE, "port %s: %s accepts MTU %u..%u, frame %u: device MTU left "
				"as is, vswd limits frames to MTU %u\n", cfg->name, di->driver_name,
				di->min_mtu, di->max_mtu, di->max_rx_pktlen, cfg->mtu);
	}
	return 0;
}

int
pmd_port_open(struct pmd_port *pp, const struct cfg_port *cfg, uint16_t idx,
		uint16_t n_workers, struct rte_mempool *pool, struct ctrl_err *e)
{
	struct rte_eth_dev_info di;
	char devargs[700], jpath[64], rname[RTE_RING_NAMESIZE];
	int rc;

	memset(pp, 0, sizeof(*pp));
	pp->idx = idx;
	snprintf(jpath, sizeof(jpath), "$.ports[%u]", idx);
	if (cfg->type == CFG_PORT_VHOST) {
		char sub[96];

		snprintf(sub, sizeof(sub), "%s.path", jpath);
		if (cfg->mode == CFG_VHOST_SERVER && vhost_server_path_prepare(cfg->path, sub, e))
			return -EINVAL;
		snprintf(pp->devname, sizeof(pp->devname), "net_vhost_%s", cfg->name);
		snprintf(devargs, sizeof(devargs), "%s,iface=%s,queues=%u,client=%d",
				pp->devname, cfg->path, cfg->queues, cfg->mode == CFG_VHOST_CLIENT);
		snprintf(pp->path, sizeof(pp->path), "%s", cfg->path);
		pp->vhost_server_sock = cfg->mode == CFG_VHOST_SERVER;
	} else {
		const char *c = strchr(cfg->devargs, ',');
		size_t l = c != NULL ? (size_t)(c - cfg->devargs) : strlen(cfg->devargs);

		snprintf(pp->devname, sizeof(pp->devname), "%.*s", (int)l, cfg->devargs);
		snprintf(devargs, sizeof(devargs), "%s", cfg->devargs);
	}
	rc = tap_probe_quiet(devargs, cfg->name);
	if (rc != 0 && rc != -EEXIST) {
		char sub[96];

		snprintf(sub, sizeof(sub), "%s.%s", jpath,
				cfg->type == CFG_PORT_VHOST ? "path" : "devargs");
		return ctrl_errf(e, sub, "cannot open device \"%s\" (%s): check the driver name "
				"and its arguments", devargs, strerror(-rc));
	}
	if (find_eth(devargs, &pp->eth_id) != 0) {
		ctrl_errf(e, jpath, "device \"%s\" has no ethdev port", pp->devname);
		goto detach;
	}
	rc = rte_eth_dev_info_get(pp->eth_id, &di);
	if (rc != 0) {
		ctrl_errf(e, jpath, "device info of %s: %s", pp->devname, strerror(-rc));
		goto detach;
	}
	snprintf(pp->driver, sizeof(pp->driver), "%s", di.driver_name);
	if (cfg->type == CFG_PORT_REPR && (di.dev_flags == NULL ||
			!(*di.dev_flags & RTE_ETH_DEV_REPRESENTOR))) {
		ctrl_errf(e, jpath, "device \"%s\" gave ethdev %u, which is not a representor "
				"(driver %s)", cfg->devargs, pp->eth_id, di.driver_name);
		goto close;
	}
	if (port_queues(pp, cfg, &di, n_workers, pool, jpath, e) != 0)
		goto close;
	if ((cfg->type == CFG_PORT_VHOST && n_workers > 1) || pp->n_txq < n_workers) {
		snprintf(rname, sizeof(rname), "vsw_ho_%u", idx);
		pp->handoff = rte_ring_create(rname, mem_handoff_size(cfg), rte_socket_id(),
				RING_F_SC_DEQ);
		if (pp->handoff == NULL) {
			ctrl_errf(e, jpath, "TX handoff ring: %s", rte_strerror(rte_errno));
			goto close;
		}
	}
	rc = rte_eth_dev_start(pp->eth_id);
	if (rc != 0) {
		ctrl_errf(e, jpath, "starting %s: %s", pp->devname, strerror(-rc));
		goto free_ring;
	}
	rc = rte_eth_promiscuous_enable(pp->eth_id);
	if (rc != 0 && rc != -ENOTSUP)
		VSW_LOG(WARNING, "port %s: promiscuous mode: %s\n", cfg->name, strerror(-rc));
	pp->txq_enabled = cfg->type == CFG_PORT_VHOST ? 0 : (uint32_t)((1ULL << pp->n_txq) - 1);
	pp->open = true;
	pmd_port_poll_state(pp);
	return 0;

free_ring:
	rte_ring_free(pp->handoff);
	pp->handoff = NULL;
close:
	rte_eth_dev_close(pp->eth_id);
	rte_mempool_free(pp->jumbo_pool);
	pp->jumbo_pool = NULL;
detach:
	/* A representor's PF stays probed: other ports (or its own ethdev) may use it. */
	if (cfg->type != CFG_PORT_REPR)
		rte_eal_hotplug_remove(cfg_port_is_eth(cfg) &&
				!eal_devargs_is_vdev(pp->devname) ? "pci" : "vdev", pp->devname);
	if (pp->vhost_server_sock)
		unlink(pp->path);
	return -EINVAL;
}

void
pmd_port_close(struct pmd_port *pp)
{
	struct rte_eth_dev_info di;
	struct rte_device *dev = NULL;
	struct rte_mbuf *m;

	if (!pp->open)
		return;
	if (rte_eth_dev_info_get(pp->eth_id, &di) == 0)
		dev = di.device;
	rte_eth_dev_stop(pp->eth_id);
	rte_eth_dev_close(pp->eth_id);
	/* A PF with representors still open (other ports) stays. */
	if (dev != NULL) {
		uint16_t id, left = 0;

		RTE_ETH_FOREACH_DEV_OF(id, dev)
			left++;
		if (left == 0)
			rte_dev_remove(dev);
	}
	if (pp->handoff != NULL) {
		while (rte_ring_dequeue(pp->handoff, (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(pp->handoff);
	}
	if (pp->vhost_server_sock)
		unlink(pp->path);
	pp->open = false;
}

void
pmd_port_free_pool(struct pmd_port *pp)
{
	rte_mempool_free(pp->jumbo_pool);
	pp->jumbo_pool = NULL;
}

bool
pmd_port_poll_state(struct pmd_port *pp)
{
	struct rte_eth_vhost_queue_event ev;
	struct rte_eth_link link;
	uint32_t before = pp->txq_enabled;

	if (!pp->open)
		return false;
	if (rte_eth_link_get_nowait(pp->eth_id, &link) == 0) {
		pp->link_up = link.link_status == RTE_ETH_LINK_UP;
		pp->link_speed = link.link_speed;
	}
	if (strcmp(pp->driver, "net_vhost") != 0)
		return false;
	while (rte_eth_vhost_get_queue_event(pp->eth_id, &ev) == 0) {
		if (ev.rx || ev.queue_id >= 32)
			continue;
		if (ev.enable)
			pp->txq_enabled |= 1u << ev.queue_id;
		else
			pp->txq_enabled &= ~(1u << ev.queue_id);
	}
	return pp->txq_enabled != before;
}
