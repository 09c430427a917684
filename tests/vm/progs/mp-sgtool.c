/* mp-sgtool: a small CLI over libmp's sg, sense and sysfs adapters, for the
 * guest tests (tests/vm/tests/NN-sg-NAME.sh) and for poking at a real kernel.
 *
 *   mp-sgtool [-r SYSROOT] [-t TIMEOUT_MS] COMMAND DEV...
 *     ident DEV...          sysfs identity, one key=value line per field
 *     sg DEV                the sg node name of a block device
 *     tur DEV...            one async TUR per path: submit all, poll, collect
 *     bench N DEV...        N async TURs spread over the paths, timed
 *     tur-sync DEV          one TUR through the blocking SG_IO wrapper
 *     vpd83 DEV...          INQUIRY VPD 0x83 through sg, decoded WWID
 *     inquiry DEV           standard INQUIRY through sg, decoded
 *     rtpg DEV...           REPORT TARGET PORT GROUPS through sg, decoded
 *
 * DEV is a block device kernel name ("sdc"). Output lines start with DEV so
 * scripts can grep them. Exit status 0 when every command could be run
 * (whatever the verdicts), 1 otherwise. Everything is freed on exit paths
 * that matter for ASan; the process is short-lived. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mp/path.h"
#include "mp/sense.h"
#include "mp/sg.h"
#include "mp/sysfs.h"
#include "mp/vpd.h"

#define MAX_PATHS 64
#define DEADLINE_SLACK_MS 3000

static const char *sysroot = "/sys";
static uint32_t timeout_ms = 5000;

struct target {
	const char *kname;
	struct mp_sg *sg;
	unsigned int sent, done;
	unsigned int verdicts[_MP_CHECK_RESULT_MAX];
	struct mp_sg_result last;
	char detail[160];
};

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int open_target(struct target *t, const char *kname)
{
	char sgname[MP_KNAME_SIZE], node[64];
	int r;

	*t = (struct target){ .kname = kname };
	r = mp_sysfs_sg_name(sysroot, kname, sgname, sizeof(sgname));
	if (r < 0) {
		fprintf(stderr, "%s: no sg node: %s\n", kname, strerror(-r));
		return r;
	}
	snprintf(node, sizeof(node), "/dev/%s", sgname);
	r = mp_sg_open(node, &t->sg);
	if (r < 0)
		fprintf(stderr, "%s: open %s: %s\n", kname, node, strerror(-r));
	return r;
}

static void close_targets(struct target *t, int n)
{
	for (int i = 0; i < n; i++)
		mp_sg_free(t[i].sg);
}

/* Sends total commands (cmd) over n paths, keeping up to depth in flight per
 * path, until all finished or the deadline passed; commands still out at
 * the deadline count as TIMEOUT. Returns 0 or a negative errno. */
