/* The pure parts of the prioritizers (enum mp_prio_kind in mp/types.h):
 * turning what the sys/ layer measured or read into a path priority.
 * Higher is better; group priorities are derived in mp/group.h. */
#ifndef MP_PRIO_H
#define MP_PRIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mp/path.h"

#define MP_PRIO_ALUA_PREF_BONUS	80

/* alua / sysfs: active/optimized 50, active/non-optimized 10,
 * lba-dependent 5, standby 1, unavailable/offline/transitioning/unknown 0;
 * the array's preferred-port bit adds MP_PRIO_ALUA_PREF_BONUS, so a
 * preferred optimized port (130) beats any non-preferred one. These are
 * the values multipath-tools documents, so mixed fleets agree. */
int mp_prio_alua(enum mp_alua_state state, bool pref);

/* The kernel's /sys/class/scsi_device/H:C:T:L/device/access_state
 * spellings ("active/optimized", ...); trailing whitespace is ignored.
 * -EINVAL for anything else. */
int mp_alua_state_from_sysfs(const char *s, enum mp_alua_state *ret);

/* const: every path the same (1), so groups order by path count only. */
int mp_prio_const(void);

/* weightedpath. args: "hbtl|devname|serial|wwn REGEX PRIO [REGEX PRIO]...".
 * The path's "H:B:T:L", kernel name, serial, or the caller-composed FC
 * "host_wwnn:host_wwpn:target_wwnn:target_wwpn" (wwn; NULL when not FC)
 * is matched against each POSIX extended REGEX in turn; the first match's
 * PRIO (0..INT_MAX) wins, no match gives 0. Malformed args or a bad regex
 * give -EINVAL with the reason in err. */
int mp_prio_weightedpath(const char *args, const struct mp_path *p, const char *wwn,
			 int *ret, char *err, size_t errlen);

/* path_latency. prio_args "io_num=N base_num=B": N samples per
 * measurement (2..200, default 20), logarithm base B (2..10, default 10). */
struct mp_latency_args {
	unsigned int io_num;
	unsigned int base_num;
};
int mp_prio_latency_args_parse(const char *args, struct mp_latency_args *ret);

/* Formula: m = median of the samples in microseconds (at least 1);
 * level = floor(log_B(m)); prio = max(1, MP_PRIO_LATENCY_MAX - level).
 * The median, not the mean, so one stalled I/O does not demote a path;
 * the logarithm, so paths within the same order of magnitude (base 10:
 * 100-999 us) share a priority and jitter does not reshuffle groups.
 * -ENODATA without samples, -EINVAL for a base outside 2..10. */
#define MP_PRIO_LATENCY_MAX	64
int mp_prio_path_latency(const uint64_t *samples_us, size_t n, unsigned int base, int *ret);

/* The same, for a path whose priority is already cur (0: none yet), with
 * hysteresis: the level changes only when the median is a third below the
 * current level's lower bound or half above its upper one (base 10 around
 * 10 ms: up at 15 ms, back down under 6.7 ms), so a path whose latency
 * sits on a boundary does not regroup its map at every check. */
int mp_prio_path_latency_keep(const uint64_t *samples_us, size_t n, unsigned int base, int cur,
			      int *ret);

#endif
