/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Case reports: gather records (image, volume, filesystem, hash, file,
 * hit, extracted, event, acquisition, verification, custody) and write one
 * self-contained HTML page (inline CSS and SVG, nothing fetched) or
 * Markdown.  See triage-report(1).
 */
#ifndef TRIAGE_REPORT_H
#define TRIAGE_REPORT_H

#include <stddef.h>
#include <stdio.h>
#include "triage/error.h"
#include "triage/record.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tr_report tr_report;

#define TR_REPORT_HTML		0
#define TR_REPORT_MARKDOWN	1

/*
 * New, empty report.  context is how many timeline events to show before
 * and after each event tagged with a YARA hit.  Caller frees with
 * tr_report_free().  Errors: TR_ENOMEM.
 */
TR_API int tr_report_new(tr_report **out, unsigned context, tr_error *err);
TR_API void tr_report_free(tr_report *rep);	/* NULL is a no-op */

/*
 * Add one record; kinds the report does not use are counted and ignored.
 * Event records must come in time order (as triage-timeline writes them)
 * for the events around each hit to be right.  The record is copied.
 * Errors: TR_ENOMEM.  Memory stays bounded: files are only counted, and
 * at most a few thousand hits, extracted files and events are kept.
 */
TR_API int tr_report_add(tr_report *rep, const tr_rec *r, tr_error *err);

/*
 * Add every record of a JSON Lines file ("-" is stdin).  A line that is not
 * a JSON object is passed to warn (when not NULL) with the file and line
 * number, listed in the report's problems, and skipped.  Returns TR_OK, or
 * TR_EFORMAT when some lines were skipped (all others were read), or the
 * error that stopped reading (TR_ENOTFOUND, TR_EIO, TR_ENOMEM).
 */
TR_API int tr_report_add_file(tr_report *rep, const char *path,
    void (*warn)(void *arg, const char *msg), void *warn_arg, tr_error *err);

/*
 * Add a case folder made by triage-collect(1): custody.jsonl, hash.jsonl,
 * info.jsonl, acquire.jsonl, files.jsonl, artifacts/manifest.jsonl,
 * hits.jsonl and timeline.jsonl, each when present, and the result of
 * checking the custody log (tr_custody_verify()).  Returns as
 * tr_report_add_file(); TR_ENOTFOUND when case_dir is not a folder or
 * holds none of these files.
 */
TR_API int tr_report_add_case(tr_report *rep, const char *case_dir,
    void (*warn)(void *arg, const char *msg), void *warn_arg, tr_error *err);

/*
 * Write the report to fp as TR_REPORT_HTML or TR_REPORT_MARKDOWN.  Every
 * value read from records is escaped for the format.  The output depends
 * only on the records added (no clock, no host).  Errors: TR_EIO when fp
 * could not be written, TR_EINVAL for an unknown format.
 */
TR_API int tr_report_write(tr_report *rep, FILE *fp, int format,
    tr_error *err);

#ifdef __cplusplus
}
#endif
#endif
