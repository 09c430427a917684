/* Opening and reading the device that holds a partition table. Reads are
 * whole logical blocks, bounded to the device's size, with pread so no
 * seek state is shared; the fd belongs to struct mp_kpdev until
 * mp_kpdev_close. Buffered reads are coherent with what tools such as
 * sfdisk wrote through the same block device. */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "device.h"

int mp_kpdev_open(const char *path, uint32_t image_sector_size, struct mp_kpdev *ret)
{
	struct mp_kpdev d = { .fd = -1 };
	struct stat st;
	int ssz = 0;
	uint64_t bytes = 0;
	int r;

	d.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (d.fd < 0)
		return -errno;
	if (fstat(d.fd, &st) < 0) {
		r = -errno;
		goto fail;
	}
	if (S_ISBLK(st.st_mode)) {
		d.is_block = true;
		d.major = major(st.st_rdev);
		d.minor = minor(st.st_rdev);
		if (ioctl(d.fd, BLKSSZGET, &ssz) < 0 || ioctl(d.fd, BLKGETSIZE64, &bytes) < 0) {
			r = -errno;
			goto fail;
		}
		if (ssz < 512 || (ssz & (ssz - 1))) {
			r = -EINVAL;
			goto fail;
		}
		d.sector_size = (uint32_t)ssz;
	} else if (S_ISREG(st.st_mode)) {
		d.sector_size = image_sector_size ? image_sector_size : 512;
		bytes = (uint64_t)st.st_size;
	} else {
		r = -ENOTBLK;
		goto fail;
	}
	d.sectors = bytes / d.sector_size;
	*ret = d;
	return 0;
fail:
	close(d.fd);
	return r;
}

void mp_kpdev_close(struct mp_kpdev *d)
{
	if (d && d->fd >= 0) {
		close(d->fd);
		d->fd = -1;
	}
}

int mp_kpdev_read(void *userdata, uint64_t lba, uint32_t count, void *buf)
{
	const struct mp_kpdev *d = userdata;
	size_t want, done = 0;

	if (lba >= d->sectors || count > d->sectors - lba)
		return -ERANGE;
	want = (size_t)count * d->sector_size;
	while (done < want) {
		ssize_t n = pread(d->fd, (char *)buf + done, want - done,
				  (off_t)(lba * d->sector_size + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		done += (size_t)n;
	}
	return 0;
}
