/*
 * xccdf_results.c - the XCCDF 1.2 results document (the Benchmark as
 * the content holds it, with a TestResult for the run) and the ARF 1.1
 * asset-report-collection of SCAP 1.3 (the source data stream, the
 * asset, the TestResult and the OVAL results of every component that
 * was evaluated).
 *
 * Both are streamed with xmlTextWriter.  Content copied from the
 * source document is serialised one child element at a time, so the
 * largest buffer is one top-level child of the source, never the
 * whole output; the OVAL results stream items as oval_results.c does.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

#include "plumb/error.h"
#include "plumb/sysinfo.h"
#include "atomic.h"
#include "oval_doc.h"
#include "oval_eval.h"
#include "oval_results.h"
#include "xccdf.h"
#include "xccdf_write.h"
#include "xml_write.h"

#define NS_ARF	"http://scap.nist.gov/schema/asset-reporting-format/1.1"
#define NS_CORE	"http://scap.nist.gov/schema/reporting-core/1.1"
#define NS_AI	"http://scap.nist.gov/schema/asset-identification/1.1"
#define NS_VOCAB \
	"http://scap.nist.gov/specifications/arf/vocabulary/relationships/1.0#"
#define NS_DS	"http://scap.nist.gov/schema/scap/source/1.2"

/* ARF ids.  OVAL reports are "oval0", "oval1"... in component order;
 * a check-content-ref in the ARF TestResult names its report as
 * "#ovalN", the convention report tools follow to find the details. */
#define ARF_REQUEST	"collection1"
#define ARF_ASSET	"asset0"
#define ARF_XCCDF	"xccdf1"

/* Fact names of the XCCDF 1.2 target-facts (those the reference
 * evaluator writes), and ours for what it has no name for. */
#define FACT_SCANNER	"urn:xccdf:fact:scanner:name"
#define FACT_SCANNER_V	"urn:xccdf:fact:scanner:version"
#define FACT_FQDN	"urn:xccdf:fact:asset:identifier:fqdn"
#define FACT_HOST	"urn:xccdf:fact:asset:identifier:host_name"
#define FACT_ETHER	"urn:xccdf:fact:ethernet:MAC"
#define FACT_MAC	"urn:xccdf:fact:asset:identifier:mac"
#define FACT_IPV4	"urn:xccdf:fact:asset:identifier:ipv4"
#define FACT_IPV6	"urn:xccdf:fact:asset:identifier:ipv6"
#define FACT_OS_NAME	"urn:plumb:fact:os:name"
#define FACT_OS_VER	"urn:plumb:fact:os:version"
#define FACT_ARCH	"urn:plumb:fact:os:architecture"
/* The directory scanned instead of "/" (plumb ... --root): absent for a
 * scan of the host itself. */
#define FACT_ROOT	"urn:plumb:fact:scan:root"

/* A document being written: the writer, the atomic file under it and
 * a sticky failure flag (each call is checked once, at the end). */
struct xw {
	xmlTextWriterPtr w;
	xmlOutputBufferPtr out;		/* w's, for streamed copies */
	struct atomic_file af;
	const char *path;
	int depth;			/* elements open, for copies */
	int bad;
};

#define W(x, call) do { if ((call) < 0) (x)->bad = 1; } while (0)

/* What the target facts and the ARF asset say about this host. */
struct host {
	struct sysinfo si;
	char fqdn[256];
	char user[256];
	int privileged;
};

/* How a TestResult is written. */
struct tr_ctx {
	struct xccdf_run *run;
	const struct host *h;
	const char *bench_href;	/* benchmark/@href */
	int arf;		/* name OVAL content by arf:report id */
	int stig;		/* rule-results named by STIG rule ids */
};

/* The reference href SCAP Security Guide gives a Rule's DISA STIG rule
 * id ("SV-230221r858734_rule"), and the one older content used. */
static const char *const stig_hrefs[] = {
	"https://public.cyber.mil/stigs/srg-stig-tools/",
	"http://iase.disa.mil/stigs/Pages/stig-viewing-guidance.aspx",
};

static void
xr_start(struct xw *x, const char *prefix, const char *name)
{
	W(x, xmlTextWriterStartElementNS(x->w, BAD_CAST prefix,
	    BAD_CAST name, NULL));
	x->depth++;
}

static void
xr_end(struct xw *x)
{
	W(x, xmlTextWriterEndElement(x->w));
	x->depth--;
}

static void
xr_attr(struct xw *x, const char *name, const char *value)
{
	if (value != NULL)
		W(x, xmlTextWriterWriteAttribute(x->w, BAD_CAST name,
		    BAD_CAST value));
}

static void
xr_text(struct xw *x, const char *s)
{
	if (s != NULL)
		W(x, xml_write_text(x->w, s));
}

