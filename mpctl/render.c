/* Renderers: the daemon's JSON documents (maps with groups and paths,
 * paths, events, status) to text. Pure: no I/O, no clock; every function
 * appends to a caller's mp_strbuf. Used by mpctl and, compiled in, by
 * multipathd's client mode (so both print the same fields the same way).
 *
 * Format fields (the %X letters of `-o` and of `show ... format`) are one
 * table per object kind; the letters and headers are the incumbent's where
 * it has the field, so scripts written for `multipathd show paths format`
 * keep working. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "mpctl.h"

#define C_RED	 "\033[31m"
#define C_GREEN	 "\033[32m"
#define C_YELLOW "\033[33m"
#define C_BOLD	 "\033[1m"
#define C_OFF	 "\033[0m"

const char *mpctl_jstr(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !v)
		return "";
	return json_object_get_string(v);
}

long long mpctl_jint(struct json_object *o, const char *key, long long dflt)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !v)
		return dflt;
	return json_object_get_int64(v);
}

bool mpctl_jbool(struct json_object *o, const char *key)
{
	struct json_object *v;

	return o && json_object_object_get_ex(o, key, &v) && v && json_object_get_boolean(v);
}

struct json_object *mpctl_jget(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (o)
		json_object_object_get_ex(o, key, &v);
	return v;
}

size_t mpctl_jlen(struct json_object *a)
{
	return a && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
}

void mpctl_format_size(unsigned long long sectors, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	double v = (double)sectors / 2;	/* KiB */
	unsigned int u = 0;

	while (v >= 1024 && u < sizeof(units) - 2) {
		v /= 1024;
		u++;
	}
	if (v < 10 && v != (double)(unsigned long long)v)
		snprintf(buf, len, "%.1f%c", v, units[u]);
	else if (v < 10 && u > 0)
		snprintf(buf, len, "%.1f%c", v, units[u]);
	else
		snprintf(buf, len, "%.0f%c", v, units[u]);
}

/* dm-N from "253:N" */
static void dm_kname(struct json_object *map, char *buf, size_t len)
{
	const char *dt = mpctl_jstr(map, "dm_dev_t");
	const char *colon = strchr(dt, ':');

	if (colon)
		snprintf(buf, len, "dm-%s", colon + 1);
	else
		snprintf(buf, len, "-");
}

static const char *chk_word(const char *s, bool compat)
{
	static const struct { const char *ours, *theirs; } map[] = {
		{ "up", "ready" }, { "down", "faulty" }, { "shaky", "shaky" },
		{ "ghost", "ghost" }, { "pending", "i/o pending" }, { "unchecked", "undef" },
	};

	if (!*s)
		return compat ? "undef" : "-";
	if (!compat)
		return s;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(s, map[i].ours))
			return map[i].theirs;
	return s;
}

static const char *dm_word(const char *s)
{
	if (!strcmp(s, "A"))
		return "active";
	if (!strcmp(s, "F"))
		return "failed";
	return *s ? s : "undef";
}

/* The first path document of a map (for vendor/product), or NULL. */
static struct json_object *first_path(struct json_object *map)
{
	struct json_object *groups = mpctl_jget(map, "groups");

	for (size_t g = 0; g < mpctl_jlen(groups); g++) {
		struct json_object *paths = mpctl_jget(json_object_array_get_idx(groups, g), "paths");

		for (size_t i = 0; i < mpctl_jlen(paths); i++) {
			struct json_object *p = json_object_array_get_idx(paths, i);

			if (json_object_is_type(p, json_type_object))
				return p;
		}
	}
	return NULL;
}