static int run_async(struct target *t, int n, const struct mp_sg_cmd *cmd,
		     unsigned int per_path, unsigned int depth, uint64_t deadline_us)
{
	struct pollfd pfd[MAX_PATHS];
	unsigned int outstanding = 0;
	int r;

	for (;;) {
		for (int i = 0; i < n; i++) {
			while (t[i].sent < per_path && t[i].sent - t[i].done < depth) {
				r = mp_sg_submit(t[i].sg, cmd, ((uint64_t)i << 32) | t[i].sent);
				if (r < 0) {
					/* The kernel refused it: that is a verdict too. */
					enum mp_check_result v = mp_sense_classify_errno(r);
					t[i].verdicts[v]++;
					t[i].sent++;
					t[i].done++;
					snprintf(t[i].detail, sizeof(t[i].detail), "submit: %s",
						 strerror(-r));
					continue;
				}
				t[i].sent++;
				outstanding++;
			}
		}
		if (outstanding == 0)
			return 0;
		for (int i = 0; i < n; i++)
			pfd[i] = (struct pollfd){ .fd = mp_sg_fd(t[i].sg), .events = POLLIN };
		int64_t left = (int64_t)(deadline_us - now_us()) / 1000;
		if (left <= 0)
			break;
		r = poll(pfd, (nfds_t)n, (int)left);
		if (r < 0 && errno != EINTR)
			return -errno;
		for (int i = 0; i < n; i++) {
			struct mp_sg_result res;

			if (!(pfd[i].revents & (POLLIN | POLLERR | POLLHUP)))
				continue;
			while ((r = mp_sg_reap(t[i].sg, &res)) > 0) {
				if ((res.tag >> 32) != (uint64_t)i)
					fprintf(stderr, "%s: foreign tag %" PRIx64 "\n", t[i].kname,
						res.tag);
				t[i].verdicts[res.verdict]++;
				t[i].done++;
				outstanding--;
				t[i].last = res;
				mp_sense_describe(&res.status, t[i].detail, sizeof(t[i].detail));
			}
			if (r < 0)
				return r;
		}
	}
	/* Our own deadline passed: what is still out is a timeout. */
	for (int i = 0; i < n; i++) {
		unsigned int late = t[i].sent - t[i].done;

		if (late) {
			t[i].verdicts[MP_CHECK_TIMEOUT] += late;
			t[i].done += late;
			snprintf(t[i].detail, sizeof(t[i].detail), "no completion within %u ms",
				 timeout_ms);
			t[i].last.verdict = MP_CHECK_TIMEOUT;
		}
	}
	return 0;
}

static int cmd_tur(int argc, char **argv, unsigned int total)
{
	struct target t[MAX_PATHS];
	struct mp_sg_cmd c;
	unsigned int per;
	uint64_t t0, el;
	int n = 0, r;

	if (argc < 1 || argc > MAX_PATHS)
		return -EINVAL;
	for (; n < argc; n++) {
		r = open_target(&t[n], argv[n]);
		if (r < 0)
			goto out;
	}
	per = total ? (total + (unsigned int)n - 1) / (unsigned int)n : 1;
	mp_sg_cmd_tur(&c, timeout_ms);
	t0 = now_us();
	/* Our deadline sits past the kernel's timeout, so a command the LLD
	 * dropped comes back through the midlayer's abort (DID_TIME_OUT). */
	r = run_async(t, n, &c, per, total ? 4 : 1,
		      t0 + (uint64_t)(timeout_ms + DEADLINE_SLACK_MS) * 1000 * (total ? per : 1));
	el = now_us() - t0;
	if (r < 0)
		goto out;
	for (int i = 0; i < n; i++) {
		enum mp_check_result v = MP_CHECK_UP;

		/* The worst verdict seen stands for the path. */
		for (int k = 0; k < _MP_CHECK_RESULT_MAX; k++)
			if (t[i].verdicts[k] && k != MP_CHECK_UP)
				v = (enum mp_check_result)k;
		printf("%s verdict=%s n=%u up=%u detail=%s\n", t[i].kname,
		       mp_check_result_to_string(v), t[i].done, t[i].verdicts[MP_CHECK_UP],
		       t[i].detail[0] ? t[i].detail : "GOOD");
	}
	printf("summary commands=%u paths=%d elapsed_us=%" PRIu64 " per_second=%.0f\n",
	       per * (unsigned int)n, n, el, el ? per * n * 1e6 / (double)el : 0.0);
out:
	close_targets(t, n);
	return r;
}

static int cmd_tur_sync(const char *kname)
{
	char sgname[MP_KNAME_SIZE], node[64], detail[160];
	struct mp_sg_result res;
	struct mp_sg_cmd c;
	int r;

	r = mp_sysfs_sg_name(sysroot, kname, sgname, sizeof(sgname));
	if (r < 0)
		return r;
	snprintf(node, sizeof(node), "/dev/%s", sgname);
	mp_sg_cmd_tur(&c, timeout_ms);
	r = mp_sg_run(node, &c, NULL, 0, &res);
	if (r < 0) {
		printf("%s verdict=%s detail=SG_IO: %s\n", kname,
		       mp_check_result_to_string(mp_sense_classify_errno(r)), strerror(-r));
		return 0;
	}
	printf("%s verdict=%s duration_ms=%u detail=%s\n", kname,
	       mp_check_result_to_string(res.verdict), res.duration_ms,
	       mp_sense_describe(&res.status, detail, sizeof(detail)));
	return 0;
}

