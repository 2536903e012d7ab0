/*
 * xccdf_html.c - the HTML report of an XCCDF run: one self-contained
 * file (inline CSS and script, no external asset, no network fetch,
 * a Content-Security-Policy that forbids any) for the system owner:
 * header, summary with scores, a filterable rule table and per rule
 * the description, rationale, fix text and the items that failed.
 *
 * Every string from the content or the system is escaped by html_text();
 * XCCDF xhtml markup is rendered through a small allow-list of
 * formatting elements, never with its attributes, so no script, link,
 * style or event handler of the content reaches the page.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libxml/tree.h>

#include "plumb/error.h"
#include "plumb/item.h"
#include "plumb/oval_types.h"
#include "plumb/sysinfo.h"
#include "atomic.h"
#include "oval_doc.h"
#include "xccdf.h"
#include "xccdf_items.h"
#include "xccdf_write.h"

#define HTML_MAX_ITEMS	50	/* failing items shown per rule */
#define HTML_MAX_DEPTH	32	/* xhtml nesting rendered as markup */
#define HTML_TABLE_REFS	6	/* references shown in the rule table */
#define XHTML_NS	"http://www.w3.org/1999/xhtml"

/* Output through atomic.h's buffer, plus what the writer needs. */
struct hout {
	struct atomic_out *out;
	struct xccdf_content *c;
};

static void
ho_put(struct hout *o, const char *s, size_t len)
{
	atomic_out_put(o->out, s, len);
}

/* Literal markup of this file (never content). */
static void
ho_s(struct hout *o, const char *s)
{
	ho_put(o, s, strlen(s));
}

