/* SPDX-License-Identifier: Apache-2.0 */
/* triage-known: build known-file hash set indexes (NSRL RDSv3, hash lists)
 * and flag the file records whose digests they hold. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "triage/known.h"

#define USAGE "usage: triage-known [-bchkqUuV] [-d index] [-L list] " \
	"[-m size] [-N rds] [-o index] [-s name] [file ...]"

static const char help[] = USAGE "\n"
"\n"
"Import known-good and known-bad hash sets into one index:\n"
"  triage-known -N RDS.db -o known.db          NSRL RDSv3 (set 'nsrl')\n"
"  triage-known -L bad.txt -s NAME -b -o known.db   a hash list\n"
"Flag 'file' records (triage-walk --hash) read from the files or stdin:\n"
"  triage-known -d known.db [file ...]\n"
"A record whose md5, sha1 or sha256 a set holds gets \"known\" (good sets)\n"
"or \"known_bad\" (bad sets); each known-bad match is followed by a 'hit'\n"
"record with rule \"hashset:NAME\" (see triage-records(5)).\n"
"\n"
"  -N, --import-nsrl RDS   import an NSRL RDSv3 SQLite database\n"
"  -L, --import-list FILE  import md5sum/sha1sum/sha256sum output, hashdeep\n"
"                          CSV or one hash per line ('-': stdin)\n"
"  -o, --output INDEX      the index to create or add the set to\n"
"  -s, --set NAME          the set's name (default for -N: nsrl)\n"
"  -b, --bad               the set is known-bad (default: known-good)\n"
"  -m, --memory SIZE       sort memory of an import (default: 256M)\n"
"  -d, --db INDEX          flag file records with this index\n"
"  -k, --drop-known        leave out files only in known-good sets\n"
"  -U, --only-unknown      only file records in no known-good set (or in\n"
"                          a known-bad one): no other records, no hits\n"
"  -c, --verify            with -d: check every block of the index\n"
"  -q, --quiet             no summary, no warnings\n"
"  -u, --unbuffered        flush after every record\n"
"  -h, --help              this help\n"
"  -V, --version           versions of triage and its libraries\n"
"\n"
"Exit status: 0 done, 2 misuse or any error (records written stay valid).\n"
"Example: triage-walk -H sha256 disk.E01 | triage-known -k -d known.db\n";

static const struct option longopts[] = {
	{ "bad", no_argument, NULL, 'b' },
	{ "verify", no_argument, NULL, 'c' },
	{ "db", required_argument, NULL, 'd' },
	{ "help", no_argument, NULL, 'h' },
	{ "drop-known", no_argument, NULL, 'k' },
	{ "import-list", required_argument, NULL, 'L' },
	{ "memory", required_argument, NULL, 'm' },
	{ "import-nsrl", required_argument, NULL, 'N' },
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "set", required_argument, NULL, 's' },
	{ "only-unknown", no_argument, NULL, 'U' },
	{ "unbuffered", no_argument, NULL, 'u' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

struct opts {
	const char	*db, *list, *nsrl, *out, *set;
	int		bad, verify, drop, only_unknown, unbuffered;
	uint64_t	mem;
};

static int
import(const struct opts *o)
{
	tr_known_import imp = { o->set, o->bad, o->mem };
	tr_known_stats st;
	tr_error err;
	int rc;

	if (o->nsrl != NULL)
		rc = tr_known_import_nsrl(o->out, o->nsrl, &imp, &st, &err);
	else
		rc = tr_known_import_list(o->out, o->list, &imp, &st, &err);
	if (rc != TR_OK) {
		cli_error("%s", err.msg);
		return CLI_EXIT_TROUBLE;
	}
	if (st.skipped > 0)
		cli_warn("%llu empty or invalid digests left out",
		    (unsigned long long)st.skipped);
	if (!cli_quiet)
		fprintf(stderr, "%s: set '%s' (%s) from '%s'%s%s: %llu md5, "
		    "%llu sha1, %llu sha256 read; '%s' now holds %llu md5, "
		    "%llu sha1, %llu sha256\n", cli_progname, o->set,
		    o->bad ? "known-bad" : "known-good",
		    o->nsrl != NULL ? o->nsrl : o->list,
		    st.from != NULL ? " " : "", st.from != NULL ? st.from : "",
		    (unsigned long long)st.added[0],
		    (unsigned long long)st.added[1],
		    (unsigned long long)st.added[2], o->out,
		    (unsigned long long)st.total[0],
		    (unsigned long long)st.total[1],
		    (unsigned long long)st.total[2]);
	return CLI_EXIT_OK;
}

/* Flag the records of one input; 0, or -1 after an error. */
static int
flag_file(const struct opts *o, tr_known *k, const char *path, char **line,
    size_t *lcap, char **buf, size_t *bcap, int *failed)
{
	FILE *fp = stdin;
	const char *name = strcmp(path, "-") == 0 ? "(stdin)" : path;
	tr_known_result res;
	tr_error err;
	unsigned long long n = 0;
	size_t olen;
	ssize_t len;
	int rc = 0;

	if (strcmp(path, "-") != 0 && (fp = fopen(path, "r")) == NULL) {
		cli_error("cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	while ((len = getline(line, lcap, fp)) != -1) {
		n++;
		if (len <= 1 && (*line)[0] == '\n')
			continue;
		if (tr_known_line(k, *line, (size_t)len, o->only_unknown ?
		    TR_KNOWN_NO_HITS : 0, buf, bcap, &olen, &res, &err) !=
		    TR_OK) {
			cli_error("'%s' line %llu: %s", name, n, err.msg);
			rc = -1;
			if (err.code != TR_EFORMAT ||
			    strncmp(err.msg, "index", 5) == 0)
				break;	/* a damaged index: stop */
			continue;
		}
		if (o->only_unknown && (!res.is_file ||
		    ((res.sets & ~tr_known_bad_mask(k)) != 0 &&
		    (res.sets & tr_known_bad_mask(k)) == 0)))
			continue;
		if (o->drop && res.is_file && res.sets != 0 &&
		    (res.sets & tr_known_bad_mask(k)) == 0)
			continue;
		if (fwrite(*buf, 1, olen, stdout) != olen ||
		    (o->unbuffered && fflush(stdout) != 0)) {
			*failed = 1;
			rc = -1;
			break;
		}
	}
	if (ferror(fp)) {
		cli_error("cannot read '%s': %s", name, strerror(errno));
		rc = -1;
	}
	if (fp != stdin)
		fclose(fp);
	return rc;
}

static int
lookup(const struct opts *o, int argc, char *argv[])
{
	static char *stdin_only[] = { "-", NULL };
	tr_known *k = NULL;
	tr_jsonl *out;
	tr_error err;
	char *line = NULL, *buf = NULL;
	size_t lcap = 0, bcap = 0;
	int i, status = CLI_EXIT_OK, failed = 0;

	if (tr_known_open(&k, o->db, &err) != TR_OK) {
		cli_error("%s", err.msg);
		return CLI_EXIT_TROUBLE;
	}
	if (o->verify) {
		if (tr_known_verify(k, &err) != TR_OK) {
			cli_error("%s", err.msg);
			status = CLI_EXIT_TROUBLE;
		} else if (!cli_quiet) {
			fprintf(stderr, "%s: '%s' is sound: %u sets, %llu md5, "
			    "%llu sha1, %llu sha256\n", cli_progname, o->db,
			    tr_known_nsets(k),
			    (unsigned long long)tr_known_count(k, TR_HASH_MD5),
			    (unsigned long long)tr_known_count(k, TR_HASH_SHA1),
			    (unsigned long long)tr_known_count(k,
			    TR_HASH_SHA256));
		}
		tr_known_close(k);
		return status;
	}
	if (argc == 0) {
		argc = 1;
		argv = stdin_only;
	}
	out = cli_open_output(o->unbuffered);
	for (i = 0; i < argc && !failed; i++)
		if (flag_file(o, k, argv[i], &line, &lcap, &buf, &bcap,
		    &failed) != 0)
			status = CLI_EXIT_TROUBLE;
	if (failed)
		cli_error("cannot write to standard output");
	free(line);
	free(buf);
	tr_known_close(k);
	return cli_close_output(out, status);
}

/*
 * triage-known builds a sorted, memory-mapped index of hash sets (NSRL's
 * RDSv3 databases, hash lists) and flags file records against it without
 * SQLite on the way: the examiner's "drop the operating system's files,
 * flag the attacker's".
 */
int
main(int argc, char *argv[])
{
	struct opts o;
	int ch;

	cli_init(argv[0]);
	memset(&o, 0, sizeof(o));
	while ((ch = getopt_long(argc, argv, "bcd:hkL:m:N:o:qs:UuV",
	    longopts, NULL)) != -1) {
		switch (ch) {
		case 'b':
			o.bad = 1;
			break;
		case 'c':
			o.verify = 1;
			break;
		case 'd':
			o.db = optarg;
			break;
		case 'h':
			cli_help(help);
		case 'k':
			o.drop = 1;
			break;
		case 'L':
			o.list = optarg;
			break;
		case 'm':
			if (cli_parse_size(optarg, &o.mem) != 0 ||
			    o.mem < (1u << 20))
				cli_usage_error(USAGE, "invalid memory size "
				    "'%s': at least 1M", optarg);
			break;
		case 'N':
			o.nsrl = optarg;
			break;
		case 'o':
			o.out = optarg;
			break;
		case 'q':
			cli_quiet = 1;
			break;
		case 's':
			o.set = optarg;
			break;
		case 'U':
			o.only_unknown = 1;
			break;
		case 'u':
			o.unbuffered = 1;
			break;
		case 'V':
			cli_version();
		default:
			cli_usage_error(USAGE, "invalid option");
		}
	}
	argc -= optind;
	argv += optind;
	if (o.nsrl != NULL || o.list != NULL) {
		if (o.nsrl != NULL && o.list != NULL)
			cli_usage_error(USAGE, "--import-nsrl and "
			    "--import-list exclude each other");
		if (o.out == NULL)
			cli_usage_error(USAGE, "an import needs --output");
		if (o.db != NULL || argc > 0 || o.drop || o.only_unknown ||
		    o.verify)
			cli_usage_error(USAGE, "an import takes no --db, "
			    "file, --drop-known, --only-unknown or --verify");
		if (o.set == NULL && o.nsrl != NULL)
			o.set = "nsrl";
		if (o.set == NULL)
			cli_usage_error(USAGE, "--import-list needs --set");
		return import(&o);
	}
	if (o.db == NULL)
		cli_usage_error(USAGE, "no --db, --import-nsrl or "
		    "--import-list given");
	if (o.out != NULL || o.set != NULL || o.bad || o.mem != 0)
		cli_usage_error(USAGE, "--output, --set, --bad and --memory "
		    "go with an import");
	if (o.verify && argc > 0)
		cli_usage_error(USAGE, "--verify takes no file");
	return lookup(&o, argc, argv);
}
