/*
 * oval_results.c - the oval-results-5 document: directives, a copy of
 * the definitions, definition and test results, and the system
 * characteristics (collected objects and items).  Streamed with
 * xmlTextWriter so memory does not grow with the number of items.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

#include "plumb/error.h"
#include "plumb/item.h"
#include "plumb/sysinfo.h"
#include "atomic.h"
#include "oval_doc.h"
#include "oval_eval.h"
#include "oval_results.h"
#include "xml_load.h"
#include "xml_write.h"

#define NS_RES	"http://oval.mitre.org/XMLSchema/oval-results-5"
#define NS_SC	"http://oval.mitre.org/XMLSchema/oval-system-characteristics-5"
#define NS_XSI	"http://www.w3.org/2001/XMLSchema-instance"
#define NS_DIR	"http://oval.mitre.org/XMLSchema/oval-directives-5"

/* Item namespaces and the prefixes we declare for them. */
static const struct {
	const char *ns;
	const char *prefix;
} item_ns[] = {
	{ OVAL_NS_SC_IND, "ind-sys" },
	{ OVAL_NS_SC_UNIX, "unix-sys" },
	{ OVAL_NS_SC_LINUX, "linux-sys" },
};

/* The writer and a sticky failure flag: every call below is checked
 * once at the end instead of after each element. */
struct rw {
	xmlTextWriterPtr w;
	xmlOutputBufferPtr out;		/* w's, for streamed copies */
	int depth;			/* elements open, for copies */
	int bad;
};

#define W(rw, call) do { if ((call) < 0) (rw)->bad = 1; } while (0)

static void
start(struct rw *rw, const char *prefix, const char *name)
{
	W(rw, xmlTextWriterStartElementNS(rw->w, BAD_CAST prefix,
	    BAD_CAST name, NULL));
	rw->depth++;
}

static void
end(struct rw *rw)
{
	W(rw, xmlTextWriterEndElement(rw->w));
	rw->depth--;
}

static void
attr(struct rw *rw, const char *name, const char *value)
{
	if (value != NULL)
		W(rw, xmlTextWriterWriteAttribute(rw->w, BAD_CAST name,
		    BAD_CAST value));
}

static void
elem(struct rw *rw, const char *prefix, const char *name, const char *text)
{
	start(rw, prefix, name);
	if (text != NULL)
		W(rw, xml_write_text(rw->w, text));
	end(rw);
}

/* The generator, with the schema version of the definitions the
 * results copy (the reference writes the content's version there, and
 * its validator picks the schema by it). */
static void
generator(struct rw *rw, const char *prefix, const struct oval_doc *doc)
{
	char ts[32];
	time_t now = time(NULL);
	struct tm tm;

	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", gmtime_r(&now, &tm));
	start(rw, prefix, "generator");
	elem(rw, "oval", "product_name", PACKAGE_NAME);
	elem(rw, "oval", "product_version", PACKAGE_VERSION);
	elem(rw, "oval", "schema_version", oval_doc_version(doc));
	elem(rw, "oval", "timestamp", ts);
	end(rw);
}

/* "definition_true"... for result r: the directive element names. */
static const char *const dir_names[OVAL_R__COUNT] = {
	"definition_true", "definition_false", "definition_unknown",
	"definition_error", "definition_not_evaluated",
	"definition_not_applicable"
};

/* oval:ClassEnumeration, the index of cls[] and has_class[]. */
static const char *const class_names[OVAL_RES_NCLASS] = {
	"compliance", "inventory", "miscellaneous", "patch", "vulnerability"
};

/* The directive for a definition with result r: its class's when the
 * directives have one for that class, the general one otherwise. */
static const struct oval_directive *
dir_for(const struct oval_results_opts *o, xmlNodePtr def, enum oval_result r)
{
	const char *c = def != NULL ? oval_attr(def, "class") : NULL;
	int k;

	for (k = 0; c != NULL && k < OVAL_RES_NCLASS; k++)
		if (o->has_class[k] && strcmp(class_names[k], c) == 0)
			return &o->cls[k][r];
	return &o->dir[r];
}

/* Is a definition (node def) with result r written, and with its
 * criteria? */
