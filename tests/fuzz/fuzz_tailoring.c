/*
 * fuzz_tailoring.c - TEST ONLY: libFuzzer harness for XCCDF tailoring
 * files (xccdf_load_opts.tailoring_file) applied to a fixed data stream
 * (tests/fixtures/xccdf/fixture-ds.xml): load, then resolve with the
 * tailoring's first profile (its own profiles come after the
 * benchmark's in bm->profiles).  Evaluation is left to fuzz_xccdf.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>

#include "plumb/error.h"
#include "xccdf.h"
#include "fuzz_util.h"

#ifndef FUZZ_SRCDIR
#error "build with -DFUZZ_SRCDIR=\"/path/to/plumb\" (tests/fuzz/build.sh)"
#endif

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plumb_err err = { 0, "" };
	struct xccdf_load_opts lo;
	struct xccdf_content *c = NULL;
	struct xccdf_benchmark *bm;
	const char *profile = NULL;
	size_t i;

	memset(&lo, 0, sizeof(lo));
	lo.tailoring_file = fuzz_write("tailoring.xml", data, size);
	if (xccdf_content_load(FUZZ_SRCDIR
	    "/tests/fixtures/xccdf/fixture-ds.xml", &lo, &c, &err) !=
	    PLUMB_OK)
		return 0;
	if ((bm = xccdf_content_benchmark(c)) != NULL)
		for (i = 0; i < bm->nprofiles; i++)
			if (bm->profiles[i].from_tailoring) {
				profile = bm->profiles[i].id;
				break;
			}
	(void)xccdf_resolve(c, profile, &err);
	xccdf_content_free(c);
	return 0;
}