static void
xr_elem(struct xw *x, const char *prefix, const char *name, const char *s)
{
	xr_start(x, prefix, name);
	xr_text(x, s);
	xr_end(x);
}

/* Create the temporary file for path and a writer on it. */
static int
xw_open(struct xw *x, const char *path, struct plumb_err *err)
{
	xmlOutputBufferPtr out;
	int rc;

	memset(x, 0, sizeof(*x));
	x->path = path;
	if ((rc = atomic_open(&x->af, path, err)) != PLUMB_OK)
		return rc;
	if ((out = xmlOutputBufferCreateFd(x->af.fd, NULL)) == NULL ||
	    (x->w = xml_write_new(out)) == NULL) {
		atomic_abort(&x->af);
		return plumb_err_set(err, PLUMB_ENOMEM, "%s: out of memory",
		    path);
	}
	x->out = out;
	W(x, xmlTextWriterStartDocument(x->w, "1.0", "UTF-8", NULL));
	return PLUMB_OK;
}

/* Finish the document and move it into place, or remove it when any
 * write failed. */
static int
xw_close(struct xw *x, struct plumb_err *err)
{
	W(x, xmlTextWriterEndDocument(x->w));
	W(x, xmlTextWriterFlush(x->w));
	/* Freeing the writer closes its buffer, not the descriptor. */
	xmlFreeTextWriter(x->w);
	x->w = NULL;
	if (x->bad) {
		atomic_abort(&x->af);
		return plumb_err_set(err, PLUMB_EIO, "%s: write failed",
		    x->path);
	}
	return atomic_commit(&x->af, err);
}

/* ------------------------------------------------------ host facts */

static void
xr_host_get(struct host *h)
{
	struct addrinfo hints, *ai = NULL;
	struct passwd pw, *pwp = NULL;
	char buf[4096];

	memset(h, 0, sizeof(*h));
	sysinfo_get(&h->si);
	snprintf(h->fqdn, sizeof(h->fqdn), "%s", h->si.hostname);
	if (h->si.hostname[0] != '\0') {
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = AF_UNSPEC;
		hints.ai_flags = AI_CANONNAME;
		if (getaddrinfo(h->si.hostname, NULL, &hints, &ai) == 0 &&
		    ai != NULL && ai->ai_canonname != NULL)
			snprintf(h->fqdn, sizeof(h->fqdn), "%s",
			    ai->ai_canonname);
		if (ai != NULL)
			freeaddrinfo(ai);
	}
	if (getpwuid_r(geteuid(), &pw, buf, sizeof(buf), &pwp) == 0 &&
	    pwp != NULL)
		snprintf(h->user, sizeof(h->user), "%s", pw.pw_name);
	h->privileged = geteuid() == 0;
}

static int
xr_is_v6(const char *addr)
{
	return strchr(addr, ':') != NULL;
}

/* addr without an IPv6 zone ("fe80::1%eth0" -> "fe80::1"): the zone
 * only means something on the host itself. */
static const char *
xr_no_zone(const char *addr, char *buf, size_t len)
{
	size_t n = strcspn(addr, "%");

	if (addr[n] == '\0' || n >= len)
		return addr;
	memcpy(buf, addr, n);
	buf[n] = '\0';
	return buf;
}

/* An IPv6 address in the uncompressed eight-group form the asset
 * identification schema requires ("fe80:0:0:0:..."), without a zone.
 * Returns 0, or -1 when addr is not IPv6. */
static int
xr_v6_full(const char *addr, char *out, size_t len)
{
	unsigned char b[16];
	char tmp[64];
	size_t n;

	n = strcspn(addr, "%");
	if (n >= sizeof(tmp))
		return -1;
	memcpy(tmp, addr, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET6, tmp, b) != 1)
		return -1;
	snprintf(out, len, "%x:%x:%x:%x:%x:%x:%x:%x",
	    b[0] << 8 | b[1], b[2] << 8 | b[3], b[4] << 8 | b[5],
	    b[6] << 8 | b[7], b[8] << 8 | b[9], b[10] << 8 | b[11],
	    b[12] << 8 | b[13], b[14] << 8 | b[15]);
	return 0;
}

/* Has an earlier interface the same MAC address (each is listed once,
 * as the reference does)? */
static int
xr_mac_seen(const struct sysinfo *si, size_t i)
{
	size_t k;

	for (k = 0; k < i; k++)
		if (strcmp(si->links[k].mac, si->links[i].mac) == 0)
			return 1;
	return 0;
}

static void
xr_fact(struct xw *x, const char *name, const char *value)
{
	if (value == NULL || value[0] == '\0')
		return;
	xr_start(x, NULL, "fact");
	xr_attr(x, "name", name);
	xr_attr(x, "type", "string");
	xr_text(x, value);
	xr_end(x);
}

