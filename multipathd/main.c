/* multipathd: entry point. Parses arguments, takes the single-instance
 * lock, builds the context (struct mpd, the only mutable state), starts the
 * modules in order — config, dm, workers, adoption of existing maps, control
 * socket — and runs the loop, which reads the paths in slices, then does
 * the first assembly in slices and starts the udev and dm event sources; on
 * SIGTERM stops without touching the maps. With words after the options it
 * is a client instead: `multipathd show maps` sends one request to the
 * socket and prints the reply. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "client.h"
#include "daemon.h"
#include "events.h"


#define STARTUP_SLICE_MS 50	/* loop time per slice of start-up path reads */

static const char usage_text[] =
	"usage: multipathd [-d] [-v LEVEL] [--config FILE] [--socket PATH]\n"
	"                  [--bindings-dir DIR] [--socket-group GROUP]\n"
	"       multipathd [--socket PATH] COMMAND...   (client: e.g. `show maps`)\n";

static int take_lock(struct mpd *d)
{
	char pid[32];
	int n;

	mkdir("/run/multipathd", 0755);
	d->lock_fd = open(d->opt.lock_file, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (d->lock_fd < 0)
		return -errno;
	if (flock(d->lock_fd, LOCK_EX | LOCK_NB) < 0) {
		n = (int)read(d->lock_fd, pid, sizeof(pid) - 1);
		pid[n > 0 ? n : 0] = '\0';
		fprintf(stderr, "multipathd: another instance holds %s (pid %s)\n", d->opt.lock_file,
			n > 0 ? strtok(pid, "\n") : "?");
		return -EBUSY;
	}
	if (ftruncate(d->lock_fd, 0) == 0) {
		n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
		if (write(d->lock_fd, pid, (size_t)n) < 0)
			return -errno;
	}
	return 0;
}

static void on_signal(struct mpd *d, int fd, uint32_t events, uint64_t id)
{
	struct signalfd_siginfo si;

	while (read(fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP && d->startup.active) {
			d->reload_requested = true;	/* after the first assembly */
		} else if (si.ssi_signo == SIGHUP) {
			mpd_reconfigure(d);
		} else {
			mpd_log(&d->log, LOG_NOTICE, "signal %d: exiting; maps stay in place", (int)si.ssi_signo);
			d->quit = true;
		}
	}
}

static void on_workers(struct mpd *d, int fd, uint32_t events, uint64_t id)
{
	mpd_workers_reap(d->workers, d, mpd_assemble_job_done);
	mpd_wwids_flush(d);
	/* not while the first assembly is sliced: its creates are still coming */
	if (!d->ready_ms && !d->startup.active && mpd_workers_pending(d->workers) == 0) {
		d->ready_ms = mpd_now_ms();
		mpd_log(&d->log, LOG_NOTICE, "startup done in %llu ms: %zu maps, %zu paths",
			(unsigned long long)(d->ready_ms - d->started_ms), d->n_maps, d->n_paths);
	}
}

static void housekeeping(struct mpd *d, uint64_t id, uint64_t gen)
{
	uint64_t now = mpd_loop_now_ms(d->loop);

	for (size_t i = 0; i < d->n_maps; i++) {
		mpd_checker_map_tick(d, d->maps[i], now);
		mpd_shares_tick(d, d->maps[i], now);
	}
	mpd_queue_timeout_update(d);
	mpd_control_expire(d, now);
	if (d->notify && d->watchdog_usec)
		sd_notify(0, "WATCHDOG=1");
	mpd_loop_add_timer(d->loop, now + MPD_HOUSEKEEPING_MS, housekeeping, 0, 0);
}

static int parse_args(struct mpd *d, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "foreground", no_argument, NULL, 'd' },
		{ "verbose", required_argument, NULL, 'v' },
		{ "config", required_argument, NULL, 'c' },
		{ "socket", required_argument, NULL, 's' },
		{ "bindings-dir", required_argument, NULL, 'b' },
		{ "socket-group", required_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "+dv:h", opts, NULL)) >= 0) {
		switch (c) {
		case 'd': d->opt.foreground = true; break;
		case 'v': d->opt.verbosity = atoi(optarg); break;
		case 'c': d->opt.config_file = optarg; break;
		case 's': d->opt.socket_path = optarg; break;
		case 'b': d->opt.bindings_dir = optarg; break;
		case 'g': {
			struct group *g = getgrnam(optarg);

			if (!g) {
				fprintf(stderr, "multipathd: no group named %s\n", optarg);
				return -EINVAL;
			}
			d->opt.socket_gid = g->gr_gid;
			break;
		}
		case 'h': fputs(usage_text, stdout); exit(0);
		default: fputs(usage_text, stderr); return -EINVAL;
		}
	}
	return 0;
}