unsigned int mpctl_count_paths(struct json_object *map, const char *state)
{
	struct json_object *groups = mpctl_jget(map, "groups");
	unsigned int n = 0;

	for (size_t g = 0; g < mpctl_jlen(groups); g++) {
		struct json_object *paths = mpctl_jget(json_object_array_get_idx(groups, g), "paths");

		for (size_t i = 0; i < mpctl_jlen(paths); i++) {
			struct json_object *p = json_object_array_get_idx(paths, i);

			if (!*state || (json_object_is_type(p, json_type_object) &&
					!strcmp(mpctl_jstr(p, "checker_state"), state)))
				n++;
		}
	}
	return n;
}

static const struct mpctl_field map_fields[] = {
	{ 'n', "name", "map name (alias or WWID)" },
	{ 'w', "uuid", "WWID" },
	{ 'd', "sysfs", "dm device (dm-N)" },
	{ 'D', "dev_t", "dm device number MAJ:MIN" },
	{ 't', "dm-st", "kernel state: active, held (del map), or - when not loaded" },
	{ 'S', "size", "size (K/M/G/T, 1024-based)" },
	{ 'f', "features", "table features" },
	{ 'h', "hwhandler", "hardware handler" },
	{ 'N', "paths", "number of paths" },
	{ 'u', "usable", "paths usable for I/O" },
	{ 'Q', "queueing", "queueing when no path is left: on/off" },
	{ 'o', "open", "open count" },
	{ 'e', "events", "dm event counter" },
	{ 's', "vend/prod/rev", "vendor,product of the first path" },
	{ 'v', "vend", "vendor" },
	{ 'p', "prod", "product" },
	{ 0, NULL, NULL },
};

static const struct mpctl_field path_fields[] = {
	{ 'i', "hcil", "SCSI host:channel:target:lun" },
	{ 'd', "dev", "kernel device name (sdX)" },
	{ 'D', "dev_t", "device number MAJ:MIN" },
	{ 't', "dm_st", "kernel (dm) state: active or failed" },
	{ 'T', "chk_st", "checker state (up/down/shaky/ghost/pending; compat: ready/faulty/...)" },
	{ 'o', "dev_st", "SCSI device state (running, offline, ...)" },
	{ 'p', "pri", "priority" },
	{ 'm', "multipath", "map the path belongs to" },
	{ 'w', "uuid", "WWID" },
	{ 'c', "checker", "checker" },
	{ 'l', "last_check", "result of the last check" },
	{ 's', "vend/prod/rev", "vendor,product" },
	{ 'H', "share", "byte-share: the path's share in the table (READ/WRITE when split), - otherwise" },
	{ 'B', "bytes", "byte-share: bytes the selector started on the path since the table was loaded" },
	{ 'L', "lat_ms", "byte-share: mean request latency over the last sample period (ms)" },
	{ 0, NULL, NULL },
};

const struct mpctl_field *mpctl_fields(enum mpctl_obj kind)
{
	return kind == MPCTL_OBJ_MAP ? map_fields : path_fields;
}

static bool field_known(enum mpctl_obj kind, char letter)
{
	for (const struct mpctl_field *f = mpctl_fields(kind); f->letter; f++)
		if (f->letter == letter)
			return true;
	return false;
}

static const char *field_header(enum mpctl_obj kind, char letter)
{
	for (const struct mpctl_field *f = mpctl_fields(kind); f->letter; f++)
		if (f->letter == letter)
			return f->header;
	return "?";
}

