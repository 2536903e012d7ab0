/*
 * probe_yamlfilecontent.c - yamlfilecontent_object (independent, OVAL
 * 5.11.3): the values a YAML path selects in YAML files (from fsobj) or
 * in the object's content entity.  Needs libyaml; a build without it
 * reports every such object as not collected.
 *
 * YAML path, the subset content in the field uses:
 *   [$] SEGMENT...   with SEGMENT one of
 *   .key  ['key']  ["key"]   the value of key in a mapping (a quoted key
 *                            may hold '.', '[', ']' and ',')
 *   ['a','b',...]            those keys of a mapping: a mapping of them
 *   [N]                      element N (from 0) of a sequence ("[]" is 0)
 *   [N,M,...]                those elements, in document order: a sequence
 *   [:]                      every element of a sequence: a sequence
 *   .*  [*]                  a mapping as a whole
 * The first segment may omit its dot ("server.port").  Anything else
 * (filters, slices, negative indexes) is an error in the object.  Every
 * document of a multi-document stream is searched.
 *
 * What the path selects becomes value records as the item schema says
 * and as the reference evaluator builds them: scalars (also those of a
 * selected sequence, and across documents) are "#" fields of one
 * record; a sequence inside that sequence is a record of its own; each
 * mapping is a record whose fields are named after its keys (upper case
 * letters written as '^' and the lower case letter, '^' as "^^"), a
 * sequence under a key giving one field per element.  Empty mappings and
 * sequences give no record.  What no record can hold is an error in the
 * object: a mapping inside a mapping, a sequence inside a sequence under
 * a key or three sequences deep, a mapping inside a sequence of
 * sequences, and scalars beside mappings in one selection.  Plain
 * scalars carry the datatype YAML 1.2's core schema gives them, field by
 * field (int in decimal, float as "%f", boolean as true/false); a null
 * is the string "(null)", which is what the reference evaluator reports.
 * Aliases are followed.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plumb/limits.h"
#include "plumb/probe.h"
#include "fsobj.h"

#ifdef HAVE_LIBYAML
#include <yaml.h>

#define YFC_FILE_CAP	(64UL * 1024 * 1024)	/* bytes read per file */
#define YFC_VALUE_CAP	100000		/* fields per item, nodes per step */
#define YFC_SEG_CAP	64		/* segments in a path */
#define YFC_DEPTH_CAP	64		/* nesting flattened into a record */
#define YFC_DOC_CAP	10000		/* documents in one stream */

/* Keys or indexes in one [...]: [limits] max_yaml_union (64). */
#define YFC_UNION_CAP	plumb_limits.yaml_union

enum yfc_kind {
	YFC_KEY,	/* one key, or a union of keys (nkey > 1) */
	YFC_INDEX,	/* one index, or a union of indexes (nidx > 1) */
	YFC_ALL,	/* [:] */
	YFC_MAP		/* .* or [*] */
};

struct yfc_seg {
	enum yfc_kind	 kind;
	char		**key;		/* nkey of them, grown */
	size_t		 nkey;
	unsigned long	*idx;		/* nidx of them, grown */
	size_t		 nidx;
};

struct yfc_path {
	struct yfc_seg	 seg[YFC_SEG_CAP];
	size_t		 n;
};

/*
 * The value records being built from the events of what the path
 * selects (sequence and mapping starts and ends, keys, scalars).
 */
struct yfc_build {
	struct oval_item	*it;		/* records go here */
	int			 open;		/* a record is open ... */
	struct oval_field	*rec;		/* ... made at its first field */
	int			 inner;		/* it is a nested sequence's */
	int			 seqdepth;	/* sequences open, no mapping */
	int			 inmap;		/* in a mapping's record */
	int			 mapseq;	/* sequences open in it */
	char			*key;		/* field name in the mapping */
	int			 scalars;	/* a "#" record was made */
	int			 maps;		/* a mapping record was made */
	size_t			 nfields;
};

struct yfc_ctx {
	const struct probe_req	*req;
	struct probe_result	*res;
	const char		*ypath;
	struct yfc_path		 path;
	const char		*what;		/* file path or "content" */
	struct yfc_build	 b;
	int			 full;		/* value cap reached */
	int			 bad;		/* object flagged error */
};

