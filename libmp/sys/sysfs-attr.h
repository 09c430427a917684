/* Shared by the sysfs-facing adapters (sysfs.c, budget-apply.c) only: the
 * small attribute readers and writers both need. Paths are built from names
 * the kernel (or a test fixture) chose, so every builder reports
 * truncation. Not installed. */
#ifndef MP_SYS_SYSFS_ATTR_H
#define MP_SYS_SYSFS_ATTR_H

#include <stddef.h>
#include <sys/types.h>

/* snprintf that returns 0, -EINVAL, or -ENAMETOOLONG on truncation. */
__attribute__((format(printf, 3, 4)))
int mp_sysfs_fmt(char *buf, size_t len, const char *f, ...);

/* Reads up to len bytes (binary attributes come in pieces: loops to EOF).
 * The count, or -errno. */
ssize_t mp_sysfs_read_file(const char *path, void *buf, size_t len);

/* Text attribute, trailing whitespace removed: its length, or -errno. */
int mp_sysfs_read_text(const char *path, char *buf, size_t len);

/* Integer attribute (decimal, or 0x hex); "off" (eh_deadline) reads as -1.
 * 0, -ENODATA when empty, -EINVAL when not a number, or -errno. */
int mp_sysfs_read_ll(const char *path, long long *ret);

/* Writes v in decimal: 0 or -errno. */
int mp_sysfs_write_uint(const char *path, unsigned int v);

/* The prefix of a resolved device path up to and including the component
 * starting with prefix ("session", "host", "rport-"), e.g.
 * ".../host3/session2". 0, -ENOENT, or -ENAMETOOLONG. */
int mp_sysfs_component_dir(const char *devpath, const char *prefix, char *ret, size_t len);

/* The last component of a path (the name of a component_dir). */
const char *mp_sysfs_basename(const char *path);

#endif
