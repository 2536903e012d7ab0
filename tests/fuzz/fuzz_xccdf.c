/*
 * fuzz_xccdf.c - TEST ONLY: libFuzzer harness for the XCCDF loader
 * (agent/xccdf/xccdf_load.c: source data streams, standalone XCCDF 1.1/1.2
 * benchmarks, tailoring components, CPE dictionaries), the resolver,
 * the evaluator (probes rooted in an empty directory) and the four
 * result writers.  The input is written to a file of its own directory,
 * so hrefs to other files lead nowhere (or back to the input itself).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>

#include "plumb/error.h"
#include "xccdf.h"
#include "xccdf_write.h"
#include "fuzz_util.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plumb_err err = { 0, "" };
	struct xccdf_eval_opts eo;
	struct xccdf_content *c = NULL;
	struct xccdf_benchmark *bm;
	struct xccdf_run *run = NULL;
	const char *path, *profile = NULL;
	char root[512], out[512];

	snprintf(root, sizeof(root), "%s/root", fuzz_tmpdir());
	(void)mkdir(root, 0700);
	path = fuzz_write("content.xml", data, size);
	if (xccdf_content_load(path, NULL, &c, &err) != PLUMB_OK)
		return 0;
	/* The first profile when there is one: profile application is
	 * where most of the resolver is. */
	if ((bm = xccdf_content_benchmark(c)) != NULL && bm->nprofiles > 0)
		profile = bm->profiles[0].id;
	if (xccdf_resolve(c, profile, &err) != PLUMB_OK)
		goto out;
	memset(&eo, 0, sizeof(eo));
	eo.root = root;
	if (xccdf_eval(c, &eo, &run, &err) != PLUMB_OK)
		goto out;
	snprintf(out, sizeof(out), "%s/out", fuzz_tmpdir());
	(void)xccdf_write_results(run, out, &err);
	(void)xccdf_write_arf(run, out, &err);
	(void)xccdf_write_html(run, out, &err);
	(void)xccdf_write_json(run, out, &err);
out:
	xccdf_run_free(run);
	xccdf_content_free(c);
	return 0;
}
