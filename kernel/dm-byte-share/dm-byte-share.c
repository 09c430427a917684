// SPDX-License-Identifier: GPL-2.0
/*
 * dm-byte-share: a device-mapper multipath path selector that splits the
 * bytes of a priority group among its usable paths in proportion to a
 * per-path share (an integer weight).
 *
 * Table form (one word per path, so one table text works in both modes):
 *
 *   byte-share <#args> [<window_ms>] <#paths> 1 <dev> <share> ...
 *   byte-share 0 2 1 8:0 70 8:16 30
 *   byte-share 0 2 1 8:0 80/20 8:16 20/80       (<read_share>/<write_share>)
 *
 * Modes, fixed when the module loads:
 *   rw      dm-multipath exports dm_register_path_selector_dir() (the
 *           direction patch in kernel/patches/): reads and writes are
 *           balanced separately, each by its own share. A plain <share>
 *           applies to both directions.
 *   single  stock dm-multipath: no callback says whether an I/O reads or
 *           writes, so there is one counter per path. A <read>/<write>
 *           pair then acts as one share of read + write (equal split for
 *           an even mix) and is printed back unchanged.
 *
 * Policy: for each I/O, among the usable paths, pick the one with the
 * smallest load/share, where load is the bytes started on the path
 * (counted in start_io: select_path is also called by ioctls with 0 bytes
 * and no I/O following). Loads decay: every window/4 all loads of the
 * group are halved, so they hold roughly the last window's bytes and old
 * history stops mattering. A path that comes back (reinstate) is levelled
 * to the group: its load is set to share * min(load/share) of the other
 * usable paths, so it takes its share at once, with no catch-up burst.
 *
 * Status (dmsetup status): group "2 <mode> <window_ms>"; per path the
 * bytes started since the table was loaded: "<bytes>" (single) or
 * "<read_bytes> <write_bytes>" (rw). A table reload makes a new selector
 * instance, so counters restart.
 *
 * Locking: select_path and start_io run concurrently on several CPUs
 * without dm's lock; status runs under dm's spinlock with interrupts off.
 * One irqsave spinlock per selector guards the path list and all
 * counters; nothing here sleeps except create/add_path/destroy, which run
 * from table load and destruction. Ownership: the selector owns its
 * bs_path entries and frees them in destroy; the dm_path belongs to
 * dm-multipath.
 */
#include <linux/device-mapper.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "dm-path-selector.h"
#include "dm-ps-dir.h"

#define DM_MSG_PREFIX		"multipath byte-share"
#define BS_VERSION_MAJOR	1
#define BS_VERSION_MINOR	0
#define BS_VERSION_PATCH	0

#define BS_SHARE_MAX		100000u
#define BS_WINDOW_MS_DEFAULT	1000u
#define BS_WINDOW_MS_MIN	40u
#define BS_WINDOW_MS_MAX	600000u
#define BS_HALVINGS_PER_WINDOW	4u

enum { BS_READ, BS_WRITE, BS_NR_DIRS };

struct bs_path {
	struct list_head list;
	struct dm_path *path;
	bool usable;
	bool split;			/* given as <read>/<write> */
	u32 arg[BS_NR_DIRS];		/* the shares as written in the table */
	u32 share[BS_NR_DIRS];		/* effective; single mode uses [0] */
	u64 load[BS_NR_DIRS];		/* decayed bytes */
	u64 bytes[BS_NR_DIRS];		/* bytes started since table load */
};

struct bs_selector {
	spinlock_t lock;
	struct list_head paths;
	unsigned int window_ms;
	bool window_given;		/* print the ctr arg back only if given */
	unsigned long tick;		/* jiffies between two halvings */
	unsigned long last_decay;	/* jiffies */
};

/* Set once at module load, before registration; read-only afterwards. */
static bool bs_rw_mode;
static int (*bs_register_dir)(struct path_selector_type *,
			      const struct path_selector_dir_ops *);

