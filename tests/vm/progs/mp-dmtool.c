/* mp-dmtool: a small CLI over libmp's dm adapter (include/mp/dm.h), for
 * the guest integration tests. One subcommand per adapter call; output is
 * line-oriented for shell tests. Owns nothing beyond one run.
 *
 * Exit status: 0 on success; the errno of a failed adapter call when it is
 * in 1..125 (16 = EBUSY, 6 = ENXIO, 17 = EEXIST, 22 = EINVAL), so a test
 * can assert the exact refusal; 1 for usage errors; 3 for a watch timeout. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "mp/dm.h"

static const char usage_text[] =
	"usage: mp-dmtool [-n] [-v] COMMAND [ARG...]\n"
	"  -n  no udev sync        -v  libdevmapper messages on stderr\n"
	"  ID is NAME, uuid:UUID or dev:MAJ:MIN\n"
	"  version | now | list [TYPE] | info ID | table ID | status ID\n"
	"  create NAME UUID|- SIZE TYPE PARAMS [ro] [flags=N]\n"
	"  reload ID SIZE TYPE PARAMS [noflush] [flags=N]\n"
	"  message ID TEXT... | fail ID MAJ:MIN | reinstate ID MAJ:MIN\n"
	"  switch ID N | queue ID on|off | suspend ID [noflush] | resume ID\n"
	"  remove ID [retry] [deferred] [force]\n"
	"  events-scan | watch TIMEOUT_MS [NAME]\n"
	"  wait-path ID MAJ:MIN A|F TIMEOUT_MS [SINCE_MS]   (prints seconds since SINCE_MS, from `now`)\n"
	"  wait-all \" MAJ:MIN ...\" N P TIMEOUT_MS [SINCE_MS]  (N maps over those devices, P active paths each)\n";

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void log_stderr(void *userdata, int level, int err, const char *msg)
{
	(void)userdata;
	fprintf(stderr, "libdevmapper[%d]: %s%s%s\n", level, msg, err ? ": " : "",
		err ? strerror(err) : "");
}

static int parse_devnum(const char *s, dev_t *ret)
{
	unsigned int ma, mi;
	char extra;

	if (sscanf(s, "%u:%u%c", &ma, &mi, &extra) != 2)
		return -EINVAL;
	*ret = makedev(ma, mi);
	return 0;
}

static int parse_id(const char *s, struct mp_dm_id *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (strncmp(s, "uuid:", 5) == 0) {
		ret->key = MP_DM_BY_UUID;
		ret->str = s + 5;
		return 0;
	}
	if (strncmp(s, "dev:", 4) == 0) {
		ret->key = MP_DM_BY_DEVNUM;
		return parse_devnum(s + 4, &ret->devnum);
	}
	ret->key = MP_DM_BY_NAME;
	ret->str = s;
	return 0;
}

static int parse_u64(const char *s, uint64_t *ret)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end)
		return -EINVAL;
	*ret = v;
	return 0;
}

static void print_info(const struct mp_dm_map_info *i)
{
	printf("name=%s\nuuid=%s\ndev=%u:%u\nopen_count=%d\nevent_nr=%" PRIu32
	       "\ntargets=%" PRIu32 "\nsuspended=%d\nread_only=%d\nlive_table=%d\n"
	       "inactive_table=%d\ndeferred_remove=%d\n",
	       i->name, i->uuid, major(i->devnum), minor(i->devnum), i->open_count,
	       i->event_nr, i->target_count, i->suspended, i->read_only, i->live_table,
	       i->inactive_table, i->deferred_remove);
}

/* Trailing words like "ro", "noflush", "flags=N". */
static bool has_word(int argc, char **argv, int from, const char *w)
{
	for (int i = from; i < argc; i++)
		if (strcmp(argv[i], w) == 0)
			return true;
	return false;
}

static unsigned int flags_word(int argc, char **argv, int from)
{
	for (int i = from; i < argc; i++)
		if (strncmp(argv[i], "flags=", 6) == 0)
			return (unsigned int)strtoul(argv[i] + 6, NULL, 0);
	return 0;
}

