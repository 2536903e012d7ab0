/*
 * xml_write.c - streaming copies of parsed XML into written documents.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "xml_write.h"

#define XML_WRITE_INDENT	"  "	/* libxml2's own (xmlTreeIndentString) */

xmlTextWriterPtr
xml_write_new(xmlOutputBufferPtr out)
{
	xmlTextWriterPtr w;

	if ((w = xmlNewTextWriter(out)) == NULL) {
		xmlOutputBufferClose(out);
		return NULL;
	}
	if (xmlTextWriterSetIndent(w, 1) < 0 ||
	    xmlTextWriterSetIndentString(w, BAD_CAST XML_WRITE_INDENT) < 0) {
		xmlFreeTextWriter(w);	/* closes out */
		return NULL;
	}
	return w;
}

int
xml_write_indent(xmlTextWriterPtr w, int level)
{
	int i;

	for (i = 0; i < level; i++)
		if (xmlTextWriterWriteRaw(w, BAD_CAST XML_WRITE_INDENT) < 0)
			return -1;
	return 0;
}

int
xml_write_text(xmlTextWriterPtr w, const char *s)
{
	char buf[1024];
	const char *rep;
	size_t n = 0, k;

	if (*s == '\0')	/* nothing: the element stays empty, "<a/>" */
		return 0;
	/* Escape as the tree serialiser does (not '"', which the writer's
	 * own xmlTextWriterWriteString() escapes), so the text reads the
	 * same as in xmllint --format output. */
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '\r':
			rep = "&#13;";
			break;
		default:
			rep = NULL;
			break;
		}
		k = rep != NULL ? strlen(rep) : 1;
		if (n + k >= sizeof(buf)) {
			buf[n] = '\0';
			if (xmlTextWriterWriteRaw(w, BAD_CAST buf) < 0)
				return -1;
			n = 0;
		}
		if (rep != NULL)
			memcpy(buf + n, rep, k);
		else
			buf[n] = *s;
		n += k;
	}
	buf[n] = '\0';
	return xmlTextWriterWriteRaw(w, BAD_CAST buf) < 0 ? -1 : 0;
}

/* Bytes out has taken so far: written to its file or still buffered. */
static size_t
xml_write_total(xmlOutputBufferPtr out)
{
	return (size_t)out->written + xmlOutputBufferGetSize(out);
}

int
xml_write_node(xmlTextWriterPtr w, xmlOutputBufferPtr out, xmlNodePtr node,
    int level)
{
	size_t before = xml_write_total(out);

	/* A zero-length raw write makes the writer emit the '>' of an
	 * open start tag, which an indenting writer leaves without its
	 * line break; both then append to the same buffer in order.
	 * Whatever else was written last ended its line. */
	if (xmlTextWriterWriteRaw(w, BAD_CAST "") < 0 ||
	    (xml_write_total(out) != before &&
	    xmlTextWriterWriteRaw(w, BAD_CAST "\n") < 0) ||
	    xml_write_indent(w, level) < 0)
		return -1;
	xmlNodeDumpOutput(out, node->doc, node, level, 1, NULL);
	if (xmlTextWriterWriteRaw(w, BAD_CAST "\n") < 0)
		return -1;
	return out->error != 0 ? -1 : 0;
}

/* "prefix:name" or "name" into buf. */
static void
xml_write_qname(char *buf, size_t size, xmlNsPtr ns, const xmlChar *name)
{
	if (ns != NULL && ns->prefix != NULL)
		snprintf(buf, size, "%s:%s", ns->prefix, name);
	else
		snprintf(buf, size, "%s", name);
}

int
xml_write_open_copy(xmlTextWriterPtr w, xmlNodePtr node)
{
	char name[512];
	xmlNsPtr *nsl, ns;
	xmlAttrPtr a;
	xmlChar *v;
	size_t i;
	int bad = 0;

	xml_write_qname(name, sizeof(name), node->ns, node->name);
	if (xmlTextWriterStartElement(w, BAD_CAST name) < 0)
		return -1;
	if ((nsl = xmlGetNsList(node->doc, node)) != NULL) {
		for (i = 0; (ns = nsl[i]) != NULL; i++) {
			if (ns->prefix != NULL)
				snprintf(name, sizeof(name), "xmlns:%s",
				    ns->prefix);
			else
				snprintf(name, sizeof(name), "xmlns");
			if (xmlTextWriterWriteAttribute(w, BAD_CAST name,
			    ns->href) < 0)
				bad = 1;
		}
		xmlFree(nsl);
	}
	for (a = node->properties; a != NULL; a = a->next) {
		xml_write_qname(name, sizeof(name), a->ns, a->name);
		if ((v = xmlNodeGetContent((xmlNodePtr)a)) == NULL ||
		    xmlTextWriterWriteAttribute(w, BAD_CAST name, v) < 0)
			bad = 1;
		xmlFree(v);
	}
	return bad ? -1 : 0;
}

int
xml_write_copy(xmlTextWriterPtr w, xmlOutputBufferPtr out, xmlNodePtr node,
    int level)
{
	xmlNodePtr k;
	int bad = 0;

	if (xml_write_open_copy(w, node) < 0)
		bad = 1;
	for (k = node->children; k != NULL; k = k->next)
		if (xml_write_node(w, out, k, level + 1) < 0)
			bad = 1;
	if ((node->children != NULL && xml_write_indent(w, level) < 0) ||
	    xmlTextWriterEndElement(w) < 0)
		bad = 1;
	return bad ? -1 : 0;
}
