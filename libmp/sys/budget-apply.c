/* Puts a failover budget plan (mp/budget.h) into the kernel for one path:
 * sysfs attributes, plus one netlink request for the two iSCSI timers that
 * sysfs shows read-only. Every step is bounded (sysfs writes, one netlink
 * round trip with a 1 s receive timeout) and reads first, so re-applying an
 * unchanged plan writes nothing. Returns per-timer results; logging is the
 * caller's.
 *
 *   timer               where (6.1)
 *   scsi_timeout        /sys/block/sdX/device/timeout
 *   eh_deadline         /sys/class/scsi_host/hostN/eh_deadline (only lowered:
 *                       the host is shared, the smallest budget wins)
 *   recovery_tmo        /sys/class/iscsi_session/sessionN/recovery_tmo
 *   noop_out_interval   connectionN:M/recv_tmo  } read-only in sysfs; set with
 *   noop_out_timeout    connectionN:M/ping_tmo  } ISCSI_UEVENT_SET_PARAM on
 *                                                 NETLINK_ISCSI, read back
 *   fast_io_fail_tmo,   /sys/class/fc_remote_ports/rport-H:B-R/ (dev_loss
 *   dev_loss_tmo        first: the class refuses fast_io_fail >= dev_loss)
 *
 * iscsid sets the NOP timers again at every login, so the daemon re-applies
 * after a path comes back. Only iscsi_tcp sessions get the netlink request:
 * its transport handle is the one whose set_param the kernel will call. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/netlink.h>

#include "mp/budget.h"
#include "sysfs-attr.h"

/* Writes v unless the attribute already holds it; records where. */
static int set_attr(struct mp_budget_applied *ret, enum mp_budget_timer t, const char *path,
		    unsigned int v)
{
	long long cur;

	mp_sysfs_fmt(ret->attr[t], sizeof(ret->attr[t]), "%s", path);
	if (mp_sysfs_read_ll(path, &cur) == 0 && cur == (long long)v)
		return ret->r[t] = MP_BUDGET_APPLY_SAME;
	return ret->r[t] = mp_sysfs_write_uint(path, v);
}

/* The name of the component of the resolved device path starting with
 * prefix ("session", "host", "rport-"), e.g. "session3". */
static int component(const char *devpath, const char *prefix, char *ret, size_t len)
{
	char dir[PATH_MAX];
	int r = mp_sysfs_component_dir(devpath, prefix, dir, sizeof(dir));

	return r < 0 ? r : mp_sysfs_fmt(ret, len, "%s", mp_sysfs_basename(dir));
}

/* ---- iSCSI NOP timers over NETLINK_ISCSI ---- */

/* The kernel's struct iscsi_uevent (include/scsi/iscsi_if.h, a user ABI
 * that iscsid carries its own copy of) is 56 bytes on every architecture
 * Linux runs iscsid on; the parameter value, a C string, follows it. We
 * only fill its header and u.set_param. */
#define ISCSI_EV_SIZE		56
#define ISCSI_UEVENT_SET_PARAM	16	/* UEVENT_BASE 10 + 6 */
#define ISCSI_KEVENT_IF_ERROR	103	/* KEVENT_BASE 100 + 3 */
#define ISCSI_PARAM_PING_TMO	30
#define ISCSI_PARAM_RECV_TMO	31

struct iscsi_set_param_msg {
	struct nlmsghdr nlh;
	struct {
		uint32_t type;
		uint32_t iferror;
		uint64_t transport_handle;
		uint32_t sid, cid, param, len;	/* u.set_param */
		uint8_t rest[ISCSI_EV_SIZE - 32];
	} ev;
	char value[16];
};
_Static_assert(sizeof(((struct iscsi_set_param_msg *)0)->ev) == ISCSI_EV_SIZE,
	       "struct iscsi_uevent is 56 bytes");

static int iscsi_set_param(uint64_t handle, unsigned int sid, unsigned int cid, uint32_t param,
			   unsigned int v)
{
	struct iscsi_set_param_msg m = { 0 }, reply;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK }, self = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 1 };
	size_t vlen;
	ssize_t n;
	int fd, r;

	snprintf(m.value, sizeof(m.value), "%u", v);
	vlen = strlen(m.value) + 1;
	m.nlh.nlmsg_len = NLMSG_LENGTH(sizeof(m.ev) + vlen);
	m.nlh.nlmsg_type = ISCSI_UEVENT_SET_PARAM;
	m.nlh.nlmsg_flags = NLM_F_REQUEST;
	m.ev.type = ISCSI_UEVENT_SET_PARAM;
	m.ev.transport_handle = handle;
	m.ev.sid = sid;
	m.ev.cid = cid;
	m.ev.param = param;
	m.ev.len = (uint32_t)vlen;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ISCSI);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&self, sizeof(self)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0) {
		r = -errno;
		goto out_close;
	}
	if (sendto(fd, &m, m.nlh.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
		r = -errno;
		goto out_close;
	}
	n = recv(fd, &reply, sizeof(reply), 0);
	if (n < 0) {
		r = errno == EAGAIN || errno == EWOULDBLOCK ? -ETIMEDOUT : -errno;
		goto out_close;
	}
	if ((size_t)n < NLMSG_LENGTH(8)) {
		r = -EPROTO;
		goto out_close;
	}
	r = reply.ev.type == ISCSI_KEVENT_IF_ERROR ? (int)reply.ev.iferror : 0;
	if (r > 0)
		r = -r;
out_close:
	close(fd);
	return r;
}

