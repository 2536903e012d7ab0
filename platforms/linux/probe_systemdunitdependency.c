/*
 * probe_systemdunitdependency.c - systemdunitdependency_object (linux):
 * every unit a systemd unit depends on, transitively, as
 * "systemctl list-dependencies --plain UNIT" lists them: the units of
 * its Requires, Requisite, Wants, BindsTo, Upholds and ConsistsOf
 * properties, then theirs, each once.  Asked of the running systemd
 * over D-Bus (sd-bus from libsystemd).
 *
 * Units are those systemd lists (ListUnits) plus those it has unit files
 * for (ListUnitFiles).  systemd state belongs to the running host, so
 * with --root other than "/" the object is not collected.  When systemd
 * is not running (no /run/systemd/system) the units cannot be
 * identified and the object is in error, which is what the reference
 * evaluator reports; a build without libsystemd reports not collected
 * on a systemd host.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plumb/probe.h"
#include "systemd_units.h"

#ifdef HAVE_LIBSYSTEMD

/* The unit properties whose units are followed. */
static const char *const sdd_props[] = {
	"Requires", "Requisite", "Wants", "BindsTo", "Upholds", "ConsistsOf",
	NULL
};

/* Append the direct dependencies of unit name to out (unless seen). */
static int
sdd_direct(sd_bus *bus, const char *name, struct oval_values *seen,
    struct oval_values *out)
{
	sd_bus_message *m = NULL;
	const char *prop, *dep;
	char *path = NULL;
	size_t i;
	int r, rc = PLUMB_OK, want;

	if (sdu_unit_path(bus, name, &path) < 0 || path == NULL)
		goto out;
	if ((r = sd_bus_call_method(bus, SDU_DEST, path,
	    "org.freedesktop.DBus.Properties", "GetAll", NULL, &m, "s",
	    "org.freedesktop.systemd1.Unit")) < 0 ||
	    (r = sd_bus_message_enter_container(m, SD_BUS_TYPE_ARRAY,
	    "{sv}")) < 0)
		goto out;
	while ((r = sd_bus_message_enter_container(m,
	    SD_BUS_TYPE_DICT_ENTRY, "sv")) > 0) {
		if ((r = sd_bus_message_read(m, "s", &prop)) < 0)
			goto out;
		for (want = 0, i = 0; sdd_props[i] != NULL; i++)
			if (strcmp(prop, sdd_props[i]) == 0)
				want = 1;
		if (!want || sd_bus_message_enter_container(m,
		    SD_BUS_TYPE_VARIANT, "as") < 0) {
			if ((r = sd_bus_message_skip(m, "v")) < 0)
				goto out;
		} else {
			if ((r = sd_bus_message_enter_container(m,
			    SD_BUS_TYPE_ARRAY, "s")) < 0)
				goto out;
			while ((r = sd_bus_message_read(m, "s", &dep)) > 0) {
				if (sdu_names_has(seen, dep) ||
				    seen->n >= SDU_UNIT_CAP)
					continue;
				if ((rc = oval_values_add(seen, dep)) != 0 ||
				    (rc = oval_values_add(out, dep)) != 0)
					goto out;
			}
			if (r < 0 ||
			    (r = sd_bus_message_exit_container(m)) < 0 ||
			    (r = sd_bus_message_exit_container(m)) < 0)
				goto out;
		}
		if ((r = sd_bus_message_exit_container(m)) < 0)
			goto out;
	}
out:
	free(path);
	sd_bus_message_unref(m);
	return rc;
}

/* One item: unit and all it depends on, breadth first. */
static int
sdd_unit(sd_bus *bus, const char *name, struct probe_result *res)
{
	struct oval_values seen, deps;
	struct oval_item *it = NULL;
	size_t i;
	int rc;

	memset(&seen, 0, sizeof(seen));
	memset(&deps, 0, sizeof(deps));
	if ((rc = oval_values_add(&seen, name)) != 0)
		goto out;
	for (i = 0; i <= deps.n && rc == 0; i++)
		rc = sdd_direct(bus, i == 0 ? name : deps.v[i - 1], &seen,
		    &deps);
	if (rc != 0)
		goto out;
	if (seen.n >= SDU_UNIT_CAP)
		probe_flag(res, OVAL_FLAG_INCOMPLETE,
		    "%s: more than %d dependencies", name, SDU_UNIT_CAP);
	rc = PLUMB_ENOMEM;
	if ((it = oval_item_new(OVAL_NS_SC_LINUX,
	    "systemdunitdependency_item")) == NULL ||
	    oval_item_add(it, "unit", OVAL_DT_STRING, name) != 0)
		goto out;
	for (i = 0; i < deps.n; i++)
		if (oval_item_add(it, "dependency", OVAL_DT_STRING,
		    deps.v[i]) != 0)
			goto out;
	rc = probe_emit(res, it);
	it = NULL;
out:
	oval_item_unref(it);
	oval_values_clear(&seen);
	oval_values_clear(&deps);
	return rc;
}

/* sdu_each_unit callback: the dependency item of one unit. */
static int
sdd_each(sd_bus *bus, const char *unit, struct probe_result *res,
    const void *arg)
{
	return sdd_unit(bus, unit, res);
}
#define SDD_EACH	sdd_each
#else
#define SDD_EACH	NULL
#endif /* HAVE_LIBSYSTEMD */

static int
sdd_collect(const struct probe_req *req, struct probe_result *res)
{
	return sdu_each_unit(req, res, SDD_EACH, NULL);
}

const struct probe_ops probe_systemdunitdependency_ops = {
	.type = "systemdunitdependency_object",
	.family = "linux",
	.collect = sdd_collect,
};