static void
xr_target_facts(struct xw *x, const struct host *h, const char *root)
{
	const struct sysinfo *si = &h->si;
	char a[64];
	size_t i;

	xr_start(x, NULL, "target-facts");
	xr_fact(x, FACT_SCANNER, PACKAGE_NAME);
	xr_fact(x, FACT_SCANNER_V, PACKAGE_VERSION);
	xr_fact(x, FACT_FQDN, h->fqdn);
	xr_fact(x, FACT_HOST, si->hostname);
	/* Every interface's MAC address, loopback and those without an IP
	 * address included, as the reference lists them. */
	for (i = 0; i < si->nlinks; i++) {
		if (xr_mac_seen(si, i))
			continue;
		xr_fact(x, FACT_ETHER, si->links[i].mac);
		xr_fact(x, FACT_MAC, si->links[i].mac);
	}
	for (i = 0; i < si->naddrs; i++)
		if (!xr_is_v6(si->addrs[i].addr))
			xr_fact(x, FACT_IPV4, si->addrs[i].addr);
	for (i = 0; i < si->naddrs; i++)
		if (xr_is_v6(si->addrs[i].addr))
			xr_fact(x, FACT_IPV6, xr_no_zone(si->addrs[i].addr, a,
			    sizeof(a)));
	xr_fact(x, FACT_OS_NAME, si->os_name);
	xr_fact(x, FACT_OS_VER, si->os_version);
	xr_fact(x, FACT_ARCH, si->arch);
	xr_fact(x, FACT_ROOT, root);
	xr_end(x);
}

/* ------------------------------------------------------ TestResult */

/* xsd:dateTime in UTC. */
static void
xr_fmt_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%S+00:00", &tm) == 0)
		snprintf(buf, len, "1970-01-01T00:00:00+00:00");
}

/* The arf:report index of an evaluated component, or -1; for NULL,
 * how many components were evaluated. */
static long
xr_comp_report(struct xccdf_run *run, const struct xccdf_oval_comp *oc)
{
	struct xccdf_oval_comp *k;
	size_t i;
	long n = 0;

	for (i = 0; i < xccdf_content_oval_count(run->content); i++) {
		k = xccdf_content_oval_nth(run->content, i);
		if (k->session == NULL || k->doc == NULL)
			continue;
		if (k == oc)
			return n;
		n++;
	}
	return oc == NULL ? n : -1;
}

static void
xr_content_ref(struct xw *x, const struct tr_ctx *t,
    const struct xccdf_check_res *cr, const char *href, const char *name)
{
	char id[32];
	long n;

	xr_start(x, NULL, "check-content-ref");
	if (t->arf && cr->comp != NULL &&
	    (n = xr_comp_report(t->run, cr->comp)) >= 0) {
		snprintf(id, sizeof(id), "#oval%ld", n);
		href = id;
	}
	xr_attr(x, "href", href);
	xr_attr(x, "name", name);
	xr_end(x);
}

/* The check (or complex-check) a rule result came from, as it was
 * run: the exports bound, the content reference used. */
static void
xr_check_out(struct xw *x, const struct tr_ctx *t,
    const struct xccdf_check_res *cr)
{
	const struct xccdf_check *ck = cr->check;
	size_t i;

	if (ck->complex) {
		if (cr->nkids == 0)
			return;
		xr_start(x, NULL, "complex-check");
		xr_attr(x, "operator", ck->op == XCCDF_OP_OR ? "OR" : "AND");
		if (ck->negate)
			xr_attr(x, "negate", "true");
		for (i = 0; i < cr->nkids; i++)
			if (cr->kids[i].check != NULL)
				xr_check_out(x, t, &cr->kids[i]);
		xr_end(x);
		return;
	}
	xr_start(x, NULL, "check");
	xr_attr(x, "system", ck->system);
	xr_attr(x, "id", ck->id);
	if (ck->selector != NULL && ck->selector[0] != '\0')
		xr_attr(x, "selector", ck->selector);
	if (ck->negate)
		xr_attr(x, "negate", "true");
	if (ck->multi_check)
		xr_attr(x, "multi-check", "true");
	if (cr->nexports > 0) {
		for (i = 0; i < cr->nexports; i++) {
			xr_start(x, NULL, "check-export");
			xr_attr(x, "value-id", cr->exports[i].value_id);
			xr_attr(x, "export-name", cr->exports[i].export_name);
			xr_end(x);
		}
	} else {
		for (i = 0; i < ck->nexports; i++) {
			xr_start(x, NULL, "check-export");
			xr_attr(x, "value-id", ck->exports[i].value_id);
			xr_attr(x, "export-name", ck->exports[i].export_name);
			xr_end(x);
		}
	}
	if (cr->href != NULL)
		xr_content_ref(x, t, cr, cr->href, cr->def_id);
	else
		for (i = 0; i < ck->nrefs; i++)
			xr_content_ref(x, t, cr, ck->refs[i].href,
			    ck->refs[i].name);
	xr_end(x);
}