static void
yfc_path_clear(struct yfc_path *p)
{
	size_t i, k;

	for (i = 0; i < p->n; i++) {
		for (k = 0; k < p->seg[i].nkey; k++)
			free(p->seg[i].key[k]);
		free(p->seg[i].key);
		free(p->seg[i].idx);
	}
	p->n = 0;
}

/*
 * Append key k (taking it; freed on failure) or index v to sg.
 * Returns 0, PLUMB_EINVAL with msg set past YFC_UNION_CAP, or
 * PLUMB_ENOMEM.
 */
static int
yfc_seg_add(struct yfc_seg *sg, char *k, unsigned long v, char *msg,
    size_t len)
{
	size_t n = k != NULL ? sg->nkey : sg->nidx;
	void *nv;

	if (n == YFC_UNION_CAP) {
		free(k);
		snprintf(msg, len, "more than %u %s in one segment "
		    "([limits] max_yaml_union)", YFC_UNION_CAP,
		    k != NULL ? "keys" : "indexes");
		return PLUMB_EINVAL;
	}
	if (k != NULL) {
		if ((nv = reallocarray(sg->key, n + 1, sizeof(*sg->key))) ==
		    NULL) {
			free(k);
			return PLUMB_ENOMEM;
		}
		sg->key = nv;
		sg->key[sg->nkey++] = k;
	} else {
		if ((nv = reallocarray(sg->idx, n + 1, sizeof(*sg->idx))) ==
		    NULL)
			return PLUMB_ENOMEM;
		sg->idx = nv;
		sg->idx[sg->nidx++] = v;
	}
	return PLUMB_OK;
}

/*
 * Parse the inside of a bracket segment starting at s (just after '[')
 * into sg; *end is set past the ']'.  Returns 0, PLUMB_EINVAL with msg
 * set, or PLUMB_ENOMEM.
 */
static int
yfc_bracket(const char *s, struct yfc_seg *sg, const char **end, char *msg,
    size_t len)
{
	const char *q, *e;
	char *k;
	unsigned long v;
	int rc;

	if (*s == '\'' || *s == '"') {
		/* Quoted keys, separated by commas. */
		sg->kind = YFC_KEY;
		for (;;) {
			if ((*s != '\'' && *s != '"') ||
			    (e = strchr(s + 1, *s)) == NULL) {
				snprintf(msg, len, "a quoted key is not "
				    "closed or not quoted");
				return PLUMB_EINVAL;
			}
			if ((k = strndup(s + 1, (size_t)(e - s - 1))) ==
			    NULL)
				return PLUMB_ENOMEM;
			if ((rc = yfc_seg_add(sg, k, 0, msg, len)) != 0)
				return rc;
			s = e + 1;
			if (*s == ']') {
				*end = s + 1;
				return PLUMB_OK;
			}
			if (*s != ',') {
				snprintf(msg, len, "unexpected '%c' after "
				    "a quoted key", *s != '\0' ? *s : ' ');
				return PLUMB_EINVAL;
			}
			for (s++; *s == ' '; s++)
				;
		}
	}
	if ((e = strchr(s, ']')) == NULL) {
		snprintf(msg, len, "'[' without ']'");
		return PLUMB_EINVAL;
	}
	*end = e + 1;
	if (e - s == 1 && *s == '*') {
		sg->kind = YFC_MAP;
		return PLUMB_OK;
	}
	if (e - s == 1 && *s == ':') {
		sg->kind = YFC_ALL;
		return PLUMB_OK;
	}
	sg->kind = YFC_INDEX;
	if (e == s)		/* "[]" is the first element */
		return yfc_seg_add(sg, NULL, 0, msg, len);
	/* Indexes separated by commas, a space allowed after a comma. */
	for (q = s; q < e; q++) {
		if (*q == '-') {
			snprintf(msg, len, "negative index in '[%.*s]'",
			    (int)(e - s), s);
			return PLUMB_EINVAL;
		}
		if (*q < '0' || *q > '9') {
			snprintf(msg, len, "index '[%.*s]' is not a number, "
			    "a list of numbers, ':' or '*'", (int)(e - s), s);
			return PLUMB_EINVAL;
		}
		for (v = 0; q < e && *q >= '0' && *q <= '9'; q++) {
			if (v > 100000000UL) {
				snprintf(msg, len, "index too large in "
				    "'[%.*s]'", (int)(e - s), s);
				return PLUMB_EINVAL;
			}
			v = v * 10 + (unsigned long)(*q - '0');
		}
		if ((rc = yfc_seg_add(sg, NULL, v, msg, len)) != 0)
			return rc;
		if (q == e)
			break;
		if (*q != ',' || q + 1 == e) {
			snprintf(msg, len, "index '[%.*s]' is not a number, "
			    "a list of numbers, ':' or '*'", (int)(e - s), s);
			return PLUMB_EINVAL;
		}
		while (q + 1 < e && q[1] == ' ')
			q++;
	}
	return PLUMB_OK;
}

