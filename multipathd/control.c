/* The control socket: a unix stream socket (mode 0600, or 0660 with a
 * group), clients handled without blocking in the loop.
 *
 * Owns: d->listen_fd and the client slots d->clients[]. Limits keep a bad
 * or stuck client from hurting the daemon: at most MPD_MAX_CLIENTS at
 * once, requests up to REQUEST_MAX bytes, replies up to REPLY_MAX bytes, and
 * a client idle for CLIENT_TIMEOUT_MS is dropped. A client is identified
 * by SO_PEERCRED when it connects: uid 0, or the configured group. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <json-c/json.h>

#include "daemon.h"

#define REQUEST_MAX		4096
#define REPLY_MAX		(16u << 20)
#define CLIENT_TIMEOUT_MS	30000

struct mpd_client {
	int fd;
	uid_t uid;
	char in[REQUEST_MAX];
	size_t in_len;
	char *out;
	size_t out_len, out_off;
	bool close_after;
	uint64_t last_ms;
};

static void client_close(struct mpd *d, unsigned int slot)
{
	struct mpd_client *c = d->clients[slot];

	if (!c)
		return;
	mpd_loop_del_fd(d->loop, c->fd);
	close(c->fd);
	free(c->out);
	free(c);
	d->clients[slot] = NULL;
}

static void queue_reply(struct mpd_client *c, struct json_object *doc)
{
	const char *text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN);
	size_t len = strlen(text);

	if (len + 1 > REPLY_MAX) {
		text = "{\"ok\":false,\"error\":\"reply too large for the control socket\"}";
		len = strlen(text);
	}
	free(c->out);
	c->out = malloc(len + 1);
	if (!c->out) {
		c->close_after = true;
		return;
	}
	memcpy(c->out, text, len);
	c->out[len] = '\n';
	c->out_len = len + 1;
	c->out_off = 0;
}

static void error_reply(struct mpd_client *c, const char *msg)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "ok", json_object_new_boolean(false));
	json_object_object_add(o, "error", json_object_new_string(msg));
	queue_reply(c, o);
	json_object_put(o);
}

/* Writes what it can; returns false when the client is gone. */
static bool flush_out(struct mpd *d, unsigned int slot)
{
	struct mpd_client *c = d->clients[slot];

	while (c->out && c->out_off < c->out_len) {
		ssize_t n = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);

		if (n < 0 && errno == EAGAIN) {
			mpd_loop_mod_fd(d->loop, c->fd, EPOLLOUT);
			return true;
		}
		if (n <= 0) {
			client_close(d, slot);
			return false;
		}
		c->out_off += (size_t)n;
	}
	free(c->out);
	c->out = NULL;
	if (c->close_after) {
		client_close(d, slot);
		return false;
	}
	mpd_loop_mod_fd(d->loop, c->fd, EPOLLIN);
	return true;
}

static void handle_requests(struct mpd *d, unsigned int slot)
{
	struct mpd_client *c = d->clients[slot];
	char *nl;

	/* one request at a time: the next is read once the reply went out */
	while (!c->out && (nl = memchr(c->in, '\n', c->in_len))) {
		size_t line_len = (size_t)(nl - c->in);
		struct json_object *doc;

		*nl = '\0';
		mpd_log(&d->log, LOG_DEBUG, "control (uid %u): %s", (unsigned int)c->uid, c->in);
		doc = mpd_commands_run(d, c->in);
		queue_reply(c, doc);
		json_object_put(doc);
		memmove(c->in, nl + 1, c->in_len - line_len - 1);
		c->in_len -= line_len + 1;
		if (!flush_out(d, slot))
			return;
	}
}

