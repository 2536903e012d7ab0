/*
 * xccdf_json.c - the JSON summary of an XCCDF run (docs/json-results.md):
 * host, tool, content, profile, times, scores, counts and one object
 * per rule result with the digest of its collected items.
 *
 * A small streaming writer: keys are written in a fixed order, strings
 * escaped by json_str() (invalid UTF-8 becomes U+FFFD), numbers never
 * NaN or infinite.  No JSON library.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "plumb/error.h"
#include "common/hex.h"
#include "plumb/sysinfo.h"
#include "atomic.h"
#include "xccdf.h"
#include "xccdf_items.h"
#include "xccdf_write.h"

#define JSON_FORMAT	"plumb-xccdf-results"
#define JSON_VERSION	1
/* Bytes of a rule's rationale or fixtext in the summary (without the
 * ellipsis marking a cut; docs/json-results.md): the full text stays
 * in the content and the ARF. */
#define JSON_RULE_TEXT_MAX	4096

/* Output through atomic.h's buffer, plus what the writer needs. */
struct jout {
	struct atomic_out *out;
};

static void
jo_put(struct jout *o, const char *s, size_t len)
{
	atomic_out_put(o->out, s, len);
}

static void
jo_s(struct jout *o, const char *s)
{
	jo_put(o, s, strlen(s));
}

/* A JSON string, or null for NULL.  Control characters, quotes and
 * backslashes escaped, U+2028/U+2029 too (they end a line in some
 * parsers), bytes that are not UTF-8 replaced with U+FFFD. */
static void
json_str(struct jout *o, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	static const char shorts[] = "\n\r\t\b\f";
	const unsigned char *p, *e;
	const char *q;
	char u[7];
	size_t len;

	if (s == NULL) {
		jo_s(o, "null");
		return;
	}
	jo_put(o, "\"", 1);
	p = (const unsigned char *)s;
	e = p + strlen(s);
	while (p < e) {
		if (*p == '"' || *p == '\\') {
			jo_put(o, "\\", 1);
			jo_put(o, (const char *)p, 1);
			p++;
		} else if (*p < 0x20 || *p == 0x7f) {
			if ((q = strchr(shorts, *p)) != NULL && *p != '\0') {
				u[0] = '\\';
				u[1] = "nrtbf"[q - shorts];
				jo_put(o, u, 2);
			} else {
				memcpy(u, "\\u00", 4);
				u[4] = hex[*p >> 4];
				u[5] = hex[*p & 0xf];
				jo_put(o, u, 6);
			}
			p++;
		} else if (*p < 0x80) {
			jo_put(o, (const char *)p, 1);
			p++;
		} else if ((len = xccdf_utf8_seq(p, (size_t)(e - p))) == 0) {
			jo_s(o, "\\ufffd");
			p++;
		} else if (len == 3 && p[0] == 0xe2 && p[1] == 0x80 &&
		    (p[2] == 0xa8 || p[2] == 0xa9)) {
			jo_s(o, p[2] == 0xa8 ? "\\u2028" : "\\u2029");
			p += 3;
		} else {
			jo_put(o, (const char *)p, len);
			p += len;
		}
	}
	jo_put(o, "\"", 1);
}

/* "key": (the key is a literal of this file, never escaped). */
static void
json_key(struct jout *o, const char *key)
{
	jo_put(o, "\"", 1);
	jo_s(o, key);
	jo_s(o, "\":");
}

/* A number that reads back as the same double; null when not finite. */
static void
json_num(struct jout *o, double d)
{
	char b[64];

	if (!isfinite(d)) {
		jo_s(o, "null");
		return;
	}
	snprintf(b, sizeof(b), "%.15g", d);
	if (strtod(b, NULL) != d)
		snprintf(b, sizeof(b), "%.17g", d);
	jo_s(o, b);
}

static void
json_uint(struct jout *o, unsigned long v)
{
	char b[32];

	snprintf(b, sizeof(b), "%lu", v);
	jo_s(o, b);
}

/* RFC 3339 UTC time, or null for 0 / an unrepresentable time. */
static void
json_time(struct jout *o, time_t t)
{
	struct tm tm;
	char b[64];

	if (t == 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
		jo_s(o, "null");
		return;
	}
	json_str(o, b);
}

