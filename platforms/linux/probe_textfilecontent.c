/*
 * probe_textfilecontent.c - textfilecontent_object (independent, the
 * deprecated 5.3 form): path + filename and a line pattern matched
 * against each line of a regular file on its own.  Every matching line
 * gives one item (instance counts them from 1), with the first match in
 * the line as text and its groups as subexpressions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plumb/probe.h"
#include "fsobj.h"
#include "textmatch.h"

/* Match every line of one file. */
static int
tfc_file(const struct fsobj_file *f, void *arg)
{
	struct textmatch *c = arg;
	char *buf = NULL, *line, *nl, *end;
	size_t len, llen;
	long inst = 0;
	int rc, m;

	if ((rc = fsobj_read_content(c->req, c->res, f, TEXTMATCH_FILE_CAP,
	    1, &buf, &len)) <= 0)
		return rc;
	rc = PLUMB_OK;
	end = buf + len;
	for (line = buf; line < end && rc == 0; line = nl + 1) {
		if ((nl = memchr(line, '\n', (size_t)(end - line))) == NULL)
			nl = end;
		llen = (size_t)(nl - line);
		*nl = '\0';
		m = pcre2_match(c->code, (PCRE2_SPTR)line, llen, 0, 0, c->md,
		    c->mctx);
		if ((m = textmatch_check(c, f, m, &inst)) == 0)
			continue;
		if (m < 0)
			break;
		rc = textmatch_item(c->res, f, c->pattern, inst, line, c->md, m);
		if (rc == 0 && probe_full(c->res))
			rc = 1;		/* item cap reached: stop the walk */
	}
	free(buf);
	return rc;
}

/* Invalid UTF-8 in a line does not match (PCRE2_MATCH_INVALID_UTF). */
static int
tfc_collect(const struct probe_req *req, struct probe_result *res)
{
	struct textmatch c;

	memset(&c, 0, sizeof(c));
	c.req = req;
	c.res = res;
	c.entity = "line";
	c.unit = "matching lines";
	c.utf_opt = PCRE2_MATCH_INVALID_UTF;
	return textmatch_walk(&c, tfc_file);
}

const struct probe_ops probe_textfilecontent_ops = {
	.type = "textfilecontent_object",
	.family = "independent",
	.collect = tfc_collect,
};
