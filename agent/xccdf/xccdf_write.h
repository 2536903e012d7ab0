/*
 * xccdf_write.h - the documents written from an XCCDF run: XCCDF 1.2
 * results, ARF 1.1, the HTML report and the JSON summary.
 *
 * Every writer reads the run (and, through run->content, the benchmark
 * and the OVAL sessions) without changing it, writes path atomically
 * (a temporary file in the same directory, fsync, rename: see atomic.h)
 * so a crash or a full disk never leaves half a document under the
 * final name, and returns 0 or a PLUMB_E* code with err naming the file
 * and the problem.
 */
#ifndef PLUMB_XCCDF_WRITE_H
#define PLUMB_XCCDF_WRITE_H

#include <stdio.h>

#include "plumb/error.h"
#include "oval_results.h"
#include "xccdf.h"

/* Check-exports written to one variables document at most. */
#define XCCDF_MAX_EXPORTS	65536

/* An XCCDF 1.2 Benchmark holding a TestResult for the run (target
 * facts, identity, profile, start/end times, rule-results, scores). */
int xccdf_write_results(struct xccdf_run *run, const char *path,
    struct plumb_err *err);

/* An ARF 1.1 asset-report-collection as SCAP 1.3 specifies it: asset
 * identification, report request (the data stream), the XCCDF
 * TestResult and the OVAL results of every component evaluated. */
int xccdf_write_arf(struct xccdf_run *run, const char *path,
    struct plumb_err *err);

/* The same with the OVAL results written as ro says (NULL: in full). */
int xccdf_write_arf_opts(struct xccdf_run *run, const char *path,
    const struct oval_results_opts *ro, struct plumb_err *err);

/* A TestResult for DISA STIG Viewer: each rule-result under the STIG
 * rule ids of its Rule's references (one per id), Rules without one
 * left out. */
int xccdf_write_stig_viewer(struct xccdf_run *run, const char *path,
    struct plumb_err *err);

/* An OVAL variables document with the values the checks of the run
 * bound to comp's external variables (the first value of each);
 * *written 0 and no file when none was bound. */
int xccdf_write_variables(struct xccdf_run *run,
    const struct xccdf_oval_comp *comp, const char *path, int *written,
    struct plumb_err *err);

/* One self-contained HTML file: summary, score, a filterable rule table
 * with severity, result, title, references and the failing items. */
int xccdf_write_html(struct xccdf_run *run, const char *path,
    struct plumb_err *err);

/* The compact JSON summary of docs/json-results.md. */
int xccdf_write_json(struct xccdf_run *run, const char *path,
    struct plumb_err *err);

/*
 * The summary for a person at the console, as "plumb: ..." lines on f:
 * which benchmark and profile, the tree scanned when not the host, how
 * many rules gave each result, the default score, and where the report
 * went (report may be NULL).  plumb xccdf eval prints it on standard
 * error (standard output stays what scripts written for the reference
 * read), plumb scan on standard output.
 */
void xccdf_print_summary(FILE *f, const struct xccdf_run *run,
    const char *report);

#endif /* PLUMB_XCCDF_WRITE_H */