/*
 * Parse a YAML path into p.  Returns 0, PLUMB_EINVAL with msg set when
 * the path is not in the supported subset, or PLUMB_ENOMEM.
 */
static int
yfc_path_parse(const char *s, struct yfc_path *p, char *msg, size_t len)
{
	struct yfc_seg *sg;
	const char *e;
	char *k;
	int first = 1, rc;

	p->n = 0;
	if (*s == '\0') {
		snprintf(msg, len, "the path is empty");
		return PLUMB_EINVAL;
	}
	if (*s == '$')
		s++;
	while (*s != '\0') {
		if (p->n == YFC_SEG_CAP) {
			snprintf(msg, len, "more than %d segments",
			    YFC_SEG_CAP);
			return PLUMB_EINVAL;
		}
		/* Counted at once: the caller frees what it holds. */
		sg = &p->seg[p->n++];
		memset(sg, 0, sizeof(*sg));
		if (*s == '[') {
			if ((rc = yfc_bracket(s + 1, sg, &e, msg, len)) != 0)
				return rc;
			s = e;
		} else {
			if (*s == '.')
				s++;
			else if (!first) {
				snprintf(msg, len, "unexpected '%c'", *s);
				return PLUMB_EINVAL;
			}
			e = s + strcspn(s, ".[");
			if (e == s) {
				snprintf(msg, len, "a segment key is missing");
				return PLUMB_EINVAL;
			}
			if (e - s == 1 && *s == '*')
				sg->kind = YFC_MAP;
			else {
				sg->kind = YFC_KEY;
				if ((k = strndup(s, (size_t)(e - s))) == NULL)
					return PLUMB_ENOMEM;
				if ((rc = yfc_seg_add(sg, k, 0, msg, len)) != 0)
					return rc;
			}
			s = e;
		}
		first = 0;
	}
	return PLUMB_OK;
}

/* Is scalar node n the string s? */
static int
yfc_scalar_is(const yaml_node_t *n, const char *s)
{
	size_t len = strlen(s);

	return n != NULL && n->type == YAML_SCALAR_NODE &&
	    n->data.scalar.length == len &&
	    memcmp(n->data.scalar.value, s, len) == 0;
}

/*
 * A scalar's text and datatype: plain scalars are typed by YAML 1.2's
 * core schema, everything else is a string.  *out is malloc'd.
 */
static int
yfc_scalar(const yaml_node_t *n, char **out, enum oval_datatype *dt)
{
	const char *s = (const char *)n->data.scalar.value;
	size_t len = n->data.scalar.length;
	char buf[64], *end;
	long long ll;
	double d;
	int base = 10;

	*out = NULL;
	*dt = OVAL_DT_STRING;
	if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && len < 40 &&
	    memchr(s, '\0', len) == NULL) {
		memcpy(buf, s, len);
		buf[len] = '\0';
		if (len == 0 || strcmp(buf, "~") == 0 ||
		    strcmp(buf, "null") == 0 || strcmp(buf, "Null") == 0 ||
		    strcmp(buf, "NULL") == 0)
			return (*out = strdup("(null)")) ? 0 : PLUMB_ENOMEM;
		if (strcmp(buf, "true") == 0 || strcmp(buf, "True") == 0 ||
		    strcmp(buf, "TRUE") == 0 || strcmp(buf, "false") == 0 ||
		    strcmp(buf, "False") == 0 || strcmp(buf, "FALSE") == 0) {
			*dt = OVAL_DT_BOOLEAN;
			return (*out = strdup(buf[0] == 't' || buf[0] == 'T' ?
			    "true" : "false")) ? 0 : PLUMB_ENOMEM;
		}
		s = buf;
		if (strncmp(buf, "0x", 2) == 0 || strncmp(buf, "0o", 2) == 0) {
			base = buf[1] == 'x' ? 16 : 8;
			s = buf + 2;
		}
		if (*s != '\0' && *s != ' ' && (base == 10 ||
		    (*s != '-' && *s != '+'))) {
			errno = 0;
			ll = strtoll(s, &end, base);
			if (*end == '\0' && errno == 0) {
				*dt = OVAL_DT_INT;
				snprintf(buf, sizeof(buf), "%lld", ll);
				return (*out = strdup(buf)) ? 0 : PLUMB_ENOMEM;
			}
		}
		if (strspn(buf, "+-0123456789.eE") == len &&
		    strpbrk(buf, "0123456789") != NULL && base == 10) {
			d = strtod(buf, &end);
			if (*end == '\0') {
				*dt = OVAL_DT_FLOAT;
				snprintf(buf, sizeof(buf), "%f", d);
				return (*out = strdup(buf)) ? 0 : PLUMB_ENOMEM;
			}
		}
		s = (const char *)n->data.scalar.value;
	}
	return (*out = strndup(s, len)) ? 0 : PLUMB_ENOMEM;
}

