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

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plumb/probe.h"

#define SDD_UNIT_CAP	100000	/* units enumerated */

/*
 * Can units be asked for at all?  Returns 1 when the bus may be tried,
 * 0 with res flagged when the host state already gives the answer.
 */
static int
sdd_host_ok(const struct probe_req *req, struct probe_result *res)
{
	struct stat st;

	if (strcmp(req->env->root, "/") != 0) {
		probe_flag(res, OVAL_FLAG_NOT_COLLECTED,
		    "systemd units are read from the running host over "
		    "D-Bus, not under --root %s", req->env->root);
		return 0;
	}
	if (stat("/run/systemd/system", &st) != 0 || !S_ISDIR(st.st_mode)) {
		probe_flag(res, OVAL_FLAG_ERROR, "systemd is not running on "
		    "this host (no /run/systemd/system): cannot identify "
		    "systemd units");
		return 0;
	}
	return 1;
}

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-bus.h>

#define SDD_DEST	"org.freedesktop.systemd1"
#define SDD_PATH	"/org/freedesktop/systemd1"
#define SDD_MANAGER	"org.freedesktop.systemd1.Manager"

struct sdd_names {
	char	**v;
	size_t	  n;
	size_t	  cap;
};

static void
sdd_names_clear(struct sdd_names *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int
sdd_names_add(struct sdd_names *l, const char *s)
{
	char **nv;
	size_t ncap;

	if (l->n == l->cap) {
		ncap = l->cap ? l->cap * 2 : 256;
		if ((nv = reallocarray(l->v, ncap, sizeof(*nv))) == NULL)
			return PLUMB_ENOMEM;
		l->v = nv;
		l->cap = ncap;
	}
	if ((l->v[l->n] = strdup(s)) == NULL)
		return PLUMB_ENOMEM;
	l->n++;
	return PLUMB_OK;
}

static int
sdd_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort and drop duplicates. */
static void
sdd_names_uniq(struct sdd_names *l)
{
	size_t i, j;

	if (l->n < 2)
		return;
	qsort(l->v, l->n, sizeof(*l->v), sdd_strcmp);
	for (i = 1, j = 1; i < l->n; i++) {
		if (strcmp(l->v[i], l->v[j - 1]) == 0)
			free(l->v[i]);
		else
			l->v[j++] = l->v[i];
	}
	l->n = j;
}

/* Every unit systemd knows of or has a unit file for, sorted. */
static int
sdd_list_units(sd_bus *bus, struct sdd_names *out, struct probe_result *res)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL;
	const char *name, *path, *state;
	const char *s1, *s2, *s3, *s4, *s5, *s6, *s7;
	uint32_t job;
	int r, rc = PLUMB_OK;

	if ((r = sd_bus_call_method(bus, SDD_DEST, SDD_PATH, SDD_MANAGER,
	    "ListUnits", &e, &m, "")) < 0 ||
	    (r = sd_bus_message_enter_container(m, SD_BUS_TYPE_ARRAY,
	    "(ssssssouso)")) < 0)
		goto fail;
	while ((r = sd_bus_message_read(m, "(ssssssouso)", &name, &s1, &s2,
	    &s3, &s4, &s5, &s6, &job, &s7, &path)) > 0) {
		if (out->n >= SDD_UNIT_CAP)
			break;
		if ((rc = sdd_names_add(out, name)) != 0)
			goto out;
	}
	if (r < 0)
		goto fail;
	m = sd_bus_message_unref(m);
	if ((r = sd_bus_call_method(bus, SDD_DEST, SDD_PATH, SDD_MANAGER,
	    "ListUnitFiles", &e, &m, "")) < 0 ||
	    (r = sd_bus_message_enter_container(m, SD_BUS_TYPE_ARRAY,
	    "(ss)")) < 0)
		goto fail;
	while ((r = sd_bus_message_read(m, "(ss)", &path, &state)) > 0) {
		if (out->n >= SDD_UNIT_CAP)
			break;
		name = strrchr(path, '/');
		if ((rc = sdd_names_add(out, name ? name + 1 : path)) != 0)
			goto out;
	}
	if (r < 0)
		goto fail;
	if (out->n >= SDD_UNIT_CAP)
		probe_flag(res, OVAL_FLAG_INCOMPLETE, "more than %d units",
		    SDD_UNIT_CAP);
	sdd_names_uniq(out);
	goto out;
fail:
	probe_flag(res, OVAL_FLAG_ERROR, "cannot list systemd units: %s",
	    e.message ? e.message : strerror(-r));
out:
	sd_bus_error_free(&e);
	sd_bus_message_unref(m);
	return rc;
}

