/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "rpc.h"

/** Bytes read from one connection per poll round. */
#define RPC_READ_CHUNK 65536
/** Requests answered per connection per poll round. */
#define RPC_LINES_PER_ROUND 8
/** Unsent output beyond which a connection is closed (the peer does not read). */
#define RPC_MAX_OUTPUT (256u << 20)

/** One client connection. */
struct rpc_conn {
	int fd;                 /**< socket, -1 = free slot */
	struct rpc_peer peer;   /**< credentials taken at accept */
	char *in;               /**< received bytes not yet answered */
	size_t in_len;          /**< bytes in in */
	size_t in_cap;          /**< allocated size of in */
	char *out;              /**< answers not yet sent */
	size_t out_len;         /**< bytes in out */
	size_t out_off;         /**< bytes of out already sent */
	bool eof;               /**< peer closed its side: answer what is left, then close */
	bool closing;           /**< close once out is sent (an over-long request) */
};

/** The server. */
struct rpc_server {
	int fd;                   /**< listening socket */
	char path[108];           /**< its path */
	struct rpc_limits lim;    /**< limits */
	rpc_handler fn;           /**< method dispatcher */
	void *ctx;                /**< its context */
	struct rpc_conn *conns;   /**< lim.max_clients slots */
	struct pollfd *pfd;       /**< poll set: listener + connections */
};

json_t *
rpc_errf(struct rpc_error *e, int code, const char *path, const char *fmt, ...)
{
	va_list ap;

	e->code = code;
	snprintf(e->path, sizeof(e->path), "%s", path != NULL ? path : "");
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return NULL;
}

/* Deepest [ / { nesting of a JSON text, strings skipped; stops counting past @p limit. */
static uint32_t
json_depth(const char *s, size_t len, uint32_t limit)
{
	uint32_t d = 0, max = 0;
	bool str = false;
	size_t i;

	for (i = 0; i < len && max <= limit; i++) {
		char ch = s[i];

		if (str) {
			if (ch == '\\')
				i++;
			else if (ch == '"')
				str = false;
		} else if (ch == '"') {
			str = true;
		} else if (ch == '[' || ch == '{') {
			if (++d > max)
				max = d;
		} else if ((ch == ']' || ch == '}') && d > 0) {
			d--;
		}
	}
	return max;
}

static json_t *
error_reply(json_t *id, int code, const char *msg, const char *path)
{
	json_t *err = json_pack("{s:i, s:s}", "code", code, "message", msg);

	if (path != NULL && path[0] != '\0')
		json_object_set_new(err, "data", json_pack("{s:s}", "path", path));
	return json_pack("{s:s, s:O, s:o}", "jsonrpc", "2.0", "id", id != NULL ? id : json_null(),
			"error", err);
}

/* Checks the request object; NULL when fine, else the error reply. */
static json_t *
check_envelope(json_t *req, json_t *id)
{
	static const char *const keys[] = { "jsonrpc", "method", "params", "id" };
	const char *key;
	json_t *v, *p;
	size_t i;

	json_object_foreach(req, key, v) {
		for (i = 0; i < 4 && strcmp(key, keys[i]) != 0; i++)
			;
		if (i == 4) {
			char path[64];

			snprintf(path, sizeof(path), "%.50s", key);
			return error_reply(id, RPC_INVALID_REQUEST, "unknown member of a request "
					"(allowed: jsonrpc, method, params, id)", path);
		}
	}
	v = json_object_get(req, "jsonrpc");
	if (!json_is_string(v) || strcmp(json_string_value(v), "2.0") != 0)
		return error_reply(id, RPC_INVALID_REQUEST, "\"jsonrpc\" must be \"2.0\"", "jsonrpc");
	if (!json_is_string(json_object_get(req, "method")))
		return error_reply(id, RPC_INVALID_REQUEST, "\"method\" must be a string", "method");
	p = json_object_get(req, "params");
	if (p != NULL && !json_is_object(p))
		return error_reply(id, RPC_INVALID_PARAMS, "\"params\" must be an object (by name)",
				"params");
	return NULL;
}