/* Every path keeps its sg node open (and a directio path its O_DIRECT fd):
 * at 1024 paths the default soft limit of 1024 descriptors ran out, and
 * every open after it failed, sysfs reads included (743 "cannot read
 * identity" warnings and 14 "cannot open the sg node" verdicts at 256 x 4).
 * The loop uses epoll, so a high descriptor number costs nothing. */
#define FD_LIMIT_WANTED 65536

static void raise_fd_limit(struct mpd *d)
{
	struct rlimit rl, want = { FD_LIMIT_WANTED, FD_LIMIT_WANTED };
	unsigned long long was;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return;
	was = (unsigned long long)rl.rlim_cur;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur >= FD_LIMIT_WANTED)
		return;
	/* as root the hard limit may rise too (up to fs.nr_open); otherwise
	 * the soft limit goes as far as the hard one */
	if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= FD_LIMIT_WANTED ||
	    setrlimit(RLIMIT_NOFILE, &want) < 0) {
		want = (struct rlimit){ rl.rlim_max < FD_LIMIT_WANTED ? rl.rlim_max : FD_LIMIT_WANTED,
					rl.rlim_max };
		if (setrlimit(RLIMIT_NOFILE, &want) < 0) {
			mpd_log(&d->log, LOG_WARNING, "cannot raise the open file limit from %llu: %s",
				was, strerror(errno));
			return;
		}
	}
	mpd_log(&d->log, LOG_INFO, "open file limit %llu (was %llu)",
		(unsigned long long)want.rlim_cur, was);
}

/* Start-up phases at info level: where a slow start goes (hundreds of
 * paths under emulation take seconds per phase). */
static void phase(struct mpd *d, const char *what)
{
	mpd_log(&d->log, LOG_INFO, "startup: %s at %llu ms", what,
		(unsigned long long)(mpd_now_ms() - d->started_ms));
}

static void startup_step(struct mpd *d, uint64_t id, uint64_t gen);

/* Everything that needs no path: config, loop, device-mapper, workers,
 * adoption, the control socket; then the path reading is scheduled. */
static int start(struct mpd *d)
{
	const struct mp_dm_options dmo = { .udev_sync = true, .log = mpd_log_dm_sink,
					   .log_userdata = &d->log, .log_max_level = 4 };
	sigset_t mask;
	int r;

	phase(d, "begin");
	raise_fd_limit(d);
	r = mpd_config_init(d);
	if (r < 0)
		return r;
	phase(d, "config read");
	mpd_holds_load(d);
	r = mpd_loop_new(&d->loop);
	if (r < 0)
		return r;
	r = mpd_events_new(&d->events);
	if (r < 0)
		return r;
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);	/* before the workers: they inherit it */
	signal(SIGPIPE, SIG_IGN);
	d->signal_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (d->signal_fd < 0)
		return -errno;
	r = mpd_loop_add_fd(d->loop, d->signal_fd, EPOLLIN, on_signal, 0);
	if (r < 0)
		return r;
	r = mp_dm_new(&dmo, &d->dm);
	if (r < 0) {
		mpd_log(&d->log, LOG_ERR, "device-mapper unavailable: %s (is dm_multipath loaded?)",
			strerror(-r));
		return r;
	}
	r = mpd_workers_new(d->dm, 2, &d->workers);
	if (r < 0)
		return r;
	r = mpd_loop_add_fd(d->loop, mpd_workers_eventfd(d->workers), EPOLLIN, on_workers, 0);
	if (r < 0)
		return r;
	phase(d, "device-mapper ready");
	r = mpd_assemble_adopt(d);
	if (r < 0)
		mpd_log(&d->log, LOG_ERR, "cannot list existing maps: %s", strerror(-r));
	mpd_dmevents_start(d);
	phase(d, "existing maps adopted");
	/* the socket before the paths: at a thousand paths reading them takes
	 * a minute under emulation, and an administrator expects an answer
	 * (show status says "starting") from the first second */
	r = mpd_control_start(d);
	if (r < 0) {
		mpd_log(&d->log, LOG_ERR, "control socket %s: %s", d->opt.socket_path, strerror(-r));
		return r;
	}
	r = mpd_discovery_start(d);
	if (r < 0) {
		mpd_log(&d->log, LOG_ERR, "udev discovery failed: %s", strerror(-r));
		return r;
	}
	d->startup.active = true;
	return mpd_loop_add_timer(d->loop, mpd_now_ms(), startup_step, 0, 0);
}

/* After the first assembly (one batch of creates): the event sources that
 * were held back. */
