/* `mpctl config ...`: check a multipath.conf (and its config_dir) and print
 * every diagnostic as FILE:LINE: error|warning: message, then a summary.
 * Exit 0 without errors, 1 with errors, 2 on a usage error. Works on files
 * only; it needs no daemon. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mp/config.h"
#include "mp/strbuf.h"
#include "mpctl.h"

#define DEFAULT_CONFIG "/etc/multipath.conf"

static void config_usage(FILE *f)
{
	fprintf(f,
		"usage: mpctl config check [--no-config-dir] [FILE]\n"
		"\n"
		"Checks FILE (default " DEFAULT_CONFIG ") and the *.conf files of its\n"
		"config_dir (default /etc/multipath/conf.d) the way the daemon would read\n"
		"them. Prints each problem as FILE:LINE: error|warning: message and a\n"
		"summary. Exit status: 0 no errors, 1 errors, 2 usage error.\n"
		"\n"
		"  --no-config-dir   check FILE alone\n"
		"  -h, --help        show this help\n");
}

static int config_check(int argc, char **argv)
{
	struct mp_diags diags = MP_DIAGS_INIT;
	struct mp_strbuf line = MP_STRBUF_INIT;
	struct mp_config *cfg = NULL;
	const char *path = NULL;
	bool no_dir = false;
	size_t errors, warnings;
	int r;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			config_usage(stdout);
			return MPCTL_EXIT_OK;
		} else if (!strcmp(argv[i], "--no-config-dir")) {
			no_dir = true;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "mpctl config check: unknown option \"%s\"\n", argv[i]);
			config_usage(stderr);
			return MPCTL_EXIT_USAGE;
		} else if (!path) {
			path = argv[i];
		} else {
			fprintf(stderr, "mpctl config check: only one FILE may be given\n");
			config_usage(stderr);
			return MPCTL_EXIT_USAGE;
		}
	}
	if (!path)
		path = DEFAULT_CONFIG;

	r = mp_config_load(path, false, no_dir, &diags, &cfg);
	mp_config_free(cfg);
	for (size_t i = 0; i < diags.n; i++) {
		mp_strbuf_truncate(&line, 0);
		if (mp_diag_format(&diags.items[i], &line) == 0)
			printf("%s\n", mp_strbuf_str(&line));
	}
	errors = mp_diags_count(&diags, MP_DIAG_ERROR);
	warnings = mp_diags_count(&diags, MP_DIAG_WARNING);
	if (r == -ENOMEM)
		fprintf(stderr, "mpctl config check: out of memory\n");
	printf("%s: %zu error%s, %zu warning%s\n", path, errors, errors == 1 ? "" : "s",
	       warnings, warnings == 1 ? "" : "s");
	mp_strbuf_release(&line);
	mp_diags_release(&diags);
	return r < 0 ? MPCTL_EXIT_FAIL : MPCTL_EXIT_OK;
}

int mpctl_cmd_config(int argc, char **argv)
{
	if (argc < 2) {
		config_usage(stderr);
		return MPCTL_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		config_usage(stdout);
		return MPCTL_EXIT_OK;
	}
	if (!strcmp(argv[1], "check"))
		return config_check(argc - 1, argv + 1);
	fprintf(stderr, "mpctl config: unknown subcommand \"%s\"\n", argv[1]);
	config_usage(stderr);
	return MPCTL_EXIT_USAGE;
}