static int map_value(char l, struct json_object *m, bool compat, struct mp_strbuf *out)
{
	struct json_object *p;
	char buf[64];

	switch (l) {
	case 'n': return mp_strbuf_puts(out, mpctl_jstr(m, "name"));
	case 'w': return mp_strbuf_puts(out, mpctl_jstr(m, "wwid"));
	case 'd': dm_kname(m, buf, sizeof(buf)); return mp_strbuf_puts(out, buf);
	case 'D': return mp_strbuf_puts(out, *mpctl_jstr(m, "dm_dev_t") ? mpctl_jstr(m, "dm_dev_t") : "-");
	case 't':
		if (!mpctl_jbool(m, "in_kernel"))	/* held: removed by del map */
			return mp_strbuf_puts(out, !compat && mpctl_jbool(m, "held") ? "held" : "-");
		return mp_strbuf_puts(out, mpctl_jbool(m, "suspended") ? "suspend" : "active");
	case 'S':
		mpctl_format_size((unsigned long long)mpctl_jint(m, "size", 0), buf, sizeof(buf));
		return mp_strbuf_puts(out, buf);
	case 'f': return mp_strbuf_puts(out, *mpctl_jstr(m, "features") ? mpctl_jstr(m, "features") : "0");
	case 'h': return mp_strbuf_puts(out, *mpctl_jstr(m, "hwhandler") ? mpctl_jstr(m, "hwhandler") : "0");
	case 'N': return mp_strbuf_printf(out, "%u", mpctl_count_paths(m, ""));
	case 'u': return mp_strbuf_printf(out, "%lld", mpctl_jint(m, "usable_paths", 0));
	case 'Q':
		if (compat)
			return mp_strbuf_puts(out, mpctl_jbool(m, "queueing") ? "on" : "off");
		return mp_strbuf_puts(out, mpctl_jbool(m, "queueing") ? "on" : "off");
	case 'o': return mp_strbuf_printf(out, "%lld", mpctl_jint(m, "open_count", 0));
	case 'e': return mp_strbuf_printf(out, "%lld", mpctl_jint(m, "event_nr", 0));
	case 's':
		p = first_path(m);
		return mp_strbuf_printf(out, "%s,%s", mpctl_jstr(p, "vendor"), mpctl_jstr(p, "product"));
	case 'v': return mp_strbuf_puts(out, mpctl_jstr(first_path(m), "vendor"));
	case 'p': return mp_strbuf_puts(out, mpctl_jstr(first_path(m), "product"));
	default: return -EINVAL;
	}
}

static int path_value(char l, struct json_object *p, bool compat, struct mp_strbuf *out)
{
	const char *s;

	switch (l) {
	case 'i': return mp_strbuf_puts(out, mpctl_jstr(p, "hctl"));
	case 'd': return mp_strbuf_puts(out, mpctl_jstr(p, "dev"));
	case 'D': return mp_strbuf_puts(out, mpctl_jstr(p, "dev_t"));
	case 't': return mp_strbuf_puts(out, dm_word(mpctl_jstr(p, "dm_state")));
	case 'T': return mp_strbuf_puts(out, chk_word(mpctl_jstr(p, "checker_state"), compat));
	case 'o':
		s = mpctl_jstr(p, "sysfs_state");
		return mp_strbuf_puts(out, *s ? s : "undef");
	case 'p':
		if (!mpctl_jget(p, "prio"))
			return mp_strbuf_puts(out, compat ? "-1" : "-");
		return mp_strbuf_printf(out, "%lld", mpctl_jint(p, "prio", 0));
	case 'm':
		s = mpctl_jstr(p, "map");
		return mp_strbuf_puts(out, *s ? s : "[orphan]");
	case 'w': return mp_strbuf_puts(out, mpctl_jstr(p, "wwid"));
	case 'c':
		s = mpctl_jstr(p, "checker");
		return mp_strbuf_puts(out, *s ? s : "-");
	case 'l':
		s = mpctl_jstr(p, "last_check");
		return mp_strbuf_puts(out, *s ? s : "-");
	case 's': return mp_strbuf_printf(out, "%s,%s", mpctl_jstr(p, "vendor"), mpctl_jstr(p, "product"));
	case 'H':
		s = mpctl_jstr(p, "share");
		return mp_strbuf_printf(out, "%s%s", *s ? s : "-",
					mpctl_jbool(p, "share_probing") ? "(probing)" :
					mpctl_jbool(p, "share_demoted") ? "(demoted)" : "");
	case 'B': {
		char buf[32];

		if (!mpctl_jget(p, "bytes"))
			return mp_strbuf_puts(out, "-");
		mpctl_format_size((unsigned long long)mpctl_jint(p, "bytes", 0) / 512, buf, sizeof(buf));
		return mp_strbuf_puts(out, buf);
	}
	case 'L':
		if (!mpctl_jget(p, "latency_us"))
			return mp_strbuf_puts(out, "-");
		return mp_strbuf_printf(out, "%.1f", mpctl_jint(p, "latency_us", 0) / 1000.0);
	default: return -EINVAL;
	}
}

