/*
 * textmatch.h - what both text probes (textfilecontent54 and the older
 * textfilecontent) share: the walk of the object's files once per
 * pattern, the checks on each match, the textfilecontent_item built for
 * a match.
 */
#ifndef PLUMB_TEXTMATCH_H
#define PLUMB_TEXTMATCH_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "plumb/probe.h"
#include "fsobj.h"

#define TEXTMATCH_FILE_CAP	(64UL * 1024 * 1024)	/* bytes read per file */
#define TEXTMATCH_MATCH_CAP	100000			/* matches per file */

/*
 * One probe's walk.  The probe sets req, res, entity, unit, opt,
 * utf_opt and arg; textmatch_walk() sets the rest for each pattern.
 */
struct textmatch {
	const struct probe_req	*req;
	struct probe_result	*res;
	const char		*entity;	/* "line", "pattern": the object's */
	const char		*unit;		/* what the match cap counts */
	uint32_t		 opt;		/* compile options */
	uint32_t		 utf_opt;	/* with PCRE2_UTF, when it compiles */
	const void		*arg;		/* the probe's own */
	const char		*pattern;	/* the value being walked */
	pcre2_code		*code;
	pcre2_match_data	*md;
	pcre2_match_context	*mctx;		/* regex_limits applied */
	int			 utf;		/* code is in UTF mode */
};

/*
 * For each value of c->entity, which the object must give with
 * operation pattern match: compile it (c->opt | PCRE2_UTF | c->utf_opt,
 * or c->opt alone when the pattern is not valid UTF-8) and walk the
 * object's files with fn(f, c).  A pattern that does not compile flags
 * c->res error; the walk stops after the first pattern that leaves
 * c->res flagged error.  Returns as fsobj_walk().
 */
int textmatch_walk(struct textmatch *c, fsobj_fn fn);

/*
 * Check m, what pcre2_match() returned for the match after the *inst
 * already found in file f: the number of ovector pairs set (> 0, *inst
 * counts the match), 0 for no match, or -1 with c->res flagged when the
 * file's walk stops here: a match error (invalid UTF-8 said as such), or
 * more than TEXTMATCH_MATCH_CAP matches.
 */
int textmatch_check(struct textmatch *c, const struct fsobj_file *f, int m,
    long *inst);

/*
 * Emit one textfilecontent_item for match number inst of pattern in
 * file f: subject is the text md was matched against, nmatch the
 * number of ovector pairs set (the match, then its subexpressions).
 * Returns 0 or PLUMB_ENOMEM.
 */
int textmatch_item(struct probe_result *res, const struct fsobj_file *f,
    const char *pattern, long inst, const char *subject,
    pcre2_match_data *md, int nmatch);

#endif /* PLUMB_TEXTMATCH_H */