json_t *
rpc_answer(const char *line, size_t len, uint32_t max_depth, rpc_handler fn, void *ctx,
		const struct rpc_peer *peer)
{
	struct rpc_error err = { 0 };
	json_t *req, *id, *res, *reply;
	json_error_t je;
	char msg[300];

	if (json_depth(line, len, max_depth) > max_depth) {
		snprintf(msg, sizeof(msg), "JSON nested deeper than %u levels", max_depth);
		return error_reply(NULL, RPC_INVALID_REQUEST, msg, NULL);
	}
	req = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
	if (req == NULL) {
		snprintf(msg, sizeof(msg), "parse error at byte %d: %s", je.position, je.text);
		return error_reply(NULL, RPC_PARSE_ERROR, msg, NULL);
	}
	if (!json_is_object(req)) {
		bool batch = json_is_array(req);

		json_decref(req);
		return error_reply(NULL, RPC_INVALID_REQUEST, batch ?
				"batch requests are not supported: one request object per line" :
				"a request must be a JSON object", NULL);
	}
	id = json_object_get(req, "id");
	if (id != NULL && !json_is_string(id) && !json_is_integer(id) && !json_is_null(id)) {
		json_decref(req);
		return error_reply(NULL, RPC_INVALID_REQUEST, "\"id\" must be a string, an integer "
				"or null", "id");
	}
	reply = check_envelope(req, id);
	if (reply == NULL) {
		res = fn(ctx, json_string_value(json_object_get(req, "method")),
				json_object_get(req, "params"), peer, &err);
		if (res != NULL)
			reply = json_pack("{s:s, s:O, s:o}", "jsonrpc", "2.0", "id", id, "result", res);
		else
			reply = error_reply(id, err.code, err.msg, err.path);
	}
	if (id == NULL) { /* a notification: no answer */
		json_decref(reply);
		reply = NULL;
	}
	json_decref(req);
	return reply;
}

/* Appends @p n bytes to the connection's output. @return false when over the limit. */
static bool
out_append(struct rpc_conn *c, const char *b, size_t n)
{
	size_t need = c->out_len + n;
	char *o;

	if (need > RPC_MAX_OUTPUT)
		return false;
	o = realloc(c->out, need);
	if (o == NULL)
		return false;
	memcpy(o + c->out_len, b, n);
	c->out = o;
	c->out_len = need;
	return true;
}

static void
conn_reply(struct rpc_conn *c, json_t *reply)
{
	char *s;

	if (reply == NULL)
		return;
	s = json_dumps(reply, JSON_COMPACT);
	json_decref(reply);
	if (s == NULL || !out_append(c, s, strlen(s)) || !out_append(c, "\n", 1))
		c->closing = true;
	free(s);
}

static void
conn_free(struct rpc_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->in);
	free(c->out);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

static void
server_accept(struct rpc_server *s)
{
	struct ucred cr;
	socklen_t l = sizeof(cr);
	uint32_t i;
	int fd;

	fd = accept4(s->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	for (i = 0; i < s->lim.max_clients && s->conns[i].fd >= 0; i++)
		;
	if (i == s->lim.max_clients) {
		json_t *r = error_reply(NULL, RPC_TOO_MANY, "too many connections", NULL);
		char *m = json_dumps(r, JSON_COMPACT);

		json_decref(r);
		/* Best effort, never blocking: the socket is fresh, its buffer empty. */
		if (m != NULL && send(fd, m, strlen(m), MSG_NOSIGNAL | MSG_DONTWAIT) > 0)
			(void)!send(fd, "\n", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
		free(m);
		close(fd);
		return;
	}
	memset(&s->conns[i], 0, sizeof(s->conns[i]));
	s->conns[i].fd = fd;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &l) == 0) {
		s->conns[i].peer.pid = cr.pid;
		s->conns[i].peer.uid = cr.uid;
		s->conns[i].peer.gid = cr.gid;
	}
}

