/*
 * oval_doc.h - a loaded OVAL definitions document and its id index.
 *
 * The document stays a libxml2 tree; the engine reads definitions,
 * tests, objects, states and variables from it on demand.  The index
 * maps every id to its element and gives each a dense number that
 * evaluation sessions use for their per-element memo arrays.
 */
#ifndef PLUMB_OVAL_DOC_H
#define PLUMB_OVAL_DOC_H

#include <stddef.h>
#include <libxml/tree.h>

#include "plumb/error.h"

#define OVAL_NS_DEF	"http://oval.mitre.org/XMLSchema/oval-definitions-5"
#define OVAL_NS_COMMON	"http://oval.mitre.org/XMLSchema/oval-common-5"
#define OVAL_NS_VARS	"http://oval.mitre.org/XMLSchema/oval-variables-5"

enum oval_kind {
	OVAL_K_DEF = 0,
	OVAL_K_TST,
	OVAL_K_OBJ,
	OVAL_K_STE,
	OVAL_K_VAR,
	OVAL_K__COUNT
};

struct oval_node {
	const char *id;		/* points into the tree */
	xmlNodePtr node;
	enum oval_kind kind;
	size_t idx;		/* dense index over every node of the doc */
};

struct oval_doc;

/*
 * Load an OVAL definitions document (schema 5.3 to 5.11.x) from path
 * with the safe XML loader and index it.  *out is NULL on entry and on
 * error; err names the file and the problem.
 */
int oval_doc_load(const char *path, struct oval_doc **out,
    struct plumb_err *err);

/*
 * Index an already parsed tree whose root (or root element given) is
 * oval_definitions.  The doc takes ownership of xml when own is 1.
 */
int oval_doc_from_xml(xmlDocPtr xml, xmlNodePtr root, int own,
    const char *name, struct oval_doc **out, struct plumb_err *err);

void oval_doc_free(struct oval_doc *doc);

/* The node with this id, or NULL. */
const struct oval_node *oval_doc_get(const struct oval_doc *doc,
    const char *id);

/* Nodes of one kind in document order. */
size_t oval_doc_count(const struct oval_doc *doc, enum oval_kind kind);
const struct oval_node *oval_doc_nth(const struct oval_doc *doc,
    enum oval_kind kind, size_t i);

/* Total number of indexed nodes (size of a session's memo array). */
size_t oval_doc_size(const struct oval_doc *doc);

/* The file name given at load time, and the oval_definitions element. */
const char *oval_doc_name(const struct oval_doc *doc);
xmlNodePtr oval_doc_root(const struct oval_doc *doc);

/* The generator's schema_version ("5.11.3"), checked at load time. */
const char *oval_doc_version(const struct oval_doc *doc);

/* The value of attribute name of node, pointing into the tree, or NULL. */
const char *oval_attr(xmlNodePtr node, const char *name);

/* xsd:boolean attribute: 1 for "true"/"1", 0 otherwise or absent. */
int oval_attr_true(xmlNodePtr node, const char *name);

/* Text content of an element, newly allocated (caller frees); NULL on
 * ENOMEM.  An element without text gives "". */
char *oval_text(xmlNodePtr node);

/* Next element sibling starting at n (n itself when it is one). */
xmlNodePtr oval_elem(xmlNodePtr n);

/* Is n an element called name in a namespace starting with OVAL_NS_DEF? */
int oval_is(xmlNodePtr n, const char *name);

#endif /* PLUMB_OVAL_DOC_H */
