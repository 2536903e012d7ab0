/*
 * systemd_units.h - shared by the systemd unit probes: may systemd be
 * asked on this host, and (with libsystemd) which units it has and
 * where a unit lives on the bus.
 */
#ifndef PLUMB_SYSTEMD_UNITS_H
#define PLUMB_SYSTEMD_UNITS_H

#include "plumb/probe.h"
#include "plumb/values.h"

#define SDU_UNIT_CAP	100000	/* units enumerated */

/*
 * 1 when the running systemd may be asked; 0 with res flagged when the
 * host already gives the answer (not collected under --root, error when
 * systemd is not running, as the reference evaluator reports).
 */
int sdu_host_ok(const struct probe_req *req, struct probe_result *res);

struct sd_bus;		/* libsystemd's bus connection */

/*
 * The frame of every systemd unit probe: check the host (sdu_host_ok),
 * connect to the system bus, list the units, and call fn for each one
 * the object's "unit" entity matches, until fn fails or flags res as
 * error.  A build without libsystemd flags res not collected instead.
 */
int sdu_each_unit(const struct probe_req *req, struct probe_result *res,
    int (*fn)(struct sd_bus *bus, const char *unit, struct probe_result *res,
    const void *arg), const void *arg);

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-bus.h>

#define SDU_DEST	"org.freedesktop.systemd1"
#define SDU_PATH	"/org/freedesktop/systemd1"
#define SDU_MANAGER	"org.freedesktop.systemd1.Manager"

/* Sort a list of names and drop duplicates. */
void sdu_names_uniq(struct oval_values *l);
/* Is s in l? */
int sdu_names_has(const struct oval_values *l, const char *s);

/* Every unit systemd knows of or has a unit file for, sorted, into out
 * (initialised by the caller); bus failures flag res.  0 or ENOMEM. */
int sdu_list_units(sd_bus *bus, struct oval_values *out,
    struct probe_result *res);

/* The object path of unit name (loaded when systemd has not); *path is
 * the caller's to free.  Returns 0 or a negative errno. */
int sdu_unit_path(sd_bus *bus, const char *name, char **path);
#endif

#endif /* PLUMB_SYSTEMD_UNITS_H */