/* A field name for a mapping key: '^' escapes upper case and itself. */
static char *
yfc_key_name(const yaml_node_t *k)
{
	const unsigned char *s = k->data.scalar.value;
	size_t i, j, len = k->data.scalar.length;
	char *out;

	if ((out = malloc(2 * len + 1)) == NULL)
		return NULL;
	for (i = j = 0; i < len; i++) {
		if (s[i] >= 'A' && s[i] <= 'Z') {
			out[j++] = '^';
			out[j++] = (char)(s[i] - 'A' + 'a');
		} else if (s[i] == '^') {
			out[j++] = '^';
			out[j++] = '^';
		} else
			out[j++] = (char)s[i];
	}
	out[j] = '\0';
	return out;
}

/* Flag the object in error (once) for a structure no record can hold. */
static int
yfc_shape(struct yfc_ctx *c, const char *why)
{
	if (!c->bad)
		probe_flag(c->res, OVAL_FLAG_ERROR, "%s: YAML path '%s' "
		    "selects %s, which no value record can hold", c->what,
		    c->ypath, why);
	c->bad = 1;
	return PLUMB_OK;
}

/* Close the open record, if any. */
static void
yfc_close(struct yfc_build *b)
{
	b->open = 0;
	b->rec = NULL;
	b->inner = 0;
}

/* Add field name = v (datatype dt) to the open record, making the
 * record on its first field. */
static int
yfc_field(struct yfc_ctx *c, const char *name, enum oval_datatype dt,
    const char *v)
{
	struct yfc_build *b = &c->b;

	if (b->nfields >= YFC_VALUE_CAP) {
		c->full = 1;
		return PLUMB_OK;
	}
	if (b->rec == NULL &&
	    (b->rec = oval_item_add_record(b->it, "value")) == NULL)
		return PLUMB_ENOMEM;
	b->nfields++;
	return oval_field_add(b->rec, name, dt, v);
}

static int
yfc_seq_start(struct yfc_ctx *c)
{
	struct yfc_build *b = &c->b;

	if (b->inmap) {
		if (b->mapseq++ >= 1)
			return yfc_shape(c, "a sequence inside a sequence "
			    "under a key");
		return PLUMB_OK;
	}
	if (++b->seqdepth >= 3)
		return yfc_shape(c, "sequences three deep");
	if (b->seqdepth == 2) {
		/* A sequence in a sequence: a record of its own. */
		yfc_close(b);
		b->open = b->inner = 1;
	}
	return PLUMB_OK;
}

static void
yfc_seq_end(struct yfc_ctx *c)
{
	struct yfc_build *b = &c->b;

	if (b->inmap) {
		b->mapseq--;
		return;
	}
	if (b->seqdepth-- == 2)
		yfc_close(b);
}

static int
yfc_map_start(struct yfc_ctx *c)
{
	struct yfc_build *b = &c->b;

	if (b->inmap)
		return yfc_shape(c, "a mapping inside a mapping");
	if (b->open && b->inner)
		return yfc_shape(c, "a mapping inside a sequence of "
		    "sequences");
	if (b->scalars)
		return yfc_shape(c, "scalars beside a mapping");
	yfc_close(b);
	b->open = b->inmap = b->maps = 1;
	b->mapseq = 0;
	return PLUMB_OK;
}

