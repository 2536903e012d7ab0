/*
 * export.c - the evidence archive for one control and period and the
 * OSCAL assessment-results document (export.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "plumb/error.h"
#include "common/dynbuf.h"
#include "common/hex.h"
#include "api.h"
#include "atomic.h"
#include "bundle.h"
#include "controls.h"
#include "evidence.h"
#include "export.h"
#include "store.h"
#include "waivers.h"

/* The archive's files are read-only, as evidence. */
#define EXPORT_TAR_MODE	0444


/* SHA-256 of data as hex into out (65 bytes). */
static int
export_sha256(const void *data, size_t len, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;

	if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen != 32)
		return -1;
	hex_encode(md, mdlen, out);
	return 0;
}

/* Read the whole file path (at most max bytes) into *data, *len. */
static int
export_read(const char *path, size_t max, unsigned char **data, size_t *len,
    struct plumb_err *err)
{
	struct stat st;
	unsigned char *p = NULL;
	int fd, rc;

	*data = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return plumb_err_set(err, errno == ENOENT ? PLUMB_ENOENT :
		    PLUMB_EIO, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0) {
		rc = plumb_err_set(err, PLUMB_EIO, "%s: %s", path,
		    strerror(errno));
		goto out;
	}
	if ((uint64_t)st.st_size > max) {
		rc = plumb_err_set(err, PLUMB_ELIMIT, "%s: larger than %zu "
		    "bytes", path, max);
		goto out;
	}
	if ((p = malloc((size_t)st.st_size + 1)) == NULL) {
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
		goto out;
	}
	if (atomic_read_all(fd, p, (size_t)st.st_size) != 0) {
		rc = plumb_err_set(err, PLUMB_EIO, "%s: %s", path,
		    errno != 0 ? strerror(errno) : "file shrank");
		goto out;
	}
	*data = p;
	*len = (size_t)st.st_size;
	p = NULL;
	rc = PLUMB_OK;
out:
	free(p);
	close(fd);
	return rc;
}

/* ------------------------------------------------ evidence archive */

/* One scan of the period that evaluated a rule of the control. */
struct export_scan {
	char uuid[STORE_UUID_LEN + 1];
	char host[STORE_HOST_MAX];
	char role[STORE_ATTR_MAX];
	char sha256[STORE_SHA256_HEX];
	time_t created;
	json_t *rules;		/* [{"rule_id","result","waived"}] */
	int mapped, failed, waived, passed;
};

struct export_collect {
	const struct controls *c;
	const struct waiver_set *ws;
	size_t control;
	unsigned char *hit;
	struct export_scan *v;
	size_t n, cap;
	struct export_scan cur;
	int rc;
};

static void
export_scan_flush(struct export_collect *ec)
{
	struct export_scan *nv;
	size_t ncap;

	if (ec->cur.uuid[0] == '\0' || ec->rc != PLUMB_OK)
		goto drop;
	if (!ec->cur.mapped)
		goto drop;
	if (ec->n == ec->cap) {
		ncap = ec->cap == 0 ? 16 : 2 * ec->cap;
		if ((nv = realloc(ec->v, ncap * sizeof(*nv))) == NULL) {
			ec->rc = PLUMB_ENOMEM;
			goto drop;
		}
		ec->v = nv;
		ec->cap = ncap;
	}
	ec->v[ec->n++] = ec->cur;
	memset(&ec->cur, 0, sizeof(ec->cur));
	return;
drop:
	json_decref(ec->cur.rules);
	memset(&ec->cur, 0, sizeof(ec->cur));
}

/* Row: uuid, host, role, created, evidence_sha256, rule_id, result,
 * refs. */
