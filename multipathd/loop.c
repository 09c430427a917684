/* The event loop: one epoll set, fd callbacks, and one timerfd armed at the
 * earliest deadline of a binary min-heap of one-shot timers.
 *
 * Owns: the epoll fd, the timerfd, the fd table (fd -> callback + id) and
 * the heap. Timers are never cancelled; each carries (id, gen) and its
 * callback ignores it when the object's generation moved on (lazy
 * deletion), so no pointer to a path or map ever sits in the heap.
 * Invariant: the timerfd is armed at heap[0].deadline whenever the heap is
 * non-empty (re-armed after every change of the minimum), rounded up to
 * the next multiple of MPD_TIMER_SLACK_MS unless that timer is precise.
 *
 * Why the slack: a thousand healthy paths checked every 20 s are 50 check
 * timers a second, each its own wake-up. Rounded up to a 100 ms grid, the
 * timers due in one tenth of a second fire in one wake-up, and since their
 * next deadlines are computed from the same loop time they stay together.
 * No timer fires early. A timer set less than a second ahead (a start-up
 * slice's "run again now", a retry) is precise: it is never rounded; a
 * later one is at most 100 ms late, and a precise one at most that when a
 * rounded one falls due just before it. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"

struct fd_entry {
	int fd;
	mpd_fd_fn fn;
	uint64_t id;
};

struct timer {
	uint64_t deadline_ms;
	mpd_timer_fn fn;
	uint64_t id;
	uint64_t gen;
	bool precise;		/* never rounded up (see the top) */
};

/* A timer set less than this far ahead is precise (see the top). */
#define MPD_TIMER_PRECISE_MS 1000u

struct mpd_loop {
	uint64_t now_ms;	/* when the loop last woke */
	int epoll_fd;
	int timer_fd;
	struct fd_entry *fds;	/* indexed by fd */
	size_t n_fds;
	struct timer *heap;
	size_t n_heap, cap_heap;
	uint64_t armed_ms;	/* what timer_fd is set to, 0 = disarmed */
};

uint64_t mpd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t mpd_loop_now_ms(const struct mpd_loop *l)
{
	return l->now_ms;
}

uint64_t mpd_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

int mpd_loop_new(struct mpd_loop **ret)
{
	struct mpd_loop *l = calloc(1, sizeof(*l));
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = -1 };
	int r;

	if (!l)
		return -ENOMEM;
	l->now_ms = mpd_now_ms();
	l->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	l->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (l->epoll_fd < 0 || l->timer_fd < 0) {
		r = -errno;
		goto out_free;
	}
	ev.data.fd = l->timer_fd;
	if (epoll_ctl(l->epoll_fd, EPOLL_CTL_ADD, l->timer_fd, &ev) < 0) {
		r = -errno;
		goto out_free;
	}
	*ret = l;
	return 0;
out_free:
	mpd_loop_free(l);
	return r;
}

void mpd_loop_free(struct mpd_loop *l)
{
	if (!l)
		return;
	if (l->epoll_fd >= 0)
		close(l->epoll_fd);
	if (l->timer_fd >= 0)
		close(l->timer_fd);
	free(l->fds);
	free(l->heap);
	free(l);
}

int mpd_loop_add_fd(struct mpd_loop *l, int fd, uint32_t events, mpd_fd_fn fn, uint64_t id)
{
	struct epoll_event ev = { .events = events, .data.fd = fd };

	if (fd < 0)
		return -EBADF;
	if ((size_t)fd >= l->n_fds) {
		size_t n = (size_t)fd * 2 + 16;
		struct fd_entry *v = realloc(l->fds, n * sizeof(*v));

		if (!v)
			return -ENOMEM;
		memset(v + l->n_fds, 0, (n - l->n_fds) * sizeof(*v));
		l->fds = v;
		l->n_fds = n;
	}
	if (epoll_ctl(l->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -errno;
	l->fds[fd] = (struct fd_entry){ .fd = fd, .fn = fn, .id = id };
	return 0;
}

int mpd_loop_mod_fd(struct mpd_loop *l, int fd, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.fd = fd };

	return epoll_ctl(l->epoll_fd, EPOLL_CTL_MOD, fd, &ev) < 0 ? -errno : 0;
}

void mpd_loop_del_fd(struct mpd_loop *l, int fd)
{
	if (fd < 0 || (size_t)fd >= l->n_fds)
		return;
	epoll_ctl(l->epoll_fd, EPOLL_CTL_DEL, fd, NULL);
	l->fds[fd].fn = NULL;
}

static void heap_swap(struct timer *a, struct timer *b)
{
	struct timer t = *a;

	*a = *b;
	*b = t;
}

static void heap_up(struct mpd_loop *l, size_t i)
{
	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (l->heap[parent].deadline_ms <= l->heap[i].deadline_ms)
			break;
		heap_swap(&l->heap[parent], &l->heap[i]);
		i = parent;
	}
}

