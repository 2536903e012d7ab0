/*
 * regex_limits.h - the bounds on one PCRE2 match, the same for every
 * pattern content brings (OVAL pattern match, regex_capture, the
 * textfilecontent probes, the filesystem walk's path patterns): a
 * hostile pattern costs a bounded amount of work and fails as an
 * error, never hangs a scan.  Include after <pcre2.h>.
 */
#ifndef PLUMB_REGEX_LIMITS_H
#define PLUMB_REGEX_LIMITS_H

#define REGEX_MATCH_LIMIT	1000000		/* backtracking steps */
#define REGEX_DEPTH_LIMIT	100000		/* nested backtracking */
#define REGEX_HEAP_LIMIT_KIB	(64 * 1024)	/* backtracking memory */

/* Put the three bounds on a match context. */
static inline void
regex_limits_apply(pcre2_match_context *mctx)
{
	pcre2_set_match_limit(mctx, REGEX_MATCH_LIMIT);
	pcre2_set_depth_limit(mctx, REGEX_DEPTH_LIMIT);
	pcre2_set_heap_limit(mctx, REGEX_HEAP_LIMIT_KIB);
}

#endif /* PLUMB_REGEX_LIMITS_H */