/* Hex SHA-256 of a file into hex (65 bytes); 0 or PLUMB_EIO. */
static int
file_sha256(const char *path, char hex[65], struct plumb_err *err)
{
	unsigned char buf[65536], dig[EVP_MAX_MD_SIZE];
	EVP_MD_CTX *md = NULL;
	unsigned int dlen = 0;
	ssize_t r;
	int fd = -1, rc = PLUMB_OK;

	hex[0] = '\0';
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		rc = plumb_err_set(err, PLUMB_EIO, "%s: %s", path,
		    strerror(errno));
		goto out;
	}
	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
		rc = plumb_err_set(err, PLUMB_EIO, "SHA-256 unavailable");
		goto out;
	}
	for (;;) {
		r = read(fd, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = plumb_err_set(err, PLUMB_EIO, "%s: %s", path,
			    strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		if (EVP_DigestUpdate(md, buf, (size_t)r) != 1) {
			rc = plumb_err_set(err, PLUMB_EIO, "SHA-256 failed");
			goto out;
		}
	}
	if (EVP_DigestFinal_ex(md, dig, &dlen) != 1 || dlen != 32) {
		rc = plumb_err_set(err, PLUMB_EIO, "SHA-256 failed");
		goto out;
	}
	hex_encode(dig, dlen, hex);
out:
	EVP_MD_CTX_free(md);
	if (fd >= 0)
		close(fd);
	return rc;
}

/* PRETTY_NAME of /etc/os-release (the scanning host), or "". */
static void
os_pretty(char *out, size_t len)
{
	char line[512], *v, *q;
	FILE *f;

	out[0] = '\0';
	if ((f = fopen("/etc/os-release", "re")) == NULL &&
	    (f = fopen("/usr/lib/os-release", "re")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "PRETTY_NAME=", 12) != 0)
			continue;
		v = line + 12;
		v[strcspn(v, "\r\n")] = '\0';
		if (*v == '"' || *v == '\'') {
			if ((q = strrchr(v + 1, *v)) != NULL)
				*q = '\0';
			v++;
		}
		snprintf(out, len, "%s", v);
		break;
	}
	fclose(f);
}

/* The canonical name of the host (getaddrinfo AI_CANONNAME), or the
 * host name itself when it cannot be resolved. */
static void
host_fqdn(const char *host, char *out, size_t len)
{
	struct addrinfo hints, *ai = NULL;

	snprintf(out, len, "%s", host);
	if (host[0] == '\0')
		return;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_flags = AI_CANONNAME;
	if (getaddrinfo(host, NULL, &hints, &ai) != 0)
		return;
	if (ai != NULL && ai->ai_canonname != NULL &&
	    ai->ai_canonname[0] != '\0')
		snprintf(out, len, "%s", ai->ai_canonname);
	freeaddrinfo(ai);
}

/* "" -> null, else the string. */
static const char *
nz(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : NULL;
}

static void
json_host(struct jout *o)
{
	struct sysinfo si;
	char fqdn[256], pretty[512];
	size_t i;

	sysinfo_get(&si);
	host_fqdn(si.hostname, fqdn, sizeof(fqdn));
	os_pretty(pretty, sizeof(pretty));
	json_key(o, "host");
	jo_s(o, "{");
	json_key(o, "hostname");
	json_str(o, nz(si.hostname));
	jo_s(o, ",");
	json_key(o, "fqdn");
	json_str(o, nz(fqdn));
	jo_s(o, ",");
	json_key(o, "os");
	jo_s(o, "{");
	json_key(o, "name");
	json_str(o, nz(si.os_name));
	jo_s(o, ",");
	json_key(o, "version");
	json_str(o, nz(si.os_version));
	jo_s(o, ",");
	json_key(o, "arch");
	json_str(o, nz(si.arch));
	jo_s(o, ",");
	json_key(o, "pretty_name");
	json_str(o, nz(pretty));
	jo_s(o, "},");
	json_key(o, "addresses");
	jo_s(o, "[");
	for (i = 0; i < si.nifaces; i++) {
		jo_s(o, i > 0 ? ",{" : "{");
		json_key(o, "interface");
		json_str(o, nz(si.ifaces[i].name));
		jo_s(o, ",");
		json_key(o, "address");
		json_str(o, nz(si.ifaces[i].addr));
		jo_s(o, ",");
		json_key(o, "mac");
		json_str(o, nz(si.ifaces[i].mac));
		jo_s(o, "}");
	}
	jo_s(o, "]},\n");
}