static int
export_row(void *arg, const char *const *v, size_t ncols)
{
	struct export_collect *ec = arg;
	struct export_scan *s = &ec->cur;
	int bad, waived;

	if (ncols != 8 || v[0] == NULL)
		return 0;
	if (strcmp(v[0], s->uuid) != 0) {
		export_scan_flush(ec);
		if (ec->rc != PLUMB_OK)
			return 1;
		snprintf(s->uuid, sizeof(s->uuid), "%s", v[0]);
		snprintf(s->host, sizeof(s->host), "%s", v[1] ? v[1] : "");
		snprintf(s->role, sizeof(s->role), "%s", v[2] ? v[2] : "");
		s->created = v[3] ? (time_t)strtoll(v[3], NULL, 10) : 0;
		snprintf(s->sha256, sizeof(s->sha256), "%s",
		    v[4] ? v[4] : "");
		if ((s->rules = json_array()) == NULL) {
			ec->rc = PLUMB_ENOMEM;
			return 1;
		}
	}
	if (v[5] == NULL || v[6] == NULL)
		return 0;
	memset(ec->hit, 0, controls_count(ec->c));
	controls_match(ec->c, v[5], v[7], ec->hit, NULL);
	if (!ec->hit[ec->control])
		return 0;
	s->mapped = 1;
	bad = strcmp(v[6], "fail") == 0 || strcmp(v[6], "error") == 0;
	waived = bad && waivers_match(ec->ws, s->host, s->role, v[5],
	    s->created) != NULL;
	if (bad && !waived)
		s->failed = 1;
	else if (waived)
		s->waived = 1;
	else if (strcmp(v[6], "pass") == 0 || strcmp(v[6], "fixed") == 0)
		s->passed = 1;
	if (json_array_append_new(s->rules, json_pack("{s:s, s:s, s:b}",
	    "rule_id", v[5], "result", v[6], "waived", waived)) != 0) {
		ec->rc = PLUMB_ENOMEM;
		return 1;
	}
	return 0;
}

static const char *
export_scan_status(const struct export_scan *s)
{
	if (s->failed)
		return "fail";
	if (s->waived)
		return "waived";
	return s->passed ? "pass" : "unknown";
}

static const char export_readme[] =
    "plumb evidence export\n"
    "\n"
    "bundles/SHA256.p7m  the signed results bundles exactly as the "
    "agents sent them\n"
    "                    (DER CMS SignedData; the file name is the "
    "SHA-256 of its bytes)\n"
    "summary.json        which scans these are: host, creation time, "
    "bundle file,\n"
    "                    SHA-256 and the control's status on each scan\n"
    "SHA256SUMS          the same digests for sha256sum -c\n"
    "\n"
    "Check offline:\n"
    "  sha256sum -c SHA256SUMS\n"
    "  openssl cms -verify -inform DER -binary -in bundles/SHA256.p7m \\\n"
    "      -CAfile agent-ca.pem -out archive.tar.gz && tar xzf "
    "archive.tar.gz\n"
    "The archive holds manifest.json, arf.xml and summary.json of that "
    "scan.\n";

/* GET export/evidence?framework=&control=&since=&until= */
static int
export_api_evidence(const struct api_ctx *ctx, const struct api_req *req,
    struct api_reply *rep, struct plumb_err *err)
{
	static const char sql[] =
	    "SELECT b.uuid, b.host, h.role, b.created, b.evidence_sha256, "
	    "r.rule_id, r.result, r.refs FROM bundles b "
	    "JOIN hosts h ON h.id = b.host "
	    "LEFT JOIN rule_results r ON r.bundle_id = b.id "
	    "WHERE b.created >= $1 AND b.created <= $2 "
	    "ORDER BY b.created, b.received, b.uuid, r.seq";
	struct export_collect ec;
	struct waiver_set ws;
	struct dynbuf tar, sums;
	char fwb[STORE_TEXT_MAX], idb[STORE_TEXT_MAX], sinces[24], untils[24];
	char path[EVIDENCE_PATH_MAX], name[BUNDLE_TAR_NAME_MAX + 1], iso[32];
	char got[STORE_SHA256_HEX], line[BUNDLE_TAR_NAME_MAX + 80];
	const char *fw, *id, *params[2];
	unsigned char *data = NULL;
	json_t *sum = NULL, *scans, *o;
	char *js = NULL;
	time_t since, until;
	size_t len, i, j;
	long k;
	int rc;

