/*
 * export.h - exports for auditors and GRC tools (docs/api.md):
 *
 *  - evidence for one control and period: a POSIX ustar archive of the
 *    raw signed bundles (read from the evidence store, each checked
 *    against its SHA-256) of every scan created in the period that
 *    evaluated a rule mapped onto the control, plus summary.json
 *    (the scans, their hosts, SHA-256 and the control's status on
 *    each), SHA256SUMS and README.txt; verifiable offline with
 *    sha256sum -c and openssl cms -verify -inform DER;
 *  - OSCAL 1.1 assessment-results JSON: one result, a finding per
 *    control and host from each host's newest scan (controls.h).
 */
#ifndef PLUMB_COLLECTOR_EXPORT_H
#define PLUMB_COLLECTOR_EXPORT_H

#include <stddef.h>

#include "api.h"

/* Largest evidence archive built in memory; beyond it: 413. */
#define EXPORT_MAX_BYTES	((size_t)256 * 1024 * 1024)

#define EXPORT_OSCAL_VERSION	"1.1.2"

extern const struct api_route export_routes[];
extern const size_t export_nroutes;

#endif /* PLUMB_COLLECTOR_EXPORT_H */
