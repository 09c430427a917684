/* dm events for the daemon's loop: an armed /dev/mapper/control fd to poll,
 * one DM_LIST_DEVICES ioctl to see every map's event number, and the
 * comparison with what the loop knew (protocol in include/mp/dm.h).
 *
 * Why not libdevmapper here: arming is per open file, and libdevmapper
 * issues DM_DEVICE_ARM_POLL on its own hidden control fd, which the loop
 * cannot poll; its name list does not expose the event numbers either. So
 * this file speaks the dm ioctl (linux/dm-ioctl.h) on the caller's own fd.
 * That also keeps it free of libdevmapper's unlocked global state, so the
 * loop thread may call it while a worker is inside dm.c / dm-change.c.
 *
 * Owns nothing: the fd is the caller's; lists handed out are the caller's
 * to free(). mp_dm_events_parse_list and mp_dm_events_diff do no I/O. */
#include <errno.h>
#include <fcntl.h>
#include <linux/dm-ioctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "mp/dm.h"
#include "util/cleanup.h"

#define DM_CONTROL_PATH "/dev/mapper/control"
/* DM_DEV_ARM_POLL and event numbers in DM_LIST_DEVICES came with 4.37. */
#define EV_VERSION_MINOR 37
#define LIST_BUF_MIN (16u * 1024)
#define LIST_BUF_MAX (64u * 1024 * 1024)

static const char *const event_kind_names[_MP_DM_EVENT_KIND_MAX] = {
	[MP_DM_EVENT_CHANGED] = "changed",
	[MP_DM_EVENT_REMOVED] = "removed",
	[MP_DM_EVENT_ADDED] = "added",
};

const char *mp_dm_event_kind_to_string(enum mp_dm_event_kind k)
{
	return (unsigned int)k < _MP_DM_EVENT_KIND_MAX ? event_kind_names[k] : NULL;
}

static void io_init(struct dm_ioctl *io, size_t size, uint32_t minor)
{
	memset(io, 0, sizeof(*io));
	io->version[0] = DM_VERSION_MAJOR;
	io->version[1] = minor;
	io->version[2] = 0;
	io->data_size = (uint32_t)size;
	io->data_start = sizeof(*io);
}

int mp_dm_events_open(int *ret_fd)
{
	struct dm_ioctl io;
	int fd, r;

	fd = open(DM_CONTROL_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	io_init(&io, sizeof(io), 0);
	if (ioctl(fd, DM_VERSION, &io) < 0) {
		r = -errno;
		goto out_close;
	}
	if (io.version[0] != DM_VERSION_MAJOR || io.version[1] < EV_VERSION_MINOR) {
		r = -EOPNOTSUPP;
		goto out_close;
	}
	*ret_fd = fd;
	return 0;
out_close:
	close(fd);
	return r;
}

int mp_dm_events_arm(int fd)
{
	struct dm_ioctl io;

	io_init(&io, sizeof(io), EV_VERSION_MINOR);
	if (ioctl(fd, DM_DEV_ARM_POLL, &io) < 0)
		return -errno;
	return 0;
}

static size_t align8(size_t v)
{
	return (v + 7) & ~(size_t)7;
}

/* Copies the NUL-terminated string at data[off] (bounded by end) into dst;
 * -EBADMSG if it is not terminated in time or does not fit. */
static int copy_str(const char *data, size_t off, size_t end, char *dst, size_t dst_len, size_t *ret_len)
{
	size_t n;

	if (off >= end)
		return -EBADMSG;
	n = strnlen(data + off, end - off);
	if (n == end - off || n >= dst_len)
		return -EBADMSG;
	memcpy(dst, data + off, n + 1);
	*ret_len = n;
	return 0;
}

/* Layout of each entry, offsets from the start of the list (8-aligned in
 * the kernel's buffer as in ours): struct dm_name_list {u64 dev; u32 next;
 * char name[]}, then at the next 8-byte boundary u32 event_nr and u32 flags,
 * then at the next boundary the uuid when flags has HAS_UUID. next is the
 * offset to the following entry, 0 on the last. An empty list is dev == 0
 * (or no bytes at all). */
int mp_dm_events_parse_list(const void *data, size_t len, struct mp_dm_event_map **ret_maps)
{
	const char *d = data;
	_cleanup_free_ struct mp_dm_event_map *maps = NULL;
	size_t off = 0, n = 0, cap = 0;

	if (len < offsetof(struct dm_name_list, name) + 1) {
		*ret_maps = NULL;
		return 0;
	}
	for (;;) {
		struct mp_dm_event_map *m;
		uint64_t dev;
		uint32_t next, ev[2];
		size_t end, nlen, p;
		int r;

		if (off > len || len - off < offsetof(struct dm_name_list, name))
			return -EBADMSG;
		memcpy(&dev, d + off + offsetof(struct dm_name_list, dev), sizeof(dev));
		memcpy(&next, d + off + offsetof(struct dm_name_list, next), sizeof(next));
		if (n == 0 && dev == 0)
			break;
		if (next && (next > len - off || next < offsetof(struct dm_name_list, name)))
			return -EBADMSG;
		end = next ? off + next : len;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct mp_dm_event_map *q = reallocarray(maps, ncap, sizeof(*maps));

			if (!q)
				return -ENOMEM;
			maps = q;
			cap = ncap;
		}
		m = &maps[n];
		memset(m, 0, sizeof(*m));
		/* The kernel's huge_encode_dev layout is what glibc's
		 * major()/minor() decode. */
		m->devnum = makedev(major(dev), minor(dev));
		r = copy_str(d, off + offsetof(struct dm_name_list, name), end, m->name,
			     sizeof(m->name), &nlen);
		if (r < 0)
			return r;
		p = align8(off + offsetof(struct dm_name_list, name) + nlen + 1);
		if (p > end || end - p < sizeof(ev))
			return -EBADMSG;
		memcpy(ev, d + p, sizeof(ev));
		m->event_nr = ev[0];
		if (ev[1] & DM_NAME_LIST_FLAG_HAS_UUID) {
			r = copy_str(d, align8(p + sizeof(ev)), end, m->uuid, sizeof(m->uuid), &nlen);
			if (r < 0)
				return r;
		}
		n++;
		if (!next)
			break;
		off += next;
	}
	if (n > INT32_MAX)
		return -EOVERFLOW;
	*ret_maps = n ? TAKE_PTR(maps) : NULL;
	return (int)n;
}