	memset(&ec, 0, sizeof(ec));
	memset(&ws, 0, sizeof(ws));
	dynbuf_init(&tar, EXPORT_MAX_BYTES);
	dynbuf_init(&sums, EXPORT_MAX_BYTES);
	if (ctx->controls == NULL)
		return api_error(rep, 503, "no control set loaded");
	fw = api_query_param(req, "framework", fwb, sizeof(fwb));
	id = api_query_param(req, "control", idb, sizeof(idb));
	if (fw == NULL || id == NULL)
		return api_error(rep, 400, "framework and control are "
		    "required");
	if ((k = controls_find(ctx->controls, fw, id)) < 0)
		return api_error(rep, 404, "no control %s %s in the control "
		    "set", fw, id);
	if (controls_param_time(req, "since", 0, &since, rep) != 0 ||
	    controls_param_time(req, "until", req->now, &until, rep) != 0)
		return PLUMB_OK;
	if (until < since)
		return api_error(rep, 400, "until is before since");
	if (ctx->cfg == NULL || ctx->cfg->evidence_dir == NULL)
		return plumb_err_set(err, PLUMB_EINVAL, "no evidence_dir "
		    "configured");
	if ((rc = waivers_load(ctx->store, &ws, err)) != PLUMB_OK)
		return rc;
	ec.c = ctx->controls;
	ec.ws = &ws;
	ec.control = (size_t)k;
	if ((ec.hit = calloc(controls_count(ctx->controls) + 1, 1)) == NULL)
		goto nomem;
	snprintf(sinces, sizeof(sinces), "%lld", (long long)since);
	snprintf(untils, sizeof(untils), "%lld", (long long)until);
	params[0] = sinces;
	params[1] = untils;
	if ((rc = store_query(ctx->store, sql, params, 2, export_row, &ec,
	    NULL, err)) != PLUMB_OK)
		goto out;
	export_scan_flush(&ec);
	if (ec.rc != PLUMB_OK)
		goto nomem;
	if ((scans = json_array()) == NULL ||
	    (sum = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:o}",
	    "format", "plumb-evidence-1", "framework", fw, "control", id,
	    "title", controls_at(ctx->controls, (size_t)k)->title,
	    "since", (json_int_t)since, "until", (json_int_t)until,
	    "generated", (json_int_t)req->now,
	    "generated_by", req->principal != NULL ? req->principal : "",
	    "scans", scans)) == NULL)
		goto nomem;
	for (i = 0; i < ec.n; i++) {
		struct export_scan *s = &ec.v[i];

		snprintf(name, sizeof(name), "bundles/%s.p7m", s->sha256);
		api_iso(s->created, iso, sizeof(iso));
		o = json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:O}",
		    "uuid", s->uuid, "host", s->host,
		    "created", (json_int_t)s->created, "created_iso", iso,
		    "file", name, "sha256", s->sha256,
		    "status", export_scan_status(s), "rules", s->rules);
		if (o == NULL || json_array_append_new(scans, o) != 0)
			goto nomem;
		/* Two scans never share bytes, but be safe: once each. */
		for (j = 0; j < i; j++)
			if (strcmp(ec.v[j].sha256, s->sha256) == 0)
				break;
		if (j < i)
			continue;
		if ((rc = evidence_path(ctx->cfg->evidence_dir, s->sha256,
		    path, err)) != PLUMB_OK ||
		    (rc = export_read(path, EXPORT_MAX_BYTES, &data, &len,
		    err)) != PLUMB_OK)
			goto out;
		if (export_sha256(data, len, got) != 0) {
			rc = plumb_err_set(err, PLUMB_EIO, "SHA-256 failed");
			goto out;
		}
		if (strcmp(got, s->sha256) != 0) {
			rc = plumb_err_set(err, PLUMB_EIO, "%s: the evidence "
			    "file does not match its SHA-256 (it is %s): "
			    "the evidence store was altered", path, got);
			goto out;
		}
		rc = bundle_tar_add(&tar, name, data, len, s->created,
		    EXPORT_TAR_MODE);
		free(data);
		data = NULL;
		if (rc == PLUMB_ELIMIT)
			goto toobig;
		if (rc != PLUMB_OK)
			goto nomem;
		snprintf(line, sizeof(line), "%s  %s\n", s->sha256, name);
		if (dynbuf_add(&sums, line, strlen(line)) != PLUMB_OK)
			goto nomem;
	}
	if ((js = json_dumps(sum, JSON_INDENT(1) | JSON_SORT_KEYS)) == NULL ||
	    export_sha256(js, strlen(js), got) != 0)
		goto nomem;
	snprintf(line, sizeof(line), "%s  summary.json\n", got);
	if (dynbuf_add(&sums, line, strlen(line)) != PLUMB_OK)
		goto nomem;
	if ((rc = bundle_tar_add(&tar, "summary.json", js, strlen(js),
	    req->now, EXPORT_TAR_MODE)) == PLUMB_OK &&
	    (rc = bundle_tar_add(&tar, "SHA256SUMS", sums.p, sums.len,
	    req->now, EXPORT_TAR_MODE)) == PLUMB_OK &&
	    (rc = bundle_tar_add(&tar, "README.txt", export_readme,
	    strlen(export_readme), req->now, EXPORT_TAR_MODE)) == PLUMB_OK)
		rc = dynbuf_add(&tar, NULL, 2 * BUNDLE_TAR_BLOCK);
	if (rc == PLUMB_ELIMIT)
		goto toobig;
	if (rc != PLUMB_OK)
		goto nomem;
	rep->text = (char *)tar.p;
	rep->text_len = tar.len;
	rep->content_type = "application/x-tar";
	tar.p = NULL;
	rc = PLUMB_OK;
	goto out;