/* Refuses a request line over the limit: the error, then the connection closes. */
static void
conn_refuse_oversize(const struct rpc_server *s, struct rpc_conn *c)
{
	char msg[96];

	snprintf(msg, sizeof(msg), "request longer than %zu bytes", s->lim.max_request);
	conn_reply(c, error_reply(NULL, RPC_INVALID_REQUEST, msg, NULL));
	c->closing = true;
}

/* Answers up to RPC_LINES_PER_ROUND complete lines of @p c (and the rest at EOF). */
static void
conn_serve(struct rpc_server *s, struct rpc_conn *c)
{
	size_t start = 0;
	int n = 0;

	if (c->in_len == 0)
		return;
	while (n < RPC_LINES_PER_ROUND && !c->closing) {
		char *nl = memchr(c->in + start, '\n', c->in_len - start);
		size_t len;

		if (nl == NULL) {
			if (!c->eof || c->in_len == start)
				break;
			len = c->in_len - start; /* last line without a newline */
		} else {
			len = (size_t)(nl - (c->in + start));
		}
		if (len > s->lim.max_request) {
			conn_refuse_oversize(s, c);
			break;
		}
		/* Blank lines (keep-alives, CR LF leftovers) are skipped. */
		if (strspn(c->in + start, " \t\r") < len)
			conn_reply(c, rpc_answer(c->in + start, len, s->lim.max_depth, s->fn, s->ctx,
					&c->peer));
		start += len + (nl != NULL);
		n++;
	}
	memmove(c->in, c->in + start, c->in_len - start);
	c->in_len -= start;
	/* A line still growing past the limit is refused before it is complete. */
	if (!c->closing && c->in_len > s->lim.max_request &&
			memchr(c->in, '\n', c->in_len) == NULL)
		conn_refuse_oversize(s, c);
}

static void
conn_read(struct rpc_conn *c)
{
	ssize_t r;

	if (c->in_cap - c->in_len < RPC_READ_CHUNK) {
		size_t cap = c->in_len + RPC_READ_CHUNK;
		char *b = realloc(c->in, cap);

		if (b == NULL) {
			c->closing = true;
			return;
		}
		c->in = b;
		c->in_cap = cap;
	}
	r = recv(c->fd, c->in + c->in_len, RPC_READ_CHUNK, 0);
	if (r > 0)
		c->in_len += (size_t)r;
	else if (r == 0 || (errno != EAGAIN && errno != EINTR))
		c->eof = true;
}

static void
conn_write(struct rpc_conn *c)
{
	ssize_t r = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
			MSG_NOSIGNAL | MSG_DONTWAIT);

	if (r > 0)
		c->out_off += (size_t)r;
	else if (r < 0 && errno != EAGAIN && errno != EINTR)
		c->out_off = c->out_len, c->closing = true, c->eof = true;
	if (c->out_off == c->out_len) {
		free(c->out);
		c->out = NULL;
		c->out_len = c->out_off = 0;
	}
}

void
rpc_poll(struct rpc_server *s, int timeout_ms)
{
	uint32_t i, n = 1;
	int map[1025];

	s->pfd[0].fd = s->fd;
	s->pfd[0].events = POLLIN;
	for (i = 0; i < s->lim.max_clients; i++) {
		struct rpc_conn *c = &s->conns[i];

		if (c->fd < 0)
			continue;
		s->pfd[n].fd = c->fd;
		/* Read only when nothing waits to be sent: a peer that does not read its
		 * answers does not get to queue more work. */
		s->pfd[n].events = c->out_len > 0 ? POLLOUT : (c->eof || c->closing ? 0 : POLLIN);
		s->pfd[n].revents = 0;
		map[n++] = (int)i;
	}
	if (poll(s->pfd, n, timeout_ms) <= 0)
		return;
	if (s->pfd[0].revents & POLLIN)
		server_accept(s);
	for (i = 1; i < n; i++) {
		struct rpc_conn *c = &s->conns[map[i]];

		if (s->pfd[i].revents & POLLOUT)
			conn_write(c);
		if (s->pfd[i].revents & (POLLIN | POLLHUP | POLLERR))
			if (c->out_len == 0 && !c->eof)
				conn_read(c);
		if (c->out_len == 0)
			conn_serve(s, c);
		if (c->out_len > 0 && !(s->pfd[i].revents & POLLOUT))
			conn_write(c);
		if (c->out_len == 0 && (c->closing || (c->eof && c->in_len == 0)))
			conn_free(c);
	}
}

