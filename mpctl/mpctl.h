/* mpctl's subcommands. Each takes argv starting at its own name (argv[0]
 * is "config", ...) and returns the process exit status: 0 success, 1 the
 * command found problems or failed, 2 usage error. To add a command, write
 * mpctl/cmd-<name>.c with one such function and add a row to the table in
 * mpctl/main.c. */
#ifndef MPCTL_MPCTL_H
#define MPCTL_MPCTL_H

#define MPCTL_EXIT_OK		0
#define MPCTL_EXIT_FAIL		1
#define MPCTL_EXIT_USAGE	2

struct mpctl_command {
	const char *name;
	const char *summary;	/* one line for `mpctl --help` */
	int (*run)(int argc, char **argv);
};

int mpctl_cmd_config(int argc, char **argv);
int mpctl_cmd_claim(int argc, char **argv);

#endif
