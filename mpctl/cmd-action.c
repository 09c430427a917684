/* The actions: each checks its arguments (usage errors exit 2 before the
 * daemon is asked), sends one request and prints the daemon's answer in
 * one line. The table below is the whole grammar: verb words, then the
 * argument names, so --help and usage messages come from the same rows. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "mp/vpd.h"
#include "mpctl.h"

struct action {
	const char *words;	/* what the user types before the arguments */
	const char *args;	/* argument names, "" for none */
	unsigned int n_args;
	const char *help;
};

static const struct action actions[] = {
	{ "fail path", "DEV", 1, "fail a path until reinstated (sdX, /dev/sdX or MAJ:MIN)" },
	{ "reinstate path", "DEV", 1, "lift an operator fail; the checker decides again" },
	{ "switch group", "MAP N", 2, "make path group N (1-based) of MAP active" },
	{ "add path", "DEV", 1, "take a path into its map (creates the map if needed)" },
	{ "del path", "DEV", 1, "remove a path from its map and stop checking it" },
	{ "add map", "WWID|DEV|MAP", 1, "create the map of a WWID (36001405... or naa.6001405...), "
	  "of the path DEV or of a removed map's name" },
	{ "del map", "MAP", 1, "remove a map; refused while it is open; stays removed until add map/add path" },
	{ "resize map", "MAP", 1, "re-read path sizes and reload MAP with the new size" },
	{ "suspend map", "MAP", 1, "suspend MAP (I/O waits until resume)" },
	{ "resume map", "MAP", 1, "resume a suspended MAP" },
	{ "queueing disable", "MAP|--all", 1, "fail I/O when no path is left (until restore)" },
	{ "queueing restore", "MAP|--all", 1, "back to the configured no_path_retry" },
	{ "queueing force", "MAP|--all", 1, "queue I/O with no path left, whatever the config" },
	{ "reconfigure", "", 0, "re-read multipath.conf; a bad file keeps the old config" },
	{ "reload wwids", "", 0, "re-read the wwids file (multipath -a/-w/-W do this for you)" },
	{ "shutdown", "", 0, "stop the daemon; maps stay in place" },
};

#define N_ACTIONS (sizeof(actions) / sizeof(actions[0]))

static unsigned int word_count(const char *s)
{
	unsigned int n = 1;

	for (; *s; s++)
		n += *s == ' ';
	return n;
}

static bool words_match(const char *words, int argc, char **argv)
{
	char buf[64], *save = NULL;
	int i = 0;

	snprintf(buf, sizeof(buf), "%s", words);
	for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save), i++)
		if (i >= argc || strcmp(w, argv[i]))
			return false;
	return true;
}

static void usage_for(FILE *f, const char *verb)
{
	fprintf(f, "usage:\n");
	for (size_t i = 0; i < N_ACTIONS; i++)
		if (!strncmp(actions[i].words, verb, strlen(verb)) &&
		    (actions[i].words[strlen(verb)] == ' ' || !actions[i].words[strlen(verb)]))
			fprintf(f, "  mpctl %s %s\n      %s\n", actions[i].words, actions[i].args,
				actions[i].help);
}

int mpctl_cmd_action(int argc, char **argv)
{
	const struct action *a = NULL;
	struct mp_strbuf line = MP_STRBUF_INIT;
	struct json_object *data = NULL;
	char wwid[MP_WWID_SIZE];
	unsigned int nw;
	int r;

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage_for(stdout, argv[0]);
			return MPCTL_EXIT_OK;
		}
	for (size_t i = 0; i < N_ACTIONS && !a; i++)
		if (words_match(actions[i].words, argc, argv))
			a = &actions[i];
	if (!a) {
		fprintf(stderr, "mpctl %s: unknown action%s%s\n", argv[0], argc > 1 ? " " : "",
			argc > 1 ? argv[1] : "");
		usage_for(stderr, argv[0]);
		return MPCTL_EXIT_USAGE;
	}
	nw = word_count(a->words);
	/* the verbs on one MAP: a t10. WWID with blanks (one word, or split by
	 * the shell) is sent in its WWID form, as requests are split on blanks */
	if (strlen(a->words) > 4 && !strcmp(a->words + strlen(a->words) - 4, " map") &&
	    (unsigned int)argc > nw) {
		r = mpctl_map_arg(argv + nw, (size_t)argc - nw, wwid, sizeof(wwid));
		if (r < 0 && r != -E2BIG) {
			fprintf(stderr, "mpctl %s: \"%s\" is not a valid name or WWID\n", a->words, argv[nw]);
			return MPCTL_EXIT_USAGE;
		}
		if (r == 0) {
			argv[nw] = wwid;
			argc = (int)nw + 1;
		}
	}
	if ((unsigned int)argc != nw + a->n_args) {
		fprintf(stderr, "mpctl %s: expected %s%s%s\n", a->words,
			a->n_args ? a->args : "no arguments", a->n_args ? ", got " : "",
			a->n_args ? ((unsigned int)argc < nw + a->n_args ? "too few" : "too many") : "");
		usage_for(stderr, argv[0]);
		return MPCTL_EXIT_USAGE;
	}
	for (int i = (int)nw; i < argc; i++)
		if (!*argv[i] || strpbrk(argv[i], " \t\r\n")) {
			fprintf(stderr, "mpctl %s: \"%s\" is not a valid name\n", a->words, argv[i]);
			return MPCTL_EXIT_USAGE;
		}
	if (!strcmp(a->words, "switch group")) {
		long n;

		/* path groups count from 1; the daemon says whether MAP has N */
		if (mpctl_parse_count(argv[nw + 1], 1, 65535, &n) < 0) {
			fprintf(stderr, "mpctl switch group: \"%s\" is not a path group number (1, 2, ...)\n",
				argv[nw + 1]);
			return MPCTL_EXIT_USAGE;
		}
	}
	mp_strbuf_puts(&line, a->words);
	for (int i = (int)nw; i < argc; i++)
		mp_strbuf_printf(&line, " %s", argv[i]);
	r = mpctl_request(mp_strbuf_str(&line), &data);
	mp_strbuf_release(&line);
	if (r == MPCTL_EXIT_OK) {
		if (mpctl_g.json)
			printf("%s\n", json_object_to_json_string_ext(data, JSON_C_TO_STRING_PRETTY |
								      JSON_C_TO_STRING_SPACED));
		else if (json_object_is_type(data, json_type_string))
			printf("%s\n", json_object_get_string(data));
		else if (json_object_is_type(data, json_type_object) && *mpctl_jstr(data, "dev"))
			printf("%s (%s): %s%s\n", mpctl_jstr(data, "dev"), mpctl_jstr(data, "map"),
			       mpctl_jstr(data, "checker_state"), mpctl_jbool(data, "queued") ? ", queued" : "");
		else if (json_object_is_type(data, json_type_object) && *mpctl_jstr(data, "result"))
			printf("%s\n", mpctl_jstr(data, "result"));
		else
			printf("ok\n");
	}
	json_object_put(data);
	return r;
}