/* Refuses to take over a socket a live process answers on; removes a stale one. */
static int
socket_claim(const struct sockaddr_un *a, char *errbuf, size_t errlen)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int rc = 0;

	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)a, sizeof(*a)) == 0) {
		snprintf(errbuf, errlen, "%s: another process is listening on it (another vswd?)",
				a->sun_path);
		rc = -EADDRINUSE;
	} else if (errno == ECONNREFUSED) {
		unlink(a->sun_path);
	}
	close(fd);
	return rc;
}

struct rpc_server *
rpc_open(const char *path, const char *group, const struct rpc_limits *lim, rpc_handler fn,
		void *ctx, char *errbuf, size_t errlen)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct rpc_server *s;
	char dir[108], *slash;
	uint32_t i;

	errbuf[0] = '\0';
	if (strlen(path) >= sizeof(a.sun_path) || lim->max_clients > 1024) {
		snprintf(errbuf, errlen, "%s: path too long (at most %zu bytes)", path,
				sizeof(a.sun_path) - 1);
		return NULL;
	}
	strcpy(a.sun_path, path);
	/* The directory (systemd's RuntimeDirectory) may not exist when run by hand. */
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
			snprintf(errbuf, errlen, "%s: %s", dir, strerror(errno));
			return NULL;
		}
	}
	if (socket_claim(&a, errbuf, errlen) != 0)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->lim = *lim;
	s->fn = fn;
	s->ctx = ctx;
	snprintf(s->path, sizeof(s->path), "%s", path);
	s->conns = calloc(lim->max_clients, sizeof(*s->conns));
	s->pfd = calloc(lim->max_clients + 1, sizeof(*s->pfd));
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->conns == NULL || s->pfd == NULL || s->fd < 0)
		goto fail;
	for (i = 0; i < lim->max_clients; i++)
		s->conns[i].fd = -1;
	if (bind(s->fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		snprintf(errbuf, errlen, "%s: bind: %s", path, strerror(errno));
		goto fail;
	}
	if (chmod(path, 0660) != 0) {
		snprintf(errbuf, errlen, "%s: chmod: %s", path, strerror(errno));
		goto unlink;
	}
	if (group != NULL && group[0] != '\0') {
		struct group *g = getgrnam(group);

		if (g == NULL || chown(path, (uid_t)-1, g->gr_gid) != 0) {
			snprintf(errbuf, errlen, "%s: group \"%s\": %s", path, group,
					g == NULL ? "no such group" : strerror(errno));
			goto unlink;
		}
	}
	if (listen(s->fd, 64) != 0) {
		snprintf(errbuf, errlen, "%s: listen: %s", path, strerror(errno));
		goto unlink;
	}
	return s;
unlink:
	unlink(path);
fail:
	if (errbuf[0] == '\0')
		snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
	if (s->fd >= 0)
		close(s->fd);
	free(s->conns);
	free(s->pfd);
	free(s);
	return NULL;
}

void
rpc_close(struct rpc_server *s)
{
	uint32_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->lim.max_clients; i++)
		if (s->conns[i].fd >= 0)
			conn_free(&s->conns[i]);
	close(s->fd);
	unlink(s->path);
	free(s->conns);
	free(s->pfd);
	free(s);
}
