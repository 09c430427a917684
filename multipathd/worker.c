/* The worker pool: a few threads that run the libdevmapper calls that can
 * block (create, reload, remove, messages, status reads), so the loop never
 * waits on a suspend or a udev cookie.
 *
 * Owns: the pending queue, the running set and the done queue, each job
 * exactly once. A job holds copies only (uuid, name, table text, message);
 * the loop looks its map up again by uuid when the result arrives.
 * Ordering: a job whose uuid matches a running job waits, so messages and
 * reloads of one map run in submission order; different maps run in
 * parallel. Creates are batched: a worker that takes a create also takes
 * every other runnable create (up to MPD_CREATE_BATCH) and issues them
 * together (mp_dm_create_batch), so n new maps cost about one udev round
 * instead of n; while the loop queues a whole assembly it plugs the pool
 * (mpd_workers_plug) so the batch is not cut short by an eager worker. The
 * jobs of a batch are chained from running[slot] through ->next while they
 * run, and each leaves the chain as its own udev cookie completes.
 * Results go to the done queue and one eventfd write wakes the loop. Share-nothing: threads touch only the job they took and the queues
 * under the mutex; the mp_dm handle serialises itself. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <unistd.h>

#include "daemon.h"

#define MPD_MAX_WORKERS 4
/* One batch can take a whole start-up assembly: at 256 LUNs, batches of 64
 * cost three udev rounds before the last map even existed in the kernel. */
#define MPD_CREATE_BATCH 1024
/* The workers' nice value. Their jobs are map creates, failover reloads and
 * path messages; the new maps' uevents start a udev probe storm (a dozen
 * workers, each execing dmsetup and reading the map) that, at the default
 * weight, took most of the CPU from the creates still to come: 0.1 s per
 * create alone, 0.4 s in the storm (64 LUNs under emulation). At -10 a
 * worker outweighs about nine default tasks. The jobs are short ioctls,
 * so this cannot starve anyone for long. */
#define MPD_WORKER_NICE (-10)

struct mpd_workers {
	struct mp_dm *dm;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct mpd_job *pending;	/* FIFO */
	struct mpd_job *done;		/* FIFO */
	const struct mpd_job *running[MPD_MAX_WORKERS];	/* a batch: chained by ->next */
	unsigned int n_outstanding;	/* pending + running + done */
	unsigned int n_threads;
	pthread_t threads[MPD_MAX_WORKERS];
	int event_fd;
	unsigned int plugged;		/* > 0: hold jobs back (mpd_workers_plug) */
	bool stop;
};

const char *mpd_job_kind_to_string(enum mpd_job_kind k)
{
	static const char *const names[] = { "create", "reload", "message", "remove", "status",
						     "suspend", "resume" };

	return k < _MPD_JOB_MAX ? names[k] : "?";
}

struct mpd_job *mpd_job_new(enum mpd_job_kind kind, const char *uuid, const char *name)
{
	struct mpd_job *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->kind = kind;
	snprintf(j->uuid, sizeof(j->uuid), "%s", uuid ? uuid : "");
	snprintf(j->name, sizeof(j->name), "%s", name ? name : "");
	return j;
}

void mpd_job_free(struct mpd_job *job)
{
	if (!job)
		return;
	free(job->params);
	free(job->status_text);
	free(job->table_text);
	free(job);
}

static void append(struct mpd_job **list, struct mpd_job *j)
{
	j->next = NULL;
	while (*list)
		list = &(*list)->next;
	*list = j;
}

static bool uuid_running(const struct mpd_workers *w, const char *uuid)
{
	for (unsigned int i = 0; i < w->n_threads; i++)
		for (const struct mpd_job *j = w->running[i]; j; j = j->next)
			if (strcmp(j->uuid, uuid) == 0)
				return true;
	return false;
}

/* First pending job whose map is not busy and that no earlier pending job
 * of the same map precedes. Called with the lock held. */
