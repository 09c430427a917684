/* Blacklist and blacklist_exceptions: which devices multipath may use.
 * Rules are POSIX extended regexes, as in multipath.conf. A device is
 * excluded when a blacklist rule matches and no exception of the same kind
 * (devnode, device, wwid, property, protocol) matches it: an exception wins
 * over the rules of its own kind, as multipath.conf(5) has it. The config
 * parser fills the lists; the daemon and the udev helper ask
 * mp_blacklist_check().
 *
 * Details (libmp/core/blacklist.c has the reasoning):
 *  - a regex beginning with '!' is negated (matches a known field that the
 *    rest does not match), for every kind;
 *  - exceptions of kind devnode, wwid, device and protocol win over every
 *    blacklist rule; property exceptions are multipath.conf's
 *    required-property list instead: when any exist and the caller passes
 *    the device's properties, a device with none matching is excluded, and
 *    a matching one only excuses property blacklist rules. */
#ifndef MP_BLACKLIST_H
#define MP_BLACKLIST_H

#include <stdbool.h>
#include <stddef.h>

enum mp_blacklist_kind {
	MP_BL_DEVNODE,		/* kernel name, e.g. "sda", "nvme0n1" */
	MP_BL_WWID,
	MP_BL_DEVICE,		/* vendor + product (either may be absent) */
	MP_BL_PROPERTY,		/* a udev property name */
	MP_BL_PROTOCOL,		/* e.g. "scsi:fcp", "scsi:iscsi", "nvme" */
	_MP_BL_KIND_MAX,
};

struct mp_blacklist;	/* opaque: two rule lists, compiled regexes */

/* What a check looks at; NULL fields are unknown and match nothing. */
struct mp_blacklist_input {
	const char *devnode;
	const char *wwid;
	const char *vendor;
	const char *product;
	const char *protocol;
	const char *const *properties;	/* udev property names, NULL-terminated */
};

enum mp_blacklist_verdict {
	MP_BL_ALLOWED,		/* no rule matched */
	MP_BL_EXCEPTED,		/* not excluded, and an exception matched */
	MP_BL_EXCLUDED,		/* a blacklist rule matched, no exception */
};

int mp_blacklist_new(struct mp_blacklist **ret);
void mp_blacklist_free(struct mp_blacklist *bl);

/* Adds one rule. For MP_BL_DEVICE pass vendor in re1 and product in re2
 * (either may be NULL); other kinds use re1 only. exception selects the
 * blacklist_exceptions list. Returns 0, -EINVAL for a bad regex (with the
 * regcomp message in errbuf when errbuf is not NULL), or -ENOMEM. */
int mp_blacklist_add(struct mp_blacklist *bl, bool exception,
		     enum mp_blacklist_kind kind, const char *re1, const char *re2,
		     char *errbuf, size_t errlen);

/* Decides for one device. When reason is not NULL, writes a short
 * explanation such as "devnode \"^sd[a-z]\" (blacklist)". */
enum mp_blacklist_verdict mp_blacklist_check(const struct mp_blacklist *bl,
					     const struct mp_blacklist_input *in,
					     char *reason, size_t reasonlen);

/* The built-in entries multipath applies before the config's own
 * (devnode "!^(sd[a-z]|dasd[a-z]|nvme[0-9])" and friends). */
int mp_blacklist_add_builtin(struct mp_blacklist *bl);

const char *mp_blacklist_kind_to_string(enum mp_blacklist_kind k);

#endif