static void
yfc_map_end(struct yfc_ctx *c)
{
	struct yfc_build *b = &c->b;

	b->inmap = 0;
	free(b->key);
	b->key = NULL;
	yfc_close(b);
}

/* A scalar: a field of the mapping's record under the current key, or
 * a "#" field. */
static int
yfc_scalar_event(struct yfc_ctx *c, const yaml_node_t *n)
{
	struct yfc_build *b = &c->b;
	enum oval_datatype dt;
	char *s;
	int rc;

	if (b->inmap && b->key == NULL)
		return PLUMB_OK;
	if (!b->inmap && !b->inner) {
		if (b->maps)
			return yfc_shape(c, "scalars beside a mapping");
		b->scalars = 1;
	}
	if (!b->open)
		b->open = 1;
	if ((rc = yfc_scalar(n, &s, &dt)) != 0)
		return rc;
	rc = yfc_field(c, b->inmap ? b->key : "#", dt, s);
	free(s);
	return rc;
}

/* Set the field name for what follows in the mapping to key node k. */
static int
yfc_key_event(struct yfc_ctx *c, const yaml_node_t *k)
{
	free(c->b.key);
	c->b.key = NULL;
	if (k == NULL || k->type != YAML_SCALAR_NODE)
		return PLUMB_OK;	/* no field name: values are skipped */
	return (c->b.key = yfc_key_name(k)) != NULL ? PLUMB_OK :
	    PLUMB_ENOMEM;
}

/* The events of node n and everything under it. */
static int
yfc_emit(struct yfc_ctx *c, yaml_document_t *doc, yaml_node_t *n,
    int depth)
{
	yaml_node_item_t *ip;
	yaml_node_pair_t *pr;
	yaml_node_t *v;
	int rc = PLUMB_OK;

	if (c->full || c->bad)
		return PLUMB_OK;
	if (depth > YFC_DEPTH_CAP) {
		c->full = 1;
		return PLUMB_OK;
	}
	switch (n->type) {
	case YAML_SCALAR_NODE:
		return yfc_scalar_event(c, n);
	case YAML_SEQUENCE_NODE:
		if ((rc = yfc_seq_start(c)) != 0 || c->bad)
			return rc;
		for (ip = n->data.sequence.items.start;
		    ip < n->data.sequence.items.top && rc == 0 && !c->bad;
		    ip++)
			if ((v = yaml_document_get_node(doc, *ip)) != NULL)
				rc = yfc_emit(c, doc, v, depth + 1);
		yfc_seq_end(c);
		return rc;
	case YAML_MAPPING_NODE:
		if ((rc = yfc_map_start(c)) != 0 || c->bad)
			return rc;
		for (pr = n->data.mapping.pairs.start;
		    pr < n->data.mapping.pairs.top && rc == 0 && !c->bad;
		    pr++) {
			if ((v = yaml_document_get_node(doc, pr->value)) ==
			    NULL)
				continue;
			if ((rc = yfc_key_event(c, yaml_document_get_node(doc,
			    pr->key))) == 0)
				rc = yfc_emit(c, doc, v, depth + 1);
		}
		yfc_map_end(c);
		return rc;
	default:
		return PLUMB_OK;
	}
}

/* Is key node k one of the segment's keys? */
static int
yfc_key_in(const yaml_node_t *k, const struct yfc_seg *sg)
{
	size_t i;

	for (i = 0; i < sg->nkey; i++)
		if (yfc_scalar_is(k, sg->key[i]))
			return 1;
	return 0;
}

/* Is index i one of the segment's indexes? */
static int
yfc_index_in(unsigned long i, const struct yfc_seg *sg)
{
	size_t k;

	for (k = 0; k < sg->nidx; k++)
		if (sg->idx[k] == i)
			return 1;
	return 0;
}

/*
 * Apply the path from segment si on to node n, emitting the events of
 * what it selects; [:] and index unions select a sequence of their
 * elements, key unions a mapping of their keys, in document order.
 */