/* The object path of unit name (loading it when systemd has not). */
static int
sdd_unit_path(sd_bus *bus, const char *name, char **path)
{
	sd_bus_message *m = NULL;
	const char *p;
	int r;

	*path = NULL;
	r = sd_bus_call_method(bus, SDD_DEST, SDD_PATH, SDD_MANAGER,
	    "GetUnit", NULL, &m, "s", name);
	if (r < 0) {
		m = sd_bus_message_unref(m);
		r = sd_bus_call_method(bus, SDD_DEST, SDD_PATH, SDD_MANAGER,
		    "LoadUnit", NULL, &m, "s", name);
	}
	if (r >= 0 && (r = sd_bus_message_read(m, "o", &p)) > 0 &&
	    (*path = strdup(p)) == NULL)
		r = -ENOMEM;
	sd_bus_message_unref(m);
	return r < 0 ? r : 0;
}

/* The unit properties whose units are followed. */
static const char *const sdd_props[] = {
	"Requires", "Requisite", "Wants", "BindsTo", "Upholds", "ConsistsOf",
	NULL
};

static int
sdd_names_has(const struct sdd_names *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

/* Append the direct dependencies of unit name to out (unless seen). */
static int
sdd_direct(sd_bus *bus, const char *name, struct sdd_names *seen,
    struct sdd_names *out)
{
	sd_bus_message *m = NULL;
	const char *prop, *dep;
	char *path = NULL;
	size_t i;
	int r, rc = PLUMB_OK, want;

	if (sdd_unit_path(bus, name, &path) < 0 || path == NULL)
		goto out;
	if ((r = sd_bus_call_method(bus, SDD_DEST, path,
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
				if (sdd_names_has(seen, dep) ||
				    seen->n >= SDD_UNIT_CAP)
					continue;
				if ((rc = sdd_names_add(seen, dep)) != 0 ||
				    (rc = sdd_names_add(out, dep)) != 0)
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
	struct sdd_names seen, deps;
	struct oval_item *it = NULL;
	size_t i;
	int rc;

	memset(&seen, 0, sizeof(seen));
	memset(&deps, 0, sizeof(deps));
	if ((rc = sdd_names_add(&seen, name)) != 0)
		goto out;
	for (i = 0; i <= deps.n && rc == 0; i++)
		rc = sdd_direct(bus, i == 0 ? name : deps.v[i - 1], &seen,
		    &deps);
	if (rc != 0)
		goto out;
	if (seen.n >= SDD_UNIT_CAP)
		probe_flag(res, OVAL_FLAG_INCOMPLETE,
		    "%s: more than %d dependencies", name, SDD_UNIT_CAP);
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
	sdd_names_clear(&seen);
	sdd_names_clear(&deps);
	return rc;
}

static int
sdd_collect(const struct probe_req *req, struct probe_result *res)
{
	const struct probe_ent *unit = probe_req_ent(req, "unit");
	struct sdd_names units;
	struct plumb_err err;
	sd_bus *bus = NULL;
	size_t i;
	int r, rc = PLUMB_OK, match;

	memset(&units, 0, sizeof(units));
	if (!sdd_host_ok(req, res))
		return PLUMB_OK;
	if ((r = sd_bus_open_system(&bus)) < 0)
		return probe_flag(res, OVAL_FLAG_ERROR,
		    "cannot connect to the system bus: %s", strerror(-r));
	if ((rc = sdd_list_units(bus, &units, res)) != 0 ||
	    res->flag == OVAL_FLAG_ERROR)
		goto out;
	for (i = 0; i < units.n && rc == 0; i++) {
		err.msg[0] = '\0';
		if ((match = probe_ent_match(unit, units.v[i], &err)) < 0) {
			probe_flag(res, OVAL_FLAG_ERROR, "%s", err.msg);
			break;
		}
		if (match)
			rc = sdd_unit(bus, units.v[i], res);
	}
out:
	sdd_names_clear(&units);
	sd_bus_flush_close_unref(bus);
	return rc;
}
#else /* !HAVE_LIBSYSTEMD */
static int
sdd_collect(const struct probe_req *req, struct probe_result *res)
{
	if (!sdd_host_ok(req, res))
		return PLUMB_OK;
	return probe_flag(res, OVAL_FLAG_NOT_COLLECTED,
	    "this build of plumb has no systemd support (libsystemd)");
}
#endif /* HAVE_LIBSYSTEMD */

const struct probe_ops probe_systemdunitdependency_ops = {
	.type = "systemdunitdependency_object",
	.family = "linux",
	.collect = sdd_collect,
};
