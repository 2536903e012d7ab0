/*
 * systemd_units.c - what the systemd probes share: whether systemd can
 * be asked at all, and (with libsystemd) the list of units and a unit's
 * D-Bus object path.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plumb/probe.h"
#include "systemd_units.h"

/*
 * Can units be asked for at all?  Returns 1 when the bus may be tried,
 * 0 with res flagged when the host state already gives the answer.
 */
int
sdu_host_ok(const struct probe_req *req, struct probe_result *res)
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
static int
sdu_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort and drop duplicates. */
void
sdu_names_uniq(struct oval_values *l)
{
	size_t i, j;

	if (l->n < 2)
		return;
	qsort(l->v, l->n, sizeof(*l->v), sdu_strcmp);
	for (i = 1, j = 1; i < l->n; i++) {
		if (strcmp(l->v[i], l->v[j - 1]) == 0)
			free(l->v[i]);
		else
			l->v[j++] = l->v[i];
	}
	l->n = j;
}

int
sdu_names_has(const struct oval_values *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}


/* Every unit systemd knows of or has a unit file for, sorted. */
int
sdu_list_units(sd_bus *bus, struct oval_values *out, struct probe_result *res)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL;
	const char *name, *path, *state;
	const char *s1, *s2, *s3, *s4, *s5, *s6, *s7;
	uint32_t job;
	int r, rc = PLUMB_OK;

	if ((r = sd_bus_call_method(bus, SDU_DEST, SDU_PATH, SDU_MANAGER,
	    "ListUnits", &e, &m, "")) < 0 ||
	    (r = sd_bus_message_enter_container(m, SD_BUS_TYPE_ARRAY,
	    "(ssssssouso)")) < 0)
		goto fail;
	while ((r = sd_bus_message_read(m, "(ssssssouso)", &name, &s1, &s2,
	    &s3, &s4, &s5, &s6, &job, &s7, &path)) > 0) {
		if (out->n >= SDU_UNIT_CAP)
			break;
		if ((rc = oval_values_add(out, name)) != 0)
			goto out;
	}
	if (r < 0)
		goto fail;
	m = sd_bus_message_unref(m);
	if ((r = sd_bus_call_method(bus, SDU_DEST, SDU_PATH, SDU_MANAGER,
	    "ListUnitFiles", &e, &m, "")) < 0 ||
	    (r = sd_bus_message_enter_container(m, SD_BUS_TYPE_ARRAY,
	    "(ss)")) < 0)
		goto fail;
	while ((r = sd_bus_message_read(m, "(ss)", &path, &state)) > 0) {
		if (out->n >= SDU_UNIT_CAP)
			break;
		name = strrchr(path, '/');
		if ((rc = oval_values_add(out, name ? name + 1 : path)) != 0)
			goto out;
	}
	if (r < 0)
		goto fail;
	if (out->n >= SDU_UNIT_CAP)
		probe_flag(res, OVAL_FLAG_INCOMPLETE, "more than %d units",
		    SDU_UNIT_CAP);
	sdu_names_uniq(out);
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
int
sdu_unit_path(sd_bus *bus, const char *name, char **path)
{
	sd_bus_message *m = NULL;
	const char *p;
	int r;

	*path = NULL;
	r = sd_bus_call_method(bus, SDU_DEST, SDU_PATH, SDU_MANAGER,
	    "GetUnit", NULL, &m, "s", name);
	if (r < 0) {
		m = sd_bus_message_unref(m);
		r = sd_bus_call_method(bus, SDU_DEST, SDU_PATH, SDU_MANAGER,
		    "LoadUnit", NULL, &m, "s", name);
	}
	if (r >= 0 && (r = sd_bus_message_read(m, "o", &p)) > 0 &&
	    (*path = strdup(p)) == NULL)
		r = -ENOMEM;
	sd_bus_message_unref(m);
	return r < 0 ? r : 0;
}


int
sdu_each_unit(const struct probe_req *req, struct probe_result *res,
    int (*fn)(struct sd_bus *bus, const char *unit, struct probe_result *res,
    const void *arg), const void *arg)
{
	const struct probe_ent *unit = probe_req_ent(req, "unit");
	struct oval_values units;
	struct plumb_err err;
	sd_bus *bus = NULL;
	size_t i;
	int r, rc = PLUMB_OK, match;

	oval_values_init(&units, OVAL_DT_STRING);
	if (!sdu_host_ok(req, res))
		return PLUMB_OK;
	if ((r = sd_bus_open_system(&bus)) < 0)
		return probe_flag(res, OVAL_FLAG_ERROR,
		    "cannot connect to the system bus: %s", strerror(-r));
	if ((rc = sdu_list_units(bus, &units, res)) != 0 ||
	    res->flag == OVAL_FLAG_ERROR)
		goto out;
	for (i = 0; i < units.n && rc == 0; i++) {
		err.msg[0] = '\0';
		if ((match = probe_ent_match(unit, units.v[i], &err)) < 0) {
			probe_flag(res, OVAL_FLAG_ERROR, "%s", err.msg);
			break;
		}
		if (match && ((rc = fn(bus, units.v[i], res, arg)) != 0 ||
		    res->flag == OVAL_FLAG_ERROR))
			break;
	}
out:
	oval_values_clear(&units);
	sd_bus_flush_close_unref(bus);
	return rc;
}
#else /* !HAVE_LIBSYSTEMD */
int
sdu_each_unit(const struct probe_req *req, struct probe_result *res,
    int (*fn)(struct sd_bus *bus, const char *unit, struct probe_result *res,
    const void *arg), const void *arg)
{
	if (!sdu_host_ok(req, res))
		return PLUMB_OK;
	return probe_flag(res, OVAL_FLAG_NOT_COLLECTED,
	    "this build of plumb has no systemd support (libsystemd)");
}
#endif /* HAVE_LIBSYSTEMD */
