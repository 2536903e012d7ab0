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
#include "common/regex_limits.h"

#define TFC_FILE_CAP	(64UL * 1024 * 1024)	/* bytes read per file */
#define TFC_MATCH_CAP	100000			/* matching lines per file */

struct tfc_ctx {
	const struct probe_req	*req;
	struct probe_result	*res;
	const char		*pattern;
	pcre2_code		*code;
	pcre2_match_data	*md;
	pcre2_match_context	*mctx;
};

/* Match every line of one file. */
static int
tfc_file(const struct fsobj_file *f, void *arg)
{
	struct tfc_ctx *c = arg;
	char *buf = NULL, *line, *nl, *end;
	size_t len, llen;
	long inst = 0;
	int rc, m;

	if ((rc = fsobj_read_content(c->req, c->res, f, TFC_FILE_CAP, 1, &buf,
	    &len)) <= 0)
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
		if (m == PCRE2_ERROR_NOMATCH)
			continue;
		if (m < 0) {
			PCRE2_UCHAR msg[128];

			pcre2_get_error_message(m, msg, sizeof(msg));
			probe_flag(c->res, OVAL_FLAG_ERROR, "%s: line '%s': %s",
			    f->filepath, c->pattern, (char *)msg);
			break;
		}
		if (m == 0)
			m = (int)pcre2_get_ovector_count(c->md);
		if (++inst > TFC_MATCH_CAP) {
			probe_flag(c->res, OVAL_FLAG_INCOMPLETE,
			    "%s: more than %d matching lines", f->filepath,
			    TFC_MATCH_CAP);
			break;
		}
		rc = textmatch_item(c->res, f, c->pattern, inst, line, c->md, m);
		if (rc == 0 && probe_full(c->res))
			rc = 1;		/* item cap reached: stop the walk */
	}
	free(buf);
	return rc;
}

static int
tfc_collect(const struct probe_req *req, struct probe_result *res)
{
	const struct probe_ent *pat = probe_req_ent(req, "line");
	PCRE2_UCHAR msg[128];
	PCRE2_SIZE off = 0;
	struct tfc_ctx c;
	size_t i;
	int ec = 0, rc = PLUMB_OK;

	memset(&c, 0, sizeof(c));
	c.req = req;
	c.res = res;
	if (pat == NULL || pat->nil)
		return probe_flag(res, OVAL_FLAG_ERROR,
		    "textfilecontent_object without line");
	if (pat->op != OVAL_OP_PATTERN_MATCH)
		return probe_flag(res, OVAL_FLAG_ERROR,
		    "line needs operation 'pattern match', not '%s'",
		    oval_operation_name(pat->op));
	if ((c.mctx = pcre2_match_context_create(NULL)) == NULL)
		return PLUMB_ENOMEM;
	regex_limits_apply(c.mctx);
	for (i = 0; i < pat->vals->n && rc == 0; i++) {
		c.pattern = pat->vals->v[i];
		c.code = pcre2_compile((PCRE2_SPTR)c.pattern,
		    PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
		    &ec, &off, NULL);
		if (c.code == NULL && ec < 0)
			c.code = pcre2_compile((PCRE2_SPTR)c.pattern,
			    PCRE2_ZERO_TERMINATED, 0, &ec, &off, NULL);
		if (c.code == NULL) {
			pcre2_get_error_message(ec, msg, sizeof(msg));
			probe_flag(res, OVAL_FLAG_ERROR,
			    "line '%s' does not compile at offset %zu: %s",
			    c.pattern, (size_t)off, (char *)msg);
			break;
		}
		if ((c.md = pcre2_match_data_create_from_pattern(c.code,
		    NULL)) == NULL)
			rc = PLUMB_ENOMEM;
		else
			rc = fsobj_walk(req, res, tfc_file, &c);
		pcre2_match_data_free(c.md);
		pcre2_code_free(c.code);
		c.md = NULL;
		c.code = NULL;
		if (res->flag == OVAL_FLAG_ERROR)
			break;
	}
	pcre2_match_context_free(c.mctx);
	return rc;
}

const struct probe_ops probe_textfilecontent_ops = {
	.type = "textfilecontent_object",
	.family = "independent",
	.collect = tfc_collect,
};