static int
dir_reported(const struct oval_results_opts *o, xmlNodePtr def,
    enum oval_result r)
{
	return !o->has_directives || dir_for(o, def, r)->reported;
}

static int
dir_full(const struct oval_results_opts *o, xmlNodePtr def,
    enum oval_result r)
{
	return dir_reported(o, def, r) && !o->thin &&
	    !(o->has_directives && dir_for(o, def, r)->thin);
}

/* One DirectivesType's six elements, as read (or the defaults). */
static void
directive_set(struct rw *rw, const struct oval_directive *d, int thin)
{
	int r;

	for (r = 0; r < OVAL_R__COUNT; r++) {
		start(rw, NULL, dir_names[r]);
		attr(rw, "reported", d[r].reported ? "true" : "false");
		attr(rw, "content", thin || d[r].thin ? "thin" : "full");
		end(rw);
	}
}

/* The directives the document was written with: the general ones and
 * each class's, as the reference copies them. */
static void
directives(struct rw *rw, const struct oval_results_opts *o)
{
	static const struct oval_directive all[OVAL_R__COUNT] = {
		{ 1, 0 }, { 1, 0 }, { 1, 0 }, { 1, 0 }, { 1, 0 }, { 1, 0 }
	};
	int k;

	start(rw, NULL, "directives");
	if (o->no_source)
		attr(rw, "include_source_definitions", "false");
	directive_set(rw, o->has_directives ? o->dir : all, o->thin);
	end(rw);
	for (k = 0; o->has_directives && k < OVAL_RES_NCLASS; k++) {
		if (!o->has_class[k])
			continue;
		start(rw, NULL, "class_directives");
		attr(rw, "class", class_names[k]);
		directive_set(rw, o->cls[k], o->thin);
		end(rw);
	}
}

/* Is n the element name of namespace ns? */
static int
dir_elem_is(xmlNodePtr n, const char *ns, const char *name)
{
	return n->ns != NULL && strcmp((const char *)n->ns->href, ns) == 0 &&
	    strcmp((const char *)n->name, name) == 0;
}

/* Read one DirectivesType element (sec) of file path into d[]. */
static int
directives_read(const char *path, xmlNodePtr sec, struct oval_directive *d,
    struct plumb_err *err)
{
	xmlNodePtr e;
	const char *v;
	int r;

	for (r = 0; r < OVAL_R__COUNT; r++) {
		d[r].reported = 1;
		d[r].thin = 0;
	}
	for (e = oval_elem(sec->children); e != NULL; e = oval_elem(e->next)) {
		for (r = 0; r < OVAL_R__COUNT; r++)
			if (dir_elem_is(e, NS_RES, dir_names[r]))
				break;
		if (r == OVAL_R__COUNT)
			continue;
		v = oval_attr(e, "reported");
		if (v == NULL || (strcmp(v, "true") != 0 &&
		    strcmp(v, "1") != 0 && strcmp(v, "false") != 0 &&
		    strcmp(v, "0") != 0))
			return plumb_err_set(err, PLUMB_EINVAL,
			    "%s:%ld: %s needs reported=\"true\" or "
			    "\"false\"", path, xmlGetLineNo(e), dir_names[r]);
		d[r].reported = oval_attr_true(e, "reported");
		v = oval_attr(e, "content");
		if (v != NULL && strcmp(v, "thin") != 0 &&
		    strcmp(v, "full") != 0)
			return plumb_err_set(err, PLUMB_EINVAL,
			    "%s:%ld: %s content \"%s\" is neither "
			    "\"thin\" nor \"full\"", path, xmlGetLineNo(e),
			    dir_names[r], v);
		d[r].thin = v != NULL && strcmp(v, "thin") == 0;
	}
	return PLUMB_OK;
}

int
oval_results_load_directives(const char *path,
    struct oval_results_opts *opts, struct plumb_err *err)
{
	xmlDocPtr xml = NULL;
	xmlNodePtr root, sec;
	const char *c;
	int k, rc = PLUMB_OK;