toobig:
	rc = api_error(rep, 413, "the evidence of %s %s from %lld to %lld is "
	    "larger than %zu bytes: ask for a shorter period", fw, id,
	    (long long)since, (long long)until, EXPORT_MAX_BYTES);
	goto out;
nomem:
	rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
out:
	for (i = 0; i < ec.n; i++)
		json_decref(ec.v[i].rules);
	json_decref(ec.cur.rules);
	free(ec.v);
	free(ec.hit);
	free(data);
	free(js);
	free(tar.p);
	free(sums.p);
	json_decref(sum);
	waivers_clear(&ws);
	return rc;
}

/* ------------------------------------------------------------ OSCAL */

/* A control as an OSCAL token: framework_ID, spaces as "_". */
static void
export_oscal_id(const struct controls_control *cc, char *buf, size_t size)
{
	size_t i;

	snprintf(buf, size, "%s_%s", cc->framework, cc->id);
	for (i = 0; buf[i] != '\0'; i++)
		if (buf[i] == ' ')
			buf[i] = '_';
}

/* A new random UUID as a JSON string (NULL on failure). */
static json_t *
export_uuid(void)
{
	char u[STORE_UUID_LEN + 1];

	if (bundle_uuid(u, NULL) != PLUMB_OK)
		return NULL;
	return json_string(u);
}

/* Append ", id" (or "id") to buf of size, truncating with "...". */
static void
export_list_add(char *buf, size_t size, const char *id)
{
	size_t len = strlen(buf);

	if (len >= 3 && strcmp(buf + len - 3, "...") == 0)
		return;
	/* Keep 4 bytes for "..." and the NUL. */
	if (len + 2 + strlen(id) + 4 > size) {
		strcat(buf, "...");
		return;
	}
	if (len > 0)
		strcat(buf, ", ");
	strcat(buf, id);
}

/*
 * What one OSCAL document is built from: the evaluation, and per host
 * its inventory item (a UUID) and newest scan's evidence digest; each
 * waiver that covered a failing rule becomes one risk.
 */
