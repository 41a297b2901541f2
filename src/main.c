/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vswd: the virtual switch daemon. main() owns start-up and shutdown; the main lcore then
 * runs the control loop (src/ctrl/ctrl.c), every other lcore a worker (src/pmd/worker.c).
 */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_version.h>
#include <rte_lcore.h>
#include <rte_pdump.h>

#include "api.h"
#include "ctrl.h"
#include "eal_args.h"
#include "notify.h"
#include "rpc.h"
#include "tele.h"
#include "vsw_log.h"
#include "vsw_version.h"

/* Where the running config is saved by default. */
#define VSW_RUNNING_DEFAULT "/var/lib/vswd/running.json"

/* Exit codes. */
#define EXIT_CONFIG 2 /* the configuration was refused */

static volatile sig_atomic_t sig_stop;
static volatile sig_atomic_t sig_stats;

static void
on_signal(int sig)
{
	if (sig == SIGUSR1)
		sig_stats = 1;
	else
		sig_stop = 1;
}

static void
usage(FILE *f)
{
	fprintf(f, "Usage: vswd [--config FILE] [--running FILE | --no-persist] [--check]\n"
		"       vswd --help | --version\n\n"
		"  -c, --config FILE   configuration document (default %s/vswd/vswd.json)\n"
		"  -r, --running FILE  the running config, saved after every change made through\n"
		"                      the API and loaded at start instead of --config when it\n"
		"                      exists (default %s)\n"
		"  -N, --no-persist    neither load nor save a running config\n"
		"  -n, --check         validate the configuration and the memory it needs, then exit\n"
		"  -h, --help          this text\n"
		"  -V, --version       print the version\n\n"
		"Signals: SIGINT/SIGTERM stop cleanly, SIGUSR1 prints statistics.\n"
		"Exit codes: 0 clean stop, 1 runtime failure, 2 configuration refused.\n",
		VSW_SYSCONFDIR, VSW_RUNNING_DEFAULT);
}

/* Number of lcores in an EAL --lcores value ("0-3", "0,2", "0@0,1@1", "(0,1)@1"), or 0. */
static unsigned int
lcores_count(const char *s)
{
	unsigned int n = 0;
	long a, b;
	char *end;

	while (*s != '\0') {
		if (*s == '(' || *s == ',' || *s == ')') {
			s++;
			continue;
		}
		if (*s == '@') { /* skip the CPU set */
			s++;
			if (*s == '(')
				while (*s != '\0' && *s++ != ')')
					;
			else
				while (*s != '\0' && *s != ',')
					s++;
			continue;
		}
		a = strtol(s, &end, 10);
		if (end == s)
			return 0;
		b = a;
		s = end;
		if (*s == '-') {
			b = strtol(s + 1, &end, 10);
			if (end == s + 1 || b < a)
				return 0;
			s = end;
		}
		n += (unsigned int)(b - a + 1);
	}
	return n;
}

/* Free hugepage memory in MiB over all page sizes, or -1 if unknown. */
static long
hugepages_free_mb(void)
{
	const char *base = "/sys/kernel/mm/hugepages";
	struct dirent *d;
	long total = -1;
	DIR *dir;

	dir = opendir(base);
	if (dir == NULL)
		return -1;
	while ((d = readdir(dir)) != NULL) {
		char path[512];
		long kb, n;
		FILE *f;

		if (sscanf(d->d_name, "hugepages-%ldkB", &kb) != 1)
			continue;
		snprintf(path, sizeof(path), "%s/%s/free_hugepages", base, d->d_name);
		f = fopen(path, "r");
		if (f == NULL)
			continue;
		if (fscanf(f, "%ld", &n) == 1)
			total = (total < 0 ? 0 : total) + n * kb / 1024;
		fclose(f);
	}
	closedir(dir);
	return total;
}

/* Memory checks before the EAL starts. @return 0 or -EINVAL with @p e. */
static int
check_memory(const struct vsw_config *cfg, struct mem_plan *mp, struct ctrl_err *e)
{
	unsigned int n = lcores_count(cfg->dpdk.lcores);
	long free_mb;

	if (n == 1)
		return ctrl_errf(e, "$.dpdk.lcores", "\"%s\" is one lcore: vswd needs the main "
				"lcore and at least one worker", cfg->dpdk.lcores);
	if (mem_check(cfg, n > 1 ? n - 1 : 1, mp, e) != 0)
		return -EINVAL;
	free_mb = hugepages_free_mb();
	if (!cfg->dpdk.no_huge && free_mb >= 0 && free_mb < cfg->dpdk.memory_mb)
		return ctrl_errf(e, "$.dpdk.memory_mb", "%u MiB requested but only %ld MiB of "
				"hugepages are free (reserve more in /sys/kernel/mm/hugepages)",
				cfg->dpdk.memory_mb, free_mb);
	return 0;
}