static struct mpd_job *take_runnable(struct mpd_workers *w)
{
	if (w->plugged)
		return NULL;
	for (struct mpd_job **pp = &w->pending; *pp; pp = &(*pp)->next) {
		struct mpd_job *j = *pp;
		bool earlier = false;

		for (struct mpd_job *e = w->pending; e != j; e = e->next)
			if (strcmp(e->uuid, j->uuid) == 0)
				earlier = true;
		if (earlier || uuid_running(w, j->uuid))
			continue;
		*pp = j->next;
		j->next = NULL;
		return j;
	}
	return NULL;
}

/* After taking a create: the other runnable creates, chained behind first
 * (at most MPD_CREATE_BATCH in all). Called with the lock held. */
static void take_create_batch(struct mpd_workers *w, struct mpd_job *first)
{
	struct mpd_job *tail = first;
	unsigned int n = 1;

	for (struct mpd_job **pp = &w->pending; *pp && n < MPD_CREATE_BATCH;) {
		struct mpd_job *j = *pp;
		bool blocked = uuid_running(w, j->uuid);

		for (struct mpd_job *e = w->pending; e != j && !blocked; e = e->next)
			blocked = strcmp(e->uuid, j->uuid) == 0;
		for (struct mpd_job *b = first; b && !blocked; b = b->next)
			blocked = strcmp(b->uuid, j->uuid) == 0;
		if (j->kind != MPD_JOB_CREATE || blocked) {
			pp = &j->next;
			continue;
		}
		*pp = j->next;
		j->next = NULL;
		tail->next = j;
		tail = j;
		n++;
	}
}

static void record_error(struct mpd_workers *w, struct mpd_job *j)
{
	if (j->rc < 0)
		snprintf(j->error, sizeof(j->error), "%s", mp_dm_last_error(w->dm));
}

static void run_job(struct mpd_workers *w, struct mpd_job *j)
{
	const struct mp_dm_id *id = MP_DM_UUID(j->uuid);
	struct mp_dm_target t = { 0 };

	switch (j->kind) {
	case MPD_JOB_CREATE: {
		struct mp_dm_create_args a = { .name = j->name, .uuid = j->uuid, .size = j->size,
					       .params = j->params, .udev_flags = j->flags,
					       .udev_wait_ms = j->udev_wait_ms };

		j->rc = mp_dm_create(w->dm, &a, &j->info);
		break;
	}
	case MPD_JOB_RELOAD: {
		struct mp_dm_reload_args a = { .size = j->size, .params = j->params,
					       .no_flush = j->no_flush, .udev_flags = j->flags,
					       .udev_wait_ms = j->udev_wait_ms };

		j->rc = mp_dm_reload(w->dm, id, &a, &j->info);
		break;
	}
	case MPD_JOB_MESSAGE:
		j->rc = mp_dm_message(w->dm, id, j->msg, NULL);
		break;
	case MPD_JOB_REMOVE:
		/* the partition maps go with the map (they hold it open) */
		j->rc = mp_dm_remove_partmaps(w->dm, j->uuid, j->flags);
		if (j->rc >= 0)
			j->rc = mp_dm_remove(w->dm, id, j->flags);
		break;
	case MPD_JOB_SUSPEND:
		j->rc = mp_dm_suspend(w->dm, id, true);
		break;
	case MPD_JOB_RESUME:
		j->rc = mp_dm_resume(w->dm, id, 0);
		break;
	case MPD_JOB_STATUS:
		j->rc = mp_dm_info(w->dm, id, &j->info);
		if (j->rc < 0)
			break;
		j->rc = mp_dm_get_status(w->dm, id, &t);
		if (j->rc < 0)
			break;
		j->status_text = t.params;
		t.params = NULL;
		j->rc = mp_dm_get_table(w->dm, id, &t);
		if (j->rc < 0)
			break;
		j->table_text = t.params;
		t.params = NULL;
		j->size = t.length;
		break;
	default:
		j->rc = -EINVAL;
	}
	record_error(w, j);
	mp_dm_target_release(&t);
}