/*
 * Why a rule was not checked, for its rule-result/message (as the
 * reference says it): the evaluation's own message, or one that the
 * result shows: no check of a system this evaluator runs, an OVAL
 * check none of whose check-content-refs led to a definition, or one
 * whose definition is missing.  A Rule of role "unchecked" needs none.
 */
static const char *
xr_rule_message(const struct xccdf_rule_res *rr)
{
	const struct xccdf_check *ck = rr->check.check;

	if (rr->msg != NULL)
		return rr->msg;
	/* A definition its document does not have is an error of the
	 * content (the reference says notchecked; docs/conformance.md). */
	if (rr->r == XCCDF_R_ERROR && ck != NULL && !ck->complex &&
	    strcmp(ck->system, XCCDF_SYS_OVAL) == 0 &&
	    rr->check.def_id != NULL && rr->check.def == NULL)
		return "The OVAL definition the check names is not in its "
		    "document.";
	if (rr->r != XCCDF_R_NOTCHECKED || rr->role == XCCDF_ROLE_UNCHECKED)
		return NULL;
	if (ck == NULL || (!ck->complex &&
	    strcmp(ck->system, XCCDF_SYS_OVAL) != 0))
		return "No check of a checking system plumb runs applies.";
	if (!ck->complex && rr->check.r == XCCDF_R_NOTCHECKED)
		return "No check-content-ref of the check resolved to its "
		    "OVAL definition.";
	return NULL;
}

static void
xr_rule_result(struct xw *x, const struct tr_ctx *t,
    const struct xccdf_rule_res *rr, const char *idref)
{
	const char *msg;
	char buf[64];
	size_t i;

	xr_start(x, NULL, "rule-result");
	xr_attr(x, "idref", idref);
	xr_attr(x, "role", xccdf_role_name(rr->role));
	xr_fmt_time(rr->time, buf, sizeof(buf));
	xr_attr(x, "time", buf);
	xr_attr(x, "severity", xccdf_severity_name(rr->severity));
	snprintf(buf, sizeof(buf), "%f", rr->weight);
	xr_attr(x, "weight", buf);
	xr_elem(x, NULL, "result", xccdf_result_name(rr->r));
	for (i = 0; i < rr->rule->nidents; i++) {
		xr_start(x, NULL, "ident");
		xr_attr(x, "system", rr->rule->idents[i].system);
		xr_text(x, rr->rule->idents[i].text);
		xr_end(x);
	}
	if ((msg = xr_rule_message(rr)) != NULL) {
		xr_start(x, NULL, "message");
		xr_attr(x, "severity", "info");
		xr_text(x, msg);
		xr_end(x);
	}
	if (rr->check.check != NULL)
		xr_check_out(x, t, &rr->check);
	xr_end(x);
}

/* For STIG Viewer: the result once under each STIG rule id the Rule's
 * references give, none for a Rule without one (the viewer matches
 * rule-results to its checklist by those ids). */
static void
xr_stig_results(struct xw *x, const struct tr_ctx *t,
    const struct xccdf_rule_res *rr)
{
	const struct xccdf_reference *ref;
	size_t i, k;

	for (i = 0; i < rr->rule->nrefs; i++) {
		ref = &rr->rule->refs[i];
		if (ref->href == NULL || ref->text == NULL ||
		    ref->text[0] == '\0')
			continue;
		for (k = 0; k < sizeof(stig_hrefs) / sizeof(stig_hrefs[0]);
		    k++)
			if (strcmp(ref->href, stig_hrefs[k]) == 0) {
				xr_rule_result(x, t, rr, ref->text);
				break;
			}
	}
}

/* <tailoring-file> when a tailoring's profile guided the run: where
 * the Tailoring is (its file, or "#component" in the data stream), its
 * id, version and version time. */
