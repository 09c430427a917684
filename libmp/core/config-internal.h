/* Internal to the config module: the AST the lexer builds, the schema table
 * that drives the semantic pass, and the snapshot layout. Not installed. */
#ifndef MP_CORE_CONFIG_INTERNAL_H
#define MP_CORE_CONFIG_INTERNAL_H

#include <regex.h>
#include <stdarg.h>
#include <stdint.h>

#include "mp/config.h"

#define CFG_MAX_DEPTH		8	/* real configs nest at most 3 deep */
#define CFG_MAX_VALUE		4096	/* longest accepted value, in bytes */

/* ---- AST ---- */

struct cfg_node {
	char *key;			/* owned */
	char *value;			/* owned; NULL when none was given */
	unsigned int line;
	bool section;			/* had a { } body */
	struct cfg_node *children;	/* owned, section only */
	size_t n, cap;
};

/* Tokenizes text and appends its statements under root (a section node).
 * Syntax errors go to diags; returns 0 or -ENOMEM. */
int mp_cfg_build_ast(const char *file, const char *text, size_t len,
		     struct cfg_node *root, struct mp_diags *diags);
void mp_cfg_node_release(struct cfg_node *n);

/* ---- diagnostics helpers ---- */

int mp_cfg_diag(struct mp_diags *d, enum mp_diag_severity sev, const char *file,
		unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* Copies s into buf for a message: at most 60 bytes, non-printable bytes as
 * \xNN, "..." when cut. Returns buf. */
const char *mp_cfg_printable(const char *s, char *buf, size_t len);
unsigned int mp_cfg_edit_distance(const char *a, const char *b);

/* ---- schema ---- */

enum cfg_section {
	SEC_TOP,
	SEC_DEFAULTS,
	SEC_BLACKLIST,
	SEC_BLACKLIST_EXC,
	SEC_BL_DEVICE,		/* device { } inside blacklist(_exceptions) */
	SEC_DEVICES,
	SEC_DEVICE,
	SEC_MULTIPATHS,
	SEC_MULTIPATH,
	SEC_OVERRIDES,
	SEC_PROTOCOL,
	_SEC_MAX,
};

#define SECBIT(s) (1u << (s))

enum kw_type {
	KT_UINT,	/* min..max */
	KT_BOOL,	/* yes/no */
	KT_STRING,
	KT_PATH,	/* absolute path */
	KT_SELECTOR,
	KT_SHARES,	/* path_shares: "KEY=SHARE ..." */
	KT_PGPOLICY,
	KT_CHECKER,
	KT_PRIO,
	KT_FAILBACK,
	KT_NPR,
	KT_RR_WEIGHT,
	KT_FEATURES,	/* "N word..." with N words */
	KT_HWHANDLER,	/* "0" or "1 name" */
	KT_ALIAS,
	KT_FINDMP,
	KT_FLUSH,
	KT_FAST_IO_FAIL,	/* "off" or 0..max */
	KT_DEV_LOSS,		/* "infinity" or 0..max */
	KT_MARGINAL,		/* "no"/0 = off, else min..max */
	KT_SIGNED,		/* -max..max, 0 only if min is 0 */
	KT_IDENT,		/* identity or rule text, not a setting */
};

enum cfg_ident {
	ID_NONE,
	ID_VENDOR,
	ID_PRODUCT,
	ID_REVISION,
	ID_PRODUCT_BLACKLIST,
	ID_WWID,
	ID_DEVNODE,
	ID_PROPERTY,
	ID_PROTOCOL,
	ID_TYPE,
};

struct cfg_keyword {
	const char *name;
	enum kw_type type;
	unsigned int sections;		/* SECBIT() mask where it is allowed */
	int setting;			/* enum mp_setting_id, or -1 */
	size_t offset;			/* into struct mp_settings */
	unsigned int min, max;
	enum cfg_ident ident;
};

struct cfg_legacy {
	const char *name;
	const char *note;		/* why it is ignored / what replaced it */
};

struct cfg_section_def {
	const char *name;
	enum cfg_section parent;
	enum cfg_section self;
};

extern const struct cfg_keyword mp_cfg_keywords[];
extern const size_t mp_cfg_n_keywords;
extern const struct cfg_legacy mp_cfg_legacy[];
extern const size_t mp_cfg_n_legacy;
extern const struct cfg_section_def mp_cfg_sections[];
extern const size_t mp_cfg_n_sections;

const struct cfg_keyword *mp_cfg_keyword_find(const char *name);
const struct cfg_keyword *mp_cfg_keyword_by_setting(enum mp_setting_id id);
const struct cfg_legacy *mp_cfg_legacy_find(const char *name);
const char *mp_cfg_section_name(enum cfg_section s);
/* Closest known keyword or section name within a small edit distance. */
const char *mp_cfg_suggest(const char *word);

/* Parses value for kw into *s (strings through intern). On a bad value
 * returns -EINVAL and writes a reason into why; a value we know but do not
 * implement returns -EOPNOTSUPP with a note in why (a warning, not an
 * error). */
struct mp_config;
int mp_cfg_parse_value(struct mp_config *cfg, const struct cfg_keyword *kw,
		       const char *value, struct mp_settings *s, char *why, size_t whylen);
/* Fills s with the built-in defaults, all origins MP_ORIGIN_DEFAULT. */
void mp_cfg_builtin_defaults(struct mp_settings *s);

/* ---- snapshot ---- */

struct cfg_scope {
	struct mp_settings s;
	uint64_t mask;			/* bit per mp_setting_id that is set */
};

struct cfg_device {
	char *vendor, *product, *revision, *product_blacklist;	/* pooled */
	regex_t re[3];				/* vendor, product, revision */
	bool has_re[3];
	struct cfg_scope sc;
	const char *file;			/* interned */
	unsigned int line;
};

struct cfg_multipath {
	char *wwid;
	struct cfg_scope sc;
	const char *file;
	unsigned int line;
};

struct cfg_protocol {
	char *type;
	struct cfg_scope sc;
};

struct mp_config {
	struct cfg_scope defaults;
	struct cfg_device *hw;		/* built-in table */
	size_t nhw, caphw;
	struct cfg_device *dev;		/* devices section */
	size_t ndev, capdev;
	struct cfg_scope overrides;
	struct cfg_protocol *proto;
	size_t nproto, capproto;
	struct cfg_multipath *mp;
	size_t nmp, capmp;
	struct mp_blacklist *bl;
	char **strings;			/* pool: every string the snapshot owns */
	size_t nstrings, capstrings;
};

/* Copies s into the snapshot's pool; NULL on -ENOMEM. */
char *mp_cfg_intern(struct mp_config *cfg, const char *s);
/* Grows *p (of elements of size sz) to hold at least n + 1; 0 or -ENOMEM. */
int mp_cfg_grow(void **p, size_t *cap, size_t n, size_t sz);

/* Applies one scope onto s with origin o (only the fields set in mask). */
void mp_cfg_scope_apply(const struct cfg_scope *sc, enum mp_origin o, struct mp_settings *s);

#endif