/* Hands a finished job to the loop: onto the done queue, one eventfd
 * write. Called with the lock held. */
static void deliver_locked(struct mpd_workers *w, struct mpd_job *j)
{
	uint64_t one = 1;

	append(&w->done, j);
	/* a job of the same map may be runnable now */
	pthread_cond_broadcast(&w->cond);
	if (write(w->event_fd, &one, sizeof(one)) < 0) {
		/* the counter cannot overflow in practice; the loop drains */
	}
}

struct create_batch {
	struct mpd_workers *w;
	unsigned int slot;
	struct mpd_job **jobs;
	const int *rcs;
	const struct mp_dm_map_info *infos;
};

/* mp_dm_create_batch's report: one create is done with udev. Its job
 * leaves the running chain for the done queue at once, so the other maps'
 * results (and their next jobs) never wait for a map whose udev work
 * hangs. Runs under the adapter's lock; takes only the pool's. */
static void create_reported(void *userdata, size_t i)
{
	struct create_batch *b = userdata;
	struct mpd_workers *w = b->w;
	struct mpd_job *j = b->jobs[i];

	j->rc = b->rcs[i];
	if (j->rc == 0)
		j->info = b->infos[i];
	record_error(w, j);
	pthread_mutex_lock(&w->lock);
	for (const struct mpd_job **pp = &w->running[b->slot]; *pp; pp = (const struct mpd_job **)&(*pp)->next)
		if (*pp == j) {
			*pp = j->next;
			break;
		}
	deliver_locked(w, j);
	pthread_mutex_unlock(&w->lock);
}

/* Runs a chain of creates as one batch; each job is delivered as its
 * create completes (create_reported), the rest here if the batch failed
 * as a whole. */
static void run_create_batch(struct mpd_workers *w, unsigned int slot, struct mpd_job *first)
{
	struct mp_dm_create_args *args;
	struct mp_dm_map_info *infos;
	struct mp_table_udev u = { 0 };
	struct mpd_job **jobs;
	int *rcs;
	size_t n = 0;
	int r = -ENOMEM;

	for (struct mpd_job *j = first; j; j = j->next)
		n++;
	/* the batch's bound grows with its size (udev works on it all at once) */
	(void)mp_policy_table_udev(&(struct mp_table_change){ .create = true, .n_maps = (unsigned int)n }, &u);
	args = calloc(n, sizeof(*args));
	infos = calloc(n, sizeof(*infos));
	rcs = calloc(n, sizeof(*rcs));
	jobs = calloc(n, sizeof(*jobs));
	if (args && infos && rcs && jobs) {
		struct create_batch b = { .w = w, .slot = slot, .jobs = jobs, .rcs = rcs, .infos = infos };

		n = 0;
		for (struct mpd_job *j = first; j; j = j->next, n++) {
			jobs[n] = j;
			args[n] = (struct mp_dm_create_args){ .name = j->name, .uuid = j->uuid,
							      .size = j->size, .params = j->params,
							      .udev_flags = j->flags,
							      .udev_wait_ms = u.wait_ms };
		}
		r = mp_dm_create_batch(w->dm, args, n, rcs, infos,
				       &(struct mp_dm_batch_report){ .done = create_reported, .userdata = &b });
	}
	pthread_mutex_lock(&w->lock);
	/* left only if the batch failed before any create was reported */
	while (w->running[slot]) {
		struct mpd_job *j = (struct mpd_job *)w->running[slot];

		w->running[slot] = j->next;
		j->rc = r < 0 ? r : -EIO;
		record_error(w, j);
		deliver_locked(w, j);
	}
	pthread_mutex_unlock(&w->lock);
	free(args);
	free(infos);
	free(rcs);
	free(jobs);
}

