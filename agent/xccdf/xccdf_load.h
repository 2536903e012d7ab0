/*
 * xccdf_load.h - internals shared by the XCCDF loader, resolver and
 * evaluator (not for result writers: they use xccdf.h).
 */
#ifndef PLUMB_XCCDF_LOAD_H
#define PLUMB_XCCDF_LOAD_H

#include <stddef.h>
#include <libxml/tree.h>

#include "plumb/error.h"
#include "plumb/limits.h"
#include "xccdf.h"

#define XCCDF_NS_DS	"http://scap.nist.gov/schema/scap/source/1.2"
#define XCCDF_NS_CAT	"urn:oasis:names:tc:entity:xmlns:xml:catalog"
#define XCCDF_NS_XLINK	"http://www.w3.org/1999/xlink"
#define XCCDF_NS_CPE_DICT "http://cpe.mitre.org/dictionary/2.0"
#define XCCDF_NS_CPE_LANG "http://cpe.mitre.org/language/2.0"

/* A string-keyed hash table of borrowed keys and values. */
struct xccdf_map {
	const char **keys;
	void **vals;
	size_t cap;		/* power of two, or 0 */
	size_t n;
};

/* Insert or replace; 0 or PLUMB_ENOMEM. */
int xccdf_map_put(struct xccdf_map *m, const char *key, void *val);
/* The value for key, or NULL. */
void *xccdf_map_get(const struct xccdf_map *m, const char *key);
void xccdf_map_clear(struct xccdf_map *m);

/*
 * Bounds on data stream components kept in other files (a
 * ds:component-ref whose xlink:href is "file:OTHER.xml#component"):
 * how many such files one content may load, and how long a chain of
 * files referring to further files may be.
 */
#define XCCDF_EXT_DOCS_MAX	plumb_limits.content_files	/* 16 */
#define XCCDF_EXT_DEPTH_MAX	plumb_limits.content_depth	/* 4 */

/* A document loaded for an external component reference. */
struct xccdf_ext_doc {
	char *path;
	char *dir;		/* its directory, for its own relative hrefs */
	xmlDocPtr xml;
	int depth;		/* 1: referred to by the content itself */
};

struct xccdf_content {
	char *path;
	char *dir;		/* directory of path, for relative hrefs */
	xmlDocPtr xml;
	int is_ds;
	xmlNodePtr stream;	/* chosen ds:data-stream */
	xmlNodePtr checklist;	/* its ds:component-ref of the checklist */
	xmlNodePtr checklist2;	/* when that leads to another data stream:
				 * the checklist's component-ref there */
	xmlNodePtr dict_cref;	/* ds:component-ref of the CPE dictionary */
	xmlNodePtr cpe_list;	/* cpe-dict:cpe-list, or NULL */
	char *stream_id;
	char *checklist_id;
	struct xccdf_map comps;	/* ds:component id -> element */
	struct xccdf_map crefs;	/* stream's component-ref id -> element */
	struct xccdf_map cpe_items;	/* cpe name -> cpe-item element */
	struct xccdf_map platforms;	/* cpe-lang platform id -> element */
	struct xccdf_map cpe_memo;	/* cpe name -> (void *)(result + 2) */

	struct xccdf_ext_doc *ext;	/* external component files */
	size_t next;

	xmlDocPtr tailoring_xml;	/* separate file, or NULL */
	xmlNodePtr tailoring;

	struct xccdf_benchmark bm;
	size_t nbm_profiles;	/* profiles [0, n) come from the benchmark */
	struct xccdf_map items;
	struct xccdf_map values;
	struct xccdf_map profiles;

	struct xccdf_oval_comp **ovals;
	size_t novals;

	const struct xccdf_profile *profile;
	int resolved;

	void **arena;		/* every model allocation, freed at once */
	size_t narena;
	size_t carena;
};

/* Allocation in the content's arena (zeroed); NULL on ENOMEM. */
void *xccdf_alloc(struct xccdf_content *c, size_t n);
char *xccdf_strdup(struct xccdf_content *c, const char *s);

/* Is n an element in namespace ns (prefix match for XCCDF 1.1/1.2
 * when ns is NULL) with local name name? */
int xccdf_is(xmlNodePtr n, const char *ns, const char *name);

/* Attribute value (pointer into the tree) or NULL. */
const char *xccdf_attr(xmlNodePtr n, const char *name);

/* The OVAL component reached from href as cited by the checklist (cpe 0)
 * or by the CPE dictionary (cpe 1); loaded (document indexed) on first
 * use.  PLUMB_ENOENT when the href leads nowhere, PLUMB_ENOTSUP when
 * it is not OVAL definitions. */
int xccdf_oval_get(struct xccdf_content *c, const char *href, int cpe,
    struct xccdf_oval_comp **out, struct plumb_err *err);

#endif /* PLUMB_XCCDF_LOAD_H */