static int
yfc_eval(struct yfc_ctx *c, yaml_document_t *doc, yaml_node_t *n, size_t si,
    int depth)
{
	const struct yfc_seg *sg;
	yaml_node_pair_t *pr;
	yaml_node_item_t *ip;
	yaml_node_t *k, *v;
	unsigned long i;
	int rc = PLUMB_OK, wrap;

	if (c->full || c->bad)
		return PLUMB_OK;
	if (si == c->path.n)
		return yfc_emit(c, doc, n, depth);
	if (depth > YFC_DEPTH_CAP) {
		c->full = 1;
		return PLUMB_OK;
	}
	sg = &c->path.seg[si];
	switch (sg->kind) {
	case YFC_KEY:
		if (n->type != YAML_MAPPING_NODE)
			return PLUMB_OK;
		wrap = sg->nkey > 1;
		if (wrap && ((rc = yfc_map_start(c)) != 0 || c->bad))
			return rc;
		for (pr = n->data.mapping.pairs.start;
		    pr < n->data.mapping.pairs.top && rc == 0 && !c->bad;
		    pr++) {
			k = yaml_document_get_node(doc, pr->key);
			if (!yfc_key_in(k, sg) ||
			    (v = yaml_document_get_node(doc, pr->value)) ==
			    NULL)
				continue;
			if (wrap && (rc = yfc_key_event(c, k)) != 0)
				break;
			rc = yfc_eval(c, doc, v, si + 1, depth + 1);
		}
		if (wrap)
			yfc_map_end(c);
		return rc;
	case YFC_INDEX:
	case YFC_ALL:
		if (n->type != YAML_SEQUENCE_NODE)
			return PLUMB_OK;
		wrap = sg->kind == YFC_ALL || sg->nidx > 1;
		if (wrap && ((rc = yfc_seq_start(c)) != 0 || c->bad))
			return rc;
		for (ip = n->data.sequence.items.start, i = 0;
		    ip < n->data.sequence.items.top && rc == 0 && !c->bad;
		    ip++, i++) {
			if ((sg->kind == YFC_INDEX && !yfc_index_in(i, sg)) ||
			    (v = yaml_document_get_node(doc, *ip)) == NULL)
				continue;
			rc = yfc_eval(c, doc, v, si + 1, depth + 1);
		}
		if (wrap)
			yfc_seq_end(c);
		return rc;
	case YFC_MAP:
		if (n->type != YAML_MAPPING_NODE)
			return PLUMB_OK;
		return yfc_eval(c, doc, n, si + 1, depth + 1);
	}
	return PLUMB_OK;
}

/*
 * Evaluate the path on one document and append the value records of
 * what it selects to the item being built (records may continue from
 * the previous document).
 */
static int
yfc_document(struct yfc_ctx *c, yaml_document_t *doc)
{
	yaml_node_t *root;

	if ((root = yaml_document_get_root_node(doc)) == NULL)
		return PLUMB_OK;
	return yfc_eval(c, doc, root, 0, 0);
}

/*
 * Parse a YAML stream (buf, len) and add one item for it when the path
 * selects something in any of its documents.  it holds the fields that
 * precede the value records and is consumed.
 */
static int
yfc_stream(struct yfc_ctx *c, const char *buf, size_t len,
    struct oval_item *it)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	size_t ndoc, before;
	int rc = PLUMB_OK, done = 0;

	if (!yaml_parser_initialize(&parser)) {
		oval_item_unref(it);
		return PLUMB_ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf,
	    len);
	before = it->nfields;
	c->bad = 0;
	c->full = 0;
	free(c->b.key);
	memset(&c->b, 0, sizeof(c->b));
	c->b.it = it;
	for (ndoc = 0; !done && rc == 0 && !c->bad; ndoc++) {
		if (ndoc == YFC_DOC_CAP) {
			c->full = 1;
			break;
		}
		if (!yaml_parser_load(&parser, &doc)) {
			if (parser.error == YAML_MEMORY_ERROR) {
				rc = PLUMB_ENOMEM;
				break;
			}
			probe_flag(c->res, OVAL_FLAG_ERROR,
			    "%s:%lu: YAML parse error: %s", c->what,
			    (unsigned long)parser.problem_mark.line + 1,
			    parser.problem ? parser.problem : "unknown");
			c->bad = 1;
			break;
		}
		if (yaml_document_get_root_node(&doc) == NULL)
			done = 1;	/* end of the stream */
		else
			rc = yfc_document(c, &doc);
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	if (c->full && c->res->flag == OVAL_FLAG_COMPLETE)
		probe_flag(c->res, OVAL_FLAG_INCOMPLETE,
		    "%s: YAML path '%s' selects more than %d values",
		    c->what, c->ypath, YFC_VALUE_CAP);
	if (rc == 0 && !c->bad && it->nfields > before) {
		rc = probe_emit(c->res, it);
		it = NULL;
	}
	oval_item_unref(it);
	return rc;
}

