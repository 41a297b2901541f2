/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_CFG_H
#define VSW_CFG_H

/**
 * @file
 * The configuration document as C structures. A struct vsw_config is produced by cfg_parse()
 * from JSON, checked as a whole by cfg_check(), and owned by the control thread. Nothing in it
 * is read by workers: they read the struct dp_snap built from it (snap.c).
 */

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "ctrl_err.h"
#include "dp.h"

/** Longest port name, including the NUL. */
#define CFG_NAME_LEN 32
/** Most extra EAL arguments. */
#define CFG_MAX_EAL_ARGS 32
/** Most static MAC entries. */
#define CFG_MAX_STATIC_FDB 65536
/** Most MACs a port may list as its own (security.macs). */
#define CFG_MAX_PORT_MACS 8
/** Most ACL rules in a document (all ports). */
#define CFG_MAX_ACL 16384

/** Port types. */
enum cfg_port_type {
	CFG_PORT_DPDK = 0,  /**< any ethdev by devargs: PCI address or vdev */
	CFG_PORT_VHOST,     /**< vhost-user socket (net_vhost PMD) */
	CFG_PORT_REPR,      /**< an SR-IOV VF's representor ethdev (devargs "PCI,representor=vfN") */
};

/** vhost-user socket roles. */
enum cfg_vhost_mode {
	CFG_VHOST_SERVER = 0, /**< vswd creates the socket, QEMU connects */
	CFG_VHOST_CLIENT,     /**< QEMU is the server; vswd connects and reconnects */
};

/** Private VLAN roles of a port (cfg_port.pvlan_mode). */
enum cfg_pvlan_mode {
	CFG_PVLAN_NONE = 0,     /**< an ordinary port */
	CFG_PVLAN_PROMISCUOUS,  /**< reaches every port of its primary VLAN */
	CFG_PVLAN_ISOLATED,     /**< reaches only promiscuous ports */
	CFG_PVLAN_COMMUNITY,    /**< reaches promiscuous ports and its own community */
};

/** Port mirroring roles (cfg_port.mirror). */
enum cfg_mirror {
	CFG_MIRROR_NONE = 0,     /**< not mirrored */
	CFG_MIRROR_SOURCE,       /**< every frame it receives or sends is copied */
	CFG_MIRROR_DESTINATION,  /**< receives the copies */
};

/** ACL rule directions, from the port's (the VM's) side: bit set. */
enum cfg_acl_dir {
	CFG_ACL_IN = 1,    /**< frames the switch sends to the port ("inbound" to the VM) */
	CFG_ACL_OUT = 2,   /**< frames the switch receives from the port ("outbound") */
	CFG_ACL_BOTH = 3,  /**< both */
};

/** ACL rule actions. */
enum cfg_acl_action {
	CFG_ACL_ALLOW = 0,  /**< forward */
	CFG_ACL_DENY,       /**< drop (acl_deny) */
	CFG_ACL_METER,      /**< count in the metering report; forwarding is decided apart */
};

/** "security" of a port: the Hyper-V port protections. */
struct cfg_sec {
	uint32_t n_macs;                      /**< entries in macs */
	uint8_t macs[CFG_MAX_PORT_MACS][6];   /**< the port's own MACs */
	bool mac_spoofing;    /**< true: any source MAC; false: only macs[] */
	bool dhcp_guard;      /**< drop DHCP server messages from the port */
	bool dhcp_server;     /**< the port is an authorized DHCP server (guard exempt) */
	bool router_guard;    /**< drop router advertisements and redirects from the port */
	uint32_t storm_limit; /**< broadcast + multicast + unknown unicast pps, 0: none */
};

