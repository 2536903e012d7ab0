/*
 * probe_textfilecontent54.c - textfilecontent54_object (independent):
 * blocks of text a PCRE2 pattern matches in regular files, one item per
 * match whose 1-based instance number the instance entity accepts.
 * The files come from fsobj; each is read whole up to a cap.  A file
 * that is not valid UTF-8 gives no item and sets the object's flag to
 * error (other files still give theirs).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plumb/probe.h"
#include "fsobj.h"
#include "textmatch.h"
#include "common/regex_limits.h"

#define TFC_FILE_CAP	(64UL * 1024 * 1024)	/* bytes read per file */
#define TFC_MATCH_CAP	100000			/* matches per file */

struct tfc54_ctx {
	const struct probe_req	*req;
	struct probe_result	*res;
	const struct probe_ent	*instance;
	const char		*pattern;
	pcre2_code		*code;
	pcre2_match_data	*md;
	pcre2_match_context	*mctx;
	int			 utf;
};

/* Every match of the pattern in one file. */
static int
tfc54_file(const struct fsobj_file *f, void *arg)
{
	struct tfc54_ctx *c = arg;
	struct plumb_err err;
	PCRE2_SIZE *ov, off = 0;
	char *buf = NULL, num[32];
	size_t len;
	long inst = 0;
	int rc, m;

	if ((rc = fsobj_read_content(c->req, c->res, f, TFC_FILE_CAP, 1, &buf,
	    &len)) <= 0)
		return rc;
	rc = PLUMB_OK;
	while (off <= len) {
		m = pcre2_match(c->code, (PCRE2_SPTR)buf, len, off, 0, c->md,
		    c->mctx);
		if (m == PCRE2_ERROR_NOMATCH)
			break;
		if (m < 0) {
			PCRE2_UCHAR msg[128];

			pcre2_get_error_message(m, msg, sizeof(msg));
			if (m <= PCRE2_ERROR_UTF8_ERR1 &&
			    m >= PCRE2_ERROR_UTF8_ERR21)
				probe_flag(c->res, OVAL_FLAG_ERROR, "%s: not "
				    "valid UTF-8 at byte %zu (%s)", f->filepath,
				    (size_t)pcre2_get_startchar(c->md),
				    (char *)msg);
			else
				probe_flag(c->res, OVAL_FLAG_ERROR,
				    "%s: pattern '%s': %s", f->filepath,
				    c->pattern, (char *)msg);
			break;
		}
		if (m == 0)	/* ovector too small: cannot happen */
			m = (int)pcre2_get_ovector_count(c->md);
		if (++inst > TFC_MATCH_CAP) {
			probe_flag(c->res, OVAL_FLAG_INCOMPLETE,
			    "%s: more than %d matches", f->filepath,
			    TFC_MATCH_CAP);
			break;
		}
		snprintf(num, sizeof(num), "%ld", inst);
		if ((rc = probe_ent_match(c->instance, num, &err)) < 0) {
			probe_flag(c->res, OVAL_FLAG_ERROR, "%s", err.msg);
			break;
		}
		if (rc == 1 && (rc = textmatch_item(c->res, f, c->pattern, inst, buf, c->md, m)) != 0)
			break;
		rc = PLUMB_OK;
		if (probe_full(c->res)) {
			/* Item cap reached (res flagged): stop the walk. */
			rc = 1;
			break;
		}
		ov = pcre2_get_ovector_pointer(c->md);
		if (ov[1] > ov[0])
			off = ov[1];
		else {
			/* Empty match: step over one character. */
			off = ov[1] + 1;
			while (c->utf && off < len &&
			    ((unsigned char)buf[off] & 0xc0) == 0x80)
				off++;
		}
	}
	free(buf);
	return rc < 0 ? rc : rc == 1 ? 1 : PLUMB_OK;
}

/* Compile pattern with the object's behaviors; NULL with res flagged. */
static pcre2_code *
tfc54_compile(struct tfc54_ctx *c, const char *pattern)
{
	PCRE2_UCHAR msg[128];
	PCRE2_SIZE off = 0;
	uint32_t opt = 0;
	pcre2_code *code;
	int ec = 0;

	if (strcmp(probe_req_behavior(c->req, "multiline", "true"),
	    "true") == 0 ||
	    strcmp(probe_req_behavior(c->req, "multiline", "true"), "1") == 0)
		opt |= PCRE2_MULTILINE;
	if (strcmp(probe_req_behavior(c->req, "singleline", "false"),
	    "true") == 0 ||
	    strcmp(probe_req_behavior(c->req, "singleline", "false"), "1") == 0)
		opt |= PCRE2_DOTALL;
	if (strcmp(probe_req_behavior(c->req, "ignore_case", "false"),
	    "true") == 0 ||
	    strcmp(probe_req_behavior(c->req, "ignore_case", "false"), "1") == 0)
		opt |= PCRE2_CASELESS;
	c->utf = 1;
	/* No PCRE2_MATCH_INVALID_UTF: a file that is not valid UTF-8 is an
	 * error for the object (pcre2_match checks the whole subject on
	 * the first call), as the reference evaluator reports it. */
	code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
	    opt | PCRE2_UTF, &ec, &off, NULL);
	if (code == NULL && ec < 0) {
		c->utf = 0;
		code = pcre2_compile((PCRE2_SPTR)pattern,
		    PCRE2_ZERO_TERMINATED, opt, &ec, &off, NULL);
	}
	if (code == NULL) {
		pcre2_get_error_message(ec, msg, sizeof(msg));
		probe_flag(c->res, OVAL_FLAG_ERROR,
		    "pattern '%s' does not compile at offset %zu: %s",
		    pattern, (size_t)off, (char *)msg);
	}
	return code;
}

static int
tfc54_collect(const struct probe_req *req, struct probe_result *res)
{
	const struct probe_ent *pat = probe_req_ent(req, "pattern");
	struct tfc54_ctx c;
	size_t i;
	int rc = PLUMB_OK;

	memset(&c, 0, sizeof(c));
	c.req = req;
	c.res = res;
	c.instance = probe_req_ent(req, "instance");
	if (pat == NULL || pat->nil)
		return probe_flag(res, OVAL_FLAG_ERROR,
		    "textfilecontent54_object without pattern");
	if (pat->op != OVAL_OP_PATTERN_MATCH)
		return probe_flag(res, OVAL_FLAG_ERROR,
		    "pattern needs operation 'pattern match', not '%s'",
		    oval_operation_name(pat->op));
	if ((c.mctx = pcre2_match_context_create(NULL)) == NULL)
		return PLUMB_ENOMEM;
	regex_limits_apply(c.mctx);
	for (i = 0; i < pat->vals->n && rc == 0; i++) {
		c.pattern = pat->vals->v[i];
		if ((c.code = tfc54_compile(&c, c.pattern)) == NULL)
			break;
		if ((c.md = pcre2_match_data_create_from_pattern(c.code,
		    NULL)) == NULL)
			rc = PLUMB_ENOMEM;
		else
			rc = fsobj_walk(req, res, tfc54_file, &c);
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

const struct probe_ops probe_textfilecontent54_ops = {
	.type = "textfilecontent54_object",
	.family = "independent",
	.collect = tfc54_collect,
};
