/* String tables for the shared enums in mp/types.h. The spellings are the
 * ones multipath.conf and multipath-tools' output use, so configs and
 * scripts carry over unchanged. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mp/types.h"
#include "util/macros.h"

static const char *table_to_string(const char *const *table, unsigned int n, int v)
{
	if (v < 0 || (unsigned int)v >= n || !table[v])
		return NULL;
	return table[v];
}

static int table_from_string(const char *const *table, unsigned int n, const char *s)
{
	if (!s)
		return -EINVAL;
	for (unsigned int i = 0; i < n; i++)
		if (table[i] && strcmp(table[i], s) == 0)
			return (int)i;
	return -EINVAL;
}

#define DEFINE_STRING_TABLE(name, type, table)					\
	const char *name##_to_string(type v)					\
	{									\
		return table_to_string(table, ELEMENTSOF(table), (int)v);	\
	}									\
	int name##_from_string(const char *s, type *ret)			\
	{									\
		int i = table_from_string(table, ELEMENTSOF(table), s);		\
		if (i < 0)							\
			return i;						\
		*ret = (type)i;							\
		return 0;							\
	}

static const char *const pgpolicy_table[_MP_PGPOLICY_MAX] = {
	[MP_PGPOLICY_FAILOVER] = "failover",
	[MP_PGPOLICY_MULTIBUS] = "multibus",
	[MP_PGPOLICY_GROUP_BY_SERIAL] = "group_by_serial",
	[MP_PGPOLICY_GROUP_BY_PRIO] = "group_by_prio",
	[MP_PGPOLICY_GROUP_BY_NODE_NAME] = "group_by_node_name",
};
DEFINE_STRING_TABLE(mp_pgpolicy, enum mp_pgpolicy, pgpolicy_table)

static const char *const checker_table[_MP_CHECKER_MAX] = {
	[MP_CHECKER_TUR] = "tur",
	[MP_CHECKER_DIRECTIO] = "directio",
	[MP_CHECKER_READSECTOR0] = "readsector0",
	[MP_CHECKER_NONE] = "none",
};
DEFINE_STRING_TABLE(mp_checker_kind, enum mp_checker_kind, checker_table)

static const char *const prio_table[_MP_PRIO_MAX] = {
	[MP_PRIO_CONST] = "const",
	[MP_PRIO_ALUA] = "alua",
	[MP_PRIO_SYSFS] = "sysfs",
	[MP_PRIO_WEIGHTEDPATH] = "weightedpath",
	[MP_PRIO_PATH_LATENCY] = "path_latency",
};
DEFINE_STRING_TABLE(mp_prio_kind, enum mp_prio_kind, prio_table)

static const char *const find_multipaths_table[_MP_FIND_MULTIPATHS_MAX] = {
	[MP_FIND_MULTIPATHS_OFF] = "off",
	[MP_FIND_MULTIPATHS_ON] = "on",
	[MP_FIND_MULTIPATHS_GREEDY] = "greedy",
	[MP_FIND_MULTIPATHS_STRICT] = "strict",
	[MP_FIND_MULTIPATHS_SMART] = "smart",
};
DEFINE_STRING_TABLE(mp_find_multipaths, enum mp_find_multipaths, find_multipaths_table)

static const char *const flush_table[_MP_FLUSH_MAX] = {
	[MP_FLUSH_NEVER] = "never",
	[MP_FLUSH_ALWAYS] = "always",
	[MP_FLUSH_UNUSED] = "unused",
};
DEFINE_STRING_TABLE(mp_flush_on_last_del, enum mp_flush_on_last_del, flush_table)

static const char *const path_state_table[_MP_PATH_STATE_MAX] = {
	[MP_PATH_UNCHECKED] = "unchecked",
	[MP_PATH_UP] = "up",
	[MP_PATH_DOWN] = "down",
	[MP_PATH_SHAKY] = "shaky",
	[MP_PATH_GHOST] = "ghost",
	[MP_PATH_PENDING] = "pending",
};

const char *mp_path_state_to_string(enum mp_path_state v)
{
	return table_to_string(path_state_table, ELEMENTSOF(path_state_table), (int)v);
}

static const char *const dm_path_state_table[_MP_DM_PATH_STATE_MAX] = {
	[MP_DM_PATH_ACTIVE] = "active",
	[MP_DM_PATH_FAILED] = "failed",
};

const char *mp_dm_path_state_to_string(enum mp_dm_path_state v)
{
	return table_to_string(dm_path_state_table, ELEMENTSOF(dm_path_state_table), (int)v);
}

/* A whole, positive decimal number that fits in an unsigned int. */
static int parse_count(const char *s, unsigned int *ret)
{
	unsigned long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > UINT_MAX)
		return -EINVAL;
	*ret = (unsigned int)v;
	return 0;
}

static const char *const failback_table[_MP_FAILBACK_MAX] = {
	[MP_FAILBACK_IMMEDIATE] = "immediate",
	[MP_FAILBACK_MANUAL] = "manual",
	[MP_FAILBACK_FOLLOWOVER] = "followover",
};

int mp_failback_from_string(const char *s, struct mp_failback *ret)
{
	int i = table_from_string(failback_table, ELEMENTSOF(failback_table), s);
	unsigned int n;

	if (i >= 0) {
		*ret = (struct mp_failback){ .mode = (enum mp_failback_mode)i };
		return 0;
	}
	if (parse_count(s, &n) < 0 || n == 0)
		return -EINVAL;
	*ret = (struct mp_failback){ .mode = MP_FAILBACK_DEFERRED, .delay_s = n };
	return 0;
}

const char *mp_failback_to_string(const struct mp_failback *v, char *buf, unsigned int len)
{
	if (v->mode == MP_FAILBACK_DEFERRED)
		snprintf(buf, len, "%u", v->delay_s);
	else
		snprintf(buf, len, "%s",
			 table_to_string(failback_table, ELEMENTSOF(failback_table), (int)v->mode) ?: "?");
	return buf;
}

int mp_no_path_retry_from_string(const char *s, struct mp_no_path_retry *ret)
{
	unsigned int n;

	if (s && strcmp(s, "fail") == 0) {
		*ret = (struct mp_no_path_retry){ .mode = MP_NO_PATH_RETRY_FAIL };
		return 0;
	}
	if (s && strcmp(s, "queue") == 0) {
		*ret = (struct mp_no_path_retry){ .mode = MP_NO_PATH_RETRY_QUEUE };
		return 0;
	}
	if (parse_count(s, &n) < 0)
		return -EINVAL;
	if (n == 0)
		*ret = (struct mp_no_path_retry){ .mode = MP_NO_PATH_RETRY_FAIL };
	else
		*ret = (struct mp_no_path_retry){ .mode = MP_NO_PATH_RETRY_COUNT, .count = n };
	return 0;
}

const char *mp_no_path_retry_to_string(const struct mp_no_path_retry *v, char *buf, unsigned int len)
{
	switch (v->mode) {
	case MP_NO_PATH_RETRY_FAIL:
		snprintf(buf, len, "fail");
		break;
	case MP_NO_PATH_RETRY_QUEUE:
		snprintf(buf, len, "queue");
		break;
	default:
		snprintf(buf, len, "%u", v->count);
		break;
	}
	return buf;
}
