/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_NOTIFY_H
#define VSW_NOTIFY_H

/**
 * @file
 * The systemd notification protocol (sd_notify(3)) without libsystemd: datagrams of
 * "KEY=value" lines to the AF_UNIX socket named by $NOTIFY_SOCKET (a path, or "@name" for the
 * abstract namespace). Does nothing when the variable is unset. The watchdog interval comes
 * from $WATCHDOG_USEC (honoured only when $WATCHDOG_PID is unset or this process).
 * Used by the control thread only.
 */

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>

/** Notification state. */
struct vsw_notify {
	int fd;                   /**< datagram socket, -1: not under a service manager */
	struct sockaddr_un addr;  /**< the manager's socket */
	socklen_t addr_len;       /**< length of addr in use */
	uint64_t wd_usec;         /**< watchdog interval, 0: no watchdog */
};

/** Reads the environment and opens the socket. @return 0 (also when not notifying) or -errno. */
int vsw_notify_open(struct vsw_notify *n);

/** Sends @p msg ("READY=1\nSTATUS=..."); a no-op without a manager. @return 0 or -errno. */
int vsw_notify_send(const struct vsw_notify *n, const char *msg);

/** True when a watchdog interval was given. */
static inline bool
vsw_notify_watchdog(const struct vsw_notify *n)
{
	return n->fd >= 0 && n->wd_usec > 0;
}

/** Closes the socket. */
void vsw_notify_close(struct vsw_notify *n);

#endif