static void
ho_fmt(struct hout *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
ho_fmt(struct hout *o, const char *fmt, ...)
{
	char b[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b, sizeof(b), fmt, ap);
	va_end(ap);
	if (n > 0)
		ho_put(o, b, (size_t)n < sizeof(b) ? (size_t)n : sizeof(b) - 1);
}

/*
 * Text (or an attribute value) from anywhere: & < > " ' as entities,
 * control characters other than tab and newline and bytes that are not
 * UTF-8 as U+FFFD.  NULL writes nothing.
 */
static void
html_text(struct hout *o, const char *s)
{
	const unsigned char *p, *e;
	size_t len;

	if (s == NULL)
		return;
	p = (const unsigned char *)s;
	e = p + strlen(s);
	while (p < e) {
		switch (*p) {
		case '&':
			ho_s(o, "&amp;");
			break;
		case '<':
			ho_s(o, "&lt;");
			break;
		case '>':
			ho_s(o, "&gt;");
			break;
		case '"':
			ho_s(o, "&quot;");
			break;
		case '\'':
			ho_s(o, "&#39;");
			break;
		default:
			if ((*p < 0x20 && *p != '\t' && *p != '\n') ||
			    *p == 0x7f) {
				ho_s(o, "\xef\xbf\xbd");
				break;
			}
			if (*p < 0x80) {
				ho_put(o, (const char *)p, 1);
				break;
			}
			if ((len = xccdf_utf8_seq(p, (size_t)(e - p))) == 0) {
				ho_s(o, "\xef\xbf\xbd");
				break;
			}
			ho_put(o, (const char *)p, len);
			p += len;
			continue;
		}
		p++;
	}
}

/* ------------------------------------------------------- xhtml subset */

/* Formatting elements kept (without attributes); others are unwrapped. */
static const char *const keep_elems[] = {
	"p", "br", "pre", "code", "tt", "b", "i", "em", "strong", "ul", "ol",
	"li", "blockquote", "sub", "sup", "dl", "dt", "dd", "hr", "kbd",
	"samp", "var", "u", NULL
};

static int
is_xccdf_ns(xmlNodePtr n)
{
	return n->ns != NULL && n->ns->href != NULL &&
	    (strcmp((const char *)n->ns->href, XCCDF_NS_12) == 0 ||
	    strcmp((const char *)n->ns->href, XCCDF_NS_11) == 0);
}

static const char *
keep_name(xmlNodePtr n)
{
	size_t i;

	if (n->ns != NULL && (n->ns->href == NULL ||
	    strcmp((const char *)n->ns->href, XHTML_NS) != 0))
		return NULL;
	for (i = 0; keep_elems[i] != NULL; i++)
		if (strcmp((const char *)n->name, keep_elems[i]) == 0)
			return keep_elems[i];
	return NULL;
}

/* The children of an XCCDF text element as the allowed markup. */
static void
html_markup(struct hout *o, xmlNodePtr n, int depth)
{
	struct xccdf_value *v;
	const char *name, *val;
	xmlChar *idref;

	for (; n != NULL; n = n->next) {
		if (n->type == XML_TEXT_NODE ||
		    n->type == XML_CDATA_SECTION_NODE) {
			html_text(o, (const char *)n->content);
			continue;
		}
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (is_xccdf_ns(n) && strcmp((const char *)n->name, "sub") ==
		    0) {
			/* A Value substitution: its effective value. */
			idref = xmlGetProp(n, (const xmlChar *)"idref");
			v = idref != NULL ? xccdf_find_value(o->c,
			    (const char *)idref) : NULL;
			val = v != NULL ? xccdf_value_effective(v) : NULL;
			ho_s(o, "<code class=\"sub\">");
			html_text(o, val != NULL ? val : (const char *)idref);
			ho_s(o, "</code>");
			xmlFree(idref);
			continue;
		}
		/* Code and style sheets of the content: not even as text. */
		if (strcmp((const char *)n->name, "script") == 0 ||
		    strcmp((const char *)n->name, "style") == 0)
			continue;
		name = depth < HTML_MAX_DEPTH ? keep_name(n) : NULL;
		if (name != NULL && (strcmp(name, "br") == 0 ||
		    strcmp(name, "hr") == 0)) {
			ho_fmt(o, "<%s>", name);
			continue;
		}
		if (name != NULL)
			ho_fmt(o, "<%s>", name);
		html_markup(o, n->children, depth + 1);
		if (name != NULL)
			ho_fmt(o, "</%s>", name);
	}
}

/* The first XCCDF child element called name of n, or NULL. */
static xmlNodePtr
xccdf_kid(xmlNodePtr n, const char *name)
{
	xmlNodePtr k;

	if (n == NULL)
		return NULL;
	for (k = n->children; k != NULL; k = k->next)
		if (k->type == XML_ELEMENT_NODE && is_xccdf_ns(k) &&
		    strcmp((const char *)k->name, name) == 0)
			return k;
	return NULL;
}

/* A labelled text section: the element's markup when the item has it
 * itself, else the (inherited) plain text. */
static void
html_section(struct hout *o, const char *label, xmlNodePtr item,
    const char *elem, const char *text)
{
	xmlNodePtr k = xccdf_kid(item, elem);

	if (k == NULL && text == NULL)
		return;
	ho_fmt(o, "<h4>%s</h4><div class=\"txt\">", label);
	if (k != NULL)
		html_markup(o, k->children, 0);
	else
		html_text(o, text);
	ho_s(o, "</div>\n");
}

/* ----------------------------------------------------------- pieces */

static void
html_time(struct hout *o, time_t t)
{
	struct tm tm;
	char b[64];

	if (t == 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
		ho_s(o, "-");
		return;
	}
	html_text(o, b);
}

static const char html_css[] =
"body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,\"DejaVu Sans\","
"sans-serif;margin:0;color:#1d2733;background:#f4f6f8;font-size:14px}"
"header{background:#1f3a5a;color:#fff;padding:18px 28px}"
"header h1{margin:0 0 6px;font-size:22px}"
"header dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;"
"margin:8px 0 0}header dt{opacity:.75}header dd{margin:0;"
"overflow-wrap:anywhere}"
"main{padding:16px 28px}"
"section{background:#fff;border:1px solid #d8dee4;border-radius:6px;"
"padding:14px 18px;margin-bottom:16px}"
"h2{font-size:17px;margin:0 0 10px}h4{margin:12px 0 4px;font-size:13px;"
"color:#44546a}"
".counts{display:flex;flex-wrap:wrap;gap:8px;margin-bottom:12px}"
".count{border-radius:4px;padding:6px 12px;color:#fff;min-width:80px}"
".count b{display:block;font-size:20px}"
".scores{display:grid;grid-template-columns:max-content 1fr max-content;"
"gap:6px 12px;align-items:center}"
".bar{background:#e3e8ee;border-radius:4px;height:14px;overflow:hidden}"
".bar span{display:block;height:100%;background:#2e7d32}"
".bar.low span{background:#c62828}.bar.mid span{background:#ef8c00}"
"#filters{display:flex;flex-wrap:wrap;gap:10px 16px;align-items:center;"
"margin-bottom:10px}#filters label{white-space:nowrap}"
"#q{padding:4px 6px;min-width:240px}"
"table.rules{border-collapse:collapse;width:100%}"
"table.rules th{text-align:left;background:#eef1f4;padding:6px 8px;"
"border-bottom:2px solid #d8dee4;position:sticky;top:0}"
"table.rules td{padding:6px 8px;border-bottom:1px solid #e6eaee;"
"vertical-align:top}"
"tr.row{cursor:pointer}tr.row:hover{background:#f7f9fb}"
"td.id code{font-size:12px;color:#44546a;overflow-wrap:anywhere}"
"td.refs{font-size:12px;color:#44546a;max-width:260px}"
".res,.sev{display:inline-block;border-radius:3px;padding:1px 7px;"
"font-weight:600;font-size:12px;color:#fff;white-space:nowrap}"
".r-pass{background:#2e7d32}.r-fail{background:#c62828}"
".r-error{background:#e65100}.r-unknown{background:#6a1b9a}"
".r-notapplicable{background:#78909c}.r-notchecked{background:#546e7a}"
".r-notselected{background:#b0bec5}.r-informational{background:#1565c0}"
".r-fixed{background:#00838f}"
".s-high{background:#b71c1c}.s-medium{background:#ef6c00}"
".s-low{background:#f9a825;color:#222}.s-info{background:#0277bd}"
".s-unknown{background:#90a4ae}"
"tr.det td{background:#fafbfc;padding:4px 18px 14px}"
".txt{max-width:1000px;line-height:1.45}.txt pre{background:#eef1f4;"
"padding:6px;overflow-x:auto}"
"table.items{border-collapse:collapse;margin:4px 0;font-size:12px}"
"table.items td,table.items th{border:1px solid #d8dee4;padding:3px 6px;"
"text-align:left;vertical-align:top}"
".fields{font-family:ui-monospace,\"DejaVu Sans Mono\",monospace;"
"overflow-wrap:anywhere}"
"summary{cursor:pointer;font-weight:600;font-size:13px;color:#44546a;"
"margin:12px 0 4px}"
".muted{color:#6b7785}.more{font-style:italic;color:#6b7785}"
"footer{color:#6b7785;padding:0 28px 20px;font-size:12px}"
"@media print{#filters{display:none}tr.det[hidden]{display:table-row}}";

static const char html_js[] =
"(function(){"
"var rules=document.querySelectorAll('tbody.rule');"
"var boxes=document.querySelectorAll('#filters input[type=checkbox]');"
"var sev=document.getElementById('sev'),q=document.getElementById('q');"
"var shown=document.getElementById('shown');"
"function apply(){var want={},i,n=0,t=q.value.toLowerCase();"
"for(i=0;i<boxes.length;i++)want[boxes[i].value]=boxes[i].checked;"
"for(i=0;i<rules.length;i++){var r=rules[i];"
"var ok=want[r.getAttribute('data-result')]!==false&&"
"(sev.value===''||r.getAttribute('data-severity')===sev.value)&&"
"(t===''||r.rows[0].textContent.toLowerCase().indexOf(t)>=0);"
"r.hidden=!ok;if(ok)n++;}"
"shown.textContent=n+' of '+rules.length+' rules shown';}"
"function all(h){for(var i=0;i<rules.length;i++)"
"rules[i].rows[1].hidden=h;}"
"for(var i=0;i<rules.length;i++){rules[i].rows[1].hidden=true;"
"rules[i].rows[0].addEventListener('click',function(){"
"var d=this.parentNode.rows[1];d.hidden=!d.hidden;});}"
"for(i=0;i<boxes.length;i++)boxes[i].addEventListener('change',apply);"
"sev.addEventListener('change',apply);q.addEventListener('input',apply);"
"document.getElementById('expand').addEventListener('click',"
"function(){all(false);});"
"document.getElementById('collapse').addEventListener('click',"
"function(){all(true);});"
"apply();})();";

static void
html_head(struct hout *o, const struct xccdf_run *run)
{
	const struct xccdf_benchmark *b = run->benchmark;
	const struct xccdf_profile *p = run->profile;
	struct sysinfo si;

	sysinfo_get(&si);
	ho_s(o, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\">"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\""
	    "default-src 'none'; style-src 'unsafe-inline'; "
	    "script-src 'unsafe-inline'; img-src data:\">"
	    "<meta name=\"viewport\" content=\"width=device-width\">"
	    "<title>");
	html_text(o, b->title != NULL ? b->title : b->id);
	ho_s(o, " - plumb report</title>\n<style>");
	ho_s(o, html_css);
	ho_s(o, "</style></head><body>\n<header><h1>");
	html_text(o, b->title != NULL ? b->title : b->id);
	ho_s(o, "</h1><dl><dt>Benchmark</dt><dd>");
	html_text(o, b->id);
	if (b->version != NULL) {
		ho_s(o, ", version ");
		html_text(o, b->version);
	}
	ho_s(o, "</dd><dt>Profile</dt><dd>");
	if (p != NULL) {
		html_text(o, p->title != NULL ? p->title : p->id);
		ho_s(o, " <span style=\"opacity:.75\">(");
		html_text(o, p->id);
		ho_s(o, ")</span>");
	} else
		ho_s(o, "(all) - every rule's own selection");
	ho_s(o, "</dd><dt>Host</dt><dd>");
	html_text(o, si.hostname[0] != '\0' ? si.hostname : "-");
	ho_s(o, "</dd><dt>Content</dt><dd>");
	html_text(o, xccdf_content_path(run->content));
	ho_s(o, "</dd><dt>Started</dt><dd>");
	html_time(o, run->start);
	ho_s(o, "</dd><dt>Finished</dt><dd>");
	html_time(o, run->end);
	ho_s(o, "</dd>");
	if (!run->platform_ok)
		ho_s(o, "<dt>Platform</dt><dd>the benchmark's platform does "
		    "not apply to this host</dd>");
	ho_s(o, "</dl></header>\n<main>\n");
}

static void
html_summary(struct hout *o, const struct xccdf_run *run)
{
	const struct xccdf_score *sc;
	double pct;
	size_t i;

	ho_s(o, "<section id=\"summary\"><h2>Summary</h2><div class=\""
	    "counts\">");
	for (i = 0; i < XCCDF_R__COUNT; i++) {
		if (run->counts[i] == 0 && i != XCCDF_R_PASS &&
		    i != XCCDF_R_FAIL)
			continue;
		ho_fmt(o, "<div class=\"count r-%s\"><b>%u</b>%s</div>",
		    xccdf_result_name((enum xccdf_result)i), run->counts[i],
		    xccdf_result_name((enum xccdf_result)i));
	}
	ho_s(o, "</div><div class=\"scores\">");
	for (i = 0; i < XCCDF_SCORE__COUNT; i++) {
		sc = &run->scores[i];
		pct = sc->max > 0 && isfinite(sc->score) && isfinite(sc->max) ?
		    100.0 * sc->score / sc->max : 0.0;
		if (pct < 0)
			pct = 0;
		if (pct > 100)
			pct = 100;
		ho_s(o, "<span>");
		html_text(o, sc->system != NULL ? sc->system :
		    xccdf_score_system(sc->model));
		ho_fmt(o, "</span><div class=\"bar%s\"><span style=\"width:"
		    "%.1f%%\"></span></div><span><b>%.2f</b> of %.2f "
		    "(%.1f%%)</span>", pct < 50 ? " low" : pct < 80 ? " mid" :
		    "", pct, sc->score, sc->max, pct);
	}
	ho_s(o, "</div></section>\n");
}

static void
html_filters(struct hout *o, const struct xccdf_run *run)
{
	static const enum xccdf_severity sevs[] = { XCCDF_SEV_HIGH,
	    XCCDF_SEV_MEDIUM, XCCDF_SEV_LOW, XCCDF_SEV_INFO,
	    XCCDF_SEV_UNKNOWN };
	size_t i;

	ho_s(o, "<div id=\"filters\"><span>Result:</span>");
	for (i = 0; i < XCCDF_R__COUNT; i++) {
		if (i == XCCDF_R_NOTSELECTED || run->counts[i] == 0)
			continue;
		ho_fmt(o, "<label><input type=\"checkbox\" value=\"%s\" "
		    "checked> %s (%u)</label>",
		    xccdf_result_name((enum xccdf_result)i),
		    xccdf_result_name((enum xccdf_result)i), run->counts[i]);
	}
	ho_s(o, "<label>Severity: <select id=\"sev\"><option value=\"\">"
	    "any</option>");
	for (i = 0; i < sizeof(sevs) / sizeof(sevs[0]); i++)
		ho_fmt(o, "<option value=\"%s\">%s</option>",
		    xccdf_severity_name(sevs[i]), xccdf_severity_name(sevs[i]));
	ho_s(o, "</select></label><label>Search: <input id=\"q\" "
	    "type=\"search\" placeholder=\"title, rule id, reference\">"
	    "</label><button id=\"expand\" type=\"button\">Expand all"
	    "</button><button id=\"collapse\" type=\"button\">Collapse all"
	    "</button><span id=\"shown\" class=\"muted\"></span></div>\n");
}

/* One field "name = value" (status when not exists), records nested. */
static void
html_field(struct hout *o, const struct oval_field *f)
{
	size_t k;

	html_text(o, f->name);
	if (f->dt == OVAL_DT_RECORD) {
		ho_s(o, " = {");
		for (k = 0; k < f->nsub; k++) {
			if (k > 0)
				ho_s(o, ", ");
			html_field(o, &f->sub[k]);
		}
		ho_s(o, "}");
	} else if (f->value != NULL) {
		ho_s(o, " = ");
		html_text(o, f->value);
	}
	if (f->status != OVAL_ST_EXISTS) {
		ho_s(o, " <span class=\"muted\">(");
		html_text(o, oval_status_name(f->status));
		ho_s(o, ")</span>");
	}
}

/* The failing tests of a rule and their offending items, capped. */
static void
html_items(struct hout *o, const struct xccdf_rule_items *ri)
{
	const struct xccdf_test_use *tu;
	const struct xccdf_item_use *iu;
	const struct oval_item *it;
	size_t t, i, f, shown = 0, more = 0, nrows;

	for (t = 0; t < ri->ntests; t++) {
		tu = &ri->tests[t];
		if (!tu->failing)
			continue;
		ho_s(o, "<h4>Failing test <code>");
		html_text(o, tu->test->id);
		ho_s(o, "</code>");
		if (oval_attr(tu->test->node, "comment") != NULL) {
			ho_s(o, ": ");
			html_text(o, oval_attr(tu->test->node, "comment"));
		}
		ho_fmt(o, " - result %s%s</h4>", oval_result_name(tu->res->r),
		    tu->negated ? " (negated)" : "");
		if (tu->res->msg != NULL) {
			ho_s(o, "<div class=\"muted\">");
			html_text(o, tu->res->msg);
			ho_s(o, "</div>");
		}
		if (tu->res->obj != NULL && tu->res->obj->msg != NULL) {
			ho_s(o, "<div class=\"muted\">");
			html_text(o, tu->res->obj->msg);
			ho_s(o, "</div>");
		}
		nrows = 0;
		for (i = 0; i < ri->nitems; i++) {
			iu = &ri->items[i];
			if (iu->test != t || !iu->offending)
				continue;
			if (shown >= HTML_MAX_ITEMS) {
				more++;
				continue;
			}
			if (nrows++ == 0)
				ho_s(o, "<table class=\"items\"><tr><th>Item"
				    "</th><th>Status</th><th>Result</th>"
				    "<th>Fields</th></tr>");
			it = iu->item;
			ho_s(o, "<tr><td>");
			html_text(o, it->type);
			ho_s(o, "</td><td>");
			html_text(o, oval_status_name(it->status));
			ho_s(o, "</td><td>");
			html_text(o, iu->has_result ? oval_result_name(iu->r) :
			    "-");
			ho_s(o, "</td><td class=\"fields\">");
			for (f = 0; f < it->nfields; f++) {
				if (f > 0)
					ho_s(o, "<br>");
				html_field(o, &it->fields[f]);
			}
			if (it->message != NULL) {
				ho_s(o, "<br><span class=\"muted\">");
				html_text(o, it->message);
				ho_s(o, "</span>");
			}
			ho_s(o, "</td></tr>");
			shown++;
		}
		if (nrows > 0)
			ho_s(o, "</table>");
		else if (shown < HTML_MAX_ITEMS && (tu->res->obj == NULL ||
		    tu->res->obj->items.n == 0))
			ho_fmt(o, "<div class=\"muted\">No item was collected "
			    "(object flag %s).</div>", tu->res->obj != NULL ?
			    oval_flag_name(tu->res->obj->flag) : "-");
	}
	if (more > 0)
		ho_fmt(o, "<div class=\"more\">%zu more failing items not "
		    "shown.</div>", more);
}

static int
same_href(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* References grouped by href in first-seen order: "TEXT, TEXT (HREF)".
 * The href is text: the report never links out. */
static void
html_refs(struct hout *o, const struct xccdf_item *rule)
{
	size_t i, k, n;

	for (i = 0; i < rule->nrefs; i++) {
		for (k = 0; k < i; k++)
			if (same_href(rule->refs[k].href, rule->refs[i].href))
				break;
		if (k < i)
			continue;	/* listed with its first */
		if (i > 0)
			ho_s(o, "<br>");
		for (k = i, n = 0; k < rule->nrefs; k++) {
			if (!same_href(rule->refs[k].href, rule->refs[i].href))
				continue;
			if (n++ > 0)
				ho_s(o, ", ");
			html_text(o, rule->refs[k].text != NULL ?
			    rule->refs[k].text : "-");
		}
		if (rule->refs[i].href != NULL) {
			ho_s(o, " <span class=\"muted\">(");
			html_text(o, rule->refs[i].href);
			ho_s(o, ")</span>");
		}
	}
}

/* The fix script to show: a shell one when there is one (what a system
 * owner can read and run), else the first with text; NULL for none. */
static const struct xccdf_fix *
pick_fix(const struct xccdf_item *rule)
{
	const struct xccdf_fix *first = NULL;
	size_t i;

	for (i = 0; i < rule->nfixes; i++) {
		if (rule->fixes[i].text == NULL || rule->fixes[i].text[0] == '\0')
			continue;
		if (rule->fixes[i].system != NULL &&
		    strcmp(rule->fixes[i].system, "urn:xccdf:fix:script:sh") == 0)
			return &rule->fixes[i];
		if (first == NULL)
			first = &rule->fixes[i];
	}
	return first;
}

/* The details row of a rule result. */
static void
html_details(struct hout *o, const struct xccdf_rule_res *rr,
    const struct xccdf_rule_items *ri)
{
	const struct xccdf_item *rule = rr->rule;
	const struct xccdf_fix *fx;
	size_t i;

	ho_s(o, "<tr class=\"det\"><td colspan=\"5\">");
	html_section(o, "Description", rule->node, "description",
	    rule->description);
	html_section(o, "Rationale", rule->node, "rationale",
	    rule->rationale);
	html_section(o, "Fix", rule->node, "fixtext", rule->fixtext);
	if ((fx = pick_fix(rule)) != NULL) {
		ho_s(o, "<details><summary>Fix script");
		if (fx->system != NULL) {
			ho_s(o, " <span class=\"muted\">(");
			html_text(o, fx->system);
			ho_s(o, ")</span>");
		}
		ho_s(o, "</summary><div class=\"txt\"><pre>");
		html_text(o, fx->text);
		ho_s(o, "</pre></div></details>");
	}
	if (rule->nidents > 0) {
		ho_s(o, "<h4>Identifiers</h4><div class=\"txt\">");
		for (i = 0; i < rule->nidents; i++) {
			if (i > 0)
				ho_s(o, "<br>");
			html_text(o, rule->idents[i].text);
			ho_s(o, " <span class=\"muted\">(");
			html_text(o, rule->idents[i].system);
			ho_s(o, ")</span>");
		}
		ho_s(o, "</div>");
	}
	if (rule->nrefs > 0) {
		ho_s(o, "<h4>References</h4><div class=\"txt\">");
		html_refs(o, rule);
		ho_s(o, "</div>");
	}
	ho_fmt(o, "<h4>Check</h4><div class=\"txt\">severity %s, weight "
	    "%g, role %s", xccdf_severity_name(rr->severity),
	    isfinite(rr->weight) ? rr->weight : 0.0,
	    xccdf_role_name(rr->role));
	for (i = 0; i < ri->ndefs; i++) {
		ho_s(o, i == 0 ? "; OVAL definition " : ", ");
		ho_s(o, "<code>");
		html_text(o, ri->defs[i]);
		ho_s(o, "</code>");
	}
	if (rr->msg != NULL) {
		ho_s(o, "<br>");
		html_text(o, rr->msg);
	}
	ho_s(o, "</div>");
	if (rr->r == XCCDF_R_FAIL || rr->r == XCCDF_R_ERROR ||
	    rr->r == XCCDF_R_UNKNOWN)
		html_items(o, ri);
	ho_s(o, "</td></tr>");
}

static int
html_rule(struct hout *o, const struct xccdf_rule_res *rr,
    struct plumb_err *err)
{
	const struct xccdf_item *rule = rr->rule;
	struct xccdf_rule_items ri;
	const char *res = xccdf_result_name(rr->r);
	const char *sev = xccdf_severity_name(rr->severity);
	size_t i;
	int rc;

	if ((rc = xccdf_rule_items(rr, &ri, err)) != PLUMB_OK)
		goto out;
	ho_fmt(o, "<tbody class=\"rule\" data-result=\"%s\" "
	    "data-severity=\"%s\"><tr class=\"row\"><td><span class=\"sev "
	    "s-%s\">%s</span></td><td><span class=\"res r-%s\">%s</span>"
	    "</td><td>", res, sev, sev, sev, res, res);
	html_text(o, rule->title != NULL ? rule->title : rule->id);
	if (rr->multi_def != NULL) {
		ho_s(o, " <span class=\"muted\">[");
		html_text(o, rr->multi_def);
		ho_s(o, "]</span>");
	}
	ho_s(o, "</td><td class=\"id\"><code>");
	html_text(o, rule->id);
	ho_s(o, "</code></td><td class=\"refs\">");
	for (i = 0; i < rule->nrefs && i < HTML_TABLE_REFS; i++) {
		if (i > 0)
			ho_s(o, ", ");
		html_text(o, rule->refs[i].text != NULL ? rule->refs[i].text :
		    rule->refs[i].href);
	}
	if (rule->nrefs > HTML_TABLE_REFS)
		ho_fmt(o, " <span class=\"muted\">+%zu more</span>",
		    rule->nrefs - HTML_TABLE_REFS);
	ho_s(o, "</td></tr>\n");
	html_details(o, rr, &ri);
	ho_s(o, "</tbody>\n");
out:
	xccdf_rule_items_clear(&ri);
	return rc;
}

/* The whole report (an atomic_out_write() fill function). */
static int
html_document(struct atomic_out *out, void *arg, struct plumb_err *err)
{
	struct xccdf_run *run = arg;
	struct hout ho = { out, run->content }, *o = &ho;
	size_t i;
	int rc;

	html_head(o, run);
	html_summary(o, run);
	ho_s(o, "<section id=\"rules\"><h2>Rules</h2>\n");
	html_filters(o, run);
	ho_s(o, "<table class=\"rules\"><thead><tr><th>Severity</th>"
	    "<th>Result</th><th>Title</th><th>Rule</th><th>References</th>"
	    "</tr></thead>\n");
	for (i = 0; i < run->nresults; i++) {
		if (run->results[i].r == XCCDF_R_NOTSELECTED)
			continue;
		if ((rc = html_rule(o, &run->results[i], err)) != PLUMB_OK)
			return rc;
	}
	ho_fmt(o, "</table></section>\n</main><footer>Written by %s %s. "
	    "Click a rule to show its details.</footer>\n<script>",
	    PACKAGE_NAME, PACKAGE_VERSION);
	ho_s(o, html_js);
	ho_s(o, "</script></body></html>\n");
	return PLUMB_OK;
}

int
xccdf_write_html(struct xccdf_run *run, const char *path,
    struct plumb_err *err)
{
	return atomic_out_write(path, html_document, run, err);
}
