/*
 * oval_results.h - write an OVAL results document (oval-results-5)
 * for what a session evaluated, with its system characteristics.
 */
#ifndef PLUMB_OVAL_RESULTS_H
#define PLUMB_OVAL_RESULTS_H

#include <libxml/xmlwriter.h>

#include "plumb/error.h"
#include "oval_eval.h"

/* What OVAL directives say about the definitions with one result. */
struct oval_directive {
	int reported;	/* written at all */
	int thin;	/* without their criteria */
};

/* The definition classes (oval:ClassEnumeration), for class directives. */
#define OVAL_RES_NCLASS	5

/*
 * How much to write.  Zeroed: everything (every definition with its
 * criteria, every test, the collected objects and items).
 */
struct oval_results_opts {
	int thin;		/* definition results only: no criteria, no
				 * tests, no objects or items (oscap's thin
				 * results) */
	int without_syschar;	/* no collected objects or items: the
				 * system characteristics keep their
				 * generator and system_info */
	int has_directives;	/* dir[] applies */
	int no_source;		/* include_source_definitions="false": no
				 * copy of the definitions */
	struct oval_directive dir[OVAL_R__COUNT];	/* by result */
	int has_class[OVAL_RES_NCLASS];	/* cls[c] overrides dir[] */
	struct oval_directive cls[OVAL_RES_NCLASS][OVAL_R__COUNT];
};

/*
 * Read an oval-directives-5 document (its general directives and its
 * class directives, which override them for the definitions of one
 * class) into opts and set has_directives.
 * Returns 0 or a PLUMB_E* code with err naming the file.
 */
int oval_results_load_directives(const char *path,
    struct oval_results_opts *opts, struct plumb_err *err);

/*
 * Write the results to path atomically (temporary file, fsync, rename).
 * Returns 0 or a PLUMB_E* code with err naming the file.
 */
int oval_results_write(const struct oval_session *s, const char *path,
    const struct oval_results_opts *opts, struct plumb_err *err);

/*
 * Write the oval_results element (it declares its own namespaces) into
 * an open writer, for documents that embed OVAL results such as ARF;
 * out is the output buffer w was created on (the copy of the
 * definitions is streamed into it), level the number of elements
 * open in w (for indentation).
 * Returns 0, or PLUMB_EIO when a write failed (the caller names the
 * file).
 */
int oval_results_emit(const struct oval_session *s, xmlTextWriterPtr w,
    xmlOutputBufferPtr out, int level, const struct oval_results_opts *opts);

#endif /* PLUMB_OVAL_RESULTS_H */
