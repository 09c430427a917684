/* mpctl: the command-line tool. main() only dispatches argv[1] through the
 * command table below; each subcommand lives in its own cmd-<name>.c and
 * owns its options and output. */
#include <stdio.h>
#include <string.h>

#include "mpctl.h"

static const struct mpctl_command commands[] = {
	{ "claim", "is DEV a multipath path? (udev helper; --udev)", mpctl_cmd_claim },
	{ "config", "check or show the multipath.conf configuration", mpctl_cmd_config },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: mpctl COMMAND [ARGS...]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nRun `mpctl COMMAND --help` for a command's options.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return MPCTL_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return MPCTL_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "mpctl: unknown command \"%s\"\n", argv[1]);
	usage(stderr);
	return MPCTL_EXIT_USAGE;
}
