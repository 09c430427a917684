/* Small state files (bindings, wwids) read whole and rewritten atomically.
 *
 * A rewrite writes a temporary file in the same directory, fsyncs it,
 * renames it over the target and fsyncs the directory: a reader or a crash
 * sees the old file or the new one, never a mix. Read-modify-write cycles
 * hold an exclusive advisory lock on "<path>.lock" (flock) so concurrent
 * writers in other processes serialise instead of losing each other's
 * changes. New files and lock files get the mode passed in (0600 for the
 * naming files, as multipath-tools uses).
 *
 * A symlink at path is replaced by a regular file on rewrite. */
#ifndef MP_ATOMIC_FILE_H
#define MP_ATOMIC_FILE_H

#include <stddef.h>

struct mp_strbuf;

/* Reads the whole regular file at path, at most max bytes. Returns 0 with a
 * malloc'ed, NUL-terminated *ret_buf (the NUL is not counted in *ret_len),
 * -ENOENT if missing, -EFBIG if larger than max, -EINVAL if not a regular
 * file, or another negative errno. */
int mp_atomic_file_read(const char *path, size_t max, char **ret_buf, size_t *ret_len);

/* Replaces path with buf[0..len) atomically, as described above. On failure
 * the old file is untouched and no temporary file is left behind. */
int mp_atomic_file_write(const char *path, const char *buf, size_t len, unsigned int mode);

/* Takes the exclusive lock for path (blocking). Returns 0 and *ret_fd to hand
 * to mp_atomic_file_unlock, or a negative errno. */
int mp_atomic_file_lock(const char *path, unsigned int mode, int *ret_fd);
/* Releases and closes; accepts -1. */
void mp_atomic_file_unlock(int fd);

/* Locked read-modify-write. Under the lock, reads path (a missing file reads
 * as empty) and calls edit(old, len, out, userdata) which appends the new
 * text to out and returns > 0 to have it written, 0 to leave the file alone,
 * or a negative errno to abort. Returns edit's non-negative result, or a
 * negative errno from reading, editing or writing. */
int mp_atomic_file_update(const char *path, size_t max, unsigned int mode,
			  int (*edit)(const char *old, size_t len, struct mp_strbuf *out,
				      void *userdata),
			  void *userdata);

#endif
