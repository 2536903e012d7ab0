/*
 * fuzz_oval_vars.c - TEST ONLY: libFuzzer harness for the OVAL variables
 * file loader (oval_session_load_variables) over a fixed definitions
 * document with external variables (tests/fixtures/oval/variables.xml),
 * then every definition evaluated with the values it bound (probes
 * rooted in an empty directory).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>

#include "plumb/error.h"
#include "oval_doc.h"
#include "oval_eval.h"
#include "fuzz_util.h"

#ifndef FUZZ_SRCDIR
#error "build with -DFUZZ_SRCDIR=\"/path/to/plumb\" (tests/fuzz/build.sh)"
#endif

static struct oval_doc *vars_doc;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plumb_err err = { 0, "" };
	struct oval_session_opts so = { NULL, 1700000000 };
	const struct oval_def_res *dr;
	struct oval_session *s = NULL;
	const char *path;
	char root[512];
	size_t i, n;

	if (vars_doc == NULL && oval_doc_load(FUZZ_SRCDIR
	    "/tests/fixtures/oval/variables.xml", &vars_doc, &err) != 0) {
		fprintf(stderr, "fuzz_oval_vars: %s\n", err.msg);
		abort();
	}
	snprintf(root, sizeof(root), "%s/root", fuzz_tmpdir());
	(void)mkdir(root, 0700);
	so.root = root;
	path = fuzz_write("vars.xml", data, size);
	if (oval_session_new(vars_doc, &so, &s, &err) != PLUMB_OK)
		abort();
	if (oval_session_load_variables(s, path, &err) != PLUMB_OK)
		goto out;
	n = oval_doc_count(vars_doc, OVAL_K_DEF);
	for (i = 0; i < n; i++)
		if (oval_session_eval(s, oval_doc_nth(vars_doc, OVAL_K_DEF,
		    i)->id, &dr, &err) != PLUMB_OK)
			break;
out:
	oval_session_free(s);
	return 0;
}