static int cmd_watch(int argc, char **argv)
{
	struct mp_dm_event_map *known = NULL;
	const char *want = argc > 2 ? argv[2] : NULL;
	long long deadline, t0;
	int fd, n, r;

	if (argc < 2)
		return -EINVAL;
	deadline = mono_ms() + atoll(argv[1]);
	r = mp_dm_events_open(&fd);
	if (r < 0)
		return r;
	/* The protocol of include/mp/dm.h: arm, then take the baseline. */
	r = mp_dm_events_arm(fd);
	n = r < 0 ? r : mp_dm_events_scan(fd, &known);
	if (n < 0) {
		close(fd);
		return n;
	}
	t0 = mono_ms();
	printf("armed maps=%d at_ms=%lld\n", n, t0);
	fflush(stdout);
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct mp_dm_event_change *ch = NULL;
		struct mp_dm_event_map *now = NULL;
		size_t n_now = 0;
		long long left = deadline - mono_ms();
		bool hit = false;
		int c;

		if (left <= 0) {
			printf("timeout\n");
			free(known);
			close(fd);
			return 3;
		}
		r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno != EINTR) {
			r = -errno;
			break;
		}
		if (r <= 0)
			continue;
		printf("wakeup after_ms=%lld at_ms=%lld\n", mono_ms() - t0, mono_ms());
		r = mp_dm_events_arm(fd);
		if (r < 0)
			break;
		c = mp_dm_events_changed(fd, known, (size_t)n, &ch, &now, &n_now);
		if (c < 0) {
			r = c;
			break;
		}
		for (int i = 0; i < c; i++) {
			printf("%s %s %" PRIu32 " %" PRIu32 "\n", mp_dm_event_kind_to_string(ch[i].kind),
			       ch[i].map.name, ch[i].old_event_nr, ch[i].map.event_nr);
			if (!want || strcmp(ch[i].map.name, want) == 0)
				hit = true;
		}
		fflush(stdout);
		free(ch);
		free(known);
		known = now;
		n = (int)n_now;
		if (hit) {
			free(known);
			close(fd);
			return 0;
		}
	}
	free(known);
	close(fd);
	return r;
}

/* The state letter that follows path MAJ:MIN in a multipath status line,
 * or 0 when the path is not in it. */
static char path_state_in(const char *params, const char *devstr)
{
	size_t n = strlen(devstr);

	for (const char *q = strstr(params, devstr); q; q = strstr(q + 1, devstr))
		if ((q == params || q[-1] == ' ') && q[n] == ' ' && q[n + 1] && q[n + 2] == ' ')
			return q[n + 1];
	return 0;
}

/* Polls the map's status every 20 ms (one ioctl, no process per poll, so
 * the figure is the daemon's and not the poller's) until path MAJ:MIN has
 * the wanted kernel state; prints the seconds that took. 3 on timeout. */
static int cmd_wait_path(struct mp_dm *dm, const struct mp_dm_id *id, int argc, char **argv)
{
	long long t0 = argc > 5 ? atoll(argv[5]) : mono_ms(), deadline;
	struct mp_dm_target t;
	dev_t dev;
	int r;

	if (argc < 5 || parse_devnum(argv[2], &dev) < 0 || (argv[3][0] != 'A' && argv[3][0] != 'F'))
		return -EINVAL;
	deadline = mono_ms() + atoll(argv[4]);
	for (;;) {
		char st = 0;

		r = mp_dm_get_status(dm, id, &t);
		if (r == 0) {
			st = path_state_in(t.params, argv[2]);
			mp_dm_target_release(&t);
		}
		if (st == argv[3][0]) {
			printf("%.2f\n", (double)(mono_ms() - t0) / 1000.0);
			return 0;
		}
		if (mono_ms() >= deadline) {
			printf("timeout\n");
			return 3;
		}
		usleep(20000);
	}
}

/* Is the word w (MAJ:MIN) one of the space-separated list nums? */
static bool in_list(const char *nums, const char *w, size_t len)
{
	for (const char *p = strstr(nums, " "); p; p = strstr(p + 1, " "))
		if (strncmp(p + 1, w, len) == 0 && (p[1 + len] == ' ' || p[1 + len] == '\0'))
			return true;
	return false;
}

/* Paths of the list in a table or status text; with status, how many are
 * active ("MAJ:MIN A"). */
static void count_paths(const char *text, const char *nums, bool status, unsigned int *ret_total,
			unsigned int *ret_active)
{
	const char *p = text;

	*ret_total = *ret_active = 0;
	while (*p) {
		size_t len;

		while (*p == ' ')
			p++;
		len = strcspn(p, " ");
		if (len && strchr(p, ':') && (size_t)(strchr(p, ':') - p) < len && in_list(nums, p, len)) {
			(*ret_total)++;
			if (status && p[len] == ' ' && p[len + 1] == 'A' && (p[len + 2] == ' ' || !p[len + 2]))
				(*ret_active)++;
		}
		p += len;
	}
}

/* wait-all " MAJ:MIN ..." N P TIMEOUT_MS [SINCE_MS]: polls in-process (no
 * process per poll, so a busy guest delays the answer little) until
 * exactly N multipath maps use the listed devices, each with P of them,
 * all active; prints seconds since SINCE_MS. */
