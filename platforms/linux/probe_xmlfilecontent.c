/*
 * probe_xmlfilecontent.c - xmlfilecontent_object (independent): the
 * values an XPath 1.0 expression selects in XML files.  The files come
 * from fsobj; each is read whole (up to a cap) and parsed by the safe
 * loader (no DTD loading, no entity expansion, no network).
 *
 * What becomes a value_of, as the reference evaluator reports it:
 * - a node-set: the value of each attribute and the content of each
 *   text node, in document order.  Element nodes and the root node
 *   ("/") add no value but still make the item exist; namespace nodes
 *   are ignored.  A node-set with nothing of that kind gives no item
 *   (the file does not count).
 * The file is parsed as data: whitespace-only text is kept, CDATA is
 * text, and comments and processing instructions are not part of the
 * tree (the text around one is a single node), as the reference sees
 * the file.
 * - a string: that string; a boolean: "true" or "false" (datatype
 *   boolean); a number: converted to a 32-bit integer by truncation
 *   towards zero, with NaN and out-of-range values becoming INT_MIN
 *   (datatype int).
 * A file that is not well-formed XML, or an expression that does not
 * compile, sets the object's flag to error.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlversion.h>

#include "plumb/probe.h"
#include "fsobj.h"
#include "xml_load.h"

#define XMLFC_FILE_CAP	(64UL * 1024 * 1024)	/* bytes read per file */
#define XMLFC_VALUE_CAP	100000			/* value_of per item */
#define XMLFC_OP_LIMIT	50000000UL		/* XPath operations per eval */

struct xmlfc_ctx {
	const struct probe_req	*req;
	struct probe_result	*res;
	const char		*xpath;
	char			 xperr[256];	/* first XPath error */
};

/* Keep the first error libxml2 reports while evaluating an XPath. */
static void
xmlfc_xpath_error(void *arg, xmlErrorPtr e)
{
	struct xmlfc_ctx *c = arg;
	size_t n;

	if (c->xperr[0] != '\0' || e == NULL)
		return;
	/* libxml2 2.9 leaves message NULL for XPath errors. */
	if (e->message != NULL)
		snprintf(c->xperr, sizeof(c->xperr), "%s", e->message);
	else
		snprintf(c->xperr, sizeof(c->xperr),
		    "invalid expression (libxml2 XPath error %d)", e->code);
	n = strlen(c->xperr);
	while (n > 0 && (c->xperr[n - 1] == '\n' || c->xperr[n - 1] == ' '))
		c->xperr[--n] = '\0';
}

/* A number as the reference converts it: C's truncation, INT_MIN when
 * the value has no int representation. */
static void
xmlfc_number(double d, char *buf, size_t len)
{
	long v;

	if (isnan(d) || d >= 2147483648.0 || d <= -2147483649.0)
		v = INT_MIN;
	else
		v = (long)d;
	snprintf(buf, len, "%ld", v);
}

/* A new xmlfilecontent_item for f with the path fields and xpath. */
static struct oval_item *
xmlfc_item_new(struct xmlfc_ctx *c, const struct fsobj_file *f)
{
	struct oval_item *it;

	if ((it = oval_item_new(OVAL_NS_SC_IND, "xmlfilecontent_item")) ==
	    NULL)
		return NULL;
	if (oval_item_add(it, "filepath", OVAL_DT_STRING, f->filepath) != 0 ||
	    oval_item_add(it, "path", OVAL_DT_STRING, f->path) != 0 ||
	    oval_item_add(it, "filename", OVAL_DT_STRING, f->filename) != 0 ||
	    oval_item_add(it, "xpath", OVAL_DT_STRING, c->xpath) != 0) {
		oval_item_unref(it);
		return NULL;
	}
	return it;
}

/*
 * Add the value_of fields of a node-set to it; *found is set when the
 * node-set holds at least one element, attribute or text node.
 */
static int
xmlfc_nodeset(struct xmlfc_ctx *c, const struct fsobj_file *f,
    xmlNodeSetPtr ns, struct oval_item *it, int *found)
{
	xmlNodePtr n;
	xmlChar *s;
	size_t nval = 0;
	int i, rc;

	*found = 0;
	if (ns == NULL)
		return PLUMB_OK;
	for (i = 0; i < ns->nodeNr; i++) {
		n = ns->nodeTab[i];
		switch (n->type) {
		case XML_ELEMENT_NODE:
		case XML_DOCUMENT_NODE:
			*found = 1;
			continue;
		case XML_ATTRIBUTE_NODE:
			s = xmlNodeGetContent(n);
			break;
		case XML_TEXT_NODE:
		case XML_CDATA_SECTION_NODE:
			s = xmlStrdup(n->content != NULL ? n->content :
			    BAD_CAST "");
			break;
		default:
			continue;
		}
		*found = 1;
		if (s == NULL)
			return PLUMB_ENOMEM;
		if (++nval > XMLFC_VALUE_CAP) {
			xmlFree(s);
			probe_flag(c->res, OVAL_FLAG_INCOMPLETE,
			    "%s: xpath '%s' selects more than %d values",
			    f->filepath, c->xpath, XMLFC_VALUE_CAP);
			break;
		}
		rc = oval_item_add(it, "value_of", OVAL_DT_STRING,
		    (const char *)s);
		xmlFree(s);
		if (rc != 0)
			return rc;
	}
	return PLUMB_OK;
}

