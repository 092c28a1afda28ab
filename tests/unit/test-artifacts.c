/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests: ForensicArtifacts definitions and path expansion (artifacts.c). */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "triage/triage.h"
#include "triage/artifacts.h"
#include "../../libtriage/internal.h"

static unsigned notes;

static void
count_note(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
	notes++;
}

static char last_note[1024];

static void
keep_note(void *arg, const char *msg)
{
	(void)arg;
	notes++;
	snprintf(last_note, sizeof(last_note), "%s", msg);
}

static char *
write_tmp(const char *text)
{
	static char path[64];
	FILE *fp;
	int fd;

	strcpy(path, "/tmp/test-artifacts.XXXXXX");
	CHECK((fd = mkstemp(path)) >= 0);
	CHECK((fp = fdopen(fd, "w")) != NULL);
	fputs(text, fp);
	fclose(fp);
	return path;
}

static void
test_artifacts_load(void)
{
	tr_artifacts *set;
	tr_error err;
	tr_rec *r;
	char *p, *dump;

	CHECK_STATUS(tr_artifacts_new(&set, &err), TR_OK);
	p = write_tmp("name: A\ndoc: one\nsources:\n- type: FILE\n"
	    "  attributes: {paths: ['/x/*'], separator: '/'}\n"
	    "- type: REGISTRY_KEY\n  attributes: {keys: ['HKLM\\x']}\n"
	    "supported_os: [Linux]\n---\nname: G\nsources:\n"
	    "- type: ARTIFACT_GROUP\n  attributes: {names: [A, Missing]}\n"
	    "---\nname: A\ndoc: duplicate\n");
	notes = 0;
	CHECK_STATUS(tr_artifacts_load(set, p, count_note, NULL, &err), TR_OK);
	CHECK(notes == 2);	/* REGISTRY_KEY skipped, duplicate A */
	CHECK(tr_artifacts_count(set) == 2);
	CHECK(tr_artifacts_has(set, "A") && tr_artifacts_has(set, "g"));
	CHECK(!tr_artifacts_has(set, "Missing"));
	CHECK((r = tr_artifacts_record(set, 0)) != NULL);
	CHECK((dump = tr_rec_dump(r)) != NULL);
	CHECK_CONTAINS(dump, "{\"record\":\"artifact\",\"name\":\"A\",\"doc\":\"one\","
	    "\"supported_os\":[\"Linux\"],\"sources\":[{\"type\":\"FILE\","
	    "\"paths\":[\"/x/*\"]}],\"skipped\":[\"REGISTRY_KEY\"],"
	    "\"definitions\":\"" );
	free(dump);
	tr_rec_free(r);
	unlink(p);

	/* YAML error: file, line and column. */
	p = write_tmp("name: B\nsources: [\n  - {type: FILE\n");
	CHECK_STATUS(tr_artifacts_load(set, p, NULL, NULL, &err), TR_EFORMAT);
	CHECK_CONTAINS(err.msg, p);
	CHECK_CONTAINS(err.msg, "line ");
	unlink(p);
	/* No name. */
	p = write_tmp("doc: nameless\n");
	CHECK_STATUS(tr_artifacts_load(set, p, NULL, NULL, &err), TR_EFORMAT);
	CHECK_CONTAINS(err.msg, "without a name");
	unlink(p);
	CHECK_STATUS(tr_artifacts_load(set, "/no/such.yaml", NULL, NULL, &err),
	    TR_ENOTFOUND);
	CHECK_CONTAINS(err.msg, "/no/such.yaml");
	CHECK_STATUS(tr_artifacts_load_dir(set, "/no/such", NULL, NULL, &err),
	    TR_ENOTFOUND);
	tr_artifacts_free(set);
}

static void
test_artifacts_ours(void)
{
	tr_artifacts *set;
	tr_error err;

	CHECK_STATUS(tr_artifacts_new(&set, &err), TR_OK);
	notes = 0;
	CHECK_STATUS(tr_artifacts_load_dir(set, TRIAGE_SRCDIR "/rules/artifacts",
	    count_note, NULL, &err), TR_OK);
	CHECK(notes == 0);
	CHECK(tr_artifacts_has(set, "windows-triage"));
	CHECK(tr_artifacts_has(set, "linux-triage"));
	CHECK(tr_artifacts_has(set, "macos-triage"));
	tr_artifacts_free(set);
}