	if ((rc = xml_load_file(path, &xml, err)) != PLUMB_OK)
		return rc;
	for (k = 0; k < OVAL_R__COUNT; k++)
		opts->dir[k] = (struct oval_directive){ 1, 0 };
	root = xmlDocGetRootElement(xml);
	if (root == NULL || !dir_elem_is(root, NS_DIR, "oval_directives")) {
		rc = plumb_err_set(err, PLUMB_EINVAL,
		    "%s: not an OVAL directives document", path);
		goto out;
	}
	for (sec = oval_elem(root->children); sec != NULL;
	    sec = oval_elem(sec->next)) {
		if (dir_elem_is(sec, NS_DIR, "directives")) {
			if ((rc = directives_read(path, sec, opts->dir,
			    err)) != PLUMB_OK)
				goto out;
			c = oval_attr(sec, "include_source_definitions");
			opts->no_source = c != NULL &&
			    (strcmp(c, "false") == 0 || strcmp(c, "0") == 0);
			continue;
		}
		if (!dir_elem_is(sec, NS_DIR, "class_directives"))
			continue;
		c = oval_attr(sec, "class");
		for (k = 0; c != NULL && k < OVAL_RES_NCLASS; k++)
			if (strcmp(class_names[k], c) == 0)
				break;
		if (c == NULL || k == OVAL_RES_NCLASS || opts->has_class[k]) {
			rc = plumb_err_set(err, PLUMB_EINVAL,
			    "%s:%ld: class_directives needs a class (%s) "
			    "given once", path, xmlGetLineNo(sec),
			    "compliance, inventory, miscellaneous, patch or "
			    "vulnerability");
			goto out;
		}
		if ((rc = directives_read(path, sec, opts->cls[k],
		    err)) != PLUMB_OK)
			goto out;
		opts->has_class[k] = 1;
	}
	opts->has_directives = 1;
out:
	xmlFreeDoc(xml);
	return rc;
}

/*
 * Copy the definitions document into the results, streamed.  One
 * embedded in a larger document (a data stream) may rely on its
 * ancestors' namespace declarations: xml_write_copy() declares them.
 */
static void
definitions_copy(struct rw *rw, const struct oval_doc *doc)
{
	W(rw, xml_write_copy(rw->w, rw->out, oval_doc_root(doc), rw->depth));
}

/* The version attribute of the element an id refers to. */
static const char *
version_of(const struct oval_doc *doc, const char *id)
{
	const struct oval_node *n = id ? oval_doc_get(doc, id) : NULL;

	return n ? oval_attr(n->node, "version") : NULL;
}

static void
criteria(struct rw *rw, const struct oval_doc *doc, const struct oval_crit *c)
{
	const char *name = (const char *)c->node->name, *ref;
	size_t i;

	start(rw, NULL, name);
	if (strcmp(name, "criteria") == 0) {
		attr(rw, "applicability_check",
		    oval_attr(c->node, "applicability_check"));
		attr(rw, "operator", oval_attr(c->node, "operator") ?
		    oval_attr(c->node, "operator") : "AND");
	} else {
		attr(rw, "applicability_check",
		    oval_attr(c->node, "applicability_check"));
		ref = strcmp(name, "criterion") == 0 ? "test_ref" :
		    "definition_ref";
		attr(rw, ref, oval_attr(c->node, ref));
		attr(rw, "version", version_of(doc, oval_attr(c->node, ref)));
	}
	attr(rw, "negate", oval_attr(c->node, "negate"));
	attr(rw, "result", oval_result_name(c->r));
	for (i = 0; i < c->nkids; i++)
		criteria(rw, doc, &c->kids[i]);
	end(rw);
}

static void
def_results(struct rw *rw, const struct oval_session *s,
    const struct oval_results_opts *o)
{
	const struct oval_doc *doc = oval_session_doc(s);
	const struct oval_def_res *dr;
	const struct oval_node *n;
	size_t i;
	int any = 0;

	for (i = 0; (n = oval_doc_nth(doc, OVAL_K_DEF, i)) != NULL; i++) {
		if ((dr = oval_session_def(s, n)) == NULL ||
		    !dir_reported(o, n->node, dr->r))
			continue;
		if (!any)	/* the schema wants one at least, or none */
			start(rw, NULL, "definitions");
		any = 1;
		start(rw, NULL, "definition");
		attr(rw, "definition_id", n->id);
		attr(rw, "version", oval_attr(n->node, "version"));
		attr(rw, "result", oval_result_name(dr->r));
		if (dir_full(o, n->node, dr->r) && dr->crit.node != NULL)
			criteria(rw, doc, &dr->crit);
		end(rw);
	}
	if (any)
		end(rw);
}

