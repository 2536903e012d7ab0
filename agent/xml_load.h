/*
 * xml_load.h - the one place plumb parses XML, with the defences that
 * content from an untrusted source needs: no network, no DTD or
 * external entity loading, no entity expansion, libxml2's size and
 * depth limits kept on, and errors that name the file and the line.
 */
#ifndef PLUMB_XML_LOAD_H
#define PLUMB_XML_LOAD_H

#include <stddef.h>
#include <libxml/tree.h>

#include "plumb/error.h"

#define XML_LOAD_MAX_BYTES	((size_t)512 * 1024 * 1024)

/*
 * Parse the file at path.  *out is NULL on entry; on success it holds a
 * document the caller frees with xmlFreeDoc().  Returns PLUMB_EIO
 * (cannot read), PLUMB_EPARSE (malformed: "FILE:LINE: reason"),
 * PLUMB_ELIMIT (too large, entity declarations) or PLUMB_ENOMEM.
 */
int xml_load_file(const char *path, xmlDocPtr *out, struct plumb_err *err);

/* The same for an in-memory buffer; name is used in messages. */
int xml_load_memory(const char *buf, size_t len, const char *name,
    xmlDocPtr *out, struct plumb_err *err);

#endif /* PLUMB_XML_LOAD_H */
