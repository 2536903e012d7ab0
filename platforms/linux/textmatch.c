/* textmatch.c - textfilecontent_item for a pattern match in a file. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plumb/probe.h"
#include "textmatch.h"

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