/** One entry of "acl": a rule of one port. */
struct cfg_acl {
	char port[CFG_NAME_LEN];  /**< port name */
	char name[CFG_NAME_LEN];  /**< optional label ("" = none) */
	uint32_t dir;             /**< enum cfg_acl_dir */
	uint32_t action;          /**< enum cfg_acl_action */
	uint8_t has_lmac;         /**< local_mac given */
	uint8_t has_rmac;         /**< remote_mac given */
	uint8_t lmac[6];          /**< local (the port's side) MAC */
	uint8_t rmac[6];          /**< remote MAC */
	uint8_t family;           /**< 4 or 6 when an IP address is given, else 0 */
	uint8_t lip_len;          /**< local prefix length; 0 with has_lip = 0: any */
	uint8_t rip_len;          /**< remote prefix length */
	uint8_t has_lip;          /**< local_ip given */
	uint8_t has_rip;          /**< remote_ip given */
	uint8_t lip[16];          /**< local address (IPv4: first 4 bytes) */
	uint8_t rip[16];          /**< remote address */
	uint32_t protocol;        /**< IP protocol, 256 = any */
	uint16_t lport[2];        /**< local TCP/UDP port range [first, last] */
	uint16_t rport[2];        /**< remote TCP/UDP port range */
	uint32_t weight;          /**< extended rules: 1..65535 (higher first); 0: a basic rule */
	bool stateful;            /**< allow the return traffic of flows it allows */
	/** The port: its index in "ports" of a parsed document (cfg_check), its slot in the
	 * running config (ctrl_config_apply). Not part of the rule: compares stop before it. */
	uint16_t port_idx;
};

/** The "dpdk" section: EAL settings (all need a restart to change). */
struct cfg_dpdk {
	char lcores[128];       /**< EAL --lcores value, e.g. "0-1" */
	uint32_t main_lcore;    /**< lcore of the control thread */
	uint32_t memory_mb;     /**< hugepage memory reserved at start (-m) */
	char huge_dir[256];     /**< hugetlbfs mount, "" = EAL default */
	char file_prefix[64];   /**< EAL --file-prefix */
	bool in_memory;         /**< --in-memory: no hugepage files, no secondary processes */
	bool no_huge;           /**< --no-huge: plain memory (no vhost-user) */
	char log_level[32];     /**< EAL --log-level for vswd's messages */
	uint32_t n_eal_args;    /**< entries in eal_args */
	char eal_args[CFG_MAX_EAL_ARGS][256]; /**< extra EAL arguments, passed last */
};

/** The "switch" section. */
struct cfg_switch {
	uint32_t fdb_max_entries; /**< most learned MAC entries */
	uint32_t fdb_aging_s;     /**< idle seconds before a learned entry is removed, 0: never */
	uint32_t stats_interval_s; /**< print statistics every N seconds, 0: only on SIGUSR1 */
	bool flow_cache;          /**< workers use their exact-match flow cache */
	uint32_t acl_flows_max;   /**< most flows of stateful ACL rules tracked at once */
	uint32_t acl_flow_timeout_s; /**< idle seconds before a stateful flow is forgotten */
	uint32_t workers;         /**< workers that run (of those dpdk.lcores reserves), 0: all */
	uint32_t idle_sleep_us;   /**< a worker idle for a while sleeps this long between polls,
				   *   0: never sleeps (pure polling) */
};

/** Longest "rxq" interval, seconds: the load history kept per queue (rxq_ctl.h). */
#define RXQ_HIST_MAX 60

/** The "rxq" section: RX queues placed on workers by measured load (doc/rxq.md); live. */
struct cfg_rxq {
	bool auto_rebalance;   /**< move queues when a worker stays overloaded */
	uint32_t interval_s;   /**< seconds a worker must stay above threshold; also the window
				*   of the loads a rebalance uses and the least time between two */
	uint32_t threshold;    /**< worker load (percent of its cycles) counted as overloaded */
	uint32_t improvement;  /**< least cut of the busiest worker's load (percent) that makes
				*   an automatic rebalance worth its moves */
};

/** The "api" section: the JSON-RPC control socket (a restart changes it). */
struct cfg_api {
	char socket[108];      /**< UNIX socket path, "" = no API */
	char group[32];        /**< group owning the socket (mode 0660), "" = vswd's own */
	uint32_t max_clients;  /**< most connections at once; more are refused */
	uint32_t max_request_kb; /**< longest request line, KiB; longer closes the connection */
	uint32_t max_depth;    /**< deepest JSON nesting a request may have */
};

/** A dpdk port's per-VM receive queues (dynamic VMQ). */
enum cfg_vmq {
	CFG_VMQ_AUTO = 0,  /**< an rte_flow rule per VM MAC where the device takes them */
	CFG_VMQ_OFF,       /**< none: the device's RSS only */
};