/* Mark in need (by node index) the tests criteria c names. */
static void
tests_of(const struct oval_doc *doc, const struct oval_crit *c,
    unsigned char *need)
{
	const struct oval_node *t;
	size_t i;

	if (oval_is(c->node, "criterion") &&
	    (t = oval_doc_get(doc, oval_attr(c->node, "test_ref"))) != NULL)
		need[t->idx] = 1;
	for (i = 0; i < c->nkids; i++)
		tests_of(doc, &c->kids[i], need);
}

/*
 * The tests written: those the criteria of the definitions reported in
 * full name (the others' results are in no written criterion).  NULL
 * when that is every test evaluated (no directives), or on ENOMEM,
 * where writing every test is still a valid document.
 */
static unsigned char *
tests_needed(const struct oval_session *s, const struct oval_results_opts *o)
{
	const struct oval_doc *doc = oval_session_doc(s);
	const struct oval_def_res *dr;
	const struct oval_node *n;
	unsigned char *need;
	size_t i;

	if (!o->has_directives ||
	    (need = calloc(oval_doc_size(doc) + 1, 1)) == NULL)
		return NULL;
	for (i = 0; (n = oval_doc_nth(doc, OVAL_K_DEF, i)) != NULL; i++)
		if ((dr = oval_session_def(s, n)) != NULL &&
		    dir_full(o, n->node, dr->r) && dr->crit.node != NULL)
			tests_of(doc, &dr->crit, need);
	return need;
}

static void
var_values(struct rw *rw, const char *elname, const struct oval_var_uses *u)
{
	size_t i, k;

	for (i = 0; i < u->n; i++) {
		for (k = 0; k < u->v[i].vals->n; k++) {
			start(rw, NULL, elname);
			attr(rw, "variable_id", u->v[i].var_id);
			W(rw, xml_write_text(rw->w, u->v[i].vals->v[k]));
			end(rw);
		}
	}
}

/* The tests element, full (thin results have none: the schema says it
 * goes with full results only). */
static void
tst_results(struct rw *rw, const struct oval_session *s,
    const struct oval_results_opts *o)
{
	const struct oval_doc *doc = oval_session_doc(s);
	const struct oval_tst_res *tr;
	const struct oval_node *n;
	unsigned char *need;
	char id[32];
	size_t i, k;
	int any = 0;

	if (o->thin)
		return;
	need = tests_needed(s, o);
	for (i = 0; (n = oval_doc_nth(doc, OVAL_K_TST, i)) != NULL; i++) {
		if ((tr = oval_session_tst(s, n)) == NULL ||
		    (need != NULL && !need[n->idx]))
			continue;
		if (!any)
			start(rw, NULL, "tests");
		any = 1;
		start(rw, NULL, "test");
		attr(rw, "test_id", n->id);
		attr(rw, "version", oval_attr(n->node, "version"));
		attr(rw, "check_existence",
		    oval_attr(n->node, "check_existence"));
		attr(rw, "check", oval_attr(n->node, "check"));
		attr(rw, "state_operator", oval_attr(n->node, "state_operator"));
		attr(rw, "result", oval_result_name(tr->r));
		if (tr->msg != NULL) {
			start(rw, NULL, "message");
			attr(rw, "level", "error");
			W(rw, xml_write_text(rw->w, tr->msg));
			end(rw);
		}
		for (k = 0; tr->obj && k < tr->obj->items.n; k++) {
			snprintf(id, sizeof(id), "%lu",
			    tr->obj->items.v[k]->id);
			start(rw, NULL, "tested_item");
			attr(rw, "item_id", id);
			attr(rw, "result", oval_result_name(tr->item_r ?
			    tr->item_r[k] : OVAL_R_NOT_EVALUATED));
			end(rw);
		}
		var_values(rw, "tested_variable", &tr->vars);
		if (tr->obj)
			var_values(rw, "tested_variable", &tr->obj->vars);
		end(rw);
	}
	if (any)
		end(rw);
	free(need);
}

