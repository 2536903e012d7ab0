/*
 * ruleview.h - GET /api/v1/scans/{uuid}/rules/{rule_id} (docs/api.md
 * "Rule view"): one rule's results in one scan with its rationale and
 * fix text (store.h "Rule texts"), for the dashboard's rule view.
 */
#ifndef PLUMB_COLLECTOR_RULEVIEW_H
#define PLUMB_COLLECTOR_RULEVIEW_H

#include <stddef.h>

#include "api.h"

extern const struct api_route ruleview_routes[];
extern const size_t ruleview_nroutes;

#endif /* PLUMB_COLLECTOR_RULEVIEW_H */