/* Shares: " share=70 bytes=1.2G rate=5.0M/s lat=0.8ms" after a path's
 * columns; under service-time " share=800 rt=100 bytes=- ...". */
static void share_suffix(struct json_object *p, char *buf, size_t len)
{
	char size[32] = "-", rate[32], rt[32] = "";
	int n;

	buf[0] = '\0';
	if (!mpctl_jget(p, "share"))
		return;
	if (mpctl_jget(p, "bytes"))
		mpctl_format_size((unsigned long long)mpctl_jint(p, "bytes", 0) / 512, size, sizeof(size));
	if (mpctl_jget(p, "relative_throughput"))
		snprintf(rt, sizeof(rt), " rt=%lld", mpctl_jint(p, "relative_throughput", 0));
	n = snprintf(buf, len, " share=%s%s%s bytes=%s", mpctl_jstr(p, "share"), rt,
		     mpctl_jbool(p, "share_probing") ? " (probing: slow)" :
		     mpctl_jbool(p, "share_demoted") ? " (demoted: slow)" : "", size);
	if (n > 0 && (size_t)n < len && mpctl_jget(p, "bytes_per_s")) {
		mpctl_format_size((unsigned long long)mpctl_jint(p, "bytes_per_s", 0) / 512, rate,
				  sizeof(rate));
		n += snprintf(buf + n, len - (size_t)n, " rate=%s/s", rate);
	}
	if (n > 0 && (size_t)n < len && mpctl_jget(p, "latency_us"))
		snprintf(buf + n, len - (size_t)n, " lat=%.1fms", mpctl_jint(p, "latency_us", 0) / 1000.0);
}

int mpctl_field_value(enum mpctl_obj kind, char letter, struct json_object *obj, bool compat,
		      struct mp_strbuf *out)
{
	return kind == MPCTL_OBJ_MAP ? map_value(letter, obj, compat, out)
				     : path_value(letter, obj, compat, out);
}

/* A parsed format: literal pieces and fields, alternating. */
struct piece {
	char letter;		/* 0: literal */
	const char *lit;
	size_t lit_len;
};

static int parse_format(enum mpctl_obj kind, const char *fmt, struct piece **ret, size_t *ret_n,
			char *ret_bad)
{
	size_t n = 0, cap = strlen(fmt) + 1;
	struct piece *pc = calloc(cap, sizeof(*pc));

	if (!pc)
		return -ENOMEM;
	for (const char *s = fmt; *s;) {
		if (s[0] == '%' && s[1] == '%') {
			pc[n++] = (struct piece){ 0, s, 1 };
			s += 2;
		} else if (s[0] == '%') {
			if (!s[1] || !field_known(kind, s[1])) {
				if (ret_bad)
					*ret_bad = s[1];
				free(pc);
				return -EINVAL;
			}
			pc[n++] = (struct piece){ s[1], NULL, 0 };
			s += 2;
		} else {
			size_t l = strcspn(s, "%");

			pc[n++] = (struct piece){ 0, s, l };
			s += l;
		}
	}
	*ret = pc;
	*ret_n = n;
	return 0;
}

