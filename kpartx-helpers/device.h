/* The device under a partition table: opened read-only, its logical block
 * size (BLKSSZGET) and size (BLKGETSIZE64), and bounded pread of whole
 * blocks for the parsers' read callback. A regular file (a disk image) is
 * accepted too, for `list`, with a block size given by the caller. */
#ifndef MP_KPARTX_DEVICE_H
#define MP_KPARTX_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

struct mp_kpdev {
	int fd;
	bool is_block;
	unsigned int major, minor;	/* block devices only */
	uint32_t sector_size;
	uint64_t sectors;
};

/* image_sector_size: the block size of a regular file (0: 512). */
int mp_kpdev_open(const char *path, uint32_t image_sector_size, struct mp_kpdev *ret);
void mp_kpdev_close(struct mp_kpdev *d);
/* mp_ptable_read_fn over a struct mp_kpdev: -ERANGE outside the device,
 * -EIO on a short read. */
int mp_kpdev_read(void *userdata, uint64_t lba, uint32_t count, void *buf);

#endif