static int
json_content(struct jout *o, struct xccdf_run *run, struct plumb_err *err)
{
	const struct xccdf_benchmark *b = run->benchmark;
	const char *path = xccdf_content_path(run->content);
	char hex[65];
	int rc;

	if ((rc = file_sha256(path, hex, err)) != PLUMB_OK)
		return rc;
	json_key(o, "content");
	jo_s(o, "{");
	json_key(o, "path");
	json_str(o, path);
	jo_s(o, ",");
	json_key(o, "sha256");
	json_str(o, hex);
	jo_s(o, ",");
	json_key(o, "datastream_id");
	json_str(o, xccdf_content_stream_id(run->content));
	jo_s(o, ",");
	json_key(o, "checklist_id");
	json_str(o, xccdf_content_checklist_id(run->content));
	jo_s(o, ",");
	json_key(o, "benchmark_id");
	json_str(o, b->id);
	jo_s(o, ",");
	json_key(o, "benchmark_version");
	json_str(o, b->version);
	jo_s(o, ",");
	json_key(o, "benchmark_title");
	json_str(o, b->title);
	jo_s(o, "},\n");
	return PLUMB_OK;
}

static void
json_scores(struct jout *o, const struct xccdf_run *run)
{
	size_t i;

	json_key(o, "scores");
	jo_s(o, "[");
	for (i = 0; i < XCCDF_SCORE__COUNT; i++) {
		jo_s(o, i > 0 ? ",{" : "{");
		json_key(o, "system");
		json_str(o, run->scores[i].system != NULL ?
		    run->scores[i].system :
		    xccdf_score_system(run->scores[i].model));
		jo_s(o, ",");
		json_key(o, "score");
		json_num(o, run->scores[i].score);
		jo_s(o, ",");
		json_key(o, "max");
		json_num(o, run->scores[i].max);
		jo_s(o, "}");
	}
	jo_s(o, "],\n");
	json_key(o, "counts");
	jo_s(o, "{");
	for (i = 0; i < XCCDF_R__COUNT; i++) {
		if (i > 0)
			jo_s(o, ",");
		json_key(o, xccdf_result_name((enum xccdf_result)i));
		json_uint(o, run->counts[i]);
	}
	jo_s(o, "},\n");
}

/*
 * A rule's rationale or fixtext as a JSON string, or null: leading and
 * trailing white space dropped, and a text longer than
 * JSON_RULE_TEXT_MAX bytes cut at a UTF-8 character boundary with
 * "\u2026" (an ellipsis) appended.
 */
static int
json_rule_text(struct jout *o, const char *s)
{
	char *buf;
	size_t n;

	if (s == NULL) {
		jo_s(o, "null");
		return PLUMB_OK;
	}
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	if (n == 0) {
		jo_s(o, "null");
		return PLUMB_OK;
	}
	if ((buf = malloc((n > JSON_RULE_TEXT_MAX ? JSON_RULE_TEXT_MAX :
	    n) + 4)) == NULL)
		return PLUMB_ENOMEM;
	if (n > JSON_RULE_TEXT_MAX) {
		n = JSON_RULE_TEXT_MAX;
		/* Back over continuation bytes (10xxxxxx). */
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		memcpy(buf, s, n);
		memcpy(buf + n, "\xe2\x80\xa6", 4);	/* U+2026 + NUL */
	} else {
		memcpy(buf, s, n);
		buf[n] = '\0';
	}
	json_str(o, buf);
	free(buf);
	return PLUMB_OK;
}

/* One rule result as a line of the "rules" array. */
static int
json_rule(struct jout *o, const struct xccdf_rule_res *rr,
    struct plumb_err *err)
{
	const struct xccdf_item *rule = rr->rule;
	struct xccdf_rule_items ri;
	char dig[XCCDF_DIGEST_STRLEN];
	size_t i;
	int rc;