int mpctl_render_table(enum mpctl_obj kind, struct json_object *objs, const char *format,
		       bool header, bool raw, bool compat, struct mp_strbuf *out, char *ret_bad)
{
	size_t n_pc, rows = mpctl_jlen(objs) + (header ? 1 : 0), *width = NULL;
	struct mp_strbuf cell = MP_STRBUF_INIT;
	char ***cells = NULL;
	struct piece *pc;
	int r;

	r = parse_format(kind, format, &pc, &n_pc, ret_bad);
	if (r < 0)
		return r;
	width = calloc(n_pc + 1, sizeof(*width));
	cells = calloc(rows + 1, sizeof(*cells));
	if (!width || !cells) {
		r = -ENOMEM;
		goto out;
	}
	/* pass 1: every cell's text and each column's width */
	for (size_t row = 0; row < rows; row++) {
		struct json_object *o = header ? (row ? json_object_array_get_idx(objs, row - 1) : NULL)
					       : json_object_array_get_idx(objs, row);

		cells[row] = calloc(n_pc + 1, sizeof(char *));
		if (!cells[row]) {
			r = -ENOMEM;
			goto out;
		}
		for (size_t i = 0; i < n_pc; i++) {
			if (!pc[i].letter)
				continue;
			mp_strbuf_truncate(&cell, 0);
			if (header && row == 0)
				r = mp_strbuf_puts(&cell, field_header(kind, pc[i].letter));
			else
				r = mpctl_field_value(kind, pc[i].letter, o, compat, &cell);
			if (r < 0)
				goto out;
			cells[row][i] = strdup(mp_strbuf_str(&cell));
			if (!cells[row][i]) {
				r = -ENOMEM;
				goto out;
			}
			if (strlen(cells[row][i]) > width[i])
				width[i] = strlen(cells[row][i]);
		}
	}
	/* pass 2: rows; the last field of a row is not padded */
	for (size_t row = 0; row < rows; row++) {
		size_t last = n_pc;

		for (size_t i = 0; i < n_pc; i++)
			if (pc[i].letter)
				last = i;
		for (size_t i = 0; i < n_pc; i++) {
			if (!pc[i].letter)
				r = mp_strbuf_append(out, pc[i].lit, pc[i].lit_len);
			else if (raw || i == last)
				r = mp_strbuf_puts(out, cells[row][i]);
			else
				r = mp_strbuf_printf(out, "%-*s", (int)width[i], cells[row][i]);
			if (r < 0)
				goto out;
		}
		r = mp_strbuf_puts(out, "\n");
		if (r < 0)
			goto out;
	}
	r = 0;
out:
	for (size_t row = 0; cells && row < rows; row++) {
		for (size_t i = 0; cells[row] && i < n_pc; i++)
			free(cells[row][i]);
		free(cells[row]);
	}
	free(cells);
	free(width);
	free(pc);
	mp_strbuf_release(&cell);
	return r;
}

bool mpctl_map_matches(struct json_object *map, const char *key)
{
	char buf[64];

	if (!strncmp(key, "/dev/mapper/", 12))
		key += 12;
	else if (!strncmp(key, "/dev/", 5))
		key += 5;
	dm_kname(map, buf, sizeof(buf));
	return !strcmp(key, mpctl_jstr(map, "name")) || !strcmp(key, mpctl_jstr(map, "wwid")) ||
	       !strcmp(key, mpctl_jstr(map, "uuid")) || !strcmp(key, buf) ||
	       !strcmp(key, mpctl_jstr(map, "dm_dev_t"));
}

static const char *state_color(const char *chk, const char *dm)
{
	if (!strcmp(chk, "down") || !strcmp(dm, "F"))
		return C_RED;
	if (!strcmp(chk, "up"))
		return C_GREEN;
	return C_YELLOW;
}

/* Path columns shared by both tree styles. */
enum { PC_HCTL, PC_DEV, PC_DEVT, PC_DM, PC_CHK, PC_SDEV, PC_PRIO, PC_N };