static void
xr_tailoring_ref(struct xw *x, const struct xccdf_run *run)
{
	xmlNodePtr tn = xccdf_content_tailoring(run->content), k, ver = NULL;
	xmlChar *id = NULL, *vtime = NULL, *vtext = NULL, *cid = NULL;
	char href[4096];

	if (tn == NULL || run->profile == NULL ||
	    !run->profile->from_tailoring)
		return;
	for (k = tn->children; k != NULL; k = k->next)
		if (k->type == XML_ELEMENT_NODE &&
		    xmlStrcmp(k->name, BAD_CAST "version") == 0) {
			ver = k;
			break;
		}
	id = xmlGetProp(tn, BAD_CAST "id");
	if (ver != NULL) {
		vtime = xmlGetProp(ver, BAD_CAST "time");
		vtext = xmlNodeGetContent(ver);
	}
	if (tn->parent != NULL && tn->parent->type == XML_ELEMENT_NODE &&
	    tn->parent->ns != NULL &&
	    xmlStrcmp(tn->parent->ns->href, BAD_CAST NS_DS) == 0 &&
	    (cid = xmlGetProp(tn->parent, BAD_CAST "id")) != NULL)
		snprintf(href, sizeof(href), "#%s", (const char *)cid);
	else
		snprintf(href, sizeof(href), "%s", tn->doc->URL != NULL ?
		    (const char *)tn->doc->URL : "");
	if (id != NULL && vtime != NULL && vtext != NULL && href[0] != '\0') {
		xr_start(x, NULL, "tailoring-file");
		xr_attr(x, "href", href);
		xr_attr(x, "id", (const char *)id);
		xr_attr(x, "version", (const char *)vtext);
		xr_attr(x, "time", (const char *)vtime);
		xr_end(x);
	}
	xmlFree(id);
	xmlFree(vtime);
	xmlFree(vtext);
	xmlFree(cid);
}

static void
xr_score(struct xw *x, const struct xccdf_score *sc)
{
	char buf[64];

	xr_start(x, NULL, "score");
	xr_attr(x, "system", sc->system);
	snprintf(buf, sizeof(buf), "%f", sc->max);
	xr_attr(x, "maximum", buf);
	snprintf(buf, sizeof(buf), "%f", sc->score);
	xr_text(x, buf);
	xr_end(x);
}

/*
 * The default score, then one for each other scoring model the
 * Benchmark names with <model>, in its order, as the reference writes
 * them (it counts the default model as always present: XCCDF 1.2 7.3
 * makes it the one to use when none is named).  A model this evaluator
 * does not know gets no score; one named twice, one score.
 */
static void
xr_scores(struct xw *x, const struct xccdf_run *run)
{
	xmlNodePtr k;
	xmlChar *sys;
	unsigned done = 1u << XCCDF_SCORE_DEFAULT;
	int i;

	xr_score(x, &run->scores[XCCDF_SCORE_DEFAULT]);
	for (k = run->benchmark->node->children; k != NULL; k = k->next) {
		if (k->type != XML_ELEMENT_NODE ||
		    xmlStrcmp(k->name, BAD_CAST "model") != 0 ||
		    (sys = xmlGetProp(k, BAD_CAST "system")) == NULL)
			continue;
		for (i = 0; i < XCCDF_SCORE__COUNT; i++)
			if (strcmp((const char *)sys,
			    run->scores[i].system) == 0 &&
			    !(done & 1u << i)) {
				xr_score(x, &run->scores[i]);
				done |= 1u << i;
			}
		xmlFree(sys);
	}
}

/*
 * The TestResult element, in the benchmark's namespace (declared on it,
 * so it stands alone in an arf:report as well as inside a Benchmark).
 * Children in the order of XCCDF 1.2 testResultType.
 */
static void
xr_test_result(struct xw *x, const struct tr_ctx *t)
{
	const struct xccdf_run *run = t->run;
	const struct xccdf_benchmark *bm = run->benchmark;
	const struct sysinfo *si = &t->h->si;
	const struct xccdf_value *v;
	const char *val;
	char buf[512];
	size_t i;
	int v12 = strcmp(bm->ns, XCCDF_NS_12) == 0;

	xr_start(x, NULL, "TestResult");
	xr_attr(x, "xmlns", bm->ns);
	snprintf(buf, sizeof(buf), "xccdf_org.plumb_testresult_%s",
	    run->profile != NULL ? run->profile->id : "default");
	xr_attr(x, "id", buf);
	xr_fmt_time(run->start, buf, sizeof(buf));
	xr_attr(x, "start-time", buf);
	xr_fmt_time(run->end, buf, sizeof(buf));
	xr_attr(x, "end-time", buf);
	xr_attr(x, "version", bm->version != NULL ? bm->version : "");
	xr_attr(x, "test-system", "cpe:/a:plumb:plumb:" PACKAGE_VERSION);
	if (v12) {
		xr_start(x, NULL, "benchmark");
		xr_attr(x, "href", t->bench_href);
		xr_attr(x, "id", bm->id);
		xr_end(x);
		xr_tailoring_ref(x, run);
	}
	xr_elem(x, NULL, "title", PACKAGE_NAME " scan result");
	if (t->h->user[0] != '\0') {
		xr_start(x, NULL, "identity");
		xr_attr(x, "authenticated", "false");
		xr_attr(x, "privileged", t->h->privileged ? "true" : "false");
		xr_text(x, t->h->user);
		xr_end(x);
	}
	if (run->profile != NULL) {
		xr_start(x, NULL, "profile");
		xr_attr(x, "idref", run->profile->id);
		xr_end(x);
	}
	xr_elem(x, NULL, "target", si->hostname[0] != '\0' ? si->hostname :
	    "unknown");
	for (i = 0; i < si->nifaces; i++)
		xr_elem(x, NULL, "target-address", xr_no_zone(si->ifaces[i].addr,
		    buf, sizeof(buf)));
	xr_target_facts(x, t->h, run->root);
	for (i = 0; run->platform_ok && i < bm->nplatforms; i++) {
		xr_start(x, NULL, "platform");
		xr_attr(x, "idref", bm->platforms[i]);
		xr_end(x);
	}
	for (i = 0; i < bm->nvalues; i++) {
		v = bm->values[i];
		if (v->abstract || (val = xccdf_value_effective(v)) == NULL)
			continue;
		xr_start(x, NULL, "set-value");
		xr_attr(x, "idref", v->id);
		xr_text(x, val);
		xr_end(x);
	}
	for (i = 0; i < run->nresults; i++)
		if (t->stig)
			xr_stig_results(x, t, &run->results[i]);
		else
			xr_rule_result(x, t, &run->results[i],
			    run->results[i].rule->id);
	xr_scores(x, run);
	xr_end(x);
}