static void on_client(struct mpd *d, int fd, uint32_t events, uint64_t slot)
{
	struct mpd_client *c = d->clients[slot];
	ssize_t n;

	if (!c)
		return;
	c->last_ms = mpd_now_ms();
	if (events & EPOLLOUT) {
		if (!flush_out(d, (unsigned int)slot))
			return;
		handle_requests(d, (unsigned int)slot);
		return;
	}
	if (events & (EPOLLERR | EPOLLHUP) && !(events & EPOLLIN)) {
		client_close(d, (unsigned int)slot);
		return;
	}
	n = read(fd, c->in + c->in_len, sizeof(c->in) - c->in_len);
	if (n < 0 && errno == EAGAIN)
		return;
	if (n <= 0) {
		client_close(d, (unsigned int)slot);
		return;
	}
	c->in_len += (size_t)n;
	if (c->in_len == sizeof(c->in) && !memchr(c->in, '\n', c->in_len)) {
		error_reply(c, "request longer than 4096 bytes");
		c->close_after = true;
		flush_out(d, (unsigned int)slot);
		return;
	}
	handle_requests(d, (unsigned int)slot);
}

static void on_listen(struct mpd *d, int fd, uint32_t events, uint64_t id)
{
	for (;;) {
		int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct ucred cred;
		socklen_t len = sizeof(cred);
		struct mpd_client *c;
		unsigned int slot;

		if (cfd < 0)
			return;
		for (slot = 0; slot < MPD_MAX_CLIENTS && d->clients[slot]; slot++)
			;
		if (slot == MPD_MAX_CLIENTS ||
		    getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
		    !(c = calloc(1, sizeof(*c)))) {
			mpd_log(&d->log, LOG_WARNING, "control: refusing a client (%s)",
				slot == MPD_MAX_CLIENTS ? "too many clients" : "no credentials");
			close(cfd);
			continue;
		}
		c->fd = cfd;
		c->uid = cred.uid;
		c->last_ms = mpd_now_ms();
		d->clients[slot] = c;
		if (mpd_loop_add_fd(d->loop, cfd, EPOLLIN, on_client, slot) < 0) {
			close(cfd);
			free(c);
			d->clients[slot] = NULL;
			continue;
		}
		if (cred.uid != 0 && (d->opt.socket_gid < 0 || cred.gid != (gid_t)d->opt.socket_gid)) {
			char msg[128];

			snprintf(msg, sizeof(msg), "permission denied: uid %u is not root%s",
				 (unsigned int)cred.uid, d->opt.socket_gid >= 0 ? " nor in the socket group" : "");
			mpd_log(&d->log, LOG_WARNING, "control: %s (pid %d)", msg, (int)cred.pid);
			error_reply(c, msg);
			c->close_after = true;
			flush_out(d, slot);
		}
	}
}

void mpd_control_expire(struct mpd *d, uint64_t now)
{
	for (unsigned int i = 0; i < MPD_MAX_CLIENTS; i++)
		if (d->clients[i] && now - d->clients[i]->last_ms > CLIENT_TIMEOUT_MS) {
			mpd_log(&d->log, LOG_INFO, "control: dropping a client idle for %d s",
				CLIENT_TIMEOUT_MS / 1000);
			client_close(d, i);
		}
}

int mpd_control_start(struct mpd *d)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[sizeof(sa.sun_path)], *slash;
	int r;

	if (strlen(d->opt.socket_path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", d->opt.socket_path);
	snprintf(dir, sizeof(dir), "%s", d->opt.socket_path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0755);
	}
	d->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (d->listen_fd < 0)
		return -errno;
	/* we hold the single-instance lock: a socket file here is stale */
	unlink(d->opt.socket_path);
	if (bind(d->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto out_errno;
	if (chmod(d->opt.socket_path, d->opt.socket_gid >= 0 ? 0660 : 0600) < 0)
		goto out_errno;
	if (d->opt.socket_gid >= 0 && chown(d->opt.socket_path, 0, (gid_t)d->opt.socket_gid) < 0)
		goto out_errno;
	if (listen(d->listen_fd, 16) < 0)
		goto out_errno;
	return mpd_loop_add_fd(d->loop, d->listen_fd, EPOLLIN, on_listen, 0);
out_errno:
	r = -errno;
	close(d->listen_fd);
	d->listen_fd = -1;
	return r;
}

void mpd_control_stop(struct mpd *d)
{
	for (unsigned int i = 0; i < MPD_MAX_CLIENTS; i++)
		client_close(d, i);
	if (d->listen_fd >= 0) {
		mpd_loop_del_fd(d->loop, d->listen_fd);
		close(d->listen_fd);
		unlink(d->opt.socket_path);
	}
	d->listen_fd = -1;
}