static int iscsi_transport_handle(const char *root, const char *host, uint64_t *ret)
{
	char p[PATH_MAX], name[32], buf[32], *end;
	int r;

	r = mp_sysfs_fmt(p, sizeof(p), "%s/class/scsi_host/%s/proc_name", root, host);
	if (r < 0 || (r = mp_sysfs_read_text(p, name, sizeof(name))) < 0)
		return r;
	if (strcmp(name, "iscsi_tcp") != 0)
		return -EOPNOTSUPP;	/* offload HBAs: leave them to iscsid */
	r = mp_sysfs_fmt(p, sizeof(p), "%s/class/iscsi_transport/tcp/handle", root);
	if (r < 0 || (r = mp_sysfs_read_text(p, buf, sizeof(buf))) < 0)
		return r;
	errno = 0;
	*ret = strtoull(buf, &end, 10);
	return errno || end == buf ? -EINVAL : 0;
}

/* Sets one NOP timer on every connection of the session, then reads it back. */
static void apply_noop(const char *root, const char *host, unsigned int sid,
		       enum mp_budget_timer t, unsigned int v, struct mp_budget_applied *ret)
{
	const char *attr = t == MP_BT_NOOP_OUT_INTERVAL ? "recv_tmo" : "ping_tmo";
	uint32_t param = t == MP_BT_NOOP_OUT_INTERVAL ? ISCSI_PARAM_RECV_TMO : ISCSI_PARAM_PING_TMO;
	char dir[PATH_MAX], p[PATH_MAX], prefix[32];
	struct dirent *de;
	uint64_t handle = 0;
	bool have_handle = false;
	int r = -ENOENT;
	DIR *d;

	mp_sysfs_fmt(dir, sizeof(dir), "%s/class/iscsi_connection", root);
	mp_sysfs_fmt(prefix, sizeof(prefix), "connection%u:", sid);
	d = opendir(dir);
	if (!d) {
		ret->r[t] = -errno;
		return;
	}
	while ((de = readdir(d))) {
		unsigned int cid;
		long long cur;
		int rr;

		if (strncmp(de->d_name, prefix, strlen(prefix)) != 0 ||
		    sscanf(de->d_name + strlen(prefix), "%u", &cid) != 1)
			continue;
		if (mp_sysfs_fmt(p, sizeof(p), "%s/%s/%s", dir, de->d_name, attr) < 0)
			continue;
		mp_sysfs_fmt(ret->attr[t], sizeof(ret->attr[t]), "%s", p);
		if (mp_sysfs_read_ll(p, &cur) == 0 && cur == (long long)v) {
			if (r == -ENOENT)
				r = MP_BUDGET_APPLY_SAME;
			continue;
		}
		if (!have_handle) {
			rr = iscsi_transport_handle(root, host, &handle);
			if (rr < 0) {
				r = rr;
				break;
			}
			have_handle = true;
		}
		rr = iscsi_set_param(handle, sid, cid, param, v);
		if (rr == 0 && (mp_sysfs_read_ll(p, &cur) < 0 || cur != (long long)v))
			rr = -EIO;	/* accepted but not in force: say so */
		if (rr < 0) {
			r = rr;
			break;
		}
		r = 0;
	}
	closedir(d);
	ret->r[t] = r;
}

/* ---- the plan ---- */

static void apply_iscsi(const char *root, const char *devpath, const char *host,
			const struct mp_budget_plan *p, struct mp_budget_applied *ret)
{
	char sess[32], path[PATH_MAX];
	unsigned int sid;

	if (component(devpath, "session", sess, sizeof(sess)) < 0 ||
	    sscanf(sess, "session%u", &sid) != 1) {
		ret->r[MP_BT_RECOVERY_TMO] = -ENOENT;
		return;
	}
	/* recovery first: it bounds the stall even if the NOP timers fail */
	if (mp_sysfs_fmt(path, sizeof(path), "%s/class/iscsi_session/%s/recovery_tmo", root, sess) == 0)
		set_attr(ret, MP_BT_RECOVERY_TMO, path, p->value[MP_BT_RECOVERY_TMO]);
	if (strcmp(root, "/sys") != 0)
		return;		/* a fixture tree has no kernel behind it */
	apply_noop(root, host, sid, MP_BT_NOOP_OUT_INTERVAL, p->value[MP_BT_NOOP_OUT_INTERVAL], ret);
	apply_noop(root, host, sid, MP_BT_NOOP_OUT_TIMEOUT, p->value[MP_BT_NOOP_OUT_TIMEOUT], ret);
}