/** One entry of "ports". */
struct cfg_port {
	char name[CFG_NAME_LEN];   /**< unique name */
	char profile[CFG_NAME_LEN]; /**< its policy's profile (profile_cfg.h), "" = its own */
	uint32_t type;             /**< enum cfg_port_type */
	char devargs[512];         /**< dpdk: PCI address or vdev devargs */
	char path[108];            /**< vhost-user: socket path */
	uint32_t mode;             /**< vhost-user: enum cfg_vhost_mode */
	uint32_t queues;           /**< RX queues (dpdk) or queue pairs (vhost-user) */
	uint32_t rx_desc;          /**< RX descriptors per queue (mbufs reserved for vhost-user) */
	uint32_t tx_desc;          /**< TX descriptors per queue */
	uint32_t mtu;              /**< L3 MTU, 68..9000 */
	uint32_t admin_up;         /**< "admin": 1 = "up", 0 = "down" */
	uint32_t vlan_mode;        /**< enum dp_vlan_mode */
	uint32_t access_vlan;      /**< access: the VLAN */
	uint32_t native_vlan;      /**< trunk: native VLAN, 0 = none */
	uint64_t vlans[DP_VLAN_WORDS]; /**< membership: the access VLAN, or trunk allowed + native */
	struct cfg_sec sec;        /**< "security" */
	uint32_t pvlan_mode;       /**< enum cfg_pvlan_mode ("pvlan.mode") */
	uint32_t pvlan_secondary;  /**< isolated/community: secondary VLAN ID ("pvlan.secondary") */
	uint32_t mirror;           /**< enum cfg_mirror */
	uint32_t vmq;              /**< enum cfg_vmq: per-VM queues on this uplink (doc/vmq.md) */
	uint32_t ipsec_max_sa;     /**< "ipsec.offload_max_sa": this VM's SAs that may run on
				    *   the NIC, 0: never (ipsec_place.h) */
	uint32_t ipsec_prio;       /**< "ipsec.offload_priority": higher VMs first */
	uint32_t ipsec_slots;      /**< "ipsec.offload_slots": as an uplink, SAs its NIC may
				    *   hold, 0: as many as it takes */
};

/** One entry of "fdb": a static MAC. */
struct cfg_fdb {
	uint8_t mac[6];          /**< unicast MAC */
	uint32_t vlan;           /**< VLAN ID */
	char port[CFG_NAME_LEN]; /**< port name */
	uint16_t port_idx;       /**< resolved port index (cfg_check) */
};

struct cfg_ipsec_sa;
struct cfg_ipsec_spd;

/** The "ipsec" section (its entries: ipsec_cfg.h). */
struct cfg_ipsec {
	uint32_t n_sa;               /**< entries in sa[] */
	uint32_t n_spd;              /**< entries in spd[] */
	struct cfg_ipsec_sa *sa;     /**< "sa" (malloc'd) */
	struct cfg_ipsec_spd *spd;   /**< "spd" (malloc'd) */
};

/** A whole configuration document. */
struct vsw_config {
	struct cfg_dpdk dpdk;        /**< "dpdk" */
	struct cfg_switch sw;        /**< "switch" */
	struct cfg_api api;          /**< "api" */
	struct cfg_rxq rxq;          /**< "rxq" */
	uint32_t n_ports;            /**< slots in ports: parsed documents have no holes; the
				      *   running config has (cfg_port_used()) after deletions */
	struct cfg_port ports[VSW_MAX_PORTS]; /**< "ports", index = vswd port index */
	uint32_t n_fdb;              /**< entries in fdb */
	struct cfg_fdb *fdb;         /**< "fdb" (malloc'd, n_fdb entries) */
	uint32_t n_acl;              /**< entries in acl */
	struct cfg_acl *acl;         /**< "acl" (malloc'd, n_acl entries) */
	struct cfg_ipsec ipsec;      /**< "ipsec": port_idx and uplink_idx as for acl */
	json_t *profiles;            /**< "profiles" as written (owned reference), NULL: none */
};

/**
 * Parses and checks the JSON document @p root into @p c (zeroed first). Unknown keys,
 * wrong types, out-of-range values and inconsistencies are errors naming the JSON path.
 * @return 0, or -EINVAL with @p e filled (and @p c released).
 */
int cfg_parse(json_t *root, struct vsw_config *c, struct ctrl_err *e);