static inline int bs_nr_dirs(void)
{
	return bs_rw_mode ? BS_NR_DIRS : 1;
}

/* ---- construction ---------------------------------------------------------- */

static int bs_create(struct path_selector *ps, unsigned int argc, char **argv)
{
	struct bs_selector *s;
	unsigned int window_ms = BS_WINDOW_MS_DEFAULT;

	if (argc > 1)
		return -EINVAL;
	if (argc == 1) {
		if (kstrtouint(argv[0], 10, &window_ms) ||
		    window_ms < BS_WINDOW_MS_MIN || window_ms > BS_WINDOW_MS_MAX) {
			DMWARN("window_ms must be %u..%u, got %s",
			       BS_WINDOW_MS_MIN, BS_WINDOW_MS_MAX, argv[0]);
			return -EINVAL;
		}
	}

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	spin_lock_init(&s->lock);
	INIT_LIST_HEAD(&s->paths);
	s->window_ms = window_ms;
	s->window_given = argc == 1;
	s->tick = max(1UL, msecs_to_jiffies(window_ms / BS_HALVINGS_PER_WINDOW));
	s->last_decay = jiffies;
	ps->context = s;
	return 0;
}

static void bs_destroy(struct path_selector *ps)
{
	struct bs_selector *s = ps->context;
	struct bs_path *p, *tmp;

	list_for_each_entry_safe(p, tmp, &s->paths, list) {
		list_del(&p->list);
		kfree(p);
	}
	kfree(s);
	ps->context = NULL;
}

/* "<share>" or "<read>/<write>", each 1..BS_SHARE_MAX. */
static int bs_parse_share(const char *word, struct bs_path *p)
{
	char buf[32];
	char *slash;
	unsigned int r, w;

	if (strscpy(buf, word, sizeof(buf)) < 0)
		return -EINVAL;
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	if (kstrtouint(buf, 10, &r) || r < 1 || r > BS_SHARE_MAX)
		return -EINVAL;
	w = r;
	if (slash && (kstrtouint(slash, 10, &w) || w < 1 || w > BS_SHARE_MAX))
		return -EINVAL;

	p->split = slash != NULL;
	p->arg[BS_READ] = r;
	p->arg[BS_WRITE] = w;
	if (bs_rw_mode) {
		p->share[BS_READ] = r;
		p->share[BS_WRITE] = w;
	} else {
		p->share[0] = p->split ? r + w : r;
	}
	return 0;
}

static int bs_add_path(struct path_selector *ps, struct dm_path *path,
		       int argc, char **argv, char **error)
{
	struct bs_selector *s = ps->context;
	struct bs_path *p;
	unsigned long flags;

	if (argc > 1) {
		*error = "byte-share: one per-path arg: <share> or <read_share>/<write_share>";
		return -EINVAL;
	}

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p) {
		*error = "byte-share: out of memory";
		return -ENOMEM;
	}
	if (argc == 1) {
		if (bs_parse_share(argv[0], p)) {
			*error = "byte-share: invalid share (1..100000, or <read>/<write>)";
			kfree(p);
			return -EINVAL;
		}
	} else {
		bs_parse_share("1", p);
	}
	p->path = path;
	p->usable = true;
	path->pscontext = p;

	spin_lock_irqsave(&s->lock, flags);
	list_add_tail(&p->list, &s->paths);
	spin_unlock_irqrestore(&s->lock, flags);
	return 0;
}

/* ---- the policy (all under s->lock) ---------------------------------------- */

/* True when a's load per share is below b's: a.load/a.share < b.load/b.share. */
static inline bool bs_lighter(const struct bs_path *a, const struct bs_path *b, int d)
{
	/* loads stay far below 2^64 / BS_SHARE_MAX thanks to the decay */
	return a->load[d] * b->share[d] < b->load[d] * a->share[d];
}