/* Expansion on the sample image's two filesystems. */
static void
test_artifacts_expand(void)
{
	const char *img = TRIAGE_SRCDIR "/tests/data/sample.img";
	const char *lin[] = { "TriageLinuxShellHistory" };
	const char *win[] = { "TriageWindowsPowerShellHistory",
	    "TriageWindowsEventLogs" };
	tr_artifacts *set;
	tr_source *src;
	tr_layout *l;
	tr_fs *fs;
	tr_artifact_paths *p;
	tr_error err;
	size_t i;
	int carol = 0, bob = 0, evtx = 0;

	if (access(img, R_OK) != 0)
		SKIP("no sample.img");
	CHECK_STATUS(tr_artifacts_new(&set, &err), TR_OK);
	CHECK_STATUS(tr_artifacts_load_dir(set, TRIAGE_SRCDIR "/rules/artifacts",
	    NULL, NULL, &err), TR_OK);
	CHECK_STATUS(tr_source_open(&src, img, NULL, 0, &err), TR_OK);
	CHECK_STATUS(tr_source_layout(src, &l, NULL, NULL, &err), TR_OK);
	CHECK(l->nfs == 2);
	CHECK_STATUS(tr_fs_open(&fs, src, &l->fs[0], &err), TR_OK);
	CHECK_STATUS(tr_artifacts_expand(set, lin, 1, fs, NULL, NULL, &p, &err),
	    TR_OK);
	for (i = 0; i < tr_artifact_paths_count(p); i++) {
		if (strcmp(tr_artifact_paths_glob(p, i),
		    "/srv/carol/.zsh_history") == 0)
			carol = 1;
		CHECK_STR(tr_artifact_paths_name(p, i),
		    "TriageLinuxShellHistory");
	}
	CHECK(carol);
	tr_artifact_paths_free(p);
	CHECK_STATUS(tr_artifacts_expand(set, (const char *[]){ "nope" }, 1, fs,
	    NULL, NULL, &p, &err), TR_ENOTFOUND);
	CHECK_CONTAINS(err.msg, "unknown artifact 'nope'");
	tr_fs_close(fs);
	CHECK_STATUS(tr_fs_open(&fs, src, &l->fs[1], &err), TR_OK);
	CHECK_STATUS(tr_artifacts_expand(set, win, 2, fs, NULL, NULL, &p, &err),
	    TR_OK);
	for (i = 0; i < tr_artifact_paths_count(p); i++) {
		const char *g = tr_artifact_paths_glob(p, i);
		if (strcmp(g, "/Users/Bob/AppData/Roaming/Microsoft/Windows/"
		    "PowerShell/PSReadLine/ConsoleHost_history.txt") == 0)
			bob = 1;
		if (strcmp(g, "/Windows/System32/winevt/Logs/*.evtx") == 0)
			evtx = 1;
	}
	CHECK(bob && evtx);
	tr_artifact_paths_free(p);
	tr_fs_close(fs);
	tr_layout_free(l);
	tr_source_close(src);
	tr_artifacts_free(set);
}

/*
 * A home folder named after a variable, from hostile evidence: its name is
 * data and is not expanded again (that recursed without end).
 */