struct export_oscal {
	const struct controls *c;
	const struct controls_eval *e;
	time_t now;
	char (*inv)[STORE_UUID_LEN + 1];	/* per host: its item */
	char (*sha)[STORE_SHA256_HEX];		/* per host: evidence */
	json_t *items, *obs, *risks, *findings;
	char (*wid)[STORE_UUID_LEN + 1];	/* waivers made risks */
	char (*rid)[STORE_UUID_LEN + 1];	/* and their risk UUIDs */
	size_t nrisks;
};

/* {"name","ns":plumb,"value"}: a property of plumb's own namespace. */
static json_t *
export_prop(const char *name, const char *value)
{
	return json_pack("{s:s, s:s, s:s}", "name", name, "ns",
	    "urn:plumb:oscal", "value", value);
}

/* Append property name of plumb's namespace to obj's "props" unless
 * value is empty (an OSCAL string holds at least one character); -1
 * when out of memory. */
static int
export_prop_add(json_t *obj, const char *name, const char *value)
{
	json_t *props = json_object_get(obj, "props");

	if (value[0] == '\0')
		return 0;
	return json_array_append_new(props, export_prop(name, value));
}

/*
 * The risk of waiver w (made on first use): an accepted deviation,
 * with the waiver's justification, requester, approver and expiry.
 * Its UUID into uuid; -1 when out of memory.
 */
static int
export_oscal_risk(struct export_oscal *x, const struct waiver *w,
    char uuid[STORE_UUID_LEN + 1])
{
	char exp[32], stmt[WAIVER_JUSTIFICATION_MAX + 4 * STORE_TEXT_MAX];
	char title[STORE_TEXT_MAX + STORE_UUID_LEN + 32];
	json_t *r;
	size_t i;

	for (i = 0; i < x->nrisks; i++)
		if (strcmp(x->wid[i], w->id) == 0) {
			memcpy(uuid, x->rid[i], STORE_UUID_LEN + 1);
			return 0;
		}
	if (bundle_uuid(uuid, NULL) != PLUMB_OK)
		return -1;
	api_iso(w->expires, exp, sizeof(exp));
	snprintf(title, sizeof(title), "Waived rule %s (waiver %s)",
	    w->rule_id, w->id);
	snprintf(stmt, sizeof(stmt), "Risk accepted for rule %s on %s %s "
	    "until %s: requested by %s, approved by %s.  Justification: %s",
	    w->rule_id, w->host[0] != '\0' ? "host" : "every host of role",
	    w->host[0] != '\0' ? w->host : w->role, exp, w->created_by,
	    w->approved_by[0] != '\0' ? w->approved_by : w->approver,
	    w->justification);
	r = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:[o, o]}",
	    "uuid", uuid, "title", title, "description", w->justification,
	    "statement", stmt, "status", "deviation-approved",
	    "deadline", exp, "props", export_prop("waiver-id", w->id),
	    export_prop("rule-id", w->rule_id));
	if (r == NULL || json_array_append_new(x->risks, r) != 0)
		return -1;
	memcpy(x->wid[x->nrisks], w->id, sizeof(x->wid[0]));
	memcpy(x->rid[x->nrisks], uuid, sizeof(x->rid[0]));
	x->nrisks++;
	return 0;
}

/*
 * One observation of host j for control i (the host as its subject,
 * the scan's signed bundle and its SHA-256 as evidence) and the finding
 * it supports, tied to the risks of the waivers that cover it.
 */