static void bs_decay(struct bs_selector *s)
{
	unsigned long now = jiffies, n;
	struct bs_path *p;
	int d;

	n = (now - s->last_decay) / s->tick;
	if (!n)
		return;
	s->last_decay += n * s->tick;
	if (n > 63)
		n = 63;
	list_for_each_entry(p, &s->paths, list)
		for (d = 0; d < bs_nr_dirs(); d++)
			p->load[d] >>= n;
}

static struct bs_path *bs_pick(struct bs_selector *s, int d)
{
	struct bs_path *p, *best = NULL;

	list_for_each_entry(p, &s->paths, list) {
		if (!p->usable)
			continue;
		if (!best || bs_lighter(p, best, d))
			best = p;
	}
	return best;
}

/* Levels a returning path to the lightest usable one of the others. */
static void bs_level(struct bs_selector *s, struct bs_path *back)
{
	struct bs_path *p, *ref;
	int d;

	for (d = 0; d < bs_nr_dirs(); d++) {
		ref = NULL;
		list_for_each_entry(p, &s->paths, list) {
			if (p == back || !p->usable)
				continue;
			if (!ref || bs_lighter(p, ref, d))
				ref = p;
		}
		if (ref)
			back->load[d] = mul_u64_u32_div(ref->load[d], back->share[d],
							ref->share[d]);
	}
}

static struct dm_path *bs_select(struct path_selector *ps, int d)
{
	struct bs_selector *s = ps->context;
	struct bs_path *p;
	unsigned long flags;

	spin_lock_irqsave(&s->lock, flags);
	p = bs_pick(s, d);
	spin_unlock_irqrestore(&s->lock, flags);
	return p ? p->path : NULL;
}

static void bs_account(struct path_selector *ps, struct dm_path *path,
		       size_t nr_bytes, int d)
{
	struct bs_selector *s = ps->context;
	struct bs_path *p = path->pscontext;
	unsigned long flags;

	spin_lock_irqsave(&s->lock, flags);
	bs_decay(s);
	p->load[d] += nr_bytes;
	p->bytes[d] += nr_bytes;
	spin_unlock_irqrestore(&s->lock, flags);
}

static inline int bs_dir_index(int dir)
{
	return bs_rw_mode && dir == WRITE ? BS_WRITE : BS_READ;
}

/* ---- callbacks ------------------------------------------------------------- */

static struct dm_path *bs_select_path(struct path_selector *ps, size_t nr_bytes)
{
	return bs_select(ps, BS_READ);
}

static int bs_start_io(struct path_selector *ps, struct dm_path *path,
		       size_t nr_bytes)
{
	bs_account(ps, path, nr_bytes, BS_READ);
	return 0;
}

static struct dm_path *bs_select_path_dir(struct path_selector *ps,
					  size_t nr_bytes, int dir)
{
	return bs_select(ps, bs_dir_index(dir));
}

static int bs_start_io_dir(struct path_selector *ps, struct dm_path *path,
			   size_t nr_bytes, int dir)
{
	bs_account(ps, path, nr_bytes, bs_dir_index(dir));
	return 0;
}

static void bs_fail_path(struct path_selector *ps, struct dm_path *path)
{
	struct bs_selector *s = ps->context;
	struct bs_path *p = path->pscontext;
	unsigned long flags;

	spin_lock_irqsave(&s->lock, flags);
	p->usable = false;
	spin_unlock_irqrestore(&s->lock, flags);
}

static int bs_reinstate_path(struct path_selector *ps, struct dm_path *path)
{
	struct bs_selector *s = ps->context;
	struct bs_path *p = path->pscontext;
	unsigned long flags;

	spin_lock_irqsave(&s->lock, flags);
	if (!p->usable) {
		bs_decay(s);
		bs_level(s, p);
		p->usable = true;
	}
	spin_unlock_irqrestore(&s->lock, flags);
	return 0;
}