static int cmd_wait_all(struct mp_dm *dm, int argc, char **argv)
{
	long long t0 = argc > 5 ? atoll(argv[5]) : mono_ms(), deadline;
	unsigned int n, p;

	if (argc < 5)
		return -EINVAL;
	n = (unsigned int)atoi(argv[2]);
	p = (unsigned int)atoi(argv[3]);
	deadline = mono_ms() + atoll(argv[4]);
	for (;;) {
		struct mp_dm_map_info *maps = NULL;
		unsigned int sel = 0, ok = 0;
		int k = mp_dm_list(dm, "multipath", &maps);

		for (int i = 0; i < k; i++) {
			const struct mp_dm_id *id = MP_DM_NAME(maps[i].name);
			unsigned int tot, act, stot;
			struct mp_dm_target t;

			if (mp_dm_get_table(dm, id, &t) < 0)
				continue;
			count_paths(t.params, argv[1], false, &tot, &act);
			mp_dm_target_release(&t);
			if (!tot)
				continue;
			sel++;
			if (mp_dm_get_status(dm, id, &t) < 0)
				continue;
			count_paths(t.params, argv[1], true, &stot, &act);
			mp_dm_target_release(&t);
			if (stot == p && act == p)
				ok++;
		}
		free(maps);
		if (k >= 0 && sel == n && ok == n) {
			printf("%.2f\n", (double)(mono_ms() - t0) / 1000.0);
			return 0;
		}
		if (mono_ms() >= deadline) {
			printf("timeout\n");
			return 3;
		}
		usleep(100000);
	}
}

static int run(struct mp_dm *dm, int argc, char **argv)
{
	const char *cmd = argv[0];
	struct mp_dm_map_info info;
	struct mp_dm_target t;
	struct mp_dm_id id;
	dev_t dev;
	int r;

	if (argc >= 2 && strcmp(cmd, "list") != 0 && strcmp(cmd, "create") != 0 &&
	    strcmp(cmd, "watch") != 0 && strcmp(cmd, "wait-all") != 0 && parse_id(argv[1], &id) < 0)
		return -EINVAL;

	if (strcmp(cmd, "version") == 0) {
		char v[64];

		r = mp_dm_driver_version(dm, v, sizeof(v));
		if (r == 0)
			printf("%s\n", v);
		return r;
	}
	if (strcmp(cmd, "list") == 0) {
		struct mp_dm_map_info *maps = NULL;
		int n = mp_dm_list(dm, argc > 1 ? argv[1] : NULL, &maps);

		for (int i = 0; i < n; i++)
			printf("%s %s %u:%u open=%d event=%" PRIu32 " suspended=%d ro=%d\n",
			       maps[i].name, maps[i].uuid[0] ? maps[i].uuid : "-",
			       major(maps[i].devnum), minor(maps[i].devnum), maps[i].open_count,
			       maps[i].event_nr, maps[i].suspended, maps[i].read_only);
		free(maps);
		return n < 0 ? n : 0;
	}
	if (argc < 2)
		return -EINVAL;
	if (strcmp(cmd, "wait-all") == 0)
		return cmd_wait_all(dm, argc, argv);
	if (strcmp(cmd, "wait-path") == 0)
		return cmd_wait_path(dm, &id, argc, argv);
	if (strcmp(cmd, "info") == 0) {
		r = mp_dm_info(dm, &id, &info);
		if (r == 0)
			print_info(&info);
		return r;
	}
	if (strcmp(cmd, "table") == 0 || strcmp(cmd, "status") == 0) {
		r = cmd[0] == 't' ? mp_dm_get_table(dm, &id, &t) : mp_dm_get_status(dm, &id, &t);
		if (r == 0)
			printf("%" PRIu64 " %" PRIu64 " %s %s\n", t.start, t.length, t.type, t.params);
		mp_dm_target_release(r == 0 ? &t : NULL);
		return r;
	}
	if (strcmp(cmd, "create") == 0) {
		struct mp_dm_create_args a = { .name = argv[1] };

		if (argc < 6 || parse_u64(argv[3], &a.size) < 0)
			return -EINVAL;
		a.uuid = strcmp(argv[2], "-") ? argv[2] : NULL;
		a.target_type = argv[4];
		a.params = argv[5];
		a.read_only = has_word(argc, argv, 6, "ro");
		a.udev_flags = flags_word(argc, argv, 6);
		r = mp_dm_create(dm, &a, &info);
		if (r == 0)
			print_info(&info);
		return r;
	}
	if (strcmp(cmd, "reload") == 0) {
		struct mp_dm_reload_args a = { 0 };

		if (argc < 5 || parse_u64(argv[2], &a.size) < 0)
			return -EINVAL;
		a.target_type = argv[3];
		a.params = argv[4];
		a.read_only = has_word(argc, argv, 5, "ro");
		a.no_flush = has_word(argc, argv, 5, "noflush");
		a.udev_flags = has_word(argc, argv, 5, "flags=0") ? 0 : MP_DM_UDEV_RELOAD;
		r = mp_dm_reload(dm, &id, &a, &info);
		if (r == 0)
			print_info(&info);
		return r;
	}
	if (strcmp(cmd, "message") == 0) {
		char msg[1024] = "", *resp = NULL;

		for (int i = 2; i < argc; i++) {
			if (i > 2)
				strncat(msg, " ", sizeof(msg) - strlen(msg) - 1);
			strncat(msg, argv[i], sizeof(msg) - strlen(msg) - 1);
		}
		r = mp_dm_message(dm, &id, msg, &resp);
		if (r == 0 && resp)
			printf("%s\n", resp);
		free(resp);
		return r;
	}
	if (strcmp(cmd, "fail") == 0 || strcmp(cmd, "reinstate") == 0) {
		if (argc < 3 || parse_devnum(argv[2], &dev) < 0)
			return -EINVAL;
		return cmd[0] == 'f' ? mp_dm_fail_path(dm, &id, dev) : mp_dm_reinstate_path(dm, &id, dev);
	}
	if (strcmp(cmd, "switch") == 0)
		return argc < 3 ? -EINVAL : mp_dm_switch_group(dm, &id, (unsigned int)atoi(argv[2]));
	if (strcmp(cmd, "queue") == 0)
		return argc < 3 ? -EINVAL : mp_dm_set_queueing(dm, &id, strcmp(argv[2], "on") == 0);
	if (strcmp(cmd, "suspend") == 0)
		return mp_dm_suspend(dm, &id, has_word(argc, argv, 2, "noflush"));
	if (strcmp(cmd, "resume") == 0)
		return mp_dm_resume(dm, &id, 0);
	if (strcmp(cmd, "remove") == 0) {
		unsigned int f = 0;

		if (has_word(argc, argv, 2, "retry"))
			f |= MP_DM_REMOVE_RETRY;
		if (has_word(argc, argv, 2, "deferred"))
			f |= MP_DM_REMOVE_DEFERRED;
		if (has_word(argc, argv, 2, "force"))
			f |= MP_DM_REMOVE_FORCE;
		return mp_dm_remove(dm, &id, f);
	}
	return -EINVAL;
}