int mp_dm_events_scan(int fd, struct mp_dm_event_map **ret_maps)
{
	size_t size = LIST_BUF_MIN;

	for (;;) {
		_cleanup_free_ struct dm_ioctl *io = NULL;

		/* calloc: 16-aligned, so the list's 8-byte alignment holds. */
		io = calloc(1, size);
		if (!io)
			return -ENOMEM;
		io_init(io, size, EV_VERSION_MINOR);
		io->flags = DM_UUID_FLAG;
		if (ioctl(fd, DM_LIST_DEVICES, io) < 0)
			return -errno;
		if (!(io->flags & DM_BUFFER_FULL_FLAG)) {
			if (io->data_start > io->data_size || io->data_size > size)
				return -EBADMSG;
			return mp_dm_events_parse_list((char *)io + io->data_start,
						       io->data_size - io->data_start, ret_maps);
		}
		if (size >= LIST_BUF_MAX)
			return -ENOBUFS;
		size *= 2;
	}
}

static const struct mp_dm_event_map *find_devnum(const struct mp_dm_event_map *v, size_t n, dev_t d)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].devnum == d)
			return &v[i];
	return NULL;
}

/* Quadratic in the number of maps: a few hundred maps cost well under a
 * millisecond per wakeup; sort both sides if that ever matters. */
int mp_dm_events_diff(const struct mp_dm_event_map *known, size_t n_known,
		      const struct mp_dm_event_map *now, size_t n_now,
		      struct mp_dm_event_change **ret_changes)
{
	_cleanup_free_ struct mp_dm_event_change *ch = NULL;
	size_t n = 0;

	if (n_known + n_now > INT32_MAX)
		return -EOVERFLOW;
	if (n_known + n_now) {
		ch = calloc(n_known + n_now, sizeof(*ch));
		if (!ch)
			return -ENOMEM;
	}
	for (size_t i = 0; i < n_now; i++) {
		const struct mp_dm_event_map *k = find_devnum(known, n_known, now[i].devnum);

		if (!k) {
			ch[n].kind = MP_DM_EVENT_ADDED;
			ch[n++].map = now[i];
		} else if (k->event_nr != now[i].event_nr || strcmp(k->name, now[i].name) != 0) {
			ch[n].kind = MP_DM_EVENT_CHANGED;
			ch[n].old_event_nr = k->event_nr;
			ch[n++].map = now[i];
		}
	}
	for (size_t i = 0; i < n_known; i++) {
		if (!find_devnum(now, n_now, known[i].devnum)) {
			ch[n].kind = MP_DM_EVENT_REMOVED;
			ch[n++].map = known[i];
		}
	}
	*ret_changes = n ? TAKE_PTR(ch) : NULL;
	return (int)n;
}

int mp_dm_events_changed(int fd, const struct mp_dm_event_map *known, size_t n_known,
			 struct mp_dm_event_change **ret_changes,
			 struct mp_dm_event_map **ret_now, size_t *ret_n_now)
{
	_cleanup_free_ struct mp_dm_event_map *now = NULL;
	int n_now, r;

	n_now = mp_dm_events_scan(fd, &now);
	if (n_now < 0)
		return n_now;
	r = mp_dm_events_diff(known, n_known, now, (size_t)n_now, ret_changes);
	if (r < 0)
		return r;
	if (ret_now) {
		*ret_now = TAKE_PTR(now);
		*ret_n_now = (size_t)n_now;
	}
	return r;
}