static void
system_info(struct rw *rw)
{
	struct sysinfo si;
	size_t i;

	sysinfo_get(&si);
	start(rw, NULL, "system_info");
	elem(rw, NULL, "os_name", si.os_name);
	elem(rw, NULL, "os_version", si.os_version);
	elem(rw, NULL, "architecture", si.arch);
	elem(rw, NULL, "primary_host_name", si.hostname);
	start(rw, NULL, "interfaces");
	for (i = 0; i < si.nifaces; i++) {
		start(rw, NULL, "interface");
		elem(rw, NULL, "interface_name", si.ifaces[i].name);
		elem(rw, NULL, "ip_address", si.ifaces[i].addr);
		elem(rw, NULL, "mac_address", si.ifaces[i].mac);
		end(rw);
	}
	end(rw);
	end(rw);
}

static void
collected_objects(struct rw *rw, const struct oval_session *s)
{
	const struct oval_doc *doc = oval_session_doc(s);
	const struct oval_obj_res *or;
	const struct oval_node *n;
	char id[32];
	size_t i, k;
	int any = 0;

	for (i = 0; (n = oval_doc_nth(doc, OVAL_K_OBJ, i)) != NULL; i++) {
		if ((or = oval_session_obj(s, n)) == NULL)
			continue;
		if (!any)	/* one object at least, or no element */
			start(rw, NULL, "collected_objects");
		any = 1;
		start(rw, NULL, "object");
		attr(rw, "id", n->id);
		attr(rw, "version", oval_attr(n->node, "version"));
		attr(rw, "comment", oval_attr(n->node, "comment"));
		attr(rw, "flag", oval_flag_name(or->flag));
		if (or->msg != NULL) {
			start(rw, NULL, "message");
			attr(rw, "level", or->flag == OVAL_FLAG_ERROR ?
			    "error" : "info");
			W(rw, xml_write_text(rw->w, or->msg));
			end(rw);
		}
		var_values(rw, "variable_value", &or->vars);
		for (k = 0; k < or->items.n; k++) {
			snprintf(id, sizeof(id), "%lu", or->items.v[k]->id);
			start(rw, NULL, "reference");
			attr(rw, "item_ref", id);
			end(rw);
		}
		end(rw);
	}
	if (any)
		end(rw);
}

static const char *
prefix_of(const char *ns)
{
	size_t i;

	for (i = 0; i < sizeof(item_ns) / sizeof(item_ns[0]); i++)
		if (strcmp(item_ns[i].ns, ns) == 0)
			return item_ns[i].prefix;
	return "ind-sys";
}

/* One item field (or record sub-field) as an element. */
static void
field(struct rw *rw, const char *prefix, const struct oval_field *f,
    int sub)
{
	size_t i;

	/* A record's fields are the core EntityItemFieldType, in the
	 * system_data default namespace, not the item's. */
	if (sub) {
		start(rw, NULL, "field");
		attr(rw, "name", f->name);
	} else {
		start(rw, prefix, f->name);
	}
	if (f->dt != OVAL_DT_STRING)
		attr(rw, "datatype", oval_datatype_name(f->dt));
	if (f->status != OVAL_ST_EXISTS)
		attr(rw, "status", oval_status_name(f->status));
	if (f->value != NULL)
		W(rw, xml_write_text(rw->w, f->value));
	for (i = 0; i < f->nsub; i++)
		field(rw, prefix, &f->sub[i], 1);
	end(rw);
}