/* One data-in command on one path, asynchronously. */
static int one_async(const char *kname, const struct mp_sg_cmd *c, struct target *t)
{
	int r;

	r = open_target(t, kname);
	if (r < 0)
		return r;
	r = run_async(t, 1, c, 1, 1, now_us() + (uint64_t)(timeout_ms + DEADLINE_SLACK_MS) * 1000);
	if (r == 0 && t->last.verdict != MP_CHECK_UP) {
		printf("%s verdict=%s detail=%s\n", kname,
		       mp_check_result_to_string(t->last.verdict), t->detail);
		r = -EIO;
	}
	return r;
}

static int cmd_vpd83(const char *kname)
{
	struct target t;
	struct mp_sg_cmd c;
	struct mp_vpd83 v;
	char err[128];
	int r;

	mp_sg_cmd_inquiry_vpd(&c, 0x83, 1024, timeout_ms);
	r = one_async(kname, &c, &t);
	if (r == 0) {
		r = mp_vpd83_decode(t.last.data, t.last.data_len, &v, err, sizeof(err));
		if (r < 0)
			printf("%s vpd83 error=%s\n", kname, err);
		else
			printf("%s vpd83 wwid=%s src=%s tpg=%d relport=%d len=%u\n", kname, v.wwid,
			       mp_wwid_source_to_string(v.wwid_src), v.tpg_id, v.rel_port_id,
			       t.last.data_len);
	}
	mp_sg_free(t.sg);
	return r;
}

static int cmd_inquiry(const char *kname)
{
	struct mp_inquiry inq;
	struct target t;
	struct mp_sg_cmd c;
	char err[128];
	int r;

	mp_sg_cmd_inquiry(&c, 96, timeout_ms);
	r = one_async(kname, &c, &t);
	if (r == 0) {
		r = mp_inquiry_decode(t.last.data, t.last.data_len, &inq, err, sizeof(err));
		if (r < 0)
			printf("%s inquiry error=%s\n", kname, err);
		else
			printf("%s inquiry vendor=%s product=%s rev=%s tpgs=%u pq=%u type=%u\n",
			       kname, inq.vendor, inq.product, inq.revision, inq.tpgs,
			       inq.qualifier, inq.device_type);
	}
	mp_sg_free(t.sg);
	return r;
}

static int cmd_rtpg(const char *kname)
{
	struct mp_sysfs_path *sp;
	struct mp_rtpg *rt = NULL;
	const struct mp_rtpg_group *mine;
	struct target t;
	struct mp_sg_cmd c;
	char err[128];
	int r;

	sp = malloc(sizeof(*sp));
	if (!sp)
		return -ENOMEM;
	r = mp_sysfs_path_read(sysroot, kname, sp);
	if (r < 0)
		goto out_free;
	mp_sg_cmd_rtpg(&c, 4096, false, timeout_ms);
	r = one_async(kname, &c, &t);
	if (r == 0) {
		r = mp_rtpg_decode(t.last.data, t.last.data_len, &rt, err, sizeof(err));
		if (r < 0) {
			printf("%s rtpg error=%s\n", kname, err);
		} else {
			for (size_t g = 0; g < rt->n_groups; g++)
				printf("%s rtpg group=%u state=%s pref=%d ports=%zu\n", kname,
				       rt->groups[g].tpg_id,
				       mp_alua_state_to_string(rt->groups[g].state),
				       rt->groups[g].pref, rt->groups[g].n_ports);
			if (mp_rtpg_find(rt, sp->path.tpg_id, sp->path.rel_port_id, &mine) == 0)
				printf("%s rtpg mine=%u state=%s sysfs_access_state=%s\n", kname,
				       mine->tpg_id, mp_alua_state_to_string(mine->state),
				       mp_alua_state_to_string(sp->path.alua_state));
		}
		mp_rtpg_free(rt);
	}
	mp_sg_free(t.sg);
out_free:
	free(sp);
	return r;
}

