/* The kernel's safety net for queued I/O: dm_multipath's global
 * queue_if_no_path_timeout_secs. When a map that queues loses its last
 * path, the kernel starts a timer of that many seconds and, if no path has
 * come back when it fires, stops queueing and fails the held I/O itself.
 * The daemon's own no_path_retry countdown normally gets there first; the
 * timer matters when the daemon is gone (killed, crashed, stopped), so that
 * I/O queued for "no_path_retry N" cannot hang forever without it.
 *
 * The value follows the maps' no_path_retry (mp_policy_queue_timeout_secs):
 * any map that queues forever needs 0 (the parameter is global and a
 * timeout would break "queue"); otherwise the largest N * polling_interval
 * plus a margin (one more interval and SAFETY_MARGIN_S, so that a live
 * daemon always acts first); maps that never queue do not care, and with
 * only those the parameter is left as it is. Checked once a second from
 * housekeeping, written only when the wanted value changes, so an
 * administrator's later change is not fought every second. Left in place on
 * exit: that is when it is needed.
 *
 * Owns: d->queue_timeout_set (the last value written, -1 for none). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"

#define QUEUE_TIMEOUT_PARAM "/sys/module/dm_multipath/parameters/queue_if_no_path_timeout_secs"
#define SAFETY_MARGIN_S 5

/* The value the maps want; -1 when none of them queues. */
static long wanted_secs(struct mpd *d, const char **ret_why)
{
	long best = -1;

	for (size_t i = 0; i < d->n_maps; i++) {
		const struct mpd_map *m = d->maps[i];
		unsigned int poll = m->set.polling_interval ? m->set.polling_interval : 5, v;

		if (!m->in_kernel || m->set.no_path_retry.mode == MP_NO_PATH_RETRY_FAIL)
			continue;
		if (m->set.no_path_retry.mode == MP_NO_PATH_RETRY_QUEUE) {
			*ret_why = m->name;
			return 0;
		}
		if (mp_policy_queue_timeout_secs(&m->set.no_path_retry, poll, poll + SAFETY_MARGIN_S, &v) < 0)
			continue;
		if ((long)v > best) {
			best = v;
			*ret_why = m->name;
		}
	}
	return best;
}

static int write_param(long secs)
{
	char buf[32];
	int fd, n, r = 0;

	fd = open(QUEUE_TIMEOUT_PARAM, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = snprintf(buf, sizeof(buf), "%ld\n", secs);
	if (write(fd, buf, (size_t)n) != n)
		r = -errno;
	close(fd);
	return r;
}

void mpd_queue_timeout_update(struct mpd *d)
{
	const char *why = "";
	long secs = wanted_secs(d, &why);
	int r;

	if (secs < 0 || secs == d->queue_timeout_set)
		return;
	r = write_param(secs);
	/* remembered even when it failed: one message, not one a second */
	d->queue_timeout_set = secs;
	if (r < 0) {
		mpd_log(&d->log, LOG_WARNING, "cannot set %s to %ld (%s): queued I/O is not bounded "
			"by the kernel if the daemon dies", QUEUE_TIMEOUT_PARAM, secs, strerror(-r));
		return;
	}
	mpd_log(&d->log, LOG_NOTICE, "dm_multipath queue_if_no_path_timeout_secs = %ld (%s, map %s)", secs,
		secs ? "safety net for no_path_retry" : "a map queues forever", why);
}
