/* The control socket client: connect with a deadline, send one request
 * line, read one reply line (bounded by MPCTL_REPLY_MAX), parse it as the
 * protocol's JSON. Owns the socket fd and the reply buffer of a
 * struct mpctl_conn; the caller owns returned JSON (json_object_put) and
 * error strings (free). Also compiled into multipathd's client mode. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "mpctl.h"

struct mpctl_globals mpctl_g = {
	.socket_path = MPCTL_DEFAULT_SOCKET,
	.timeout_ms = 10000,
};

struct mpctl_conn {
	int fd;
	char *buf;		/* bytes read past the last reply line */
	size_t len, cap;
};

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for events on fd until deadline; 0, or -ETIMEDOUT / -errno. */
static int wait_fd(int fd, short events, long long deadline)
{
	struct pollfd pfd = { .fd = fd, .events = events };

	for (;;) {
		long long left = deadline - mono_ms();
		int r;

		if (left <= 0)
			return -ETIMEDOUT;
		r = poll(&pfd, 1, (int)(left > 60000 ? 60000 : left));
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return -errno;
	}
}

int mpctl_conn_open(const char *socket_path, unsigned int timeout_ms, struct mpctl_conn **ret)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	long long deadline = mono_ms() + timeout_ms;
	struct mpctl_conn *c;
	int fd, r, err = 0;
	socklen_t elen = sizeof(err);

	if (strlen(socket_path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, socket_path, strlen(socket_path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno != EINPROGRESS && errno != EAGAIN) {
			r = -errno;
			goto out_close;
		}
		r = wait_fd(fd, POLLOUT, deadline);
		if (r < 0)
			goto out_close;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0 || err) {
			r = -(err ? err : errno);
			goto out_close;
		}
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		r = -ENOMEM;
		goto out_close;
	}
	c->fd = fd;
	*ret = c;
	return 0;
out_close:
	close(fd);
	return r;
}

void mpctl_conn_close(struct mpctl_conn *c)
{
	if (!c)
		return;
	close(c->fd);
	free(c->buf);
	free(c);
}

static int send_all(struct mpctl_conn *c, const char *p, size_t n, long long deadline)
{
	while (n) {
		ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);
		int r;

		if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
			r = wait_fd(c->fd, POLLOUT, deadline);
			if (r < 0)
				return r;
			continue;
		}
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Reads until a newline is buffered; returns the line length (without the
 * newline) or -errno. */
static ssize_t read_line(struct mpctl_conn *c, long long deadline)
{
	char *nl;

	while (!(nl = c->len ? memchr(c->buf, '\n', c->len) : NULL)) {
		ssize_t n;
		int r;

		if (c->len >= MPCTL_REPLY_MAX)
			return -EMSGSIZE;
		if (c->cap - c->len < 65536) {
			size_t cap = c->cap ? c->cap * 2 : 131072;
			char *b = realloc(c->buf, cap);

			if (!b)
				return -ENOMEM;
			c->buf = b;
			c->cap = cap;
		}
		n = read(c->fd, c->buf + c->len, c->cap - c->len);
		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			r = wait_fd(c->fd, POLLIN, deadline);
			if (r < 0)
				return r;
			continue;
		}
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ECONNRESET;
		c->len += (size_t)n;
	}
	return nl - c->buf;
}

int mpctl_conn_request(struct mpctl_conn *c, const char *line, struct json_object **ret_data,
		       char **ret_error)
{
	long long deadline = mono_ms() + (mpctl_g.timeout_ms ? mpctl_g.timeout_ms : 10000);
	struct json_tokener *tok;
	struct json_object *doc, *v;
	ssize_t n;
	int r;

	r = send_all(c, line, strlen(line), deadline);
	if (r == 0)
		r = send_all(c, "\n", 1, deadline);
	/* a daemon that refuses a peer replies at once and closes: the send
	 * may then fail while its one-line reason waits to be read */
	if (r < 0 && r != -EPIPE && r != -ECONNRESET)
		return r;
	n = read_line(c, deadline);
	if (n < 0)
		return r < 0 ? r : (int)n;
	tok = json_tokener_new_ex(64);
	if (!tok)
		return -ENOMEM;
	doc = json_tokener_parse_ex(tok, c->buf, (int)n);
	if (json_tokener_get_error(tok) != json_tokener_success || tok->char_offset != (int)n) {
		json_object_put(doc);
		doc = NULL;
	}
	json_tokener_free(tok);
	memmove(c->buf, c->buf + n + 1, c->len - (size_t)n - 1);
	c->len -= (size_t)n + 1;
	if (!doc || !json_object_is_type(doc, json_type_object) ||
	    !json_object_object_get_ex(doc, "ok", &v) || !json_object_is_type(v, json_type_boolean)) {
		json_object_put(doc);
		return -EPROTO;
	}
	if (!json_object_get_boolean(v)) {
		if (ret_error) {
			struct json_object *e = NULL;

			json_object_object_get_ex(doc, "error", &e);
			*ret_error = strdup(e ? json_object_get_string(e) : "the daemon refused the request");
		}
		json_object_put(doc);
		return -EREMOTEIO;
	}
	if (ret_data) {
		v = NULL;
		json_object_object_get_ex(doc, "data", &v);
		*ret_data = json_object_get(v);
	}
	json_object_put(doc);
	return 0;
}

void mpctl_print_unreachable(const char *prog, const char *socket_path, int err)
{
	const char *why = strerror(-err);

	if (err == -ENOENT || err == -ECONNREFUSED)
		why = "no daemon is listening (is multipathd running?)";
	else if (err == -EACCES)
		why = "permission denied (run as root)";
	else if (err == -ETIMEDOUT)
		why = "timed out";
	fprintf(stderr, "%s: cannot reach the daemon at %s: %s\n", prog, socket_path, why);
}

int mpctl_request_quiet(const char *line, struct json_object **ret_data, char **ret_error)
{
	struct mpctl_conn *c = NULL;
	int r;

	r = mpctl_conn_open(mpctl_g.socket_path, mpctl_g.timeout_ms ? mpctl_g.timeout_ms : 10000, &c);
	if (r < 0)
		return r;
	r = mpctl_conn_request(c, line, ret_data, ret_error);
	mpctl_conn_close(c);
	return r;
}

/* Errors on connect are "unreachable"; errors after it depend: the daemon
 * refusing a peer (permission) closes after its error reply. */
int mpctl_request(const char *line, struct json_object **ret_data)
{
	struct mpctl_conn *c = NULL;
	char *err = NULL;
	int r;

	r = mpctl_conn_open(mpctl_g.socket_path, mpctl_g.timeout_ms ? mpctl_g.timeout_ms : 10000, &c);
	if (r < 0) {
		mpctl_print_unreachable("mpctl", mpctl_g.socket_path, r);
		return MPCTL_EXIT_UNREACHABLE;
	}
	r = mpctl_conn_request(c, line, ret_data, &err);
	mpctl_conn_close(c);
	if (r == -EREMOTEIO) {
		fprintf(stderr, "mpctl: %s\n", err);
		free(err);
		return MPCTL_EXIT_FAIL;
	}
	if (r < 0) {
		fprintf(stderr, "mpctl: request \"%s\" to %s: %s\n", line, mpctl_g.socket_path,
			r == -EPROTO ? "the reply is not valid protocol JSON" : strerror(-r));
		return r == -ECONNRESET || r == -ETIMEDOUT ? MPCTL_EXIT_UNREACHABLE : MPCTL_EXIT_FAIL;
	}
	return MPCTL_EXIT_OK;
}