static int cmd_ident(const char *kname)
{
	struct mp_sysfs_path *sp;
	const struct mp_path *p;
	int r;

	sp = malloc(sizeof(*sp));
	if (!sp)
		return -ENOMEM;
	r = mp_sysfs_path_read(sysroot, kname, sp);
	if (r < 0) {
		fprintf(stderr, "%s: %s\n", kname, strerror(-r));
		goto out;
	}
	p = &sp->path;
	printf("%s dev=%u:%u hbtl=%d:%d:%d:%" PRId64 " sg=%s\n", kname, p->major, p->minor,
	       p->hbtl.host, p->hbtl.bus, p->hbtl.target, p->hbtl.lun, sp->sg_name);
	printf("%s vendor=%s product=%s rev=%s\n", kname, p->vendor, p->product, p->revision);
	printf("%s wwid=%s wwid_src=%s kernel_wwid=%s\n", kname, p->wwid,
	       mp_wwid_source_to_string(p->wwid_src), sp->kernel_wwid);
	printf("%s serial=%s tpg=%d relport=%d\n", kname, p->serial, p->tpg_id, p->rel_port_id);
	printf("%s state=%s size=%" PRIu64 " queue_depth=%d timeout=%d\n", kname,
	       mp_sdev_state_to_string(sp->sdev_state), sp->size_sectors, sp->queue_depth,
	       sp->timeout_s);
	printf("%s alua=%s pref=%d dh=%s\n", kname, mp_alua_state_to_string(p->alua_state),
	       p->alua_pref, sp->dh_state);
	printf("%s protocol=%s tgt_node=%s tgt_port=%s\n", kname,
	       mp_protocol_to_string(p->protocol), p->tgt_node_name, sp->tgt_port);
	printf("%s holders=%u", kname, sp->n_holders);
	for (unsigned int i = 0; i < sp->n_holders; i++)
		printf("%s%s", i ? "," : " ", sp->holders[i]);
	printf("\n");
out:
	free(sp);
	return r;
}

static int usage(void)
{
	fprintf(stderr, "usage: mp-sgtool [-r SYSROOT] [-t TIMEOUT_MS] "
		"ident|sg|tur|bench N|tur-sync|vpd83|inquiry|rtpg DEV...\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *cmd;
	int opt, r = 0;

	while ((opt = getopt(argc, argv, "r:t:")) != -1) {
		switch (opt) {
		case 'r':
			sysroot = optarg;
			break;
		case 't':
			timeout_ms = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		default:
			return usage();
		}
	}
	if (optind + 2 > argc)
		return usage();
	cmd = argv[optind++];
	argc -= optind;
	argv += optind;

	if (strcmp(cmd, "tur") == 0) {
		r = cmd_tur(argc, argv, 0);
	} else if (strcmp(cmd, "bench") == 0) {
		if (argc < 2)
			return usage();
		r = cmd_tur(argc - 1, argv + 1, (unsigned int)strtoul(argv[0], NULL, 0));
	} else if (strcmp(cmd, "tur-sync") == 0) {
		r = cmd_tur_sync(argv[0]);
	} else if (strcmp(cmd, "sg") == 0) {
		char name[MP_KNAME_SIZE];

		r = mp_sysfs_sg_name(sysroot, argv[0], name, sizeof(name));
		if (r == 0)
			printf("%s sg=%s\n", argv[0], name);
	} else {
		int (*fn)(const char *);

		if (strcmp(cmd, "ident") == 0)
			fn = cmd_ident;
		else if (strcmp(cmd, "vpd83") == 0)
			fn = cmd_vpd83;
		else if (strcmp(cmd, "inquiry") == 0)
			fn = cmd_inquiry;
		else if (strcmp(cmd, "rtpg") == 0)
			fn = cmd_rtpg;
		else
			return usage();
		for (int i = 0; i < argc; i++) {
			int k = fn(argv[i]);

			if (k < 0 && r == 0)
				r = k;
		}
	}
	if (r < 0) {
		fprintf(stderr, "mp-sgtool %s: %s\n", cmd, strerror(-r));
		return 1;
	}
	return 0;
}