static void
system_data(struct rw *rw, const struct oval_session *s)
{
	const struct oval_item_list *items = oval_session_items(s);
	const struct oval_item *it;
	const char *prefix;
	char id[32];
	size_t i, k;

	/* The schema wants at least one item in a system_data. */
	if (items->n == 0)
		return;
	start(rw, NULL, "system_data");
	for (i = 0; i < items->n; i++) {
		it = items->v[i];
		prefix = prefix_of(it->ns);
		snprintf(id, sizeof(id), "%lu", it->id);
		start(rw, prefix, it->type);
		attr(rw, "id", id);
		if (it->status != OVAL_ST_EXISTS)
			attr(rw, "status", oval_status_name(it->status));
		if (it->message != NULL) {
			start(rw, NULL, "message");
			attr(rw, "level", "info");
			W(rw, xml_write_text(rw->w, it->message));
			end(rw);
		}
		for (k = 0; k < it->nfields; k++)
			field(rw, prefix, &it->fields[k], 0);
		end(rw);
	}
	end(rw);
}

/* Declare a namespace on the current element. */
static void
xmlns(struct rw *rw, const char *prefix, const char *uri)
{
	char name[64];

	snprintf(name, sizeof(name), prefix ? "xmlns:%s" : "xmlns", prefix);
	attr(rw, name, uri);
}

/* The system characteristics; without the collected objects and items
 * for thin results and --without-syschar, as the reference writes
 * them. */
static void
sys_characteristics(struct rw *rw, const struct oval_session *s,
    const struct oval_results_opts *o)
{
	size_t i;

	W(rw, xmlTextWriterStartElement(rw->w,
	    BAD_CAST "oval_system_characteristics"));
	rw->depth++;
	xmlns(rw, NULL, NS_SC);
	for (i = 0; i < sizeof(item_ns) / sizeof(item_ns[0]); i++)
		xmlns(rw, item_ns[i].prefix, item_ns[i].ns);
	generator(rw, NULL, oval_session_doc(s));
	system_info(rw);
	if (!o->thin && !o->without_syschar) {
		collected_objects(rw, s);
		system_data(rw, s);
	}
	end(rw);
}

/* The oval_results element and everything below it. */
static void
results_body(struct rw *rw, const struct oval_session *s,
    const struct oval_results_opts *o)
{
	W(rw, xmlTextWriterStartElement(rw->w, BAD_CAST "oval_results"));
	rw->depth++;
	xmlns(rw, NULL, NS_RES);
	xmlns(rw, "oval", OVAL_NS_COMMON);
	xmlns(rw, "xsi", NS_XSI);
	generator(rw, NULL, oval_session_doc(s));
	directives(rw, o);
	if (!o->no_source)
		definitions_copy(rw, oval_session_doc(s));
	start(rw, NULL, "results");
	start(rw, NULL, "system");
	def_results(rw, s, o);
	tst_results(rw, s, o);
	sys_characteristics(rw, s, o);
	end(rw);
	end(rw);
	end(rw);
}

int
oval_results_emit(const struct oval_session *s, xmlTextWriterPtr w,
    xmlOutputBufferPtr out, int level, const struct oval_results_opts *opts)
{
	static const struct oval_results_opts defaults;
	struct rw rw = { w, out, level, 0 };

	results_body(&rw, s, opts != NULL ? opts : &defaults);
	return rw.bad ? PLUMB_EIO : PLUMB_OK;
}

int
oval_results_write(const struct oval_session *s, const char *path,
    const struct oval_results_opts *opts, struct plumb_err *err)
{
	struct atomic_file af;
	xmlOutputBufferPtr out;
	static const struct oval_results_opts defaults;
	struct rw rw = { NULL, NULL, 0, 0 };
	int rc;

	if ((rc = atomic_open(&af, path, err)) != 0)
		return rc;
	if ((out = xmlOutputBufferCreateFd(af.fd, NULL)) == NULL ||
	    (rw.w = xml_write_new(out)) == NULL) {
		atomic_abort(&af);
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	}
	rw.out = out;
	W(&rw, xmlTextWriterStartDocument(rw.w, "1.0", "UTF-8", NULL));
	results_body(&rw, s, opts != NULL ? opts : &defaults);
	W(&rw, xmlTextWriterEndDocument(rw.w));
	W(&rw, xmlTextWriterFlush(rw.w));
	/* Freeing the writer flushes and closes the buffer (not the fd). */
	xmlFreeTextWriter(rw.w);
	if (rw.bad) {
		atomic_abort(&af);
		return plumb_err_set(err, PLUMB_EIO, "%s: write failed",
		    path);
	}
	return atomic_commit(&af, err);
}