	if ((rc = xccdf_rule_items(rr, &ri, err)) != PLUMB_OK ||
	    (rc = xccdf_rule_items_digest(&ri, dig, err)) != PLUMB_OK)
		goto out;
	jo_s(o, "{");
	json_key(o, "id");
	json_str(o, rule->id);
	jo_s(o, ",");
	json_key(o, "title");
	json_str(o, rule->title);
	jo_s(o, ",");
	json_key(o, "result");
	json_str(o, xccdf_result_name(rr->r));
	jo_s(o, ",");
	json_key(o, "severity");
	json_str(o, xccdf_severity_name(rr->severity));
	jo_s(o, ",");
	json_key(o, "weight");
	json_num(o, rr->weight);
	jo_s(o, ",");
	json_key(o, "role");
	json_str(o, xccdf_role_name(rr->role));
	jo_s(o, ",");
	json_key(o, "time");
	json_time(o, rr->time);
	jo_s(o, ",");
	json_key(o, "references");
	jo_s(o, "[");
	for (i = 0; i < rule->nrefs; i++) {
		jo_s(o, i > 0 ? ",{" : "{");
		json_key(o, "href");
		json_str(o, rule->refs[i].href);
		jo_s(o, ",");
		json_key(o, "text");
		json_str(o, rule->refs[i].text);
		jo_s(o, "}");
	}
	jo_s(o, "],");
	json_key(o, "idents");
	jo_s(o, "[");
	for (i = 0; i < rule->nidents; i++) {
		jo_s(o, i > 0 ? ",{" : "{");
		json_key(o, "system");
		json_str(o, rule->idents[i].system);
		jo_s(o, ",");
		json_key(o, "text");
		json_str(o, rule->idents[i].text);
		jo_s(o, "}");
	}
	jo_s(o, "],");
	json_key(o, "oval_definitions");
	jo_s(o, "[");
	for (i = 0; i < ri.ndefs; i++) {
		if (i > 0)
			jo_s(o, ",");
		json_str(o, ri.defs[i]);
	}
	jo_s(o, "],");
	json_key(o, "message");
	json_str(o, rr->msg);
	jo_s(o, ",");
	json_key(o, "items_digest");
	json_str(o, dig[0] != '\0' ? dig : NULL);
	jo_s(o, ",");
	json_key(o, "rationale");
	if ((rc = json_rule_text(o, rule->rationale)) != PLUMB_OK)
		goto nomem;
	jo_s(o, ",");
	json_key(o, "fixtext");
	if ((rc = json_rule_text(o, rule->fixtext)) != PLUMB_OK)
		goto nomem;
	jo_s(o, "}");
	goto out;
nomem:
	rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
out:
	xccdf_rule_items_clear(&ri);
	return rc;
}

/* The whole summary (an atomic_out_write() fill function). */
static int
json_document(struct atomic_out *out, void *arg, struct plumb_err *err)
{
	struct xccdf_run *run = arg;
	const struct xccdf_profile *p = run->profile;
	struct jout jo = { out }, *o = &jo;
	size_t i, n;
	int rc;

	jo_s(o, "{");
	json_key(o, "format");
	json_str(o, JSON_FORMAT);
	jo_s(o, ",");
	json_key(o, "version");
	json_uint(o, JSON_VERSION);
	jo_s(o, ",\n");
	json_key(o, "tool");
	jo_s(o, "{");
	json_key(o, "name");
	json_str(o, PACKAGE_NAME);
	jo_s(o, ",");
	json_key(o, "version");
	json_str(o, PACKAGE_VERSION);
	jo_s(o, "},\n");
	json_host(o);
	if ((rc = json_content(o, run, err)) != PLUMB_OK)
		return rc;
	json_key(o, "profile");
	if (p != NULL) {
		jo_s(o, "{");
		json_key(o, "id");
		json_str(o, p->id);
		jo_s(o, ",");
		json_key(o, "title");
		json_str(o, p->title);
		jo_s(o, "}");
	} else
		jo_s(o, "null");
	jo_s(o, ",\n");
	json_key(o, "start_time");
	json_time(o, run->start);
	jo_s(o, ",");
	json_key(o, "end_time");
	json_time(o, run->end);
	jo_s(o, ",");
	json_key(o, "platform_applicable");
	jo_s(o, run->platform_ok ? "true" : "false");
	jo_s(o, ",\n");
	if (run->root != NULL) {
		json_key(o, "target_root");
		json_str(o, run->root);
		jo_s(o, ",\n");
	}
	json_scores(o, run);
	json_key(o, "rules");
	jo_s(o, "[");
	for (i = 0, n = 0; i < run->nresults; i++) {
		if (run->results[i].r == XCCDF_R_NOTSELECTED)
			continue;
		jo_s(o, n++ > 0 ? ",\n" : "\n");
		if ((rc = json_rule(o, &run->results[i], err)) != PLUMB_OK)
			return rc;
	}
	jo_s(o, "\n]}\n");
	return PLUMB_OK;
}

int
xccdf_write_json(struct xccdf_run *run, const char *path,
    struct plumb_err *err)
{
	return atomic_out_write(path, json_document, run, err);
}
