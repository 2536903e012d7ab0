/*
 * rollups.h - GET /api/v1/rollups?by=site|zone (docs/api.md "Roll-ups"):
 * the hosts of each site or zone counted by waiver-aware status
 * (hoststate.h) and staleness (stale.h), for the dashboard's roll-up
 * view.  At most [limits] max_rollup_groups groups are listed.
 */
#ifndef PLUMB_COLLECTOR_ROLLUPS_H
#define PLUMB_COLLECTOR_ROLLUPS_H

#include <stddef.h>

#include "api.h"

extern const struct api_route rollups_routes[];
extern const size_t rollups_nroutes;

#endif /* PLUMB_COLLECTOR_ROLLUPS_H */