/* Emits exactly table_args (1) / info_args (1 or 2) words per path. */
static int bs_status(struct path_selector *ps, struct dm_path *path,
		     status_type_t type, char *result, unsigned int maxlen)
{
	struct bs_selector *s = ps->context;
	struct bs_path *p;
	unsigned long flags;
	unsigned int sz = 0;

	if (!path) {
		switch (type) {
		case STATUSTYPE_INFO:
			DMEMIT("2 %s %u ", bs_rw_mode ? "rw" : "single", s->window_ms);
			break;
		case STATUSTYPE_TABLE:
			if (s->window_given)
				DMEMIT("1 %u ", s->window_ms);
			else
				DMEMIT("0 ");
			break;
		case STATUSTYPE_IMA:
			*result = '\0';
			break;
		}
		return sz;
	}

	p = path->pscontext;
	switch (type) {
	case STATUSTYPE_INFO:
		spin_lock_irqsave(&s->lock, flags);
		if (bs_rw_mode)
			DMEMIT("%llu %llu ", p->bytes[BS_READ], p->bytes[BS_WRITE]);
		else
			DMEMIT("%llu ", p->bytes[0]);
		spin_unlock_irqrestore(&s->lock, flags);
		break;
	case STATUSTYPE_TABLE:
		if (p->split)
			DMEMIT("%u/%u ", p->arg[BS_READ], p->arg[BS_WRITE]);
		else
			DMEMIT("%u ", p->arg[BS_READ]);
		break;
	case STATUSTYPE_IMA:
		*result = '\0';
		break;
	}
	return sz;
}

/* ---- registration ---------------------------------------------------------- */

static struct path_selector_type bs_ps = {
	.name		= "byte-share",
	.module		= THIS_MODULE,
	.table_args	= 1,
	.info_args	= 1,		/* 2 in rw mode, set before registering */
	.create		= bs_create,
	.destroy	= bs_destroy,
	.add_path	= bs_add_path,
	.fail_path	= bs_fail_path,
	.reinstate_path	= bs_reinstate_path,
	.select_path	= bs_select_path,
	.start_io	= bs_start_io,
	.status		= bs_status,
};

static const struct path_selector_dir_ops bs_dir_ops = {
	.version	= DM_PS_DIR_OPS_VERSION,
	.select_path	= bs_select_path_dir,
	.start_io	= bs_start_io_dir,
};

static int __init dm_bs_init(void)
{
	int r = -ENOENT;

	bs_register_dir = symbol_get(dm_register_path_selector_dir);
	if (bs_register_dir) {
		bs_rw_mode = true;
		bs_ps.info_args = 2;
		r = bs_register_dir(&bs_ps, &bs_dir_ops);
		if (r) {
			/* e.g. a version the patched registry does not know */
			DMWARN("direction entry point refused us (%d): one share per path", r);
			symbol_put(dm_register_path_selector_dir);
			bs_register_dir = NULL;
		}
	}
	if (!bs_register_dir) {
		bs_rw_mode = false;
		bs_ps.info_args = 1;
		r = dm_register_path_selector(&bs_ps);
	}
	if (r < 0) {
		DMERR("register failed %d", r);
		if (bs_register_dir)
			symbol_put(dm_register_path_selector_dir);
		return r;
	}

	DMINFO("version %u.%u.%u loaded, %s mode", BS_VERSION_MAJOR,
	       BS_VERSION_MINOR, BS_VERSION_PATCH, bs_rw_mode ? "rw" : "single");
	return 0;
}

static void __exit dm_bs_exit(void)
{
	int r = dm_unregister_path_selector(&bs_ps);

	if (r < 0)
		DMERR("unregister failed %d", r);
	if (bs_register_dir)
		symbol_put(dm_register_path_selector_dir);
}

module_init(dm_bs_init);
module_exit(dm_bs_exit);

MODULE_DESCRIPTION(DM_NAME " path selector splitting bytes among paths by share");
MODULE_LICENSE("GPL");
