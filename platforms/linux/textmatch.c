/* textmatch.c - the pattern walk and items of the text probes. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plumb/probe.h"
#include "textmatch.h"
#include "common/regex_limits.h"

int
textmatch_item(struct probe_result *res, const struct fsobj_file *f,
    const char *pattern, long inst, const char *subject,
    pcre2_match_data *md, int nmatch)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
	struct oval_item *it;
	char num[32], *s;
	int i, rc = PLUMB_ENOMEM;

	snprintf(num, sizeof(num), "%ld", inst);
	if ((it = oval_item_new(OVAL_NS_SC_IND, "textfilecontent_item")) ==
	    NULL ||
	    oval_item_add(it, "filepath", OVAL_DT_STRING, f->filepath) != 0 ||
	    oval_item_add(it, "path", OVAL_DT_STRING, f->path) != 0 ||
	    oval_item_add(it, "filename", OVAL_DT_STRING, f->filename) != 0 ||
	    oval_item_add(it, "pattern", OVAL_DT_STRING, pattern) != 0 ||
	    oval_item_add(it, "instance", OVAL_DT_INT, num) != 0 ||
	    oval_item_add(it, "line", OVAL_DT_STRING, pattern) != 0)
		goto out;
	for (i = 0; i < nmatch; i++) {
		if (ov[2 * i] == PCRE2_UNSET)
			continue;	/* a group that took no part */
		if ((s = strndup(subject + ov[2 * i],
		    ov[2 * i + 1] - ov[2 * i])) == NULL)
			goto out;
		rc = oval_item_add(it, i == 0 ? "text" : "subexpression",
		    OVAL_DT_STRING, s);
		free(s);
		if (rc != 0)
			goto out;
		rc = PLUMB_ENOMEM;
	}
	rc = probe_emit(res, it);
	it = NULL;
out:
	oval_item_unref(it);
	return rc;
}

/* Compile c->pattern into c->code; NULL with c->res flagged. */
static pcre2_code *
textmatch_compile(struct textmatch *c)
{
	PCRE2_UCHAR msg[128];
	PCRE2_SIZE off = 0;
	int ec = 0;

	c->utf = 1;
	c->code = pcre2_compile((PCRE2_SPTR)c->pattern, PCRE2_ZERO_TERMINATED,
	    c->opt | PCRE2_UTF | c->utf_opt, &ec, &off, NULL);
	if (c->code == NULL && ec < 0) {	/* the pattern is not UTF-8 */
		c->utf = 0;
		c->code = pcre2_compile((PCRE2_SPTR)c->pattern,
		    PCRE2_ZERO_TERMINATED, c->opt, &ec, &off, NULL);
	}
	if (c->code == NULL) {
		pcre2_get_error_message(ec, msg, sizeof(msg));
		probe_flag(c->res, OVAL_FLAG_ERROR,
		    "%s '%s' does not compile at offset %zu: %s", c->entity,
		    c->pattern, (size_t)off, (char *)msg);
	}
	return c->code;
}

int
textmatch_walk(struct textmatch *c, fsobj_fn fn)
{
	const struct probe_ent *pat;
	size_t i;
	int rc = PLUMB_OK;

	if ((pat = probe_req_need(c->req, c->res, c->entity,
	    OVAL_OP_PATTERN_MATCH)) == NULL)
		return PLUMB_OK;
	if ((c->mctx = pcre2_match_context_create(NULL)) == NULL)
		return PLUMB_ENOMEM;
	regex_limits_apply(c->mctx);
	for (i = 0; i < pat->vals->n && rc == 0; i++) {
		c->pattern = pat->vals->v[i];
		if (textmatch_compile(c) == NULL)
			break;
		if ((c->md = pcre2_match_data_create_from_pattern(c->code,
		    NULL)) == NULL)
			rc = PLUMB_ENOMEM;
		else
			rc = fsobj_walk(c->req, c->res, fn, c);
		pcre2_match_data_free(c->md);
		pcre2_code_free(c->code);
		c->md = NULL;
		c->code = NULL;
		if (c->res->flag == OVAL_FLAG_ERROR)
			break;
	}
	pcre2_match_context_free(c->mctx);
	c->mctx = NULL;
	return rc;
}

int
textmatch_check(struct textmatch *c, const struct fsobj_file *f, int m,
    long *inst)
{
	PCRE2_UCHAR msg[128];

	if (m == PCRE2_ERROR_NOMATCH)
		return 0;
	if (m < 0) {
		pcre2_get_error_message(m, msg, sizeof(msg));
		if (m <= PCRE2_ERROR_UTF8_ERR1 && m >= PCRE2_ERROR_UTF8_ERR21)
			probe_flag(c->res, OVAL_FLAG_ERROR, "%s: not valid "
			    "UTF-8 at byte %zu (%s)", f->filepath,
			    (size_t)pcre2_get_startchar(c->md), (char *)msg);
		else
			probe_flag(c->res, OVAL_FLAG_ERROR, "%s: %s '%s': %s",
			    f->filepath, c->entity, c->pattern, (char *)msg);
		return -1;
	}
	if (m == 0)	/* ovector too small: cannot happen */
		m = (int)pcre2_get_ovector_count(c->md);
	if (++*inst > TEXTMATCH_MATCH_CAP) {
		probe_flag(c->res, OVAL_FLAG_INCOMPLETE, "%s: more than %d %s",
		    f->filepath, TEXTMATCH_MATCH_CAP, c->unit);
		return -1;
	}
	return m;
}