static void *worker_main(void *arg)
{
	struct mpd_workers *w = arg;
	unsigned int slot = UINT32_MAX;

	/* best effort: without CAP_SYS_NICE the worker keeps the default */
	(void)setpriority(PRIO_PROCESS, (id_t)gettid(), MPD_WORKER_NICE);
	pthread_mutex_lock(&w->lock);
	for (unsigned int i = 0; i < w->n_threads; i++)
		if (pthread_equal(w->threads[i], pthread_self()))
			slot = i;
	while (!w->stop) {
		struct mpd_job *j = take_runnable(w);

		if (!j) {
			pthread_cond_wait(&w->cond, &w->lock);
			continue;
		}
		if (j->kind == MPD_JOB_CREATE)
			take_create_batch(w, j);
		w->running[slot] = j;
		pthread_mutex_unlock(&w->lock);
		if (j->next) {
			run_create_batch(w, slot, j);	/* delivers each job itself */
			pthread_mutex_lock(&w->lock);
			continue;
		}
		run_job(w, j);
		pthread_mutex_lock(&w->lock);
		w->running[slot] = NULL;
		deliver_locked(w, j);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

int mpd_workers_new(struct mp_dm *dm, unsigned int n_threads, struct mpd_workers **ret)
{
	struct mpd_workers *w = calloc(1, sizeof(*w));
	int r;

	if (!w)
		return -ENOMEM;
	if (n_threads < 1 || n_threads > MPD_MAX_WORKERS)
		n_threads = 2;
	w->dm = dm;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	w->event_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (w->event_fd < 0) {
		r = -errno;
		goto out_free;
	}
	/* threads look up their slot under the lock, so hold it while starting */
	pthread_mutex_lock(&w->lock);
	for (unsigned int i = 0; i < n_threads; i++) {
		r = -pthread_create(&w->threads[i], NULL, worker_main, w);
		if (r < 0) {
			pthread_mutex_unlock(&w->lock);
			goto out_free;
		}
		w->n_threads++;
	}
	pthread_mutex_unlock(&w->lock);
	*ret = w;
	return 0;
out_free:
	mpd_workers_free(w);
	return r;
}

void mpd_workers_free(struct mpd_workers *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = true;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	/* a running reload finishes first: joining waits for it, so a SIGTERM
	 * never leaves a half-loaded table behind */
	for (unsigned int i = 0; i < w->n_threads; i++)
		pthread_join(w->threads[i], NULL);
	for (struct mpd_job *j = w->pending, *n; j; j = n) {
		n = j->next;
		mpd_job_free(j);
	}
	for (struct mpd_job *j = w->done, *n; j; j = n) {
		n = j->next;
		mpd_job_free(j);
	}
	if (w->event_fd >= 0)
		close(w->event_fd);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

int mpd_workers_eventfd(const struct mpd_workers *w)
{
	return w->event_fd;
}

unsigned int mpd_workers_pending(const struct mpd_workers *w)
{
	return w->n_outstanding;
}

void mpd_workers_plug(struct mpd_workers *w)
{
	pthread_mutex_lock(&w->lock);
	w->plugged++;
	pthread_mutex_unlock(&w->lock);
}

void mpd_workers_unplug(struct mpd_workers *w)
{
	pthread_mutex_lock(&w->lock);
	if (w->plugged && --w->plugged == 0)
		pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

int mpd_workers_submit(struct mpd_workers *w, struct mpd_job *job)
{
	pthread_mutex_lock(&w->lock);
	append(&w->pending, job);
	w->n_outstanding++;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	return 0;
}

void mpd_workers_reap(struct mpd_workers *w, struct mpd *d, mpd_job_done_fn done)
{
	uint64_t count;
	struct mpd_job *list;

	if (read(w->event_fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		return;
	pthread_mutex_lock(&w->lock);
	list = w->done;
	w->done = NULL;
	pthread_mutex_unlock(&w->lock);
	while (list) {
		struct mpd_job *j = list;

		list = j->next;
		w->n_outstanding--;
		done(d, j);
		mpd_job_free(j);
	}
}