/* --------------------------------------------------- XCCDF results */

/* The Benchmark as the content holds it, with the TestResult after its
 * items (before a signature, which must stay last). */
static void
xr_benchmark_out(struct xw *x, const struct tr_ctx *t)
{
	xmlNodePtr bm = t->run->benchmark->node, k;
	int done = 0;

	W(x, xml_write_open_copy(x->w, bm));
	x->depth++;
	for (k = bm->children; k != NULL; k = k->next) {
		if (!done && k->type == XML_ELEMENT_NODE &&
		    xmlStrcmp(k->name, BAD_CAST "signature") == 0) {
			xr_test_result(x, t);
			done = 1;
		}
		W(x, xml_write_node(x->w, x->out, k, x->depth));
	}
	if (!done)
		xr_test_result(x, t);
	else	/* the end tag follows a copy */
		W(x, xml_write_indent(x->w, x->depth - 1));
	xr_end(x);
}

/* The results document: the Benchmark with the TestResult, or (stig)
 * the TestResult alone with rule-results under STIG rule ids. */
static int
xr_write_tr_doc(struct xccdf_run *run, const char *path, int stig,
    struct plumb_err *err)
{
	struct tr_ctx t;
	struct host h;
	struct xw x;
	int rc;

	xr_host_get(&h);
	memset(&t, 0, sizeof(t));
	t.run = run;
	t.h = &h;
	t.bench_href = xccdf_content_path(run->content);
	t.stig = stig;
	if ((rc = xw_open(&x, path, err)) != PLUMB_OK)
		return rc;
	if (stig)
		xr_test_result(&x, &t);
	else
		xr_benchmark_out(&x, &t);
	return xw_close(&x, err);
}

int
xccdf_write_results(struct xccdf_run *run, const char *path,
    struct plumb_err *err)
{
	return xr_write_tr_doc(run, path, 0, err);
}

int
xccdf_write_stig_viewer(struct xccdf_run *run, const char *path,
    struct plumb_err *err)
{
	return xr_write_tr_doc(run, path, 1, err);
}

/* ----------------------------------------------- exported variables */

/* Add to vars (up to max) each binding of cr and its operands made in
 * comp that no earlier one made: the first value bound wins. */
static size_t
xr_bindings(const struct xccdf_check_res *cr,
    const struct xccdf_oval_comp *comp, const struct xccdf_export_use **vars,
    size_t n, size_t max)
{
	size_t i, k;

	for (i = 0; i < cr->nkids; i++)
		n = xr_bindings(&cr->kids[i], comp, vars, n, max);
	if (cr->comp != comp)
		return n;
	for (i = 0; i < cr->nexports && n < max; i++) {
		if (cr->exports[i].value == NULL)
			continue;
		for (k = 0; k < n; k++)
			if (strcmp(vars[k]->export_name,
			    cr->exports[i].export_name) == 0)
				break;
		if (k == n)
			vars[n++] = &cr->exports[i];
	}
	return n;
}

int
xccdf_write_variables(struct xccdf_run *run,
    const struct xccdf_oval_comp *comp, const char *path, int *written,
    struct plumb_err *err)
{
	const struct xccdf_export_use **vars;
	const struct oval_node *n;
	char ts[32];
	struct tm tm;
	time_t now = time(NULL);
	struct xw x;
	size_t i, nvars = 0;
	int rc;

