/* SPDX-License-Identifier: Apache-2.0 */
/* triage: run "triage VERB args" as "triage-VERB args", as git does. */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

#define USAGE "usage: triage [-hV] verb [argument ...]"

static const struct {
	const char *verb, *what;
} verbs[] = {
	{ "info", "describe images, volumes and filesystems" },
	{ "walk", "list every file of every filesystem, deleted too" },
	{ "acquire", "image a device or file to E01 or raw, hashing" },
	{ "verify", "recompute and compare image hashes" },
	{ "scan", "YARA over files inside images and folders" },
	{ "parse", "artifacts (event logs, registry, logs...) into events" },
	{ "detect", "Sigma rules over parsed events" },
	{ "timeline", "sort times of records into a timeline" },
	{ "extract", "copy files and artifact sets out, with a manifest" },
	{ "known", "flag files in known-good and known-bad hash sets" },
	{ "report", "HTML or Markdown case report from records" },
	{ "collect", "one-shot case collection on site" },
};

static void
help(FILE *fp)
{
	size_t i;

	fprintf(fp, "%s\n\n"
	    "start here: triage collect -e NAME -c CASE -o DIR SOURCE\n\n"
	    "Forensic triage tools that speak JSON Lines.\n\n"
	    "Verbs (each is also a program triage-VERB with a man page;\n"
	    "'triage help VERB' shows its help):\n",
	    USAGE);
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		fprintf(fp, "  %-9s %s\n", verbs[i].verb, verbs[i].what);
	fprintf(fp, "\n  -h, --help     this help\n"
	    "  -V, --version  versions of triage and its libraries\n\n"
	    "Example: triage walk disk.E01 | triage timeline > "
	    "timeline.jsonl\n");
}

/*
 * triage finds triage-VERB next to itself first (so a build tree works
 * without installing), then on PATH.
 */
int
main(int argc, char *argv[])
{
	char self[PATH_MAX], prog[PATH_MAX + 64], *slash;
	const char *verb;
	ssize_t n;
	size_t i;

	cli_init(argv[0]);
	if (argc < 2)
		cli_usage_error(USAGE, "no verb given");
	verb = argv[1];
	/* "triage help walk" is "triage-walk --help". */
	if (strcmp(verb, "help") == 0 && argc == 3) {
		verb = argv[1] = argv[2];
		argv[2] = "--help";
	} else if (strcmp(verb, "-h") == 0 || strcmp(verb, "--help") == 0 ||
	    strcmp(verb, "help") == 0) {
		help(stdout);
		return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_TROUBLE;
	}
	if (strcmp(verb, "-V") == 0 || strcmp(verb, "--version") == 0)
		cli_version();
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(verb, verbs[i].verb) == 0)
			break;
	if (i == sizeof(verbs) / sizeof(verbs[0])) {
		const char *names[sizeof(verbs) / sizeof(verbs[0])], *near;

		for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
			names[i] = verbs[i].verb;
		if ((near = cli_suggest(verb, names, i)) != NULL)
			cli_usage_error(USAGE, "unknown verb '%s'; did you mean "
			    "'%s'?", verb, near);
		cli_usage_error(USAGE, "unknown verb '%s'", verb);
	}
	snprintf(prog, sizeof(prog), "triage-%s", verb);
	argv[1] = prog;
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			char path[2 * PATH_MAX + 80];

			*slash = '\0';
			if (snprintf(path, sizeof(path), "%s/%s", self, prog) <
			    (int)sizeof(path) && access(path, X_OK) == 0)
				execv(path, argv + 1);
		}
	}
	execvp(prog, argv + 1);
	cli_error("cannot run '%s': %s", prog, strerror(errno));
	return CLI_EXIT_TROUBLE;
}
