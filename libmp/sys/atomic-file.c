/* OS edge for small state files: whole-file reads with a size cap, atomic
 * replacement (temp file in the same directory + fsync + rename + directory
 * fsync) and an flock-based lock on "<path>.lock" held across
 * read-modify-write.
 *
 * Owns nothing beyond a call: buffers returned by mp_atomic_file_read are the
 * caller's to free; every fd opened here is closed before returning, except
 * the lock fd, which mp_atomic_file_unlock closes.
 *
 * Why a separate lock file: rename() swaps the inode, so a lock taken on the
 * data file itself would guard an inode that is no longer the file, and a
 * second writer could lock the new inode while the first still works. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mp/atomic-file.h"
#include "mp/strbuf.h"
#include "util/cleanup.h"

static void closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

#define _cleanup_close_ __attribute__((cleanup(closep)))

int mp_atomic_file_read(const char *path, size_t max, char **ret_buf, size_t *ret_len)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap;
	struct stat st;

	if (!path || max >= SIZE_MAX - 1)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if ((unsigned long long)st.st_size > max)
		return -EFBIG;
	/* One byte over max detects a file that grew since fstat. */
	cap = (size_t)st.st_size + 2;	/* st_size <= max, checked above */
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n;

		if (len + 1 == cap) {
			/* Full (one byte stays for the NUL). cap never passes max + 2,
			 * and len > max has already returned, so this grows. */
			size_t ncap = cap > (max + 2) / 2 ? max + 2 : cap * 2;
			char *p = realloc(buf, ncap);

			if (!p)
				return -ENOMEM;
			buf = p;
			cap = ncap;
		}
		n = read(fd, buf + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max)
			return -EFBIG;
	}
	buf[len] = '\0';
	*ret_buf = TAKE_PTR(buf);
	*ret_len = len;
	return 0;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Splits path into a malloc'ed directory ("." when there is none). */
static int dir_of(const char *path, char **ret_dir)
{
	const char *slash = strrchr(path, '/');
	char *d;

	if (!slash)
		d = strdup(".");
	else if (slash == path)
		d = strdup("/");
	else
		d = strndup(path, (size_t)(slash - path));
	if (!d)
		return -ENOMEM;
	*ret_dir = d;
	return 0;
}

static int fsync_dir(const char *dir)
{
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	return fsync(fd) < 0 ? -errno : 0;
}

int mp_atomic_file_write(const char *path, const char *buf, size_t len, unsigned int mode)
{
	_cleanup_free_ char *dir = NULL, *tmp = NULL;
	const char *base;
	int fd, r;

	if (!path || !*path || path[strlen(path) - 1] == '/')
		return -EINVAL;
	r = dir_of(path, &dir);
	if (r < 0)
		return r;
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	/* Same directory, so rename() stays within one filesystem and is atomic;
	 * a dot name keeps the temp file out of casual listings. */
	if (asprintf(&tmp, "%s/.%s.XXXXXX", dir, base) < 0) {
		tmp = NULL;
		return -ENOMEM;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = fchmod(fd, (mode_t)mode) < 0 ? -errno : 0;
	if (r == 0)
		r = write_all(fd, buf, len);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		return r;
	}
	/* The rename is only durable once the directory entry is on disk. */
	return fsync_dir(dir);
}

int mp_atomic_file_lock(const char *path, unsigned int mode, int *ret_fd)
{
	_cleanup_free_ char *lockpath = NULL;
	int fd;

	if (!path)
		return -EINVAL;
	if (asprintf(&lockpath, "%s.lock", path) < 0) {
		lockpath = NULL;
		return -ENOMEM;
	}
	fd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, (mode_t)mode);
	if (fd < 0)
		return -errno;
	/* flock locks belong to the open file description, so two threads or
	 * two processes that each open the lock file exclude each other. */
	while (flock(fd, LOCK_EX) < 0) {
		int e = errno;

		if (e == EINTR)
			continue;
		close(fd);
		return -e;
	}
	*ret_fd = fd;
	return 0;
}

void mp_atomic_file_unlock(int fd)
{
	if (fd < 0)
		return;
	flock(fd, LOCK_UN);
	close(fd);
}

int mp_atomic_file_update(const char *path, size_t max, unsigned int mode,
			  int (*edit)(const char *old, size_t len, struct mp_strbuf *out,
				      void *userdata),
			  void *userdata)
{
	struct mp_strbuf out = MP_STRBUF_INIT;
	_cleanup_free_ char *old = NULL;
	size_t len = 0;
	int lock, r, wanted;

	if (!path || !edit)
		return -EINVAL;
	r = mp_atomic_file_lock(path, mode, &lock);
	if (r < 0)
		return r;
	r = mp_atomic_file_read(path, max, &old, &len);
	if (r == -ENOENT) {
		old = NULL;
		len = 0;
		r = 0;
	}
	if (r < 0)
		goto out_unlock;
	wanted = edit(old ? old : "", len, &out, userdata);
	if (wanted < 0) {
		r = wanted;
		goto out_unlock;
	}
	if (wanted > 0)
		r = mp_atomic_file_write(path, mp_strbuf_str(&out), out.len, mode);
	if (r == 0)
		r = wanted;
out_unlock:
	mp_strbuf_release(&out);
	mp_atomic_file_unlock(lock);
	return r;
}