/* Removes the hugepage files an exiting primary process with @p prefix leaves behind. */
static void
remove_hugepage_files(const struct cfg_dpdk *d)
{
	const char *dir = d->huge_dir[0] != '\0' ? d->huge_dir : "/dev/hugepages";
	size_t plen = strlen(d->file_prefix);
	struct dirent *de;
	DIR *dp;

	if (d->no_huge || d->in_memory)
		return;
	dp = opendir(dir);
	if (dp == NULL)
		return;
	while ((de = readdir(dp)) != NULL) {
		char path[600];

		if (strncmp(de->d_name, d->file_prefix, plen) != 0 ||
				strncmp(de->d_name + plen, "map_", 4) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(dp);
}

static void
config_error(const struct ctrl_err *e)
{
	fprintf(stderr, "vswd: configuration refused: %s: %s\n", e->path, e->msg);
}

/* Sends @p msg to the service manager; a failure is logged, never fatal. */
static void
notify_or_warn(const struct vsw_notify *nt, const char *msg)
{
	int rc = vsw_notify_send(nt, msg);

	if (rc != 0)
		VSW_LOG(WARNING, "NOTIFY_SOCKET: %s\n", strerror(-rc));
}

/* True when every worker's heartbeat moved since the last call; @p last: one per worker. */
static bool
workers_alive(const struct vsw_ctrl *c, uint64_t *last)
{
	bool alive = true;
	uint16_t i;

	for (i = 0; i < c->n_workers; i++) {
		uint64_t hb = __atomic_load_n(&c->workers[i]->heartbeat, __ATOMIC_RELAXED);

		if (hb == last[i])
			alive = false;
		last[i] = hb;
	}
	return alive;
}

/*
 * Opens the IPsec outbound sequence state, "ipsec-seq.json" next to the running config
 * @p running ("": none; outbound SAs are then refused).
 */
static int
ipsec_state_open(struct vsw_ctrl *c, const char *running, struct ctrl_err *e)
{
	char path[4096], dir[4096];

	path[0] = '\0';
	if (running[0] != '\0') {
		snprintf(dir, sizeof(dir), "%s", running);
		snprintf(path, sizeof(path), "%s/ipsec-seq.json", dirname(dir));
	}
	return ipsec_ctl_state(&c->ipsec, path, e);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 'n' },
		{ "running", required_argument, NULL, 'r' },
		{ "no-persist", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *file = VSW_SYSCONFDIR "/vswd/vswd.json";
	static struct vsw_config cfg;
	static struct vsw_ctrl ctrl;
	static struct vsw_api api;
	struct rpc_server *rpc = NULL;
	const char *running = VSW_RUNNING_DEFAULT;
	struct sigaction sa = { .sa_handler = on_signal };
	static struct eal_args ea; /* the EAL may keep pointers into argv */
	struct mem_plan mp;
	struct ctrl_err e;
	uint64_t hb[VSW_MAX_WORKERS] = { 0 }, next_wd = 0;
	struct vsw_notify nt;
	bool check_only = false;
	char msg[128];
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "c:r:NnhV", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			file = optarg;
			break;
		case 'r':
			running = optarg;
			break;
		case 'N':
			running = "";
			break;
		case 'n':
			check_only = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("vswd %s (%s)\n", VSW_VERSION, rte_version());
			return 0;
		default:
			usage(stderr);
			return EXIT_CONFIG;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EXIT_CONFIG;
	}
	/* The running config, saved by the last change, wins over the shipped one. */
	if (running[0] != '\0' && access(running, F_OK) == 0) {
		fprintf(stderr, "vswd: loading the running config %s (not %s)\n", running, file);
		file = running;
	}
	if (cfg_load_file(file, &cfg, &e) != 0 || check_memory(&cfg, &mp, &e) != 0) {
		config_error(&e);
		cfg_free(&cfg);
		return EXIT_CONFIG;
	}
	if (check_only) {
		printf("vswd: %s is valid: %u ports, %u static MACs; needs %u MiB of hugepage "
				"memory (%u mbufs), %u reserved\n", file, cfg.n_ports, cfg.n_fdb,
				mp.total_mb, mp.n_mbufs, cfg.dpdk.memory_mb);
		cfg_free(&cfg);
		return 0;
	}

	if (eal_args_build(&cfg, argv[0], &ea) != 0) {
		fprintf(stderr, "vswd: too many EAL arguments\n");
		return EXIT_CONFIG;
	}
	if (vsw_log_sink_open() != 0)
		fprintf(stderr, "vswd: log sink: %s (logging to DPDK's default)\n", strerror(errno));
	rc = rte_eal_init(ea.argc, ea.argv);
	if (rc < 0) {
		fprintf(stderr, "vswd: EAL start failed: %s (check $.dpdk)\n",
				rte_strerror(rte_errno));
		return 1;
	}
	vsw_log_init((uint32_t)vsw_log_level_from_name(cfg.dpdk.log_level)); /* checked */
	VSW_LOG(NOTICE, "vswd %s starting with %s: %u lcores, %u worker(s)\n", VSW_VERSION, file,
			rte_lcore_count(), rte_lcore_count() - 1);

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	rc = rte_pdump_init();
	if (rc != 0)
		VSW_LOG(WARNING, "packet capture (dpdk-dumpcap) unavailable: %s\n",
				rte_strerror(rte_errno));
	rc = tele_init();
	if (rc != 0)
		VSW_LOG(WARNING, "telemetry commands: %s\n", strerror(-rc));
	rc = vsw_notify_open(&nt);
	if (rc != 0)
		VSW_LOG(WARNING, "NOTIFY_SOCKET ignored: %s\n", strerror(-rc));

	rc = ctrl_init(&ctrl, &cfg, &e);
	if (rc == 0) {
		VSW_LOG(NOTICE, "hugepage memory: needs %u MiB (%u mbufs of %u B = %" PRIu64
				" MiB, MAC table %" PRIu64 " MiB, EAL %u MiB), %u MiB reserved; pool of "
				"%u mbufs leaves room for ports added later\n",
				ctrl.mem.total_mb, ctrl.mem.n_mbufs, ctrl.mem.data_room,
				ctrl.mem.pool_bytes >> 20, ctrl.mem.fdb_bytes >> 20, MEM_EAL_BASE_MB,
				cfg.dpdk.memory_mb, ctrl.mem.pool_mbufs);
		rc = ipsec_state_open(&ctrl, running, &e);
		if (rc == 0)
			rc = ctrl_config_apply(&ctrl, &cfg, false, NULL, &e);
		if (rc != 0)
			ctrl_fini(&ctrl);
	}
	if (rc != 0) {
		config_error(&e);
		cfg_free(&cfg);
		rte_eal_cleanup();
		remove_hugepage_files(&ctrl.cfg.dpdk);
		return EXIT_CONFIG;
	}
	cfg_free(&cfg);
	rc = ctrl_start_workers(&ctrl);
	if (rc == 0 && ctrl.cfg.api.socket[0] != '\0') {
		struct rpc_limits lim = {
			.max_clients = ctrl.cfg.api.max_clients,
			.max_request = (size_t)ctrl.cfg.api.max_request_kb * 1024,
			.max_depth = ctrl.cfg.api.max_depth,
		};
		char err[256];

		api.c = &ctrl;
		api.started = rte_rdtsc();
		snprintf(api.running, sizeof(api.running), "%s", running);
		rpc = rpc_open(ctrl.cfg.api.socket, ctrl.cfg.api.group, &lim, api_handle, &api, err,
				sizeof(err));
		if (rpc == NULL) {
			VSW_LOG(ERR, "control socket: %s (check $.api.socket)\n", err);
			rc = -1;
		} else {
			VSW_LOG(NOTICE, "control socket %s\n", ctrl.cfg.api.socket);
		}
	}
	if (rc == 0) {
		VSW_LOG(NOTICE, "running: %u port(s), %u worker(s); SIGUSR1 prints statistics\n",
				cfg_port_count(&ctrl.cfg), ctrl.n_workers);
		snprintf(msg, sizeof(msg), "READY=1\nSTATUS=running: %u port(s), %u worker(s)",
				cfg_port_count(&ctrl.cfg), ctrl.n_workers);
		notify_or_warn(&nt, msg);
	}
	while (rc == 0 && !sig_stop) {
		if (sig_stats) {
			sig_stats = 0;
			ctrl_stats_print(&ctrl);
		}
		ctrl_poll(&ctrl);
		if (vsw_notify_watchdog(&nt) && rte_get_tsc_cycles() >= next_wd) {
			/* Fed only while every worker is polling: a stuck worker gets the service
			 * restarted by the manager. */
			if (workers_alive(&ctrl, hb))
				notify_or_warn(&nt, "WATCHDOG=1");
			else
				VSW_LOG(WARNING, "a worker's heartbeat stopped: watchdog not fed\n");
			next_wd = rte_get_tsc_cycles() + ctrl.tsc_hz * nt.wd_usec / 2000000;
		}
		tele_update(&ctrl);
		if (rpc != NULL)
			rpc_poll(rpc, 1);
		else
			usleep(1000);
	}
	rpc_close(rpc);
	tele_fini();
	notify_or_warn(&nt, "STOPPING=1\nSTATUS=stopping");
	VSW_LOG(NOTICE, "stopping\n");
	ctrl_stats_print(&ctrl);
	{
		struct cfg_dpdk d = ctrl.cfg.dpdk;

		ctrl_fini(&ctrl);
		rte_pdump_uninit();
		rte_eal_cleanup();
		remove_hugepage_files(&d);
	}
	vsw_notify_close(&nt);
	return rc == 0 ? 0 : 1;
}
