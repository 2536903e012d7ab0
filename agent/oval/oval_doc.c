/* oval_doc.c - load and index an OVAL definitions document. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "plumb/error.h"
#include "oval_doc.h"
#include "xml_load.h"

struct oval_doc {
	xmlDocPtr xml;
	int own;
	xmlNodePtr root;
	char *name;
	char *version;			/* the generator's schema_version */
	struct oval_node *nodes;	/* every indexed element, doc order */
	size_t nnodes;
	size_t *bykind[OVAL_K__COUNT];	/* indexes into nodes */
	size_t nkind[OVAL_K__COUNT];
	size_t *slots;			/* open addressing: idx + 1, 0 empty */
	size_t nslots;			/* power of two */
};

/* The section element of each kind, in document order. */
static const char *const sections[OVAL_K__COUNT] = {
	"definitions", "tests", "objects", "states", "variables"
};

const char *
oval_attr(xmlNodePtr node, const char *name)
{
	xmlAttrPtr a;

	for (a = node->properties; a != NULL; a = a->next) {
		if (a->ns != NULL || strcmp((const char *)a->name, name) != 0)
			continue;
		if (a->children == NULL)
			return "";
		if (a->children->type == XML_TEXT_NODE &&
		    a->children->next == NULL)
			return (const char *)a->children->content;
		return NULL;
	}
	return NULL;
}