/** Reads and parses @p file; as cfg_parse(), also for unreadable files and bad JSON. */
int cfg_load_file(const char *file, struct vsw_config *c, struct ctrl_err *e);

/** Checks the cross-field rules of a parsed @p c. @return 0 or -EINVAL with @p e filled. */
int cfg_check(struct vsw_config *c, struct ctrl_err *e);

/**
 * @p c as a normalized JSON document (every key, defaults filled in, empty port slots left
 * out): cfg_parse() of it gives back @p c. @return a new reference, NULL on no memory.
 */
json_t *cfg_emit(const struct vsw_config *c);

/** Port @p p alone as its JSON object (an element of "ports"). */
json_t *cfg_port_emit(const struct cfg_port *p);

/**
 * Parses port object @p obj (as an element of "ports", after profile_merge()) into @p p.
 * @return 0, or -EINVAL with @p e naming the path under @p path.
 */
int cfg_port_parse_obj(json_t *obj, struct cfg_port *p, const char *path, struct ctrl_err *e);

/**
 * Checks that @p next keeps every setting of @p cur that needs a restart ("dpdk", "api", the
 * switch items not marked live). @return 0, or -ENOTSUP with @p e naming the first such key.
 */
int cfg_restart_check(const struct vsw_config *cur, const struct vsw_config *next,
		struct ctrl_err *e);

/** How a port changes from @p a to @p b. */
enum cfg_port_change {
	CFG_PORT_SAME = 0, /**< identical */
	CFG_PORT_LIVE,     /**< only settings applied in the snapshot (admin, VLANs) */
	CFG_PORT_REOPEN,   /**< the device must be closed and opened again */
};

/** Classifies the change from port @p a to port @p b. */
enum cfg_port_change cfg_port_diff(const struct cfg_port *a, const struct cfg_port *b);

/** MAC table key (dp_fdb_key()) of static entry @p f. */
uint64_t cfg_fdb_key(const struct cfg_fdb *f);

/** One entry of a sorted index of static entries. */
struct cfg_fdb_ix {
	uint64_t key; /**< cfg_fdb_key() */
	uint32_t idx; /**< index in fdb[] */
};

/** The static entries of @p c sorted by key (malloc'd; NULL on no memory). */
struct cfg_fdb_ix *cfg_fdb_index(const struct vsw_config *c);

/** Index in @p c->fdb of the entry with @p key, by its index @p ix; -1 if none. */
int cfg_fdb_find(const struct vsw_config *c, const struct cfg_fdb_ix *ix, uint64_t key);

/** True when slot @p p holds a port (the running config may have empty slots). */
/** Whether port @p p is an ethdev opened by devargs (dpdk or representor). */
static inline bool
cfg_port_is_eth(const struct cfg_port *p)
{
	return p->type != CFG_PORT_VHOST;
}

static inline bool
cfg_port_used(const struct cfg_port *p)
{
	return p->name[0] != '\0';
}

/** Number of ports in @p c (used slots). */
uint32_t cfg_port_count(const struct vsw_config *c);

/** Releases what @p c owns. */
void cfg_free(struct vsw_config *c);

/**
 * Orders two rules by their content (not by port_idx); 0: the same rule. Parsed rules come
 * zeroed from calloc, so their padding compares equal.
 */
int cfg_acl_cmp(const struct cfg_acl *a, const struct cfg_acl *b);

/** True when the ACL rules of @p a and @p b are the same list. */
bool cfg_acl_equal(const struct vsw_config *a, const struct vsw_config *b);

/** Rule @p r alone as its JSON object (an element of "acl"). */
json_t *cfg_acl_emit(const struct cfg_acl *r);

/** The port of @p c named @p name, or NULL. */
const struct cfg_port *cfg_port_find(const struct vsw_config *c, const char *name);

/** True when port @p p is a member of VLAN @p vid (access VLAN, or trunk allowed/native). */
static inline bool
cfg_port_in_vlan(const struct cfg_port *p, uint32_t vid)
{
	return vid <= DP_VLAN_MAX && dp_vlan_test(p->vlans, (uint16_t)vid);
}

/** Name of port type @p t ("dpdk", "vhost-user"). */
const char *cfg_port_type_name(uint32_t t);

#endif