	*written = 0;
	if (comp->doc == NULL)
		return PLUMB_OK;
	if ((vars = calloc(XCCDF_MAX_EXPORTS, sizeof(*vars))) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	for (i = 0; i < run->nresults; i++)
		nvars = xr_bindings(&run->results[i].check, comp, vars, nvars,
		    XCCDF_MAX_EXPORTS);
	if (nvars == 0) {	/* nothing bound: no document, as oscap */
		free(vars);
		return PLUMB_OK;
	}
	if ((rc = xw_open(&x, path, err)) != PLUMB_OK) {
		free(vars);
		return rc;
	}
	xr_start(&x, NULL, "oval_variables");
	xr_attr(&x, "xmlns", OVAL_NS_VARS);
	xr_attr(&x, "xmlns:oval", OVAL_NS_COMMON);
	xr_start(&x, NULL, "generator");
	xr_elem(&x, "oval", "product_name", PACKAGE_NAME);
	xr_elem(&x, "oval", "product_version", PACKAGE_VERSION);
	xr_elem(&x, "oval", "schema_version", "5.11.1");
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", gmtime_r(&now, &tm));
	xr_elem(&x, "oval", "timestamp", ts);
	xr_end(&x);
	xr_start(&x, NULL, "variables");
	for (i = 0; i < nvars; i++) {
		n = oval_doc_get(comp->doc, vars[i]->export_name);
		xr_start(&x, NULL, "variable");
		xr_attr(&x, "id", vars[i]->export_name);
		xr_attr(&x, "datatype", n != NULL &&
		    oval_attr(n->node, "datatype") != NULL ?
		    oval_attr(n->node, "datatype") : "string");
		xr_attr(&x, "comment", n != NULL &&
		    oval_attr(n->node, "comment") != NULL ?
		    oval_attr(n->node, "comment") : vars[i]->value_id);
		xr_elem(&x, NULL, "value", vars[i]->value);
		xr_end(&x);
	}
	xr_end(&x);
	xr_end(&x);
	free(vars);
	if ((rc = xw_close(&x, err)) == PLUMB_OK)
		*written = 1;
	return rc;
}

/* ------------------------------------------------------------- ARF */

static void
xr_relationship(struct xw *x, const char *type, const char *subject,
    const char *ref)
{
	xr_start(x, "core", "relationship");
	xr_attr(x, "type", type);
	xr_attr(x, "subject", subject);
	xr_elem(x, "core", "ref", ref);
	xr_end(x);
}

/* Every report was created for the request and is about the asset. */
static void
xr_arf_relationships(struct xw *x, struct xccdf_run *run)
{
	char id[32];
	long i, n;

	n = xr_comp_report(run, NULL);
	xr_start(x, "core", "relationships");
	xr_relationship(x, "arfvocab:createdFor", ARF_XCCDF, ARF_REQUEST);
	xr_relationship(x, "arfvocab:isAbout", ARF_XCCDF, ARF_ASSET);
	for (i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "oval%ld", i);
		xr_relationship(x, "arfvocab:createdFor", id, ARF_REQUEST);
		xr_relationship(x, "arfvocab:isAbout", id, ARF_ASSET);
	}
	xr_end(x);
}

/* The source content, whole: the data stream collection (or the
 * standalone Benchmark), copied one child at a time. */
static void
xr_arf_request(struct xw *x, struct xccdf_run *run)
{
	xmlDocPtr doc = xccdf_content_xml(run->content);
	xmlNodePtr root = xmlDocGetRootElement(doc);

	xr_start(x, "arf", "report-requests");
	xr_start(x, "arf", "report-request");
	xr_attr(x, "id", ARF_REQUEST);
	xr_start(x, "arf", "content");
	W(x, xml_write_copy(x->w, x->out, root, x->depth));
	xr_end(x);
	xr_end(x);
	xr_end(x);
}

/* ai:computing-device: a connection per IP address, then one per MAC
 * address of every interface (loopback and those without an IP address
 * included), the FQDN and the host name, as the reference writes it. */
static void
xr_arf_asset(struct xw *x, const struct host *h)
{
	const struct sysinfo *si = &h->si;
	char v6[64];
	size_t i;

	xr_start(x, "arf", "assets");
	xr_start(x, "arf", "asset");
	xr_attr(x, "id", ARF_ASSET);
	xr_start(x, "ai", "computing-device");
	if (si->naddrs > 0 || si->nlinks > 0) {
		xr_start(x, "ai", "connections");
		for (i = 0; i < si->naddrs; i++) {
			xr_start(x, "ai", "connection");
			xr_start(x, "ai", "ip-address");
			if (!xr_is_v6(si->addrs[i].addr))
				xr_elem(x, "ai", "ip-v4", si->addrs[i].addr);
			else if (xr_v6_full(si->addrs[i].addr, v6,
			    sizeof(v6)) == 0)
				xr_elem(x, "ai", "ip-v6", v6);
			xr_end(x);
			xr_end(x);
		}
		for (i = 0; i < si->nlinks; i++) {
			if (xr_mac_seen(si, i))
				continue;
			xr_start(x, "ai", "connection");
			xr_elem(x, "ai", "mac-address", si->links[i].mac);
			xr_end(x);
		}
		xr_end(x);
	}
	if (h->fqdn[0] != '\0')
		xr_elem(x, "ai", "fqdn", h->fqdn);
	if (si->hostname[0] != '\0')
		xr_elem(x, "ai", "hostname", si->hostname);
	xr_end(x);
	xr_end(x);
	xr_end(x);
}

