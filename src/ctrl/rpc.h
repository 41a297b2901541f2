/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_RPC_H
#define VSW_RPC_H

/**
 * @file
 * JSON-RPC 2.0 over a UNIX stream socket, one request per line, served by the control thread
 * between its other duties (rpc_poll()). This file is the transport and the envelope: limits
 * (request size, nesting depth, connections, unread output), framing, the JSON-RPC checks and
 * error objects. What a method does is api.c's business (struct rpc_handler).
 *
 * Fairness: every connection is non-blocking; one poll round reads at most one buffer from
 * each and answers at most a few of its requests, and a connection with unsent output is not
 * read until the peer takes it. So no client can stall another, or the control thread.
 */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

/** JSON-RPC 2.0 error codes, and vswd's own in the implementation range. */
enum rpc_code {
	RPC_PARSE_ERROR = -32700,      /**< not JSON (or not UTF-8) */
	RPC_INVALID_REQUEST = -32600,  /**< JSON, but not a request object; or over a limit */
	RPC_METHOD_NOT_FOUND = -32601, /**< no such method */
	RPC_INVALID_PARAMS = -32602,   /**< params wrong: data.path names the field */
	RPC_INTERNAL = -32603,         /**< vswd failed (out of memory, ...) */
	RPC_TOO_MANY = -32000,         /**< connection refused: too many clients */
	RPC_NOT_FOUND = -32001,        /**< the named object (port, MAC entry) does not exist */
	RPC_RESTART = -32002,          /**< the change needs a restart of vswd; nothing changed */
	RPC_FAILED = -32003,           /**< valid, but applying it failed; nothing changed */
};

/** An error a method returns. */
struct rpc_error {
	int code;        /**< enum rpc_code */
	char msg[256];   /**< message */
	char path[256];  /**< data.path: the offending field ("params.name"), "" = none */
};

/** Who is on the other end of a connection (SO_PEERCRED). */
struct rpc_peer {
	pid_t pid; /**< peer's process id */
	uid_t uid; /**< peer's user id */
	gid_t gid; /**< peer's group id */
};

/**
 * Runs one request: @p method with @p params (an object, or NULL when absent).
 * @return the result (new reference), or NULL with @p err filled.
 */
typedef json_t *(*rpc_handler)(void *ctx, const char *method, json_t *params,
		const struct rpc_peer *peer, struct rpc_error *err);

/** Server limits. */
struct rpc_limits {
	uint32_t max_clients;  /**< connections at once; more get RPC_TOO_MANY and are closed */
	size_t max_request;    /**< bytes in one request line; longer: error, then close */
	uint32_t max_depth;    /**< JSON nesting of a request */
};

struct rpc_server;

/**
 * Listens on @p path (mode 0660, group @p group when not empty). A stale socket file is
 * replaced; one a live process answers on is an error.
 * @return the server, or NULL with a message in @p errbuf.
 */
struct rpc_server *rpc_open(const char *path, const char *group, const struct rpc_limits *lim,
		rpc_handler fn, void *ctx, char *errbuf, size_t errlen);

/**
 * Waits up to @p timeout_ms for socket activity and serves it: accepts, reads, answers,
 * writes. Never blocks longer than the timeout.
 */
void rpc_poll(struct rpc_server *s, int timeout_ms);

/** Closes every connection and the socket, removes the socket file. NULL is fine. */
void rpc_close(struct rpc_server *s);

/**
 * The JSON-RPC answer to one request line @p line of @p len bytes (the framing and limits
 * already done), or NULL for a notification. Exposed for the unit tests.
 */
json_t *rpc_answer(const char *line, size_t len, uint32_t max_depth, rpc_handler fn,
		void *ctx, const struct rpc_peer *peer);

/** Fills @p e and returns NULL: `return rpc_errf(e, code, path, fmt, ...)`. */
json_t *rpc_errf(struct rpc_error *e, int code, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