static void
test_artifacts_expand_hostile_home(void)
{
	const char *lin[] = { "TriageLinuxShellHistory" };
	char dir[] = "/tmp/test-artifacts-home.XXXXXX", sub[128];
	tr_artifacts *set;
	tr_source *src;
	tr_layout *l;
	tr_fs *fs;
	tr_artifact_paths *p;
	tr_error err;
	size_t i;
	int found = 0;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(sub, sizeof(sub), "%s/home", dir);
	CHECK(mkdir(sub, 0700) == 0);
	snprintf(sub, sizeof(sub), "%s/home/%%%%users.homedir%%%%", dir);
	CHECK(mkdir(sub, 0700) == 0);
	CHECK_STATUS(tr_artifacts_new(&set, &err), TR_OK);
	CHECK_STATUS(tr_artifacts_load_dir(set, TRIAGE_SRCDIR "/rules/artifacts",
	    NULL, NULL, &err), TR_OK);
	CHECK_STATUS(tr_source_open(&src, dir, NULL, 0, &err), TR_OK);
	CHECK_STATUS(tr_source_layout(src, &l, NULL, NULL, &err), TR_OK);
	CHECK_STATUS(tr_fs_open(&fs, src, &l->fs[0], &err), TR_OK);
	CHECK_STATUS(tr_artifacts_expand(set, lin, 1, fs, NULL, NULL, &p, &err),
	    TR_OK);
	for (i = 0; i < tr_artifact_paths_count(p); i++)
		if (strcmp(tr_artifact_paths_glob(p, i),
		    "/home/%%users.homedir%%/.bash_history") == 0)
			found = 1;
	CHECK(found);
	tr_artifact_paths_free(p);
	tr_fs_close(fs);
	tr_layout_free(l);
	tr_source_close(src);
	tr_artifacts_free(set);
	CHECK(rmdir(sub) == 0);
	snprintf(sub, sizeof(sub), "%s/home", dir);
	CHECK(rmdir(sub) == 0);
	CHECK(rmdir(dir) == 0);
}

/* ProfileImagePath values to paths inside the volume. */
static void
test_artifacts_profile_path(void)
{
	static const struct {
		const char	*value, *want;
	} t[] = {
		{ "C:\\Users\\alice", "/Users/alice" },
		{ "c:\\Profiles\\dave\\", "/Profiles/dave" },
		{ "%SystemDrive%\\Users\\bob", "/Users/bob" },
		{ "%systemdrive%\\\\Users\\bob", "/Users/bob" },
		{ "%SystemRoot%\\ServiceProfiles\\LocalService",
		    "/WINNT/ServiceProfiles/LocalService" },
		{ "%windir%\\system32\\config\\systemprofile",
		    "/WINNT/system32/config/systemprofile" },
		{ "\\Users\\carol", "/Users/carol" },
		{ "C:/Users/x y", "/Users/x y" },
		{ "D:\\Users\\frank", NULL },
		{ "\\\\server\\share\\gina", NULL },
		{ "Users\\rel", NULL },
		{ "%USERPROFILE%\\x", NULL },
		{ "%SystemRootX%\\x", NULL },
		{ "C:Users", NULL },
		{ "C:\\", NULL },
		{ "C:\\Users\\..\\..\\etc", NULL },
		{ "C:\\Users\\.\\x", NULL },
		{ "", NULL },
	};
	char buf[64];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (t[i].want == NULL) {
			if (tri_profile_path(t[i].value, 'C', "/WINNT", buf,
			    sizeof(buf)) != -1) {
				fprintf(stderr, "'%s' mapped to '%s'\n",
				    t[i].value, buf);
				CHECK(0);
			}
			continue;
		}
		CHECK(tri_profile_path(t[i].value, 'C', "/WINNT", buf,
		    sizeof(buf)) == 0);
		CHECK_STR(buf, t[i].want);
	}
	/* The system drive is the hive's, not always C:. */
	CHECK(tri_profile_path("E:\\Users\\h", 'e', "/Windows", buf,
	    sizeof(buf)) == 0);
	CHECK_STR(buf, "/Users/h");
	CHECK(tri_profile_path("C:\\Users\\h", 'E', "/Windows", buf,
	    sizeof(buf)) == -1);
	/* Too long for the buffer: refused, never cut. */
	CHECK(tri_profile_path("C:\\Users\\a-rather-long-user-name", 'C',
	    "/Windows", buf, 16) == -1);
}

