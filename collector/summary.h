/*
 * summary.h - read a bundle's summary.json (docs/json-results.md,
 * format "plumb-xccdf-results" version 1) into the store's records.
 */
#ifndef PLUMB_COLLECTOR_SUMMARY_H
#define PLUMB_COLLECTOR_SUMMARY_H

#include <stddef.h>

#include "plumb/error.h"
#include "store.h"

#define SUMMARY_MAX_RULES	200000

/*
 * Parse data (len bytes of UTF-8 JSON).  Fills the summary fields of b
 * (content_sha256, benchmark_*, profile_*, tool_version, start/end
 * time, platform_applicable, scores, counts); the other fields of b are
 * left as they are.  *rules receives the rule results in document
 * order (*nrules of them; free with store_rules_free()).  PLUMB_EPARSE
 * for malformed JSON, another format or version, or a field of the
 * wrong type; *rules is NULL then.
 */
int summary_parse(const unsigned char *data, size_t len,
    struct store_bundle *b, struct store_rule **rules, size_t *nrules,
    struct plumb_err *err);

/* summary_parse() with at most max_rules rule results (at most
 * SUMMARY_MAX_RULES); more: PLUMB_ELIMIT. */
int summary_parse_max(const unsigned char *data, size_t len,
    size_t max_rules, struct store_bundle *b, struct store_rule **rules,
    size_t *nrules, struct plumb_err *err);

/*
 * Cut the rationale and fix text of each of the n rules to at most max
 * bytes ([limits] max_rule_text_bytes), at a UTF-8 character boundary,
 * so a hostile summary cannot make the collector keep megabytes of
 * text per rule.
 */
void summary_texts_cap(struct store_rule *r, size_t n, size_t max);

#endif /* PLUMB_COLLECTOR_SUMMARY_H */
