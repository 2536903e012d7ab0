/*
 * xml_write.c - streaming copies of parsed XML into written documents.
 */
#include "config.h"

#include <stdio.h>

#include "xml_write.h"

int
xml_write_node(xmlTextWriterPtr w, xmlOutputBufferPtr out, xmlNodePtr node)
{
	/* A zero-length raw write makes the writer emit the '>' of an
	 * open start tag; both then append to the same buffer in order. */
	if (xmlTextWriterWriteRaw(w, BAD_CAST "") < 0)
		return -1;
	xmlNodeDumpOutput(out, node->doc, node, 0, 0, NULL);
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
xml_write_copy(xmlTextWriterPtr w, xmlOutputBufferPtr out, xmlNodePtr node)
{
	xmlNodePtr k;
	int bad = 0;

	if (xml_write_open_copy(w, node) < 0)
		bad = 1;
	for (k = node->children; k != NULL; k = k->next)
		if (xml_write_node(w, out, k) < 0)
			bad = 1;
	if (xmlTextWriterEndElement(w) < 0)
		bad = 1;
	return bad ? -1 : 0;
}