int main(int argc, char **argv)
{
	struct mp_dm_options o = { .udev_sync = true };
	struct mp_dm *dm = NULL;
	int opt, r;

	while ((opt = getopt(argc, argv, "+nv")) != -1) {
		switch (opt) {
		case 'n':
			o.udev_sync = false;
			break;
		case 'v':
			o.log = log_stderr;
			o.log_max_level = 7;
			break;
		default:
			fputs(usage_text, stderr);
			return 1;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		fputs(usage_text, stderr);
		return 1;
	}
	/* These need no libdevmapper context. */
	if (strcmp(argv[0], "now") == 0) {
		printf("%lld\n", mono_ms());
		return 0;
	}
	if (strcmp(argv[0], "watch") == 0 || strcmp(argv[0], "events-scan") == 0) {
		if (argv[0][0] == 'w') {
			r = cmd_watch(argc, argv);
		} else {
			struct mp_dm_event_map *maps = NULL;
			int fd;

			r = mp_dm_events_open(&fd);
			if (r == 0) {
				r = mp_dm_events_scan(fd, &maps);
				for (int i = 0; i < r; i++)
					printf("%s %u:%u %" PRIu32 " %s\n", maps[i].name,
					       major(maps[i].devnum), minor(maps[i].devnum),
					       maps[i].event_nr, maps[i].uuid[0] ? maps[i].uuid : "-");
				free(maps);
				close(fd);
				r = r < 0 ? r : 0;
			}
		}
		if (r < 0)
			fprintf(stderr, "mp-dmtool: %s: %s\n", argv[0], strerror(-r));
		return r < 0 ? (-r <= 125 ? -r : 1) : r;
	}
	r = mp_dm_new(&o, &dm);
	if (r < 0) {
		fprintf(stderr, "mp-dmtool: cannot use device-mapper: %s\n", strerror(-r));
		return -r <= 125 ? -r : 1;
	}
	r = run(dm, argc, argv);
	if (r < 0)
		fprintf(stderr, "mp-dmtool: %s: %s [errno %d]%s%s\n", argv[0], strerror(-r), -r,
			mp_dm_last_error(dm)[0] ? ": " : "", mp_dm_last_error(dm));
	mp_dm_free(dm);
	if (r == -EINVAL && argc < 2)
		fputs(usage_text, stderr);
	return r < 0 ? (-r <= 125 ? -r : 1) : 0;
}
