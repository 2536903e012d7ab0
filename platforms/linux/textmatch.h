/*
 * textmatch.h - the textfilecontent_item both text probes
 * (textfilecontent54 and the older textfilecontent) build for a match.
 */
#ifndef PLUMB_TEXTMATCH_H
#define PLUMB_TEXTMATCH_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "plumb/probe.h"
#include "fsobj.h"

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