static void path_cols(struct json_object *p, enum mpctl_tree_style st, char cols[PC_N][48])
{
	bool compat = st != MPCTL_TREE_MPCTL;

	snprintf(cols[PC_HCTL], 48, "%s", mpctl_jstr(p, "hctl"));
	snprintf(cols[PC_DEV], 48, "%s", mpctl_jstr(p, "dev"));
	snprintf(cols[PC_DEVT], 48, "%s", mpctl_jstr(p, "dev_t"));
	snprintf(cols[PC_DM], 48, "%s", dm_word(mpctl_jstr(p, "dm_state")));
	snprintf(cols[PC_CHK], 48, "%s",
		 st == MPCTL_TREE_L ? "undef" : chk_word(mpctl_jstr(p, "checker_state"), compat));
	snprintf(cols[PC_SDEV], 48, "%s", *mpctl_jstr(p, "sysfs_state") ? mpctl_jstr(p, "sysfs_state") : "undef");
	if (mpctl_jget(p, "prio"))
		snprintf(cols[PC_PRIO], 48, "prio=%lld", mpctl_jint(p, "prio", 0));
	else
		snprintf(cols[PC_PRIO], 48, "prio=-");
}

static int render_map(struct json_object *m, enum mpctl_tree_style st, bool color,
		      struct mp_strbuf *out)
{
	struct json_object *groups = mpctl_jget(m, "groups"), *fp = first_path(m);
	size_t w[PC_N] = { 0 }, ng = mpctl_jlen(groups);
	char size[32], dm[32], cols[PC_N][48];
	const char *name = mpctl_jstr(m, "name"), *wwid = mpctl_jstr(m, "wwid");

