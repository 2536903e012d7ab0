/*
 * xml_write.h - copy parts of a parsed document into a document being
 * written with an xmlTextWriter, streaming: the copy is serialised
 * straight into the writer's output buffer (which writes to its file as
 * it fills) instead of being built as one string first, so copying a
 * large data stream into a report costs no memory of its size.
 *
 * Every document is indented two spaces a level, as libxml2's formatted
 * output (xmllint --format) lays it out: the loader drops the source's
 * indentation (xml_load.c), so the copies are re-indented as they go.
 * "level" below is the number of elements open in w where the copy
 * lands (0 for the document element).
 */
#ifndef PLUMB_XML_WRITE_H
#define PLUMB_XML_WRITE_H

#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

/* A writer on out that indents, owning out; NULL when out of memory
 * (out is closed then).  Free with xmlFreeTextWriter(), which closes
 * out. */
xmlTextWriterPtr xml_write_new(xmlOutputBufferPtr out);

/*
 * Serialise node and its subtree, indented for level, into out, the
 * output buffer w was created on; w's pending start tag is closed first
 * so the copy lands inside the element w has open.  The element's end
 * tag then needs xml_write_indent() before xmlTextWriterEndElement()
 * (the writer does not indent after raw output).
 * Returns 0, -1 when a write failed.
 */
int xml_write_node(xmlTextWriterPtr w, xmlOutputBufferPtr out,
    xmlNodePtr node, int level);

/* The indentation of level, raw: before an end tag that follows
 * xml_write_node().  Returns 0, -1 when a write failed. */
int xml_write_indent(xmlTextWriterPtr w, int level);

/* Text content s (UTF-8) into the element w has open, escaped as
 * libxml2's serialiser escapes it.  Returns 0, -1 when a write failed. */
int xml_write_text(xmlTextWriterPtr w, const char *s);

/*
 * Open a copy of element node in w: its qualified name, every namespace
 * in scope there (an element inside a larger document may rely on its
 * ancestors' declarations) and its attributes.  The caller writes the
 * children (xml_write_node()) and closes it with
 * xmlTextWriterEndElement().  Returns 0, -1 when a write failed.
 */
int xml_write_open_copy(xmlTextWriterPtr w, xmlNodePtr node);

/* xml_write_open_copy(), every child with xml_write_node(), the end
 * tag: node copied at level with the namespaces it needs. */
int xml_write_copy(xmlTextWriterPtr w, xmlOutputBufferPtr out,
    xmlNodePtr node, int level);

#endif /* PLUMB_XML_WRITE_H */