static int
export_oscal_finding(struct export_oscal *x, size_t j, size_t i)
{
	const struct controls_host *h = &x->e->hosts[j];
	const struct controls_control *cc = controls_at(x->c, i);
	const struct controls_hoststat *st = &h->st[i];
	const struct waiver *w;
	char cid[STORE_TEXT_MAX * 2], iso[32], href[128], desc[1024];
	char failing[1024], waived[1024], rem[2200];
	char ouuid[STORE_UUID_LEN + 1], fuuid[STORE_UUID_LEN + 1];
	char ruuid[STORE_UUID_LEN + 1];
	json_t *o, *f, *rel, *props;
	size_t k, nf = 0, nw = 0;

	export_oscal_id(cc, cid, sizeof(cid));
	api_iso(h->scan_time, iso, sizeof(iso));
	snprintf(href, sizeof(href), "%sscans/%s/evidence", API_PREFIX,
	    h->scan);
	failing[0] = waived[0] = '\0';
	if ((rel = json_array()) == NULL || (props = json_array()) == NULL) {
		json_decref(rel);
		return -1;
	}
	if (json_array_append_new(props, export_prop("host", h->id)) != 0 ||
	    json_array_append_new(props, export_prop("status",
	    controls_status_name(st->status))) != 0)
		goto fail;
	for (k = 0; k < st->nfailing; k++) {
		w = waivers_match(x->e->waivers, h->id, h->role,
		    st->failing[k], x->now);
		if (w != NULL) {
			export_list_add(waived, sizeof(waived),
			    st->failing[k]);
			nw++;
			if (export_oscal_risk(x, w, ruuid) != 0 ||
			    json_array_append_new(rel, json_pack("{s:s}",
			    "risk-uuid", ruuid)) != 0 ||
			    json_array_append_new(props, export_prop(
			    "waived-rule", st->failing[k])) != 0)
				goto fail;
		} else {
			export_list_add(failing, sizeof(failing),
			    st->failing[k]);
			nf++;
			if (json_array_append_new(props, export_prop(
			    "failing-rule", st->failing[k])) != 0)
				goto fail;
		}
	}
	snprintf(desc, sizeof(desc), "%s %s on host %s: %s in scan %s (%zu "
	    "failing rules, %zu waived).", cc->framework, cc->id, h->id,
	    controls_status_name(st->status), h->scan, nf, nw);
	snprintf(rem, sizeof(rem), "failing rules: %s; waived rules: %s",
	    nf > 0 ? failing : "none", nw > 0 ? waived : "none");
	if (bundle_uuid(ouuid, NULL) != PLUMB_OK ||
	    bundle_uuid(fuuid, NULL) != PLUMB_OK)
		goto fail;
	o = json_pack("{s:s, s:s, s:s, s:[s], s:s, s:[{s:s, s:s}], "
	    "s:[{s:s, s:s, s:[o, o]}], s:[o]}",
	    "uuid", ouuid, "title", cc->title, "description", desc,
	    "methods", "TEST", "collected", iso,
	    "subjects", "subject-uuid", x->inv[j], "type", "inventory-item",
	    "relevant-evidence", "href", href, "description",
	    "the signed results bundle of the scan", "props",
	    export_prop("scan", h->scan),
	    export_prop("evidence-sha256", x->sha[j]),
	    "props", export_prop("host", h->id));
	if (o == NULL || json_array_append_new(x->obs, o) != 0)
		goto fail;
	f = json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:{s:s}}, "
	    "s:[{s:s}], s:O, s:s}",
	    "uuid", fuuid, "title", cc->title, "description", desc,
	    "target", "type", "objective-id", "target-id", cid,
	    "status", "state", st->status == CONTROLS_PASS ? "satisfied" :
	    "not-satisfied",
	    "related-observations", "observation-uuid", ouuid,
	    "props", props, "remarks", rem);
	if (f == NULL || (json_array_size(rel) > 0 &&
	    json_object_set(f, "related-risks", rel) != 0) ||
	    json_array_append_new(x->findings, f) != 0)
		goto fail;
	json_decref(rel);
	json_decref(props);
	return 0;
fail:
	json_decref(rel);
	json_decref(props);
	return -1;
}

/*
 * Host j's inventory item, made once: its id as FQDN, role, site and
 * zone, and the digest of its newest scan's evidence kept for the
 * observations.
 */
