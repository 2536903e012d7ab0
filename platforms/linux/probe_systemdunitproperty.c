/*
 * probe_systemdunitproperty.c - systemdunitproperty_object (linux): the
 * properties of systemd units, asked of the running systemd over D-Bus
 * (sd-bus from libsystemd).
 *
 * Units are those systemd lists (ListUnits) plus those it has unit files
 * for (ListUnitFiles); the properties of a unit are those of its Unit
 * interface and of its type's interface (Service, Socket ...), read with
 * org.freedesktop.DBus.Properties.GetAll.  One value per property, one
 * per element for arrays; booleans are "true"/"false", numbers decimal,
 * structures are left out.
 *
 * systemd state belongs to the running host, so with --root other than
 * "/" the object is not collected.  When systemd is not running (no
 * /run/systemd/system) the units cannot be identified and the object
 * is in error, which is what the reference evaluator reports; a build
 * without libsystemd reports not collected on a systemd host.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plumb/probe.h"
#include "systemd_units.h"

#define SDP_VALUE_CAP	100000	/* values of one property */

#ifdef HAVE_LIBSYSTEMD

/* A basic D-Bus value of type t as text into buf. */
static int
sdp_basic(sd_bus_message *m, char t, char *buf, size_t len,
    const char **out)
{
	union {
		uint8_t y; int b; int16_t n; uint16_t q; int32_t i;
		uint32_t u; int64_t x; uint64_t t; double d; const char *s;
	} v;
	int r;

	if ((r = sd_bus_message_read_basic(m, t, &v)) <= 0)
		return r < 0 ? r : -EBADMSG;
	*out = buf;
	switch (t) {
	case 'y': snprintf(buf, len, "%u", v.y); break;
	case 'b': snprintf(buf, len, "%s", v.b ? "true" : "false"); break;
	case 'n': snprintf(buf, len, "%d", v.n); break;
	case 'q': snprintf(buf, len, "%u", v.q); break;
	case 'i': snprintf(buf, len, "%d", v.i); break;
	case 'u': snprintf(buf, len, "%u", v.u); break;
	case 'x': snprintf(buf, len, "%lld", (long long)v.x); break;
	case 't': snprintf(buf, len, "%llu", (unsigned long long)v.t); break;
	case 'd': snprintf(buf, len, "%f", v.d); break;
	case 's': case 'o': case 'g': *out = v.s; break;
	default: snprintf(buf, len, "?"); break;
	}
	return 0;
}

/* Is t a D-Bus basic type the probe renders? */
static int
sdp_is_basic(char t)
{
	return t != '\0' && strchr("ybnqiuxtdsog", t) != NULL;
}

/* Add the value(s) of the variant at m's read position to it. */
static int
sdp_variant(sd_bus_message *m, const char *contents, struct oval_item *it)
{
	const char *s;
	char buf[64];
	size_t n = 0;
	int r, rc;

	if ((r = sd_bus_message_enter_container(m, SD_BUS_TYPE_VARIANT,
	    contents)) < 0)
		return r;
	if (sdp_is_basic(contents[0]) && contents[1] == '\0') {
		if ((r = sdp_basic(m, contents[0], buf, sizeof(buf), &s)) < 0)
			return r;
		if ((rc = oval_item_add(it, "value", OVAL_DT_STRING, s)) != 0)
			return rc;
	} else if (contents[0] == 'a' && sdp_is_basic(contents[1]) &&
	    contents[2] == '\0') {
		if ((r = sd_bus_message_enter_container(m, SD_BUS_TYPE_ARRAY,
		    contents + 1)) < 0)
			return r;
		while (!sd_bus_message_at_end(m, 0) && n++ < SDP_VALUE_CAP) {
			if ((r = sdp_basic(m, contents[1], buf, sizeof(buf),
			    &s)) < 0)
				return r;
			if ((rc = oval_item_add(it, "value", OVAL_DT_STRING,
			    s)) != 0)
				return rc;
		}
		if ((r = sd_bus_message_exit_container(m)) < 0)
			return r;
	} else if ((r = sd_bus_message_skip(m, contents)) < 0)
		return r;
	return sd_bus_message_exit_container(m);
}