static void heap_down(struct mpd_loop *l, size_t i)
{
	for (;;) {
		size_t left = 2 * i + 1, right = left + 1, min = i;

		if (left < l->n_heap && l->heap[left].deadline_ms < l->heap[min].deadline_ms)
			min = left;
		if (right < l->n_heap && l->heap[right].deadline_ms < l->heap[min].deadline_ms)
			min = right;
		if (min == i)
			return;
		heap_swap(&l->heap[min], &l->heap[i]);
		i = min;
	}
}

static void rearm(struct mpd_loop *l)
{
	struct itimerspec its = { 0 };
	uint64_t when = l->n_heap ? l->heap[0].deadline_ms : 0;

	if (when && !l->heap[0].precise)
		when = (when + MPD_TIMER_SLACK_MS - 1) / MPD_TIMER_SLACK_MS * MPD_TIMER_SLACK_MS;
	if (when == l->armed_ms)
		return;
	if (when) {
		/* absolute; a deadline in the past fires at once */
		its.it_value.tv_sec = when / 1000;
		its.it_value.tv_nsec = (long)(when % 1000) * 1000000;
		if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
			its.it_value.tv_nsec = 1;
	}
	timerfd_settime(l->timer_fd, TFD_TIMER_ABSTIME, &its, NULL);
	l->armed_ms = when;
}

int mpd_loop_add_timer(struct mpd_loop *l, uint64_t deadline_ms, mpd_timer_fn fn, uint64_t id,
		       uint64_t gen)
{
	if (deadline_ms == MP_POLICY_NEVER)
		return 0;
	if (l->n_heap == l->cap_heap) {
		size_t n = l->cap_heap ? l->cap_heap * 2 : 64;
		struct timer *v = realloc(l->heap, n * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->heap = v;
		l->cap_heap = n;
	}
	l->heap[l->n_heap] = (struct timer){ deadline_ms ? deadline_ms : 1, fn, id, gen,
					     deadline_ms < l->now_ms + MPD_TIMER_PRECISE_MS };
	heap_up(l, l->n_heap++);
	rearm(l);
	return 0;
}

static void run_timers(struct mpd_loop *l, struct mpd *d)
{
	uint64_t now = l->now_ms, expirations;

	if (read(l->timer_fd, &expirations, sizeof(expirations)) < 0 && errno != EAGAIN)
		return;
	l->armed_ms = 0;
	while (l->n_heap && l->heap[0].deadline_ms <= now && !d->quit) {
		struct timer t = l->heap[0];

		l->heap[0] = l->heap[--l->n_heap];
		heap_down(l, 0);
		t.fn(d, t.id, t.gen);
	}
	rearm(l);
}

int mpd_loop_run(struct mpd_loop *l, struct mpd *d)
{
	struct epoll_event evs[32];

	while (!d->quit) {
		int n = epoll_wait(l->epoll_fd, evs, 32, -1);

		l->now_ms = mpd_now_ms();
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (int i = 0; i < n && !d->quit; i++) {
			int fd = evs[i].data.fd;

			if (fd == l->timer_fd) {
				run_timers(l, d);
				continue;
			}
			/* the entry may have been removed by an earlier callback */
			if ((size_t)fd < l->n_fds && l->fds[fd].fn)
				l->fds[fd].fn(d, fd, evs[i].events, l->fds[fd].id);
		}
		rearm(l);
	}
	return 0;
}
