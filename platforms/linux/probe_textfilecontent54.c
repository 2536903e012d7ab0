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

/* Every match of the pattern in one file. */
static int
tfc54_file(const struct fsobj_file *f, void *arg)
{
	struct textmatch *c = arg;
	const struct probe_ent *instance = c->arg;
	struct plumb_err err;
	PCRE2_SIZE *ov, off = 0;
	char *buf = NULL, num[32];
	size_t len;
	long inst = 0;
	int rc, m;

	if ((rc = fsobj_read_content(c->req, c->res, f, TEXTMATCH_FILE_CAP,
	    1, &buf, &len)) <= 0)
		return rc;
	rc = PLUMB_OK;
	while (off <= len) {
		m = pcre2_match(c->code, (PCRE2_SPTR)buf, len, off, 0, c->md,
		    c->mctx);
		if ((m = textmatch_check(c, f, m, &inst)) <= 0)
			break;
		snprintf(num, sizeof(num), "%ld", inst);
		if ((rc = probe_ent_match(instance, num, &err)) < 0) {
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

/* Is the boolean behavior name (default def) true? */
static int
tfc54_behavior(const struct probe_req *req, const char *name,
    const char *def)
{
	const char *v = probe_req_behavior(req, name, def);

	return strcmp(v, "true") == 0 || strcmp(v, "1") == 0;
}

static int
tfc54_collect(const struct probe_req *req, struct probe_result *res)
{
	struct textmatch c;

	memset(&c, 0, sizeof(c));
	c.req = req;
	c.res = res;
	c.entity = "pattern";
	c.unit = "matches";
	c.arg = probe_req_ent(req, "instance");
	if (tfc54_behavior(req, "multiline", "true"))
		c.opt |= PCRE2_MULTILINE;
	if (tfc54_behavior(req, "singleline", "false"))
		c.opt |= PCRE2_DOTALL;
	if (tfc54_behavior(req, "ignore_case", "false"))
		c.opt |= PCRE2_CASELESS;
	/* No PCRE2_MATCH_INVALID_UTF: a file that is not valid UTF-8 is an
	 * error for the object (pcre2_match checks the whole subject on
	 * the first call), as the reference evaluator reports it. */
	return textmatch_walk(&c, tfc54_file);
}

const struct probe_ops probe_textfilecontent54_ops = {
	.type = "textfilecontent54_object",
	.family = "independent",
	.collect = tfc54_collect,
};