/* The properties of one interface of a unit that match the object. */
static int
sdp_interface(sd_bus *bus, const char *unit, const char *path,
    const char *iface, const struct probe_ent *prop,
    struct probe_result *res)
{
	sd_bus_message *m = NULL;
	struct oval_item *it = NULL;
	struct plumb_err err;
	const char *name, *contents;
	char type;
	int r, rc = PLUMB_OK, match;

	r = sd_bus_call_method(bus, SDU_DEST, path,
	    "org.freedesktop.DBus.Properties", "GetAll", NULL, &m, "s", iface);
	if (r < 0)
		goto out;	/* no such interface for this unit */
	if ((r = sd_bus_message_enter_container(m, SD_BUS_TYPE_ARRAY,
	    "{sv}")) < 0)
		goto out;
	while ((r = sd_bus_message_enter_container(m,
	    SD_BUS_TYPE_DICT_ENTRY, "sv")) > 0) {
		if ((r = sd_bus_message_read(m, "s", &name)) < 0 ||
		    (r = sd_bus_message_peek_type(m, &type, &contents)) < 0)
			goto out;
		err.msg[0] = '\0';
		if ((match = probe_ent_match(prop, name, &err)) < 0) {
			probe_flag(res, OVAL_FLAG_ERROR, "%s", err.msg);
			goto out;
		}
		if (!match) {
			if ((r = sd_bus_message_skip(m, "v")) < 0)
				goto out;
		} else {
			rc = PLUMB_ENOMEM;
			if ((it = oval_item_new(OVAL_NS_SC_LINUX,
			    "systemdunitproperty_item")) == NULL ||
			    oval_item_add(it, "unit", OVAL_DT_STRING,
			    unit) != 0 ||
			    oval_item_add(it, "property", OVAL_DT_STRING,
			    name) != 0)
				goto out;
			rc = PLUMB_OK;
			if ((r = sdp_variant(m, contents, it)) < 0)
				goto out;
			if ((rc = probe_emit(res, it)) != 0) {
				it = NULL;
				goto out;
			}
			it = NULL;
		}
		if ((r = sd_bus_message_exit_container(m)) < 0)
			goto out;
	}
out:
	if (r < 0 && rc == 0 && res->flag != OVAL_FLAG_ERROR &&
	    strcmp(iface, "org.freedesktop.systemd1.Unit") == 0)
		probe_flag(res, OVAL_FLAG_ERROR, "%s: cannot read properties: "
		    "%s", unit, strerror(-r));
	oval_item_unref(it);
	sd_bus_message_unref(m);
	return rc;
}

/*
 * sdu_each_unit callback: the properties of one unit, from its Unit
 * interface and its type's interface (Service, Socket ...); arg is the
 * object's property entity.
 */
static int
sdp_each(sd_bus *bus, const char *unit, struct probe_result *res,
    const void *arg)
{
	const struct probe_ent *prop = arg;
	char *path = NULL, iface[128];
	const char *dot;
	int rc;

	if (sdu_unit_path(bus, unit, &path) < 0 || path == NULL)
		return PLUMB_OK;
	rc = sdp_interface(bus, unit, path, "org.freedesktop.systemd1.Unit",
	    prop, res);
	if (rc == 0 && res->flag != OVAL_FLAG_ERROR &&
	    (dot = strrchr(unit, '.')) != NULL && dot[1] != '\0') {
		snprintf(iface, sizeof(iface), "org.freedesktop.systemd1.%c%s",
		    dot[1] >= 'a' && dot[1] <= 'z' ? dot[1] - 'a' + 'A' :
		    dot[1], dot + 2);
		rc = sdp_interface(bus, unit, path, iface, prop, res);
	}
	free(path);
	return rc;
}
#define SDP_EACH	sdp_each
#else
#define SDP_EACH	NULL
#endif /* HAVE_LIBSYSTEMD */

static int
sdp_collect(const struct probe_req *req, struct probe_result *res)
{
	return sdu_each_unit(req, res, SDP_EACH,
	    probe_req_ent(req, "property"));
}

const struct probe_ops probe_systemdunitproperty_ops = {
	.type = "systemdunitproperty_object",
	.family = "linux",
	.collect = sdp_collect,
};
