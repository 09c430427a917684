/* Small sysfs attribute helpers shared by the sysfs adapters
 * (sysfs-attr.h). Stack buffers and fds closed before returning only. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sysfs-attr.h"

int mp_sysfs_fmt(char *buf, size_t len, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = vsnprintf(buf, len, f, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	return (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* The most kernfs returns in one read of a binary attribute (a page). */
#define SYSFS_READ_CHUNK 4096u

ssize_t mp_sysfs_read_file(const char *path, void *buf, size_t len)
{
	ssize_t n, total = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while ((size_t)total < len) {
		n = read(fd, (char *)buf + total, len - (size_t)total);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			total = -errno;
			break;
		}
		if (n == 0)
			break;
		total += n;
		/* kernfs gives an attribute whole, and a binary one a page
		 * at a time, up to its size: a read short of both what was
		 * asked and a page is the end, and the read that would say
		 * so is one more system call for each of the ~20 attributes
		 * a path has (1024 paths at start-up) */
		if ((size_t)total < len && (size_t)n < SYSFS_READ_CHUNK)
			break;
	}
	close(fd);
	return total;
}

int mp_sysfs_read_text(const char *path, char *buf, size_t len)
{
	ssize_t n;

	if (len == 0)
		return -EINVAL;
	n = mp_sysfs_read_file(path, buf, len - 1);
	if (n < 0)
		return (int)n;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		buf[--n] = '\0';
	return (int)n;
}

int mp_sysfs_read_ll(const char *path, long long *ret)
{
	char buf[32], *end;
	long long v;
	int r = mp_sysfs_read_text(path, buf, sizeof(buf));

	if (r < 0)
		return r;
	if (r == 0)
		return -ENODATA;
	if (strcmp(buf, "off") == 0) {
		*ret = -1;
		return 0;
	}
	errno = 0;
	v = strtoll(buf, &end, 0);
	if (errno || *end)
		return -EINVAL;
	*ret = v;
	return 0;
}

int mp_sysfs_write_uint(const char *path, unsigned int v)
{
	char buf[16];
	int fd, n, r = 0;
	ssize_t w;

	n = snprintf(buf, sizeof(buf), "%u", v);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);	/* O_TRUNC for fixture trees */
	if (fd < 0)
		return -errno;
	w = write(fd, buf, (size_t)n);
	if (w < 0)
		r = -errno;
	else if (w != n)
		r = -EIO;
	close(fd);
	return r;
}

int mp_sysfs_component_dir(const char *devpath, const char *prefix, char *ret, size_t len)
{
	size_t plen = strlen(prefix);
	const char *c = devpath, *end;

	while ((c = strchr(c, '/'))) {
		c++;
		if (strncmp(c, prefix, plen) != 0)
			continue;
		end = strchr(c, '/');
		if (!end)
			end = c + strlen(c);
		if ((size_t)(end - devpath) >= len)
			return -ENAMETOOLONG;
		memcpy(ret, devpath, (size_t)(end - devpath));
		ret[end - devpath] = '\0';
		return 0;
	}
	return -ENOENT;
}

const char *mp_sysfs_basename(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}