/* "#id" of the data stream component holding the Benchmark, or the
 * content path for a standalone benchmark. */
static void
xr_arf_bench_href(struct xccdf_run *run, char *buf, size_t len)
{
	xmlNodePtr p = run->benchmark->node->parent;
	xmlChar *id;

	if (p != NULL && p->type == XML_ELEMENT_NODE && p->ns != NULL &&
	    xmlStrcmp(p->ns->href, BAD_CAST NS_DS) == 0 &&
	    (id = xmlGetProp(p, BAD_CAST "id")) != NULL) {
		snprintf(buf, len, "#%s", (const char *)id);
		xmlFree(id);
		return;
	}
	snprintf(buf, len, "%s", xccdf_content_path(run->content));
}

int
xccdf_write_arf(struct xccdf_run *run, const char *path,
    struct plumb_err *err)
{
	return xccdf_write_arf_opts(run, path, NULL, err);
}

int
xccdf_write_arf_opts(struct xccdf_run *run, const char *path,
    const struct oval_results_opts *ro, struct plumb_err *err)
{
	struct xccdf_oval_comp *oc;
	struct tr_ctx t;
	struct host h;
	struct xw x;
	char href[4096], id[32];
	size_t i, n;
	int rc;

	xr_host_get(&h);
	xr_arf_bench_href(run, href, sizeof(href));
	memset(&t, 0, sizeof(t));
	t.run = run;
	t.h = &h;
	t.bench_href = href;
	t.arf = 1;
	if ((rc = xw_open(&x, path, err)) != PLUMB_OK)
		return rc;
	xr_start(&x, "arf", "asset-report-collection");
	xr_attr(&x, "xmlns:arf", NS_ARF);
	xr_attr(&x, "xmlns:core", NS_CORE);
	xr_attr(&x, "xmlns:ai", NS_AI);
	xr_attr(&x, "xmlns:arfvocab", NS_VOCAB);
	xr_arf_relationships(&x, run);
	xr_arf_request(&x, run);
	xr_arf_asset(&x, &h);
	xr_start(&x, "arf", "reports");
	xr_start(&x, "arf", "report");
	xr_attr(&x, "id", ARF_XCCDF);
	xr_start(&x, "arf", "content");
	xr_test_result(&x, &t);
	xr_end(&x);
	xr_end(&x);
	for (i = n = 0; i < xccdf_content_oval_count(run->content); i++) {
		oc = xccdf_content_oval_nth(run->content, i);
		if (oc->session == NULL || oc->doc == NULL)
			continue;
		snprintf(id, sizeof(id), "oval%zu", n++);
		xr_start(&x, "arf", "report");
		xr_attr(&x, "id", id);
		xr_start(&x, "arf", "content");
		if (oval_results_emit(oc->session, x.w, x.out, x.depth, ro) !=
		    PLUMB_OK)
			x.bad = 1;
		xr_end(&x);
		xr_end(&x);
	}
	xr_end(&x);
	xr_end(&x);
	return xw_close(&x, err);
}

/* ---------------------------------------------------- console summary */

/*
 * The summary for a person at the console (see xccdf_write.h).
 */
void
xccdf_print_summary(FILE *f, const struct xccdf_run *run, const char *report)
{
	const struct xccdf_score *sc = &run->scores[XCCDF_SCORE_DEFAULT];
	int i, any = 0;

	fprintf(f, "plumb: %s, profile %s\n",
	    run->benchmark->title != NULL ? run->benchmark->title :
	    run->benchmark->id, run->profile == NULL ? "(all)" :
	    run->profile->title != NULL ? run->profile->title :
	    run->profile->id);
	if (run->root != NULL)
		fprintf(f, "plumb: scanned the tree under %s, not this "
		    "host\n", run->root);
	fprintf(f, "plumb: rules:");
	for (i = 0; i < XCCDF_R__COUNT; i++) {
		if (i == XCCDF_R_NOTSELECTED || run->counts[i] == 0)
			continue;
		fprintf(f, "%s %u %s", any ? "," : "", run->counts[i],
		    xccdf_result_name((enum xccdf_result)i));
		any = 1;
	}
	fprintf(f, "%s\n", any ? "" : " none evaluated");
	fprintf(f, "plumb: score %.2f of %.2f (%s)\n", sc->score,
	    sc->max, sc->system);
	if (report != NULL)
		fprintf(f, "plumb: report written to %s\n", report);
}