static int
export_oscal_host(struct export_oscal *x, struct store *st, size_t j,
    struct plumb_err *err)
{
	const struct controls_host *h = &x->e->hosts[j];
	struct store_bundle *b;
	char desc[STORE_HOST_MAX + 3 * STORE_ATTR_MAX + 64];
	json_t *it;
	int rc;

	if (x->inv[j][0] != '\0')
		return PLUMB_OK;
	if ((b = calloc(1, sizeof(*b))) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	rc = store_bundle_get(st, h->scan, b, err);
	if (rc == PLUMB_OK)
		memcpy(x->sha[j], b->evidence_sha256, sizeof(x->sha[j]));
	free(b);
	if (rc != PLUMB_OK)
		return rc;
	if (bundle_uuid(x->inv[j], err) != PLUMB_OK)
		return PLUMB_ENOMEM;
	snprintf(desc, sizeof(desc), "host %s (role %s, site %s, zone %s)",
	    h->id, h->role[0] ? h->role : "-", h->site[0] ? h->site : "-",
	    h->zone[0] ? h->zone : "-");
	it = json_pack("{s:s, s:s, s:[{s:s, s:s}]}",
	    "uuid", x->inv[j], "description", desc,
	    "props", "name", "fqdn", "value", h->id);
	if (it == NULL || json_array_append_new(x->items, it) != 0 ||
	    export_prop_add(it, "role", h->role) != 0 ||
	    export_prop_add(it, "site", h->site) != 0 ||
	    export_prop_add(it, "zone", h->zone) != 0)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	return PLUMB_OK;
}

static void
export_oscal_clear(struct export_oscal *x)
{
	free(x->inv);
	free(x->sha);
	free(x->wid);
	free(x->rid);
	json_decref(x->items);
	json_decref(x->obs);
	json_decref(x->risks);
	json_decref(x->findings);
}

/*
 * GET export/oscal?since=&framework=: OSCAL assessment results.  The
 * assessment plan it imports is described in its back matter (the
 * continuous assessment the control set defines), so import-ap
 * resolves within the document; hosts are inventory items and the
 * subjects of the observations; a waiver in force is a risk with an
 * approved deviation.
 */
static int
export_api_oscal(const struct api_ctx *ctx, const struct api_req *req,
    struct api_reply *rep, struct plumb_err *err)
{
	struct controls_eval *e = NULL;
	struct export_oscal x;
	char fwb[STORE_TEXT_MAX], cid[STORE_TEXT_MAX * 2];
	char now[32], start[32], ap[STORE_UUID_LEN + 1], apref[64];
	const char *fw;
	json_t *doc = NULL, *incl = NULL, *result;
	time_t since, first = 0;
	size_t i, j, nwaivers;
	int rc;

