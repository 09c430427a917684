/* The libaio adapter (mp/aio.h): O_DIRECT reads of one block, completed
 * through an eventfd.
 *
 * Owns: the eventfd, a list of chunks (one io_context_t and CHUNK_SLOTS
 * slots each) and, per slot, one iocb and one page-aligned buffer.
 * Invariants: a slot is on the free list exactly when no iocb of it is in
 * the kernel; the kernel's io_event.obj points at a slot's iocb, and that
 * slot (with its buffer) stays allocated until the event is reaped or the
 * whole struct is destroyed after io_destroy() waited for it. Chunks are
 * only ever added, so a slot's address never changes.
 *
 * libaio returns negative errno values directly (not through errno); they
 * are passed on unchanged. */
#include <errno.h>
#include <fcntl.h>
#include <libaio.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <linux/fs.h>
#include <unistd.h>

#include "mp/aio.h"

#define CHUNK_SLOTS	256
#define BUF_ALIGN	4096

struct slot {
	struct iocb cb;		/* first: the kernel hands &cb back */
	struct chunk *chunk;
	struct slot *next_free;
	void *buf;
	uint32_t buf_len;
	uint64_t tag;
	bool busy;
};

struct chunk {
	struct chunk *next;
	io_context_t ctx;
	unsigned int inflight;
	struct slot slots[CHUNK_SLOTS];
};

struct mp_aio {
	int efd;
	struct chunk *chunks;
	struct slot *free;
	unsigned int inflight;
};

int mp_aio_new(struct mp_aio **ret)
{
	struct mp_aio *a = calloc(1, sizeof(*a));

	if (!a)
		return -ENOMEM;
	a->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (a->efd < 0) {
		int r = -errno;

		free(a);
		return r;
	}
	*ret = a;
	return 0;
}

void mp_aio_free(struct mp_aio *a)
{
	struct chunk *c, *next;

	if (!a)
		return;
	for (c = a->chunks; c; c = next) {
		next = c->next;
		/* waits for reads still in the kernel: only then may the
		 * buffers they write into go */
		io_destroy(c->ctx);
		for (unsigned int i = 0; i < CHUNK_SLOTS; i++)
			free(c->slots[i].buf);
		free(c);
	}
	close(a->efd);
	free(a);
}

int mp_aio_fd(const struct mp_aio *a)
{
	return a->efd;
}

unsigned int mp_aio_inflight(const struct mp_aio *a)
{
	return a->inflight;
}

int mp_aio_open(const char *devnode, int *ret_fd, uint32_t *ret_block_size)
{
	int fd, bs = 0, r;

	fd = open(devnode, O_RDONLY | O_DIRECT | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, BLKSSZGET, &bs) < 0) {
		r = -errno;
		goto out_close;
	}
	if (bs < 512 || bs > MP_AIO_MAX_LEN || bs % 512) {
		r = -EINVAL;
		goto out_close;
	}
	*ret_fd = fd;
	*ret_block_size = (uint32_t)bs;
	return 0;
out_close:
	close(fd);
	return r;
}

static int add_chunk(struct mp_aio *a)
{
	struct chunk *c = calloc(1, sizeof(*c));
	int r;

	if (!c)
		return -ENOMEM;
	r = io_setup(CHUNK_SLOTS, &c->ctx);
	if (r < 0) {
		free(c);
		return r;	/* -EAGAIN: /proc/sys/fs/aio-max-nr reached */
	}
	for (unsigned int i = CHUNK_SLOTS; i-- > 0;) {
		c->slots[i].chunk = c;
		c->slots[i].next_free = a->free;
		a->free = &c->slots[i];
	}
	c->next = a->chunks;
	a->chunks = c;
	return 0;
}

int mp_aio_read(struct mp_aio *a, int fd, uint32_t len, uint64_t tag)
{
	struct iocb *cbs[1];
	struct slot *s;
	int r;

	if (len == 0 || len > MP_AIO_MAX_LEN || len % 512)
		return -EINVAL;
	if (!a->free) {
		r = add_chunk(a);
		if (r < 0)
			return r;
	}
	s = a->free;
	if (s->buf_len < len) {
		void *buf;

		if (posix_memalign(&buf, BUF_ALIGN, len) != 0)
			return -ENOMEM;
		free(s->buf);
		s->buf = buf;
		s->buf_len = len;
	}
	io_prep_pread(&s->cb, fd, s->buf, len, 0);
	io_set_eventfd(&s->cb, a->efd);
	cbs[0] = &s->cb;
	r = io_submit(s->chunk->ctx, 1, cbs);
	if (r != 1)
		return r < 0 ? r : -EAGAIN;
	a->free = s->next_free;
	s->next_free = NULL;
	s->tag = tag;
	s->busy = true;
	s->chunk->inflight++;
	a->inflight++;
	return 0;
}

static struct slot *find_tag(struct mp_aio *a, uint64_t tag)
{
	for (struct chunk *c = a->chunks; c; c = c->next) {
		if (!c->inflight)
			continue;
		for (unsigned int i = 0; i < CHUNK_SLOTS; i++)
			if (c->slots[i].busy && c->slots[i].tag == tag)
				return &c->slots[i];
	}
	return NULL;
}

int mp_aio_cancel(struct mp_aio *a, uint64_t tag)
{
	struct slot *s = find_tag(a, tag);
	struct io_event ev;
	int r;

	if (!s)
		return -ENOENT;
	r = io_cancel(s->chunk->ctx, &s->cb, &ev);
	/* since Linux 4.x a successful cancel says -EINPROGRESS and the
	 * event arrives on the ring; -EINVAL means no cancel method */
	if (r == 0 || r == -EINPROGRESS)
		return 0;
	return r == -EINVAL ? -EOPNOTSUPP : r;
}

static void release(struct mp_aio *a, struct slot *s)
{
	s->busy = false;
	s->chunk->inflight--;
	a->inflight--;
	s->next_free = a->free;
	a->free = s;
}

int mp_aio_reap(struct mp_aio *a, struct mp_aio_result *ret, unsigned int max)
{
	struct io_event evs[32];
	struct timespec zero = { 0, 0 };
	unsigned int n = 0;
	uint64_t cnt;

	/* drain the counter first: a completion that lands after this read
	 * raises it again, so none is ever left without a wake-up */
	if (read(a->efd, &cnt, sizeof(cnt)) < 0 && errno != EAGAIN)
		return -errno;
	for (struct chunk *c = a->chunks; c && n < max; c = c->next) {
		while (c->inflight && n < max) {
			long want = (long)(max - n) < 32 ? (long)(max - n) : 32;
			int got = io_getevents(c->ctx, 0, want, evs, &zero);

			if (got < 0)
				return n ? (int)n : got;
			if (got == 0)
				break;
			for (int i = 0; i < got; i++) {
				struct slot *s = (struct slot *)(void *)evs[i].obj;

				ret[n].tag = s->tag;
				ret[n].res = (long)evs[i].res;
				ret[n].len = (uint32_t)s->cb.u.c.nbytes;
				n++;
				release(a, s);
			}
		}
	}
	return (int)n;
}
