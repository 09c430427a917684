/* mpctl: the command-line tool. main() strips the global options (they may
 * stand anywhere: --socket PATH, --json, --timeout S, --no-color), then
 * dispatches argv[1] through the command table below; each subcommand
 * lives in its own cmd-<name>.c and owns its options and output. Started
 * as `multipath` (argv[0]), it is the incumbent's multipath(8) front-end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mpctl.h"

static const struct mpctl_command commands[] = {
	{ "status", "daemon, maps and paths on one screen; last events", mpctl_cmd_status },
	{ "show", "show topology|maps|paths|config|events", mpctl_cmd_show },
	{ "events", "path and map state changes (--follow to stream)", mpctl_cmd_events },
	{ "watch", "live topology view, refreshed every second", mpctl_cmd_watch },
	{ "metrics", "Prometheus text exposition for node_exporter", mpctl_cmd_metrics },
	{ "wait", "wait until a map has N active paths, or the daemon's startup is done", mpctl_cmd_wait },
	{ "fail", "fail path DEV", mpctl_cmd_action },
	{ "reinstate", "reinstate path DEV", mpctl_cmd_action },
	{ "switch", "switch group MAP N", mpctl_cmd_action },
	{ "add", "add path DEV | add map WWID|DEV|MAP", mpctl_cmd_action },
	{ "del", "del path DEV | del map MAP", mpctl_cmd_action },
	{ "resize", "resize map MAP", mpctl_cmd_action },
	{ "suspend", "suspend map MAP", mpctl_cmd_action },
	{ "resume", "resume map MAP", mpctl_cmd_action },
	{ "queueing", "queueing disable|restore|force MAP|--all", mpctl_cmd_action },
	{ "reconfigure", "re-read the configuration", mpctl_cmd_action },
	{ "reload", "reload wwids: re-read the wwids file", mpctl_cmd_action },
	{ "shutdown", "stop the daemon (maps stay)", mpctl_cmd_action },
	{ "claim", "is DEV a multipath path? (udev helper; --udev)", mpctl_cmd_claim },
	{ "config", "check a multipath.conf", mpctl_cmd_config },
	{ "raw", "send one protocol request, print the JSON reply", mpctl_cmd_raw },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: mpctl [--socket PATH] [--json] [--timeout S] [--no-color] COMMAND [ARGS...]\n\n"
		"commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nRun `mpctl COMMAND --help` for a command's options. Exit status: 0 done,\n"
		"1 the command failed, 2 usage error, 3 the daemon is not reachable.\n"
		"Socket: %s (or $MPCTL_SOCKET, --socket).\n", MPCTL_DEFAULT_SOCKET);
}

/* Removes global options from argv (in place); -1 on a bad one. */
static int strip_globals(int *argc, char **argv)
{
	int out = 1;

	for (int i = 1; i < *argc; i++) {
		/* --timeout after the command is the command's own (wait map) */
		if (!strcmp(argv[i], "--socket") || (!strcmp(argv[i], "--timeout") && out == 1)) {
			if (i + 1 >= *argc) {
				fprintf(stderr, "mpctl: %s needs a value\n", argv[i]);
				return -1;
			}
			if (argv[i][2] == 's') {
				mpctl_g.socket_path = argv[++i];
			} else {
				double s;

				if (mpctl_parse_seconds(argv[++i], 0.001, 3600, &s) < 0) {
					fprintf(stderr, "mpctl: --timeout wants seconds (0.001 to 3600), not \"%s\"\n",
						argv[i]);
					return -1;
				}
				mpctl_g.timeout_ms = (unsigned int)(s * 1000);
			}
		} else if (!strncmp(argv[i], "--socket=", 9)) {
			mpctl_g.socket_path = argv[i] + 9;
		} else if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j")) {
			mpctl_g.json = true;
		} else if (!strcmp(argv[i], "--no-color")) {
			mpctl_g.color = false;
		} else {
			argv[out++] = argv[i];
		}
	}
	argv[out] = NULL;
	*argc = out;
	return 0;
}

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];

	if (getenv("MPCTL_SOCKET") && *getenv("MPCTL_SOCKET"))
		mpctl_g.socket_path = getenv("MPCTL_SOCKET");
	/* no-color.org: NO_COLOR counts when set and not empty */
	mpctl_g.color = isatty(STDOUT_FILENO) && !(getenv("NO_COLOR") && *getenv("NO_COLOR")) &&
			!(getenv("TERM") && !strcmp(getenv("TERM"), "dumb"));
	if (!strcmp(base, "multipath"))
		return mpctl_multipath_main(argc, argv);
	if (strip_globals(&argc, argv) < 0)
		return MPCTL_EXIT_USAGE;
	if (mpctl_g.json)
		mpctl_g.color = false;
	if (argc < 2) {
		usage(stderr);
		return MPCTL_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return MPCTL_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("mpctl %s\n", MPCTL_VERSION);
		return MPCTL_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "mpctl: unknown command \"%s\" (see `mpctl --help`)\n", argv[1]);
	return MPCTL_EXIT_USAGE;
}