/* ProfileList subkey names to SIDs: only "S-1-" and numbers go into paths. */
static void
test_artifacts_profile_sid(void)
{
	static const struct {
		const char	*name, *want;
	} t[] = {
		{ "S-1-5-21-7-8-9-1001", "S-1-5-21-7-8-9-1001" },
		{ "S-1-5-18", "S-1-5-18" },
		{ "s-1-5-19", "S-1-5-19" },
		{ "S-1-5-21-7-8-9-1001.bak", "S-1-5-21-7-8-9-1001" },
		{ "S-1-5-21-7-8-9-1001.BAK", "S-1-5-21-7-8-9-1001" },
		{ "S-1-5", "S-1-5" },
		{ "S-1-", NULL },
		{ "S-1-5-", NULL },
		{ "S-1-5--18", NULL },
		{ "S-2-5-18", NULL },
		{ "S-1-5-21-unknown", NULL },
		{ "S-1-5-18\\..", NULL },
		{ "S-1-5-18/x", NULL },
		{ "S-1-5-*", NULL },
		{ ".bak", NULL },
		{ "", NULL },
	};
	char buf[32];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (t[i].want == NULL) {
			if (tri_profile_sid(t[i].name, buf, sizeof(buf)) !=
			    -1) {
				fprintf(stderr, "'%s' taken as SID '%s'\n",
				    t[i].name, buf);
				CHECK(0);
			}
			continue;
		}
		CHECK(tri_profile_sid(t[i].name, buf, sizeof(buf)) == 0);
		CHECK_STR(buf, t[i].want);
	}
	/* Too long for the buffer: refused, never cut. */
	CHECK(tri_profile_sid("S-1-5-21-1111111111-2222222222-3333333333-1001",
	    buf, sizeof(buf)) == -1);
}

static void
put_file(const char *path, const void *data, size_t len)
{
	FILE *fp;

	CHECK((fp = fopen(path, "wb")) != NULL);
	CHECK(fwrite(data, 1, len, fp) == len || len == 0);
	CHECK(fclose(fp) == 0);
}

/*
 * A SOFTWARE hive that is not one (random bytes, empty): a note naming the
 * hive, and the profile folders still come from Users/.
 */
static void
test_artifacts_profiles_bad_hive(void)
{
	const char *win[] = { "TriageWindowsPowerShellHistory" };
	static const char *const dirs[] = { "Windows", "Windows/System32",
	    "Windows/System32/config", "Users", "Users/erin" };
	char dir[] = "/tmp/test-artifacts-win.XXXXXX", path[256];
	unsigned char junk[8192];
	tr_artifacts *set;
	tr_source *src;
	tr_layout *l;
	tr_fs *fs;
	tr_artifact_paths *p;
	tr_error err;
	size_t i, k;
	int round, erin;

	CHECK(mkdtemp(dir) != NULL);
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, dirs[i]);
		CHECK(mkdir(path, 0700) == 0);
	}
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)(i * 7919u >> 3);
	memcpy(junk, "regf", 4);	/* a signature alone is not a hive */
	CHECK_STATUS(tr_artifacts_new(&set, &err), TR_OK);
	CHECK_STATUS(tr_artifacts_load_dir(set, TRIAGE_SRCDIR "/rules/artifacts",
	    NULL, NULL, &err), TR_OK);
	snprintf(path, sizeof(path), "%s/Windows/System32/config/SOFTWARE",
	    dir);
	for (round = 0; round < 3; round++) {
		put_file(path, junk, round == 0 ? sizeof(junk) : round == 1 ?
		    0 : 100);
		CHECK_STATUS(tr_source_open(&src, dir, NULL, 0, &err), TR_OK);
		CHECK_STATUS(tr_source_layout(src, &l, NULL, NULL, &err),
		    TR_OK);
		CHECK_STATUS(tr_fs_open(&fs, src, &l->fs[0], &err), TR_OK);
		notes = 0;
		last_note[0] = '\0';
		CHECK_STATUS(tr_artifacts_expand(set, win, 1, fs, keep_note,
		    NULL, &p, &err), TR_OK);
		CHECK(notes == 1);
		CHECK_CONTAINS(last_note, "cannot parse registry hive "
		    "'/Windows/System32/config/SOFTWARE'");
		CHECK_CONTAINS(last_note, dir);
		for (k = 0, erin = 0; k < tr_artifact_paths_count(p); k++)
			if (strcmp(tr_artifact_paths_glob(p, k), "/Users/erin/"
			    "AppData/Roaming/Microsoft/Windows/PowerShell/"
			    "PSReadLine/ConsoleHost_history.txt") == 0)
				erin = 1;
		CHECK(erin);
		tr_artifact_paths_free(p);
		tr_fs_close(fs);
		tr_layout_free(l);
		tr_source_close(src);
	}
	tr_artifacts_free(set);
	CHECK(unlink(path) == 0);
	for (i = sizeof(dirs) / sizeof(dirs[0]); i-- > 0;) {
		snprintf(path, sizeof(path), "%s/%s", dir, dirs[i]);
		CHECK(rmdir(path) == 0);
	}
	CHECK(rmdir(dir) == 0);
}

