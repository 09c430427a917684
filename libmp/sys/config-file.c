/* OS edge of the config module: reads /etc/multipath.conf and the *.conf
 * files of config_dir (regular files only, each at most MP_CONFIG_FILE_MAX
 * bytes, in name order) and hands the texts to mp_config_parse(). Owns the
 * file buffers for the duration of one load; the snapshot copies what it
 * keeps. Read problems become diagnostics, so `mpctl config check` reports
 * them like any other error. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mp/config.h"
#include "core/config-internal.h"
#include "util/cleanup.h"

struct text {
	char *name;
	char *buf;
	size_t len;
};

/* Reads a whole regular file. -EFBIG when over the limit: refusing is
 * better than parsing a silently truncated config. */
static int read_file(const char *path, char **ret, size_t *ret_len)
{
	_cleanup_free_ char *buf = NULL;
	struct stat st;
	size_t len = 0;
	int fd, r = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {
		r = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		goto out_close;
	}
	buf = malloc(MP_CONFIG_FILE_MAX + 1);
	if (!buf) {
		r = -ENOMEM;
		goto out_close;
	}
	/* read up to one byte past the limit to tell "exactly at" from "over" */
	while (len <= MP_CONFIG_FILE_MAX) {
		ssize_t n = read(fd, buf + len, MP_CONFIG_FILE_MAX + 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			goto out_close;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > MP_CONFIG_FILE_MAX) {
		r = -EFBIG;
		goto out_close;
	}
	*ret = TAKE_PTR(buf);
	*ret_len = len;
out_close:
	close(fd);
	return r;
}

static int file_problem(struct mp_diags *diags, const char *path, int err)
{
	if (err == -EFBIG)
		return mp_cfg_diag(diags, MP_DIAG_ERROR, path, 0,
				   "file larger than %u bytes; refused", MP_CONFIG_FILE_MAX);
	return mp_cfg_diag(diags, MP_DIAG_ERROR, path, 0, "cannot read: %s", strerror(-err));
}

static int conf_filter(const struct dirent *d)
{
	size_t l = strlen(d->d_name);

	return d->d_name[0] != '.' && l > 5 && !strcmp(d->d_name + l - 5, ".conf");
}

static int add_text(struct text **t, size_t *n, size_t *cap, char *name, char *buf, size_t len)
{
	if (mp_cfg_grow((void **)t, cap, *n, sizeof(**t)) < 0) {
		free(name);
		free(buf);
		return -ENOMEM;
	}
	(*t)[(*n)++] = (struct text) { name, buf, len };
	return 0;
}

int mp_config_load(const char *path, bool missing_ok, bool no_config_dir,
		   struct mp_diags *diags, struct mp_config **ret)
{
	struct text *t = NULL;
	size_t n = 0, cap = 0;
	struct mp_config_source *srcs = NULL;
	struct dirent **ents = NULL;
	_cleanup_free_ char *dir = NULL;
	char *buf = NULL, *name;
	bool read_error = false;
	size_t len = 0;
	int ndir = 0, r;

	r = read_file(path, &buf, &len);
	if (r == -ENOENT && missing_ok) {
		r = 0;
	} else if (r < 0) {
		if (file_problem(diags, path, r) < 0)
			return -ENOMEM;
		read_error = true;
		r = 0;
	} else {
		name = strdup(path);
		r = name ? add_text(&t, &n, &cap, name, buf, len) : -ENOMEM;
		if (!name)
			free(buf);
	}
	if (r == 0 && !no_config_dir) {
		r = mp_config_find_config_dir(n ? t[0].buf : "", n ? t[0].len : 0, &dir);
		if (r == 0 && dir[0]) {
			ndir = scandir(dir, &ents, conf_filter, alphasort);
			if (ndir < 0)
				ndir = 0;	/* no config_dir is the common case */
		}
	}
	for (int i = 0; i < ndir; i++) {
		if (r == 0 && asprintf(&name, "%s/%s", dir, ents[i]->d_name) < 0)
			r = -ENOMEM;
		if (r == 0) {
			int e = read_file(name, &buf, &len);

			if (e < 0) {
				read_error = true;
				r = file_problem(diags, name, e);
				free(name);
			} else {
				r = add_text(&t, &n, &cap, name, buf, len);
			}
		}
		free(ents[i]);
	}
	free(ents);
	if (r == 0) {
		srcs = calloc(n ? n : 1, sizeof(*srcs));
		if (!srcs)
			r = -ENOMEM;
	}
	for (size_t i = 0; r == 0 && i < n; i++)
		srcs[i] = (struct mp_config_source) { t[i].name, t[i].buf, t[i].len };
	if (r == 0) {
		struct mp_config *cfg = NULL;

		r = mp_config_parse(srcs, n, diags, &cfg);
		if (r == 0 && read_error) {
			mp_config_free(cfg);
			r = -EINVAL;
		} else if (r == 0) {
			*ret = cfg;
		}
	}
	for (size_t i = 0; i < n; i++) {
		free(t[i].name);
		free(t[i].buf);
	}
	free(t);
	free(srcs);
	return r;
}
