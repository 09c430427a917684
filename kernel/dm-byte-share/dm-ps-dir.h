/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The direction-aware selector entry point that kernel/patches/
 * 0001-dm-mpath-pass-the-io-direction-to-path-selectors.patch adds to
 * dm-multipath. byte-share is built against the *stock* selector header
 * (the module must load on an unpatched kernel too), so it declares the
 * entry point itself and looks it up at load time with symbol_get(): on a
 * stock dm-multipath the lookup fails and byte-share registers the
 * ordinary way, with one share per path.
 *
 * This declaration must stay identical to the patch's. symbol_get() does
 * not compare modversions CRCs, hence the explicit version field: the
 * patched registry refuses an ops table whose version it does not know.
 */
#ifndef DM_BYTE_SHARE_PS_DIR_H
#define DM_BYTE_SHARE_PS_DIR_H

#ifndef DM_PS_DIR_OPS_VERSION
#define DM_PS_DIR_OPS_VERSION 1

/* dir is READ (0) or WRITE (1), as rq_data_dir()/bio_data_dir() give it */
struct path_selector_dir_ops {
	unsigned int version;	/* DM_PS_DIR_OPS_VERSION */
	struct dm_path *(*select_path)(struct path_selector *ps,
				       size_t nr_bytes, int dir);
	int (*start_io)(struct path_selector *ps, struct dm_path *path,
			size_t nr_bytes, int dir);
	int (*end_io)(struct path_selector *ps, struct dm_path *path,
		      size_t nr_bytes, u64 start_time, int dir);
};

int dm_register_path_selector_dir(struct path_selector_type *type,
				  const struct path_selector_dir_ops *ops);
#endif

#endif
