/*
 * fuzz_oval.c - TEST ONLY: libFuzzer harness for the OVAL definitions
 * loader (agent/oval/oval_doc.c through the safe XML loader), the engine
 * over whatever loads (every definition evaluated with the probes
 * rooted in an empty directory, so nothing of the host is read) and
 * the OVAL results writer.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>

#include "plumb/error.h"
#include "oval_cmp.h"
#include "oval_doc.h"
#include "oval_eval.h"
#include "oval_results.h"
#include "xml_load.h"
#include "fuzz_util.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plumb_err err = { 0, "" };
	struct oval_session_opts so = { NULL, 1700000000 };
	struct oval_results_opts ro = { 0 };
	const struct oval_def_res *dr;
	struct oval_session *s = NULL;
	struct oval_doc *doc = NULL;
	xmlDocPtr xml = NULL;
	char root[512], out[512];
	size_t i, k, n;

	snprintf(root, sizeof(root), "%s/root", fuzz_tmpdir());
	snprintf(out, sizeof(out), "%s/results.xml", fuzz_tmpdir());
	(void)mkdir(root, 0700);
	so.root = root;
	if (xml_load_memory((const char *)data, size, "fuzz.xml", &xml,
	    &err) != PLUMB_OK)
		return 0;
	if (oval_doc_from_xml(xml, NULL, 1, "fuzz.xml", &doc, &err) !=
	    PLUMB_OK)
		return 0;	/* the doc freed xml */
	/* The index must hand back what it holds. */
	for (k = 0; k < OVAL_K__COUNT; k++) {
		n = oval_doc_count(doc, (enum oval_kind)k);
		for (i = 0; i < n; i++) {
			const struct oval_node *on = oval_doc_nth(doc,
			    (enum oval_kind)k, i);

			if (on == NULL || on->idx >= oval_doc_size(doc))
				abort();
		}
	}
	if (oval_session_new(doc, &so, &s, &err) != PLUMB_OK)
		goto out;
	n = oval_doc_count(doc, OVAL_K_DEF);
	for (i = 0; i < n; i++)
		if (oval_session_eval(s, oval_doc_nth(doc, OVAL_K_DEF, i)->id,
		    &dr, &err) != PLUMB_OK)
			break;
	(void)oval_results_write(s, out, &ro, &err);
out:
	oval_session_free(s);
	oval_doc_free(doc);
	return 0;
}