	mpctl_format_size((unsigned long long)mpctl_jint(m, "size", 0), size, sizeof(size));
	dm_kname(m, dm, sizeof(dm));
	for (size_t g = 0; g < ng; g++) {
		struct json_object *paths = mpctl_jget(json_object_array_get_idx(groups, g), "paths");

		for (size_t i = 0; i < mpctl_jlen(paths); i++) {
			path_cols(json_object_array_get_idx(paths, i), st, cols);
			for (int c = 0; c < PC_N; c++)
				if (strlen(cols[c]) > w[c])
					w[c] = strlen(cols[c]);
		}
	}
	if (st == MPCTL_TREE_MPCTL) {
		unsigned int n = mpctl_count_paths(m, ""), up = mpctl_count_paths(m, "up");
		unsigned int down = mpctl_count_paths(m, "down"), shaky = mpctl_count_paths(m, "shaky");

		mp_strbuf_printf(out, "%s%s%s (%s) %s %s,%s size=%s\n", color ? C_BOLD : "", name,
				 color ? C_OFF : "", wwid, dm, mpctl_jstr(fp, "vendor"),
				 mpctl_jstr(fp, "product"), size);
		/* two lines: one held 92 columns with a common features word */
		mp_strbuf_printf(out, "  features='%s' hwhandler='%s'\n",
				 *mpctl_jstr(m, "features") ? mpctl_jstr(m, "features") : "0",
				 *mpctl_jstr(m, "hwhandler") ? mpctl_jstr(m, "hwhandler") : "0");
		mp_strbuf_printf(out, "  queueing=%s open=%lld paths=%u",
				 mpctl_jbool(m, "queueing") ? "on" : "off", mpctl_jint(m, "open_count", 0), n);
		if (mpctl_jget(fp, "checker_state"))
			mp_strbuf_printf(out, " up=%u down=%u shaky=%u", up, down, shaky);
		mp_strbuf_puts(out, "\n");
		if (mpctl_jget(m, "byte_share")) {
			struct json_object *bs = mpctl_jget(m, "byte_share");

			/* rw: the patched dm-multipath passes the direction */
			/* tuning: measuring, probing a move, or holding */
			/* the selector the shares steer: byte-share, or service-time
			 * (weighted, or a fallback) */
			mp_strbuf_printf(out, "  %s mode=%s tuning=%s%s%s%s slow_path_factor=%lld reloads=%lld\n",
					 *mpctl_jstr(bs, "selector") ? mpctl_jstr(bs, "selector") : "byte-share",
					 *mpctl_jstr(bs, "mode") ? mpctl_jstr(bs, "mode") : "unknown",
					 mpctl_jbool(bs, "tuning") ? "on" : "off",
					 *mpctl_jstr(bs, "tuning_state") ? " " : "", mpctl_jstr(bs, "tuning_state"),
					 mpctl_jbool(bs, "tuned") ? " (tuned)" : "",
					 mpctl_jint(bs, "slow_path_factor", 0), mpctl_jint(bs, "share_reloads", 0));
		}
	} else {
		if (strcmp(name, wwid) != 0)
			mp_strbuf_printf(out, "%s (%s) %s %s,%s\n", name, wwid, dm, mpctl_jstr(fp, "vendor"),
					 mpctl_jstr(fp, "product"));
		else
			mp_strbuf_printf(out, "%s %s %s,%s\n", name, dm, mpctl_jstr(fp, "vendor"),
					 mpctl_jstr(fp, "product"));
		mp_strbuf_printf(out, "size=%s features='%s' hwhandler='%s' wp=%s\n", size,
				 *mpctl_jstr(m, "features") ? mpctl_jstr(m, "features") : "0",
				 *mpctl_jstr(m, "hwhandler") ? mpctl_jstr(m, "hwhandler") : "0",
				 mpctl_jbool(m, "read_only") ? "ro" : "rw");
	}
	for (size_t g = 0; g < ng; g++) {
		struct json_object *grp = json_object_array_get_idx(groups, g);
		struct json_object *paths = mpctl_jget(grp, "paths");
		bool last_g = g + 1 == ng;
		const char *gs = mpctl_jstr(grp, "state");

		if (st == MPCTL_TREE_MPCTL)
			mp_strbuf_printf(out, "  %s group %lld: %s prio=%lld %s%s%s\n", last_g ? "`-" : "|-",
					 mpctl_jint(grp, "group", (long long)g + 1), mpctl_jstr(grp, "selector"),
					 mpctl_jint(grp, "prio", 0),
					 color && !strcmp(gs, "active") ? C_BOLD : "", gs,
					 color && !strcmp(gs, "active") ? C_OFF : "");
		else
			mp_strbuf_printf(out, "%s policy='%s' prio=%lld status=%s\n", last_g ? "`-+-" : "|-+-",
					 mpctl_jstr(grp, "selector"),
					 st == MPCTL_TREE_L ? 0 : mpctl_jint(grp, "prio", 0), gs);
		for (size_t i = 0; i < mpctl_jlen(paths); i++) {
			struct json_object *p = json_object_array_get_idx(paths, i);
			const char *lead = st == MPCTL_TREE_MPCTL ? (last_g ? "     " : "  |  ")
								  : (last_g ? "  " : "| ");
			bool last_p = i + 1 == mpctl_jlen(paths);

			path_cols(p, st, cols);
			mp_strbuf_printf(out, "%s%s ", lead, last_p ? "`-" : "|-");
			if (st == MPCTL_TREE_MPCTL) {
				const char *c = color ? state_color(mpctl_jstr(p, "checker_state"),
								    mpctl_jstr(p, "dm_state")) : "";
				char share[96];

				share_suffix(p, share, sizeof(share));
				mp_strbuf_printf(out, "%-*s %-*s %-*s %s%-*s %-*s%s %-*s %s%s\n",
						 (int)w[PC_HCTL], cols[PC_HCTL], (int)w[PC_DEV], cols[PC_DEV],
						 (int)w[PC_DEVT], cols[PC_DEVT], c, (int)w[PC_DM], cols[PC_DM],
						 (int)w[PC_CHK], cols[PC_CHK], *c ? C_OFF : "",
						 (int)w[PC_SDEV], cols[PC_SDEV], cols[PC_PRIO], share);
			} else {
				mp_strbuf_printf(out, "%-*s %-*s %-*s %-*s %-*s %s\n",
						 (int)w[PC_HCTL], cols[PC_HCTL], (int)w[PC_DEV], cols[PC_DEV],
						 (int)w[PC_DEVT], cols[PC_DEVT], (int)w[PC_DM], cols[PC_DM],
						 (int)w[PC_CHK], cols[PC_CHK], cols[PC_SDEV]);
			}
		}
	}
	return 0;
}

