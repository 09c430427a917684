/* commands.c's hook into the commands of cmd-mpctl.c. */
#ifndef MPD_CMD_MPCTL_H
#define MPD_CMD_MPCTL_H

#include <stdbool.h>
#include <stddef.h>

#include "daemon.h"

struct json_object;
/* Runs a request the main table did not match. *ret_matched false: not
 * ours either. Otherwise the handler's data, or NULL with err set. */
struct json_object *mpd_cmd_ext_run(struct mpd *d, const char *const *words, unsigned int n_words,
				    char *err, size_t len, bool *ret_matched);

#endif
