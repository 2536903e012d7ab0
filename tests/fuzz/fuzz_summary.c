/*
 * fuzz_summary.c - TEST ONLY: libFuzzer harness for the collector's
 * summary.json reader (collector/summary.c summary_parse, jansson).
 */
#include "config.h"

#include <stdint.h>

#include "plumb/error.h"
#include "store.h"
#include "summary.h"
#include "fuzz_util.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plumb_err err = { 0, "" };
	struct store_bundle b;
	struct store_rule *rules = NULL;
	size_t nrules = 0;
	int rc;

	memset(&b, 0, sizeof(b));
	rc = summary_parse(data, size, &b, &rules, &nrules, &err);
	if (rc != PLUMB_OK && rules != NULL)
		abort();	/* the contract: *rules NULL on failure */
	store_rules_free(rules, nrules);
	return 0;
}