/* The maps the kernel has, as the incumbent lists them: a map removed by
 * del map (held) or not created yet has no row. Scripts take the rows'
 * names and WWIDs to /dev/mapper and /dev/disk/by-id, and a row for a map
 * that does not exist there would send them after a device that is not
 * coming (os-brick waits for it; a CSI driver would try to stage it). */
struct json_object *mpctl_maps_in_kernel(struct json_object *maps)
{
	struct json_object *in = json_object_new_array();

	for (size_t i = 0; in && i < json_object_array_length(maps); i++) {
		struct json_object *m = json_object_array_get_idx(maps, i);

		if (mpctl_jbool(m, "in_kernel"))
			json_object_array_add(in, json_object_get(m));
	}
	json_object_put(maps);
	return in;
}

int mpctl_render_topology(struct json_object *maps, const char *only_map, enum mpctl_tree_style st,
			  bool color, struct mp_strbuf *out)
{
	int found = 0;

	for (size_t i = 0; i < mpctl_jlen(maps); i++) {
		struct json_object *m = json_object_array_get_idx(maps, i);

		if (only_map && !mpctl_map_matches(m, only_map))
			continue;
		/* the incumbent's layouts list the kernel's maps only: not
		 * one removed by del map (held), nor one not created yet */
		if (st != MPCTL_TREE_MPCTL && !mpctl_jbool(m, "in_kernel"))
			continue;
		render_map(m, st, color, out);
		found++;
	}
	return only_map && !found ? -ENOENT : found;
}

/* The state change in fixed columns, then its cause. A line stays within
 * 80 columns: when the cause would run past the edge (a sense description
 * can be long) it goes on a line of its own, indented; it is never cut. */
void mpctl_render_event(struct json_object *ev, bool color, unsigned int indent,
			struct mp_strbuf *out)
{
	const char *to = mpctl_jstr(ev, "to"), *from = mpctl_jstr(ev, "from"), *c = "";
	const char *obj = *mpctl_jstr(ev, "dev") ? mpctl_jstr(ev, "dev") : mpctl_jstr(ev, "map");
	const char *cause = mpctl_jstr(ev, "cause"), *detail = mpctl_jstr(ev, "detail");
	size_t start = out->len, width;

	if (!*from)
		from = "-";	/* an operator's request has no state before it */

	if (color)
		c = !strcmp(to, "down") || !strcmp(to, "failed") ? C_RED
		    : !strcmp(to, "up") || !strcmp(to, "active") ? C_GREEN : C_YELLOW;
	mp_strbuf_printf(out, "%s  %-8s %-8s ", mpctl_jstr(ev, "time"), obj,
			 *mpctl_jstr(ev, "dev") ? mpctl_jstr(ev, "map") : "");
	/* visible width so far, without the colour codes that follow */
	width = indent + (out->len - start) + strlen(from) + strlen(" -> ") + strlen(to);
	mp_strbuf_printf(out, "%s%s -> %s%s", c, from, to, *c ? C_OFF : "");
	width += strlen("  ()") + strlen(cause) + (*detail ? strlen(": ") + strlen(detail) : 0);
	if (width <= 80)
		mp_strbuf_puts(out, "  ");
	else
		mp_strbuf_printf(out, "\n%*s", (int)indent + 4, "");
	mp_strbuf_printf(out, "(%s%s%s)\n", cause, *detail ? ": " : "", detail);
}
