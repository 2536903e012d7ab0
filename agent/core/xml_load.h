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
#include "plumb/limits.h"

/* [limits] max_content_bytes: 512 MiB by default. */
#define XML_LOAD_MAX_BYTES	((size_t)plumb_limits.content_bytes)
/* Elements in one document ([limits] max_content_elements, 4 million
 * by default): SCAP content has a few hundred thousand; past this a
 * document of tiny elements would need gigabytes. */
#define XML_LOAD_MAX_ELEMENTS	((size_t)plumb_limits.content_elements)

/*
 * Parse the file at path.  *out is set to NULL on entry; on success it
 * holds a document the caller frees with xmlFreeDoc().  Returns
 * PLUMB_OK, PLUMB_EIO (cannot open or read: "FILE: strerror"),
 * PLUMB_EPARSE (malformed or empty: "FILE:LINE: reason", libxml2's first
 * error), PLUMB_ELIMIT (over XML_LOAD_MAX_BYTES or
 * XML_LOAD_MAX_ELEMENTS, an entity declaration, or one of libxml2's
 * size/depth limits: "FILE:LINE: reason") or
 * PLUMB_ENOMEM.  Nothing is printed.  An external DTD subset is never
 * loaded: references to entities it might declare stay unexpanded
 * entity reference nodes.  Swaps libxml2's global entity loader and
 * structured error handler during the parse, so it must not run
 * concurrently with other libxml2 parsing in the same process.
 */
int xml_load_file(const char *path, xmlDocPtr *out, struct plumb_err *err);

/*
 * Elements a caller does not need: those in a namespace starting with
 * ns whose local name is in names (NULL-terminated) are freed as soon
 * as they are parsed, so a large document never holds them.
 */
struct xml_load_drop {
	const char *ns;
	const char *const *names;
};

/* xml_load_file() without the elements drop names. */
int xml_load_file_drop(const char *path, const struct xml_load_drop *drop,
    xmlDocPtr *out, struct plumb_err *err);

/* The same for an in-memory buffer; name (may be NULL) is used in
 * messages in place of the file name. */
int xml_load_memory(const char *buf, size_t len, const char *name,
    xmlDocPtr *out, struct plumb_err *err);

/*
 * xml_load_memory() for a data file read by a probe rather than content:
 * all text is kept as written (no indentation is dropped), and comments
 * and processing instructions are left out of the tree, so the text on
 * either side of one is a single text node.
 */
int xml_load_memory_data(const char *buf, size_t len, const char *name,
    xmlDocPtr *out, struct plumb_err *err);

#endif /* PLUMB_XML_LOAD_H */