int
oval_attr_true(xmlNodePtr node, const char *name)
{
	const char *v = oval_attr(node, name);

	return v != NULL && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

char *
oval_text(xmlNodePtr node)
{
	xmlChar *c;
	char *s;

	/* The common case: one text child, no allocation by libxml2. */
	if (node->children == NULL)
		return strdup("");
	if (node->children->next == NULL &&
	    (node->children->type == XML_TEXT_NODE ||
	    node->children->type == XML_CDATA_SECTION_NODE))
		return strdup((const char *)node->children->content);
	if ((c = xmlNodeGetContent(node)) == NULL)
		return strdup("");
	s = strdup((const char *)c);
	xmlFree(c);
	return s;
}

xmlNodePtr
oval_elem(xmlNodePtr n)
{
	while (n != NULL && n->type != XML_ELEMENT_NODE)
		n = n->next;
	return n;
}

int
oval_is(xmlNodePtr n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE && n->ns != NULL &&
	    strncmp((const char *)n->ns->href, OVAL_NS_DEF,
	    sizeof(OVAL_NS_DEF) - 1) == 0 &&
	    strcmp((const char *)n->name, name) == 0;
}

/* FNV-1a: ids are short ASCII strings. */
static uint64_t
id_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

/* Insert node idx; PLUMB_EINVAL when its id is already taken. */
static int
index_insert(struct oval_doc *doc, size_t idx, struct plumb_err *err)
{
	const char *id = doc->nodes[idx].id;
	size_t mask = doc->nslots - 1, i = id_hash(id) & mask;

	while (doc->slots[i] != 0) {
		if (strcmp(doc->nodes[doc->slots[i] - 1].id, id) == 0)
			return plumb_err_set(err, PLUMB_EINVAL,
			    "%s:%ld: duplicate id %s", doc->name,
			    xmlGetLineNo(doc->nodes[idx].node), id);
		i = (i + 1) & mask;
	}
	doc->slots[i] = idx + 1;
	return PLUMB_OK;
}

const struct oval_node *
oval_doc_get(const struct oval_doc *doc, const char *id)
{
	size_t mask = doc->nslots - 1, i = id_hash(id) & mask;

	while (doc->slots[i] != 0) {
		if (strcmp(doc->nodes[doc->slots[i] - 1].id, id) == 0)
			return &doc->nodes[doc->slots[i] - 1];
		i = (i + 1) & mask;
	}
	return NULL;
}

/* Is the generator's schema_version one this engine reads (5.3-5.11.x)? */
static int
check_version(struct oval_doc *doc, struct plumb_err *err)
{
	xmlNodePtr g, c;
	char *v = NULL;
	size_t len, skip;
	int major = 0, minor = 0, rc = PLUMB_OK;

	for (g = oval_elem(doc->root->children); g; g = oval_elem(g->next))
		if (oval_is(g, "generator"))
			break;
	if (g == NULL)
		return plumb_err_set(err, PLUMB_EINVAL,
		    "%s: no generator element", doc->name);
	for (c = oval_elem(g->children); c; c = oval_elem(c->next))
		if (strcmp((const char *)c->name, "schema_version") == 0)
			break;
	if (c == NULL)
		return plumb_err_set(err, PLUMB_EINVAL,
		    "%s: generator has no schema_version", doc->name);
	if ((v = oval_text(c)) == NULL)
		return PLUMB_ENOMEM;
	if (sscanf(v, "%d.%d", &major, &minor) != 2 || major != 5 ||
	    minor < 3 || minor > 11) {
		rc = plumb_err_set(err, PLUMB_ENOTSUP,
		    "%s:%ld: OVAL schema version '%s' is not supported "
		    "(5.3 to 5.11.x are)", doc->name, xmlGetLineNo(c), v);
		free(v);
		return rc;
	}
	/* Kept, without surrounding blanks: results name the version
	 * of the content they copy, as the reference does. */
	len = strlen(v);
	while (len > 0 && strchr(" \t\r\n", v[len - 1]) != NULL)
		v[--len] = '\0';
	skip = strspn(v, " \t\r\n");
	memmove(v, v + skip, len - skip + 1);
	doc->version = v;
	return rc;
}

/* Collect the id-carrying children of every section into the index. */
static int
build_index(struct oval_doc *doc, struct plumb_err *err)
{
	xmlNodePtr sec, n;
	size_t cap = 0, k, i;
	struct oval_node *nv;
	const char *id;
	int rc;

	for (sec = oval_elem(doc->root->children); sec;
	    sec = oval_elem(sec->next)) {
		for (k = 0; k < OVAL_K__COUNT; k++)
			if (oval_is(sec, sections[k]))
				break;
		if (k == OVAL_K__COUNT)
			continue;
		for (n = oval_elem(sec->children); n; n = oval_elem(n->next)) {
			if ((id = oval_attr(n, "id")) == NULL)
				return plumb_err_set(err, PLUMB_EINVAL,
				    "%s:%ld: <%s> without an id", doc->name,
				    xmlGetLineNo(n), (const char *)n->name);
			if (doc->nnodes == cap) {
				cap = cap ? cap * 2 : 256;
				nv = reallocarray(doc->nodes, cap, sizeof(*nv));
				if (nv == NULL)
					return PLUMB_ENOMEM;
				doc->nodes = nv;
			}
			doc->nodes[doc->nnodes].id = id;
			doc->nodes[doc->nnodes].node = n;
			doc->nodes[doc->nnodes].kind = (enum oval_kind)k;
			doc->nodes[doc->nnodes].idx = doc->nnodes;
			doc->nnodes++;
			doc->nkind[k]++;
		}
	}
	for (k = 0; k < OVAL_K__COUNT; k++) {
		doc->bykind[k] = calloc(doc->nkind[k] + 1, sizeof(size_t));
		if (doc->bykind[k] == NULL)
			return PLUMB_ENOMEM;
		doc->nkind[k] = 0;
	}
	for (doc->nslots = 16; doc->nslots < doc->nnodes * 2; doc->nslots *= 2)
		;
	if ((doc->slots = calloc(doc->nslots, sizeof(size_t))) == NULL)
		return PLUMB_ENOMEM;
	for (i = 0; i < doc->nnodes; i++) {
		k = doc->nodes[i].kind;
		doc->bykind[k][doc->nkind[k]++] = i;
		if ((rc = index_insert(doc, i, err)) != 0)
			return rc;
	}
	return PLUMB_OK;
}

int
oval_doc_from_xml(xmlDocPtr xml, xmlNodePtr root, int own, const char *name,
    struct oval_doc **out, struct plumb_err *err)
{
	struct oval_doc *doc;
	int rc;

	*out = NULL;
	if (root == NULL)
		root = xmlDocGetRootElement(xml);
	if ((doc = calloc(1, sizeof(*doc))) == NULL ||
	    (doc->name = strdup(name)) == NULL) {
		free(doc);
		if (own)
			xmlFreeDoc(xml);
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	}
	doc->xml = xml;
	doc->own = own;
	doc->root = root;
	if (root == NULL || !oval_is(root, "oval_definitions")) {
		rc = plumb_err_set(err, PLUMB_EINVAL,
		    "%s: not an OVAL definitions document (root element "
		    "is <%s>)", name, root ? (const char *)root->name : "none");
		goto out;
	}
	if ((rc = check_version(doc, err)) != 0)
		goto out;
	if ((rc = build_index(doc, err)) != 0) {
		if (rc == PLUMB_ENOMEM)
			plumb_err_set(err, rc, "out of memory");
		goto out;
	}
	*out = doc;
	return PLUMB_OK;
out:
	oval_doc_free(doc);
	return rc;
}

int
oval_doc_load(const char *path, struct oval_doc **out, struct plumb_err *err)
{
	xmlDocPtr xml = NULL;
	int rc;

	*out = NULL;
	if ((rc = xml_load_file(path, &xml, err)) != 0)
		return rc;
	return oval_doc_from_xml(xml, NULL, 1, path, out, err);
}

void
oval_doc_free(struct oval_doc *doc)
{
	size_t k;

	if (doc == NULL)
		return;
	if (doc->own)
		xmlFreeDoc(doc->xml);
	for (k = 0; k < OVAL_K__COUNT; k++)
		free(doc->bykind[k]);
	free(doc->nodes);
	free(doc->slots);
	free(doc->name);
	free(doc->version);
	free(doc);
}

size_t
oval_doc_count(const struct oval_doc *doc, enum oval_kind kind)
{
	return doc->nkind[kind];
}

const struct oval_node *
oval_doc_nth(const struct oval_doc *doc, enum oval_kind kind, size_t i)
{
	return i < doc->nkind[kind] ? &doc->nodes[doc->bykind[kind][i]] : NULL;
}

size_t
oval_doc_size(const struct oval_doc *doc)
{
	return doc->nnodes;
}

const char *
oval_doc_name(const struct oval_doc *doc)
{
	return doc->name;
}

const char *
oval_doc_version(const struct oval_doc *doc)
{
	return doc->version;
}

xmlNodePtr
oval_doc_root(const struct oval_doc *doc)
{
	return doc->root;
}
