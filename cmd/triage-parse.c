/* SPDX-License-Identifier: Apache-2.0 */
/* triage-parse: artifact files become timeline events. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "triage/parse.h"

#define USAGE "usage: triage-parse [-hquV] [-j jobs] [-p parser,...] " \
	"[-z zone] [--from date] [--to date] [--label name] " \
	"[--registry keys|decoded|all] [--list-parsers] source ..."

static const char help[] = USAGE "\n"
"\n"
"Read artifact files - event logs, registry hives, Prefetch, LNK, logs,\n"
"histories - and write one event record per time they hold.  Each file is\n"
"recognised by its content, not its name; a folder is read recursively.\n"
"\n"
"  -p, --parsers LIST  only these parsers (comma-separated; see --list-parsers)\n"
"      --list-parsers  one parser record per parser, then exit\n"
"      --from DATE     only events at or after DATE (RFC 3339, any offset)\n"
"      --to DATE       only events at or before DATE (a bare date: that day)\n"
"  -z, --timezone ZONE zone of logs written in local time (default UTC)\n"
"      --registry WHAT keys (one event per key), decoded (run keys, services,\n"
"                      UserAssist...) or all (default)\n"
"      --label NAME    evidence label written into every event\n"
"  -j, --jobs N        artifacts parsed at once (default 1)\n"
"  -q, --quiet         no warnings\n"
"  -u, --unbuffered    flush after every record\n"
"  -h, --help          this help\n"
"  -V, --version       versions of triage and its libraries\n"
"\n"
"Exit status: 0 events parsed, 1 nothing parseable found, 2 misuse or an\n"
"error (something that could be read was not; records written stand).\n"
"Example: triage-parse Security.evtx SYSTEM | triage-timeline > tl.jsonl\n";

enum { OPT_FROM = 256, OPT_TO, OPT_LIST, OPT_LABEL, OPT_REGISTRY };

static const struct option longopts[] = {
	{ "from", required_argument, NULL, OPT_FROM },
	{ "help", no_argument, NULL, 'h' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "label", required_argument, NULL, OPT_LABEL },
	{ "list-parsers", no_argument, NULL, OPT_LIST },
	{ "parsers", required_argument, NULL, 'p' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "registry", required_argument, NULL, OPT_REGISTRY },
	{ "timezone", required_argument, NULL, 'z' },
	{ "to", required_argument, NULL, OPT_TO },
	{ "unbuffered", no_argument, NULL, 'u' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static volatile sig_atomic_t stop_flag;
static volatile int stop_int;

static void
on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
	stop_int = 1;
}

static void
warn_cb(void *arg, const char *msg)
{
	(void)arg;
	cli_warn("%s", msg);
}

static void
parse_date(const char *s, tr_time *t, int end_of_day)
{
	tr_error err;

	if (tr_time_parse(s, t, &err) != TR_OK)
		cli_usage_error(USAGE, "%s", err.msg);
	if (end_of_day && strlen(s) == 10) {
		t->sec += 86399;
		t->nsec = 999999999;
	}
}

/* Split "a,b" into a NULL-terminated list of known parser names. */
static const char **
parse_list(char *s)
{
	const char **v = NULL;
	size_t n = 0;
	char *tok, *save = NULL;

	for (tok = strtok_r(s, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (!tr_parse_has_parser(tok))
			cli_usage_error(USAGE, "unknown parser '%s' (see "
			    "--list-parsers)", tok);
		if ((v = realloc(v, (n + 2) * sizeof(*v))) == NULL) {
			cli_error("out of memory");
			exit(CLI_EXIT_TROUBLE);
		}
		v[n++] = tok;
		v[n] = NULL;
	}
	if (n == 0)
		cli_usage_error(USAGE, "--parsers needs at least one name");
	return v;
}

int
main(int argc, char *argv[])
{
	tr_parse_opts o;
	tr_parse_stats st;
	const char **parsers = NULL;
	tr_jsonl *w;
	tr_error err;
	struct sigaction sa;
	int ch, list = 0, unbuffered = 0, status, rc;

	cli_init(argv[0]);
	memset(&o, 0, sizeof(o));
	o.from = o.to = TR_TIME_UNSET;
	o.warn = warn_cb;
	o.jobs = 1;
	while ((ch = getopt_long(argc, argv, "hj:p:quVz:", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'h':
			cli_help(help);
		case 'j':
			if (cli_parse_int(optarg, 1, 256, &o.jobs) != 0)
				cli_usage_error(USAGE, "invalid job count "
				    "'%s': expected 1 to 256", optarg);
			break;
		case 'p':
			free(parsers);
			parsers = parse_list(optarg);
			o.parsers = parsers;
			break;
		case 'q':
			cli_quiet = 1;
			break;
		case 'u':
			unbuffered = 1;
			break;
		case 'V':
			cli_version();
		case 'z':
			o.timezone = optarg;
			break;
		case OPT_FROM:
			parse_date(optarg, &o.from, 0);
			break;
		case OPT_TO:
			parse_date(optarg, &o.to, 1);
			break;
		case OPT_LIST:
			list = 1;
			break;
		case OPT_LABEL:
			o.label = optarg;
			break;
		case OPT_REGISTRY:
			if (strcmp(optarg, "keys") == 0)
				o.registry = TR_PARSE_REG_KEYS;
			else if (strcmp(optarg, "decoded") == 0)
				o.registry = TR_PARSE_REG_DECODED;
			else if (strcmp(optarg, "all") == 0)
				o.registry = TR_PARSE_REG_KEYS |
				    TR_PARSE_REG_DECODED;
			else
				cli_usage_error(USAGE, "invalid --registry "
				    "'%s': expected keys, decoded or all",
				    optarg);
			break;
		default:
			cli_usage_error(USAGE, "invalid option");
		}
	}
	argc -= optind;
	argv += optind;
	w = cli_open_output(unbuffered);
	if (list) {
		if (argc > 0)
			cli_usage_error(USAGE, "--list-parsers takes no source");
		if (tr_parse_list(w, &err) != TR_OK) {
			cli_error("%s", err.msg);
			return cli_close_output(w, CLI_EXIT_TROUBLE);
		}
		return cli_close_output(w, CLI_EXIT_OK);
	}
	if (argc == 0)
		cli_usage_error(USAGE, "no source given");
	if (tr_time_isset(&o.from) && tr_time_isset(&o.to) &&
	    tr_time_usec(&o.to) < tr_time_usec(&o.from))
		cli_usage_error(USAGE, "--to is before --from");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	o.stop = &stop_int;
	rc = tr_parse_run((const char *const *)argv, (size_t)argc, &o, w, &st,
	    &err);
	if (rc == TR_EINTR || stop_flag) {
		cli_error("interrupted after %llu artifacts and %llu events; "
		    "the records written stand", (unsigned long long)
		    st.artifacts, (unsigned long long)st.events);
		status = CLI_EXIT_TROUBLE;
	} else if (rc != TR_OK) {
		cli_error("%s", err.msg);
		status = CLI_EXIT_TROUBLE;
	} else if (st.lost > 0) {
		cli_warn("%llu artifact%s not read completely",
		    (unsigned long long)st.lost, st.lost == 1 ? "" : "s");
		status = CLI_EXIT_TROUBLE;
	} else
		status = st.artifacts > 0 ? CLI_EXIT_OK : CLI_EXIT_NONE;
	free(parsers);
	return cli_close_output(w, status);
}