/* Evaluate the expression on one parsed file and record its item. */
static int
xmlfc_eval(struct xmlfc_ctx *c, const struct fsobj_file *f, xmlDocPtr doc)
{
	xmlXPathContextPtr xp = NULL;
	xmlXPathObjectPtr r = NULL;
	struct oval_item *it = NULL;
	char num[32];
	int found = 0, rc = PLUMB_ENOMEM;

	if ((xp = xmlXPathNewContext(doc)) == NULL)
		goto out;
	c->xperr[0] = '\0';
	xp->error = xmlfc_xpath_error;
	xp->userData = c;
#if LIBXML_VERSION >= 20911
	xp->opLimit = XMLFC_OP_LIMIT;
#endif
	r = xmlXPathEval(BAD_CAST c->xpath, xp);
	if (r == NULL) {
		probe_flag(c->res, OVAL_FLAG_ERROR, "%s: xpath '%s': %s",
		    f->filepath, c->xpath, c->xperr[0] != '\0' ? c->xperr :
		    "cannot be evaluated");
		rc = PLUMB_OK;
		goto out;
	}
	if ((it = xmlfc_item_new(c, f)) == NULL)
		goto out;
	switch (r->type) {
	case XPATH_NODESET:
		if ((rc = xmlfc_nodeset(c, f, r->nodesetval, it, &found)) != 0)
			goto out;
		break;
	case XPATH_BOOLEAN:
		found = 1;
		if ((rc = oval_item_add(it, "value_of", OVAL_DT_BOOLEAN,
		    r->boolval ? "true" : "false")) != 0)
			goto out;
		break;
	case XPATH_NUMBER:
		found = 1;
		xmlfc_number(r->floatval, num, sizeof(num));
		if ((rc = oval_item_add(it, "value_of", OVAL_DT_INT, num)) != 0)
			goto out;
		break;
	case XPATH_STRING:
		found = 1;
		if ((rc = oval_item_add(it, "value_of", OVAL_DT_STRING,
		    r->stringval != NULL ? (const char *)r->stringval : "")) !=
		    0)
			goto out;
		break;
	default:
		probe_flag(c->res, OVAL_FLAG_ERROR,
		    "%s: xpath '%s' gives a result of unsupported type %d",
		    f->filepath, c->xpath, (int)r->type);
		break;
	}
	rc = PLUMB_OK;
	if (found) {
		rc = probe_emit(c->res, it);
		it = NULL;
	}
out:
	oval_item_unref(it);
	xmlXPathFreeObject(r);
	xmlXPathFreeContext(xp);
	return rc;
}

/* Parse one file and evaluate the expression on it. */
static int
xmlfc_file(const struct fsobj_file *f, void *arg)
{
	struct xmlfc_ctx *c = arg;
	struct plumb_err err;
	xmlDocPtr doc = NULL;
	char *buf = NULL;
	size_t len;
	int rc;

	if ((rc = fsobj_read_content(c->req, c->res, f, XMLFC_FILE_CAP, 0,
	    &buf, &len)) <= 0)
		return rc;
	err.msg[0] = '\0';
	rc = xml_load_memory_data(buf, len, f->filepath, &doc, &err);
	if (rc == PLUMB_ENOMEM)
		goto out;
	if (rc != 0) {
		probe_flag(c->res, OVAL_FLAG_ERROR, "%s", err.msg);
		rc = PLUMB_OK;
		goto out;
	}
	rc = xmlfc_eval(c, f, doc);
out:
	xmlFreeDoc(doc);
	free(buf);
	return rc;
}

static int
xmlfc_collect(const struct probe_req *req, struct probe_result *res)
{
	const struct probe_ent *xpath;
	struct xmlfc_ctx c;
	size_t i;
	int rc = PLUMB_OK;

	memset(&c, 0, sizeof(c));
	c.req = req;
	c.res = res;
	if ((xpath = probe_req_need(req, res, "xpath", OVAL_OP_EQUALS)) == NULL)
		return PLUMB_OK;
	for (i = 0; i < xpath->vals->n && rc == 0; i++) {
		c.xpath = xpath->vals->v[i];
		rc = fsobj_walk(req, res, xmlfc_file, &c);
	}
	return rc;
}

const struct probe_ops probe_xmlfilecontent_ops = {
	.type = "xmlfilecontent_object",
	.family = "independent",
	.collect = xmlfc_collect,
};
