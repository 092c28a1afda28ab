/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Artifact definitions in the ForensicArtifacts YAML format (name, doc,
 * sources of type FILE, PATH and ARTIFACT_GROUP, supported_os, urls), and
 * the expansion of their paths (%%users.homedir%%, %%environ_systemroot%%
 * ...) against the users and folders found in one filesystem.
 */
#ifndef TRIAGE_ARTIFACTS_H
#define TRIAGE_ARTIFACTS_H

#include <stddef.h>
#include "triage/error.h"
#include "triage/fs.h"
#include "triage/record.h"
#include "triage/source.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tr_artifacts tr_artifacts;

/* An empty set.  Caller frees with tr_artifacts_free(). */
TR_API int tr_artifacts_new(tr_artifacts **out, tr_error *err);
TR_API void tr_artifacts_free(tr_artifacts *set);	/* NULL is a no-op */

/*
 * Load every definition of one YAML file (documents separated by "---").
 * Sources of other types (REGISTRY_KEY, WMI, COMMAND...) are kept out and
 * told to note (one line per definition; may be NULL), as is a definition
 * whose name is already loaded (the first one stays).  TR_EFORMAT names
 * the file, line and column of a YAML error or of a definition without a
 * name; TR_EIO / TR_ENOTFOUND when the file cannot be read.  Definitions
 * loaded before an error stay in the set.
 */
TR_API int tr_artifacts_load(tr_artifacts *set, const char *path,
    tr_warn_fn note, void *note_arg, tr_error *err);
/*
 * Load every *.yaml file of a folder in name order.  TR_ENOTFOUND when the
 * folder is missing.
 */
TR_API int tr_artifacts_load_dir(tr_artifacts *set, const char *dir,
    tr_warn_fn note, void *note_arg, tr_error *err);

/* Number of definitions, and the "artifact" record of the i-th (caller
 * frees; NULL on no memory), in load order. */
TR_API size_t tr_artifacts_count(const tr_artifacts *set);
TR_API tr_rec *tr_artifacts_record(const tr_artifacts *set, size_t i);
/* Name of the i-th definition (borrowed). */
TR_API const char *tr_artifacts_name(const tr_artifacts *set, size_t i);
/* True when a definition is called name (exact, then case-insensitive). */
TR_API int tr_artifacts_has(const tr_artifacts *set, const char *name);

/*
 * The paths to collect from fs for the named definitions (groups expanded,
 * recursively, each definition once): absolute globs for tr_glob_match()
 * with '/' as separator, each with the name of the definition it comes
 * from.  Parameters are resolved from fs itself: user profile folders
 * under /Users and /Documents and Settings and those the SOFTWARE hive's
 * ProfileList names (a hive that cannot be read is a warning), homes from
 * /etc/passwd plus /home/ and /root, the Windows folder at the root, each
 * profile's SID from ProfileList.  A path that uses a parameter with no
 * value here (%%users.domain%%..., or %%users.sid%% for a user the registry
 * does not list) is left out and told to note.  TR_ENOTFOUND names an
 * unknown artifact.
 */
typedef struct tr_artifact_paths tr_artifact_paths;
TR_API int tr_artifacts_expand(const tr_artifacts *set,
    const char *const *names, size_t nnames, tr_fs *fs, tr_warn_fn note,
    void *note_arg, tr_artifact_paths **out, tr_error *err);
TR_API size_t tr_artifact_paths_count(const tr_artifact_paths *p);
TR_API const char *tr_artifact_paths_glob(const tr_artifact_paths *p,
    size_t i);
TR_API const char *tr_artifact_paths_name(const tr_artifact_paths *p,
    size_t i);
TR_API void tr_artifact_paths_free(tr_artifact_paths *p); /* NULL ok */

/*
 * The users seen in fs, as "user" (name) and "home" pairs: exposed for
 * tests and --list.  Returns a record array of {"name","home"} objects,
 * with "sid" too for users the registry's ProfileList names (caller
 * frees), or NULL on no memory.
 */
TR_API tr_rec *tr_artifacts_users(tr_fs *fs);

#ifdef __cplusplus
}
#endif
#endif