static void apply_fc(const char *root, const char *devpath, const struct mp_budget_plan *p,
		     struct mp_budget_applied *ret)
{
	char rport[64], dl[PATH_MAX], ff[PATH_MAX];
	bool infinite_fail = p->value[MP_BT_FAST_IO_FAIL_TMO] == MP_BUDGET_INFINITE;

	if (component(devpath, "rport-", rport, sizeof(rport)) < 0 ||
	    mp_sysfs_fmt(dl, sizeof(dl), "%s/class/fc_remote_ports/%s/dev_loss_tmo", root, rport) < 0 ||
	    mp_sysfs_fmt(ff, sizeof(ff), "%s/class/fc_remote_ports/%s/fast_io_fail_tmo", root, rport) < 0) {
		ret->r[MP_BT_FAST_IO_FAIL_TMO] = ret->r[MP_BT_DEV_LOSS_TMO] = -ENOENT;
		return;
	}
	if (p->value[MP_BT_DEV_LOSS_TMO] != MP_BUDGET_INFINITE)
		set_attr(ret, MP_BT_DEV_LOSS_TMO, dl, p->value[MP_BT_DEV_LOSS_TMO]);
	if (!infinite_fail)
		set_attr(ret, MP_BT_FAST_IO_FAIL_TMO, ff, p->value[MP_BT_FAST_IO_FAIL_TMO]);
	/* refused because the old fast_io_fail was above the new dev_loss */
	if (ret->r[MP_BT_DEV_LOSS_TMO] == -EINVAL && ret->r[MP_BT_FAST_IO_FAIL_TMO] >= 0)
		set_attr(ret, MP_BT_DEV_LOSS_TMO, dl, p->value[MP_BT_DEV_LOSS_TMO]);
}

static void apply_eh_deadline(const char *root, const char *host, unsigned int v,
			      struct mp_budget_applied *ret)
{
	char path[PATH_MAX];
	long long cur;

	if (mp_sysfs_fmt(path, sizeof(path), "%s/class/scsi_host/%s/eh_deadline", root, host) < 0)
		return;
	mp_sysfs_fmt(ret->attr[MP_BT_EH_DEADLINE], sizeof(ret->attr[0]), "%s", path);
	if (mp_sysfs_read_ll(path, &cur) == 0 && cur >= 0 && cur <= (long long)v) {
		ret->r[MP_BT_EH_DEADLINE] = MP_BUDGET_APPLY_SAME;	/* a smaller budget's */
		return;
	}
	/* -EINVAL: the host has no reset handler, so there is no deadline */
	ret->r[MP_BT_EH_DEADLINE] = mp_sysfs_write_uint(path, v);
}

int mp_budget_apply_sysfs(const char *root, const char *kname, const struct mp_budget_plan *p,
			  struct mp_budget_applied *ret)
{
	char link[PATH_MAX], devpath[PATH_MAX], host[32], path[PATH_MAX];
	int r;

	for (size_t t = 0; t < _MP_BT_MAX; t++) {
		ret->r[t] = MP_BUDGET_APPLY_SKIP;
		ret->attr[t][0] = '\0';
	}
	r = mp_sysfs_fmt(link, sizeof(link), "%s/block/%s/device", root, kname);
	if (r < 0)
		return r;
	if (!realpath(link, devpath))
		return -errno;
	r = component(devpath, "host", host, sizeof(host));
	if (r < 0)
		return r;
	if (p->how[MP_BT_SCSI_TIMEOUT] != MP_BUDGET_UNUSED &&
	    mp_sysfs_fmt(path, sizeof(path), "%s/timeout", link) == 0)
		set_attr(ret, MP_BT_SCSI_TIMEOUT, path, p->value[MP_BT_SCSI_TIMEOUT]);
	if (p->how[MP_BT_EH_DEADLINE] != MP_BUDGET_UNUSED)
		apply_eh_deadline(root, host, p->value[MP_BT_EH_DEADLINE], ret);
	if (p->transport == MP_TRANSPORT_ISCSI)
		apply_iscsi(root, devpath, host, p, ret);
	else if (p->transport == MP_TRANSPORT_FC)
		apply_fc(root, devpath, p, ret);
	return 0;
}
