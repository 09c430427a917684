/* Asynchronous O_DIRECT reads through Linux native AIO (libaio), for the
 * directio path checker run from one event loop without threads.
 *
 * A struct mp_aio is a set of kernel AIO contexts sharing one eventfd. Every
 * read is submitted with IOCB_FLAG_RESFD, so the eventfd becomes readable
 * (POLLIN / EPOLLIN) when a read has completed; the caller then calls
 * mp_aio_reap() until it returns 0. Each read carries a caller-chosen 64-bit
 * tag that comes back with its result, so the loop never hands the kernel a
 * pointer to one of its own objects.
 *
 * Lifetime: the iocb and its aligned buffer belong to a slot of the
 * struct mp_aio, not to the caller, and a slot is only reused after its
 * completion was reaped. A read that hangs in the kernel (a path whose
 * device never answers) therefore keeps its slot, and nothing else, until
 * the SCSI layer finally ends it; the caller may forget the read, close its
 * fd (the kernel holds its own file reference) or free its path meanwhile.
 * Contexts are added 256 slots at a time as reads are outstanding, so the
 * cost is one slot per path whose read is in flight.
 *
 * Cancellation: mp_aio_cancel() asks the kernel with io_cancel(); block
 * devices do not implement it (-EOPNOTSUPP here), in which case the read
 * simply completes or fails later. Either way its completion is still
 * delivered through the eventfd and reaped like any other.
 *
 * mp_aio_free() waits (io_destroy) for reads still in the kernel: free it
 * at exit only.
 *
 * All functions return 0 (or a count) or a negative errno. */
#ifndef MP_AIO_H
#define MP_AIO_H

#include <stdint.h>

#define MP_AIO_MAX_LEN		65536	/* largest read (logical block sizes are <= 64 KiB) */

struct mp_aio;

struct mp_aio_result {
	uint64_t tag;
	int64_t res;		/* bytes read, or a negative errno */
	uint32_t len;		/* bytes asked for */
};

int mp_aio_new(struct mp_aio **ret);
void mp_aio_free(struct mp_aio *a);
/* For the caller's epoll set: readable when a completion is waiting. */
int mp_aio_fd(const struct mp_aio *a);
unsigned int mp_aio_inflight(const struct mp_aio *a);

/* Opens a block device node for O_DIRECT reads (O_RDONLY | O_DIRECT |
 * O_NONBLOCK | O_CLOEXEC) and returns its logical block size. */
int mp_aio_open(const char *devnode, int *ret_fd, uint32_t *ret_block_size);

/* Queues a read of len bytes at offset 0 of fd (len a multiple of 512,
 * at most MP_AIO_MAX_LEN). -EINVAL for a bad length; otherwise what
 * io_submit said (-EAGAIN: out of kernel resources, -EBADF...). */
int mp_aio_read(struct mp_aio *a, int fd, uint32_t len, uint64_t tag);

/* Asks the kernel to cancel the read carrying tag. 0 when the kernel took
 * the request (the completion still comes through mp_aio_reap, usually
 * with -ECANCELED), -EOPNOTSUPP when the device cannot cancel, -ENOENT
 * when no read carries that tag. */
int mp_aio_cancel(struct mp_aio *a, uint64_t tag);

/* Collects up to max finished reads into ret[]: their number, 0 when none
 * is waiting, negative errno on failure. Call until it returns less than
 * max. */
int mp_aio_reap(struct mp_aio *a, struct mp_aio_result *ret, unsigned int max);

#endif
