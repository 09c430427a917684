/* Logging for the daemon: syslog levels, one line per event, object first.
 * In the foreground lines go to stderr with a level tag; otherwise to
 * syslog (journald collects it). Owns only the struct mpd_log settings,
 * which live in the daemon context; the dm sink may run on worker threads
 * and only reads them. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "daemon.h"

static const char *level_tag(int level)
{
	static const char *const tags[] = { "emerg", "alert", "crit", "error",
					    "warning", "notice", "info", "debug" };

	return level >= 0 && level <= 7 ? tags[level] : "?";
}

void mpd_log_open(struct mpd_log *lg, bool to_stderr, int verbosity)
{
	/* -v 0: errors only ... -v 2 (default): notices ... -v 4+: debug */
	int lvl = LOG_ERR + verbosity;

	lg->to_stderr = to_stderr;
	lg->max_level = lvl > LOG_DEBUG ? LOG_DEBUG : lvl < LOG_ERR ? LOG_ERR : lvl;
	if (!to_stderr)
		openlog("multipathd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void mpd_log_close(struct mpd_log *lg)
{
	if (!lg->to_stderr)
		closelog();
}

static void emit(const struct mpd_log *lg, int level, const char *prefix, const char *fmt,
		 va_list ap)
{
	char line[1024];
	int n;

	if (level > lg->max_level)
		return;
	n = snprintf(line, sizeof(line), "%s", prefix ? prefix : "");
	if (n < 0 || (size_t)n >= sizeof(line))
		n = 0;
	vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (lg->to_stderr) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		fprintf(stderr, "[%5lld.%03ld] %s: %s\n", (long long)ts.tv_sec,
			ts.tv_nsec / 1000000, level_tag(level), line);
	} else {
		syslog(level, "%s", line);
	}
}

void mpd_log(const struct mpd_log *lg, int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(lg, level, NULL, fmt, ap);
	va_end(ap);
}

void mpd_log_path(const struct mpd_log *lg, int level, const struct mpd_path *p,
		  const char *fmt, ...)
{
	char prefix[64];
	va_list ap;

	if (level > lg->max_level)
		return;
	snprintf(prefix, sizeof(prefix), "%s [%u:%u]: ", p->mp.kname, p->mp.major, p->mp.minor);
	va_start(ap, fmt);
	emit(lg, level, prefix, fmt, ap);
	va_end(ap);
}

void mpd_log_map(const struct mpd_log *lg, int level, const struct mpd_map *m,
		 const char *fmt, ...)
{
	char prefix[MP_DM_NAME_LEN + MP_WWID_SIZE + 8];
	va_list ap;

	if (level > lg->max_level)
		return;
	snprintf(prefix, sizeof(prefix), "%s (%s): ", m->name[0] ? m->name : "?", m->model->wwid);
	va_start(ap, fmt);
	emit(lg, level, prefix, fmt, ap);
	va_end(ap);
}

void mpd_log_dm_sink(void *userdata, int level, int err, const char *msg)
{
	const struct mpd_log *lg = userdata;

	if (err)
		mpd_log(lg, level, "libdevmapper: %s: %s", msg, strerror(err));
	else
		mpd_log(lg, level, "libdevmapper: %s", msg);
}