	memset(&x, 0, sizeof(x));
	if (ctx->controls == NULL)
		return api_error(rep, 503, "no control set loaded");
	if (controls_param_time(req, "since", 0, &since, rep) != 0)
		return PLUMB_OK;
	fw = api_query_param(req, "framework", fwb, sizeof(fwb));
	if (fw != NULL && *fw == '\0')
		fw = NULL;
	if (fw != NULL && controls_framework_title(ctx->controls, fw) == NULL)
		return api_error(rep, 400, "framework: \"%s\" is not in the "
		    "control set", fw);
	if ((rc = controls_evaluate(ctx->controls, ctx->store, req->now, -1,
	    &e, err)) != PLUMB_OK)
		return rc;
	x.c = ctx->controls;
	x.e = e;
	x.now = req->now;
	nwaivers = e->waivers != NULL ? e->waivers->n : 0;
	x.inv = calloc(e->nhosts + 1, sizeof(*x.inv));
	x.sha = calloc(e->nhosts + 1, sizeof(*x.sha));
	x.wid = calloc(nwaivers + 1, sizeof(*x.wid));
	x.rid = calloc(nwaivers + 1, sizeof(*x.rid));
	x.items = json_array();
	x.obs = json_array();
	x.risks = json_array();
	x.findings = json_array();
	incl = json_array();
	if (x.inv == NULL || x.sha == NULL || x.wid == NULL || x.rid == NULL ||
	    x.items == NULL || x.obs == NULL || x.risks == NULL ||
	    x.findings == NULL || incl == NULL)
		goto nomem;
	for (i = 0; i < controls_count(ctx->controls); i++) {
		const struct controls_control *cc =
		    controls_at(ctx->controls, i);
		int any = 0;

		if (fw != NULL && strcmp(fw, cc->framework) != 0)
			continue;
		for (j = 0; j < e->nhosts; j++) {
			const struct controls_host *h = &e->hosts[j];

			if (h->st[i].status == CONTROLS_NONE ||
			    h->scan_time < since)
				continue;
			if (first == 0 || h->scan_time < first)
				first = h->scan_time;
			any = 1;
			if ((rc = export_oscal_host(&x, ctx->store, j,
			    err)) != PLUMB_OK)
				goto out;
			if (export_oscal_finding(&x, j, i) != 0)
				goto nomem;
		}
		if (any) {
			export_oscal_id(cc, cid, sizeof(cid));
			if (json_array_append_new(incl, json_pack("{s:s}",
			    "control-id", cid)) != 0)
				goto nomem;
		}
	}
	api_iso(req->now, now, sizeof(now));
	api_iso(first != 0 ? first : req->now, start, sizeof(start));
	if (bundle_uuid(ap, err) != PLUMB_OK)
		goto nomem;
	snprintf(apref, sizeof(apref), "#%s", ap);
	result = json_pack("{s:o, s:s, s:s, s:s, s:s, s:{s:O}, "
	    "s:{s:[{s:O}]}, s:O, s:O, s:O}",
	    "uuid", export_uuid(),
	    "title", "Fleet compliance from each host's newest scan",
	    "description", "plumb collector: each host's newest signed scan, "
	    "its rule results mapped onto the ISMS control set, waivers "
	    "applied as of the end time",
	    "start", start, "end", now,
	    "local-definitions", "inventory-items", x.items,
	    "reviewed-controls", "control-selections", "include-controls",
	    incl, "observations", x.obs, "risks", x.risks,
	    "findings", x.findings);
	if (result == NULL)
		goto nomem;
	/* Empty arrays are not allowed where OSCAL makes a member
	 * optional: leave those members out. */
	if (json_array_size(x.risks) == 0)
		json_object_del(result, "risks");
	if (json_array_size(x.items) == 0)
		json_object_del(result, "local-definitions");
	doc = json_pack("{s:{s:o, s:{s:s, s:s, s:s, s:s}, s:{s:s}, s:[o], "
	    "s:{s:[{s:s, s:s, s:s}]}}}",
	    "assessment-results",
	    "uuid", export_uuid(),
	    "metadata", "title", "plumb collector assessment results",
	    "last-modified", now, "version", now,
	    "oscal-version", EXPORT_OSCAL_VERSION,
	    "import-ap", "href", apref,
	    "results", result,
	    "back-matter", "resources", "uuid", ap,
	    "title", "plumb continuous assessment plan",
	    "description", "Every enrolled host scans itself on its schedule "
	    "with its XCCDF baselines; each signed result is verified and "
	    "mapped onto the ISMS control set (the collector's [controls] "
	    "file); the controls reviewed are those listed in the result.");
	if (doc == NULL)
		goto nomem;
	rep->json = doc;
	doc = NULL;
	rc = PLUMB_OK;
	goto out;
nomem:
	rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
out:
	json_decref(incl);
	export_oscal_clear(&x);
	controls_eval_free(e);
	return rc;
}

const struct api_route export_routes[] = {
	{ "GET", "export/evidence", API_AUTH_STAFF, export_api_evidence },
	{ "GET", "export/oscal", API_AUTH_STAFF, export_api_oscal },
};
const size_t export_nroutes = sizeof(export_routes) /
    sizeof(export_routes[0]);