/* One file from fsobj. */
static int
yfc_file(const struct fsobj_file *f, void *arg)
{
	struct yfc_ctx *c = arg;
	struct oval_item *it = NULL;
	char *buf = NULL;
	size_t len;
	int rc;

	if ((rc = fsobj_read_content(c->req, c->res, f, YFC_FILE_CAP, 0,
	    &buf, &len)) <= 0)
		return rc;
	c->what = f->filepath;
	rc = PLUMB_ENOMEM;
	if ((it = oval_item_new(OVAL_NS_SC_IND, "yamlfilecontent_item")) ==
	    NULL ||
	    oval_item_add(it, "filepath", OVAL_DT_STRING, f->filepath) != 0 ||
	    oval_item_add(it, "path", OVAL_DT_STRING, f->path) != 0 ||
	    oval_item_add(it, "filename", OVAL_DT_STRING, f->filename) != 0 ||
	    oval_item_add(it, "yamlpath", OVAL_DT_STRING, c->ypath) != 0) {
		oval_item_unref(it);
		goto out;
	}
	rc = yfc_stream(c, buf, len, it);
out:
	free(buf);
	return rc;
}

/* The documents given inline by the content entity. */
static int
yfc_content(struct yfc_ctx *c, const struct probe_ent *content)
{
	struct oval_item *it;
	size_t i;
	int rc = PLUMB_OK;

	c->what = "content";
	for (i = 0; i < content->vals->n && rc == 0; i++) {
		if ((it = oval_item_new(OVAL_NS_SC_IND,
		    "yamlfilecontent_item")) == NULL)
			return PLUMB_ENOMEM;
		if (oval_item_add(it, "content", OVAL_DT_STRING,
		    content->vals->v[i]) != 0 ||
		    oval_item_add(it, "yamlpath", OVAL_DT_STRING,
		    c->ypath) != 0) {
			oval_item_unref(it);
			return PLUMB_ENOMEM;
		}
		rc = yfc_stream(c, content->vals->v[i],
		    strlen(content->vals->v[i]), it);
	}
	return rc;
}

static int
yfc_collect(const struct probe_req *req, struct probe_result *res)
{
	const struct probe_ent *yp;
	const struct probe_ent *content = probe_req_ent(req, "content");
	struct yfc_ctx c;
	char msg[200];
	size_t i;
	int rc = PLUMB_OK;

	memset(&c, 0, sizeof(c));
	c.req = req;
	c.res = res;
	if ((yp = probe_req_need(req, res, "yamlpath", OVAL_OP_EQUALS)) == NULL)
		return PLUMB_OK;
	for (i = 0; i < yp->vals->n && rc == 0; i++) {
		c.ypath = yp->vals->v[i];
		msg[0] = '\0';
		rc = yfc_path_parse(c.ypath, &c.path, msg, sizeof(msg));
		if (rc == PLUMB_EINVAL) {
			yfc_path_clear(&c.path);
			rc = probe_flag(res, OVAL_FLAG_ERROR,
			    "invalid YAML path '%s': %s", c.ypath, msg);
			break;
		}
		if (rc == 0) {
			if (content != NULL && !content->nil)
				rc = yfc_content(&c, content);
			else
				rc = fsobj_walk(req, res, yfc_file, &c);
		}
		yfc_path_clear(&c.path);
	}
	free(c.b.key);
	return rc;
}
#else /* !HAVE_LIBYAML */
static int
yfc_collect(const struct probe_req *req, struct probe_result *res)
{
	(void)req;
	return probe_flag(res, OVAL_FLAG_NOT_COLLECTED,
	    "this build of plumb has no YAML support (libyaml)");
}
#endif /* HAVE_LIBYAML */

const struct probe_ops probe_yamlfilecontent_ops = {
	.type = "yamlfilecontent_object",
	.family = "independent",
	.collect = yfc_collect,
};