/*
 * Users without a SID (no SOFTWARE hive): paths that need %%users.sid%%
 * are left out for them, with one note on a Windows volume and none
 * elsewhere; %%users.username%% is the profile folder's name.
 */
static void
test_artifacts_expand_nosid(void)
{
	const char *names[] = { "Own" };
	static const char *const dirs[] = { "Windows", "Users", "Users/erin",
	    "Users/Gina" };
	char dir[] = "/tmp/test-artifacts-nosid.XXXXXX", path[256], *yaml, *dump;
	tr_artifacts *set;
	tr_source *src;
	tr_layout *l;
	tr_fs *fs;
	tr_artifact_paths *p;
	tr_rec *users;
	tr_error err;
	size_t i, k;
	int round;

	CHECK(mkdtemp(dir) != NULL);
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, dirs[i]);
		CHECK(mkdir(path, 0700) == 0);
	}
	CHECK_STATUS(tr_artifacts_new(&set, &err), TR_OK);
	yaml = write_tmp("name: Own\nsources:\n- type: FILE\n  attributes:\n"
	    "    paths: ['/x/%%users.sid%%', '/y/%%users.username%%.txt']\n");
	CHECK_STATUS(tr_artifacts_load(set, yaml, NULL, NULL, &err), TR_OK);
	for (round = 0; round < 2; round++) {
		if (round == 1) {	/* no Windows folder */
			snprintf(path, sizeof(path), "%s/Windows", dir);
			CHECK(rmdir(path) == 0);
		}
		CHECK_STATUS(tr_source_open(&src, dir, NULL, 0, &err), TR_OK);
		CHECK_STATUS(tr_source_layout(src, &l, NULL, NULL, &err),
		    TR_OK);
		CHECK_STATUS(tr_fs_open(&fs, src, &l->fs[0], &err), TR_OK);
		notes = 0;
		last_note[0] = '\0';
		CHECK_STATUS(tr_artifacts_expand(set, names, 1, fs, keep_note,
		    NULL, &p, &err), TR_OK);
		CHECK(tr_artifact_paths_count(p) == 2);
		for (k = 0; k < 2; k++)
			CHECK(strcmp(tr_artifact_paths_glob(p, k),
			    "/y/erin.txt") == 0 || strcmp(
			    tr_artifact_paths_glob(p, k), "/y/Gina.txt") == 0);
		if (round == 0) {
			CHECK(notes == 1);
			CHECK_CONTAINS(last_note, "artifact 'Own': no value "
			    "for %%users.sid%% for users ");
			CHECK_CONTAINS(last_note, "'erin'");
			CHECK_CONTAINS(last_note, "'Gina'");
			CHECK_CONTAINS(last_note, "(not in the registry's "
			    "ProfileList); paths using it are left out for "
			    "them");
		} else
			CHECK(notes == 0);
		tr_artifact_paths_free(p);
		CHECK((users = tr_artifacts_users(fs)) != NULL);
		CHECK((dump = tr_rec_dump(users)) != NULL);
		CHECK_CONTAINS(dump,
		    "\"name\":\"erin\",\"home\":\"/Users/erin\"}");
		CHECK_CONTAINS(dump,
		    "\"name\":\"Gina\",\"home\":\"/Users/Gina\"}");
		CHECK(strstr(dump, "sid") == NULL);
		free(dump);
		tr_rec_free(users);
		tr_fs_close(fs);
		tr_layout_free(l);
		tr_source_close(src);
	}
	unlink(yaml);
	tr_artifacts_free(set);
	for (i = sizeof(dirs) / sizeof(dirs[0]); i-- > 1;) {
		snprintf(path, sizeof(path), "%s/%s", dir, dirs[i]);
		CHECK(rmdir(path) == 0);
	}
	CHECK(rmdir(dir) == 0);
}

int
main(void)
{
	test_artifacts_load();
	test_artifacts_ours();
	test_artifacts_expand();
	test_artifacts_expand_hostile_home();
	test_artifacts_profile_path();
	test_artifacts_profile_sid();
	test_artifacts_expand_nosid();
	test_artifacts_profiles_bad_hive();
	return 0;
}
