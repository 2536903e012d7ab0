/*
 * xml_write.h - copy parts of a parsed document into a document being
 * written with an xmlTextWriter, streaming: the copy is serialised
 * straight into the writer's output buffer (which writes to its file as
 * it fills) instead of being built as one string first, so copying a
 * large data stream into a report costs no memory of its size.
 */
#ifndef PLUMB_XML_WRITE_H
#define PLUMB_XML_WRITE_H

#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

/*
 * Serialise node and its subtree as it is into out, the output buffer
 * w was created on (xmlNewTextWriter(out)); w's pending start tag is
 * closed first so the copy lands inside the element w has open.
 * Returns 0, -1 when a write failed.
 */
int xml_write_node(xmlTextWriterPtr w, xmlOutputBufferPtr out,
    xmlNodePtr node);

/*
 * Open a copy of element node in w: its qualified name, every namespace
 * in scope there (an element inside a larger document may rely on its
 * ancestors' declarations) and its attributes.  The caller writes the
 * children (xml_write_node()) and closes it with
 * xmlTextWriterEndElement().  Returns 0, -1 when a write failed.
 */
int xml_write_open_copy(xmlTextWriterPtr w, xmlNodePtr node);

/* xml_write_open_copy(), every child with xml_write_node(), the end
 * tag: node copied with the namespaces it needs. */
int xml_write_copy(xmlTextWriterPtr w, xmlOutputBufferPtr out,
    xmlNodePtr node);

#endif /* PLUMB_XML_WRITE_H */