static void startup_finish(struct mpd *d)
{
	mpd_holds_prune(d);
	phase(d, "maps queued");
	mpd_dmevents_apply_adopted(d);
	if (mpd_dmevents_listen(d) < 0 || mpd_discovery_listen(d) < 0) {
		mpd_log(&d->log, LOG_ERR, "cannot watch udev or dm events: exiting");
		d->quit = true;
		return;
	}
	d->startup.active = false;
	housekeeping(d, 0, 0);
	if (mpd_workers_pending(d->workers) == 0)
		d->ready_ms = mpd_now_ms();
	if (d->notify) {
		sd_watchdog_enabled(0, &d->watchdog_usec);
		sd_notifyf(0, "READY=1\nSTATUS=%zu maps, %zu paths", d->n_maps, d->n_paths);
	}
	mpd_log(&d->log, LOG_NOTICE, "running: %zu maps, %zu paths, socket %s", d->n_maps, d->n_paths,
		d->opt.socket_path);
	if (d->reload_requested) {
		d->reload_requested = false;
		mpd_reconfigure(d);
	}
}

/* The first assembly, once every listed path is read, in slices as well:
 * at 256 LUNs x 4 paths it was one 82.8 s callback under emulation, with
 * no request answered meanwhile. */
static void assemble_step(struct mpd *d, uint64_t id, uint64_t gen)
{
	if (mpd_assemble_step(d, STARTUP_SLICE_MS) > 0)
		mpd_loop_add_timer(d->loop, mpd_now_ms() + 1, assemble_step, 0, 0);
	else
		startup_finish(d);
}

/* Paths are read in slices of STARTUP_SLICE_MS, each a timer of its own,
 * so control clients are served in between. The next slice is due 1 ms
 * later: run_timers() then returns to epoll first. */
static void startup_step(struct mpd *d, uint64_t id, uint64_t gen)
{
	int r;

	if (mpd_discovery_step(d, STARTUP_SLICE_MS) > 0) {
		mpd_loop_add_timer(d->loop, mpd_now_ms() + 1, startup_step, 0, 0);
		return;
	}
	phase(d, "paths discovered");
	r = mpd_assemble_begin(d);
	if (r < 0) {
		mpd_log(&d->log, LOG_ERR, "cannot start the first assembly: %s; exiting", strerror(-r));
		d->quit = true;
		return;
	}
	assemble_step(d, 0, 0);
}

static void stop(struct mpd *d)
{
	if (d->notify)
		sd_notify(0, "STOPPING=1");
	mpd_control_stop(d);
	mpd_assemble_abort(d);
	mpd_workers_free(d->workers);	/* finishes a running job first */
	mpd_dmevents_stop(d);
	if (d->loop)
		mpd_discovery_stop(d);
	while (d->n_maps)
		mpd_map_delete(d, d->maps[d->n_maps - 1]);
	while (d->n_paths)
		mpd_path_delete(d, d->paths[d->n_paths - 1]);
	mpd_checker_stop(d);
	free(d->paths);
	mp_posindex_release(&d->path_index);
	free(d->maps);
	mp_dm_free(d->dm);
	mpd_loop_free(d->loop);
	mpd_events_free(d->events);
	if (d->signal_fd >= 0)
		close(d->signal_fd);
	mp_bindings_free(d->bindings);
	mpd_wwids_flush(d);	/* empty: each reap flushes; kept for safety */
	free(d->wwids_new.v);
	mp_wwids_free(d->wwids);
	mp_holds_release(&d->holds);
	mp_config_free(d->cfg);
}

int main(int argc, char **argv)
{
	struct mpd d = {
		.opt = { .config_file = "/etc/multipath.conf",
			 .socket_path = "/run/multipathd/mpd.sock",
			 .lock_file = "/run/multipathd/mpd.pid",
			 .verbosity = 2, .socket_gid = -1 },
		.signal_fd = -1, .dm_event_fd = -1, .lock_fd = -1, .listen_fd = -1,
		.queue_timeout_set = -1,
	};
	int r;

	if (parse_args(&d, argc, argv) < 0)
		return 2;
	if (optind < argc)
		return mpd_client_run(d.opt.socket_path, argc - optind, argv + optind);
	mpd_log_open(&d.log, d.opt.foreground, d.opt.verbosity);
	d.started_ms = mpd_now_ms();
	d.notify = getenv("NOTIFY_SOCKET") != NULL;
	r = take_lock(&d);
	if (r < 0)
		return 1;
	r = start(&d);
	if (r == 0)
		r = mpd_loop_run(d.loop, &d);
	stop(&d);
	mpd_log(&d.log, r < 0 ? LOG_ERR : LOG_NOTICE, "exiting%s%s", r < 0 ? ": " : "",
		r < 0 ? strerror(-r) : "");
	mpd_log_close(&d.log);
	close(d.lock_fd);
	return r < 0 ? 1 : 0;
}
