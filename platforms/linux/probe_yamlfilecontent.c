/*
 * probe_yamlfilecontent.c - yamlfilecontent_object (independent, OVAL
 * 5.11.3): the values a YAML path selects in YAML files (from fsobj) or
 * in the object's content entity.  Needs libyaml; a build without it
 * reports every such object as not collected.
 *
 * YAML path, the subset content in the field uses:
 *   [$] SEGMENT...   with SEGMENT one of
 *   .key  ['key']  ["key"]   the value of key in a mapping
 *   [N]                      element N (from 0) of a sequence ("[]" is 0)
 *   [:]                      every element of a sequence
 *   .*  [*]                  a mapping as a whole
 * The first segment may omit its dot ("server.port").  Anything else
 * (filters, slices, negative indexes) is an error in the object.  Every
 * document of a multi-document stream is searched.
 *
 * What the path selects becomes value records as the item schema says:
 * scalars, and the scalars of sequences (flattened), are "#" fields of
 * one record; each mapping is a record of its own whose fields are
 * named after its keys (upper case letters written as '^' and the lower
 * case letter, '^' as "^^").  A mapping inside a mapping cannot be a
 * record field: the object is then in error.  Plain scalars carry the
 * datatype YAML 1.2's core schema gives them (int in decimal, float as
 * "%f", boolean as true/false); a null is the string "(null)", which is
 * what the reference evaluator reports.  Aliases are followed.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plumb/probe.h"
#include "fsobj.h"

#ifdef HAVE_LIBYAML
#include <yaml.h>

#define YFC_FILE_CAP	(64UL * 1024 * 1024)	/* bytes read per file */
#define YFC_VALUE_CAP	100000		/* fields per item, nodes per step */
#define YFC_SEG_CAP	64		/* segments in a path */
#define YFC_DEPTH_CAP	64		/* nesting flattened into a record */
#define YFC_DOC_CAP	10000		/* documents in one stream */

enum yfc_kind {
	YFC_KEY,
	YFC_INDEX,
	YFC_ALL,	/* [:] */
	YFC_MAP		/* .* or [*] */
};

struct yfc_seg {
	enum yfc_kind	 kind;
	char		*key;
	unsigned long	 idx;
};

struct yfc_path {
	struct yfc_seg	 seg[YFC_SEG_CAP];
	size_t		 n;
};

/* A growable list of node pointers into one document. */
struct yfc_nodes {
	yaml_node_t	**v;
	size_t		  n;
	size_t		  cap;
};

struct yfc_ctx {
	const struct probe_req	*req;
	struct probe_result	*res;
	const char		*ypath;
	struct yfc_path		 path;
	const char		*what;		/* file path or "content" */
	struct oval_values	 hash;		/* scalars for the "#" record */
	struct yfc_nodes	 maps;		/* mappings, one record each */
	int			 full;		/* value cap reached */
	int			 bad;		/* object flagged error */
};

static void
yfc_path_clear(struct yfc_path *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->seg[i].key);
	p->n = 0;
}

/*
 * Parse a YAML path into p.  Returns 0, PLUMB_EINVAL with msg set when
 * the path is not in the supported subset, or PLUMB_ENOMEM.
 */
static int
yfc_path_parse(const char *s, struct yfc_path *p, char *msg, size_t len)
{
	struct yfc_seg *sg;
	const char *e, *q;
	int first = 1;

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
		sg = &p->seg[p->n];
		memset(sg, 0, sizeof(*sg));
		if (*s == '[') {
			if ((e = strchr(s, ']')) == NULL) {
				snprintf(msg, len, "'[' without ']'");
				return PLUMB_EINVAL;
			}
			q = s + 1;
			if (e - q == 1 && *q == '*')
				sg->kind = YFC_MAP;
			else if (e - q == 1 && *q == ':')
				sg->kind = YFC_ALL;
			else if (e - q >= 2 && (*q == '\'' || *q == '"') &&
			    e[-1] == *q) {
				sg->kind = YFC_KEY;
				if ((sg->key = strndup(q + 1,
				    (size_t)(e - q - 2))) == NULL)
					return PLUMB_ENOMEM;
			} else {
				sg->kind = YFC_INDEX;
				while (q < e && *q == ' ')
					q++;
				if (q < e && *q == '-') {
					snprintf(msg, len,
					    "negative index in '%.*s'",
					    (int)(e - s + 1), s);
					return PLUMB_EINVAL;
				}
				for (; q < e; q++) {
					if (*q < '0' || *q > '9' ||
					    sg->idx > 100000000UL) {
						snprintf(msg, len, "index '%.*s'"
						    " is not a number, ':' or "
						    "'*'", (int)(e - s + 1), s);
						return PLUMB_EINVAL;
					}
					sg->idx = sg->idx * 10 +
					    (unsigned long)(*q - '0');
				}
			}
			s = e + 1;
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
				if ((sg->key = strndup(s, (size_t)(e - s))) ==
				    NULL)
					return PLUMB_ENOMEM;
			}
			s = e;
		}
		p->n++;
		first = 0;
	}
	return PLUMB_OK;
}

static int
yfc_nodes_add(struct yfc_nodes *l, yaml_node_t *n)
{
	yaml_node_t **nv;
	size_t ncap;

	if (l->n == l->cap) {
		ncap = l->cap ? l->cap * 2 : 16;
		if ((nv = reallocarray(l->v, ncap, sizeof(*nv))) == NULL)
			return PLUMB_ENOMEM;
		l->v = nv;
		l->cap = ncap;
	}
	l->v[l->n++] = n;
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

/* Apply one segment to every node of in, appending to out. */
static int
yfc_step(struct yfc_ctx *c, yaml_document_t *doc, const struct yfc_seg *sg,
    const struct yfc_nodes *in, struct yfc_nodes *out)
{
	yaml_node_pair_t *pr;
	yaml_node_item_t *ip;
	yaml_node_t *n, *v;
	size_t i;
	int rc;

	for (i = 0; i < in->n; i++) {
		n = in->v[i];
		if (sg->kind == YFC_KEY && n->type == YAML_MAPPING_NODE) {
			for (pr = n->data.mapping.pairs.start;
			    pr < n->data.mapping.pairs.top; pr++) {
				if (!yfc_scalar_is(yaml_document_get_node(doc,
				    pr->key), sg->key) ||
				    (v = yaml_document_get_node(doc,
				    pr->value)) == NULL)
					continue;
				if ((rc = yfc_nodes_add(out, v)) != 0)
					return rc;
			}
		} else if (sg->kind == YFC_INDEX &&
		    n->type == YAML_SEQUENCE_NODE) {
			ip = n->data.sequence.items.start;
			if (sg->idx < (unsigned long)(n->data.sequence.items.top -
			    ip) && (v = yaml_document_get_node(doc,
			    ip[sg->idx])) != NULL &&
			    (rc = yfc_nodes_add(out, v)) != 0)
				return rc;
		} else if (sg->kind == YFC_ALL &&
		    n->type == YAML_SEQUENCE_NODE) {
			for (ip = n->data.sequence.items.start;
			    ip < n->data.sequence.items.top; ip++) {
				if ((v = yaml_document_get_node(doc, *ip)) ==
				    NULL)
					continue;
				if ((rc = yfc_nodes_add(out, v)) != 0)
					return rc;
			}
		} else if (sg->kind == YFC_MAP &&
		    n->type == YAML_MAPPING_NODE) {
			if ((rc = yfc_nodes_add(out, n)) != 0)
				return rc;
		}
		if (out->n > YFC_VALUE_CAP) {
			c->full = 1;
			out->n = YFC_VALUE_CAP;
			break;
		}
	}
	return PLUMB_OK;
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
yfc_multidim(struct yfc_ctx *c)
{
	if (!c->bad)
		probe_flag(c->res, OVAL_FLAG_ERROR, "%s: YAML path '%s' "
		    "selects a mapping inside a mapping, which no value "
		    "record can hold", c->what, c->ypath);
	c->bad = 1;
	return PLUMB_OK;
}

/*
 * Sort node n into the "#" scalars or the list of mappings, flattening
 * sequences.
 */
static int
yfc_collect_node(struct yfc_ctx *c, yaml_document_t *doc, yaml_node_t *n,
    int depth)
{
	yaml_node_item_t *ip;
	yaml_node_t *v;
	enum oval_datatype dt;
	char *s;
	int rc;

	if (c->full || c->bad)
		return PLUMB_OK;
	if (depth > YFC_DEPTH_CAP || c->hash.n + c->maps.n >= YFC_VALUE_CAP) {
		c->full = 1;
		return PLUMB_OK;
	}
	switch (n->type) {
	case YAML_SCALAR_NODE:
		if ((rc = yfc_scalar(n, &s, &dt)) != 0)
			return rc;
		if (c->hash.n == 0)
			c->hash.dt = dt;
		else if (c->hash.dt != dt)
			c->hash.dt = OVAL_DT__COUNT;	/* mixed */
		return oval_values_take(&c->hash, s);
	case YAML_SEQUENCE_NODE:
		for (ip = n->data.sequence.items.start;
		    ip < n->data.sequence.items.top; ip++) {
			if ((v = yaml_document_get_node(doc, *ip)) == NULL)
				continue;
			if ((rc = yfc_collect_node(c, doc, v, depth + 1)) != 0)
				return rc;
		}
		return PLUMB_OK;
	case YAML_MAPPING_NODE:
		return yfc_nodes_add(&c->maps, n);
	default:
		return PLUMB_OK;
	}
}

/* Add the scalars under node v (a mapping's value) to record rec as
 * fields called name; *nf counts the fields. */
static int
yfc_record_value(struct yfc_ctx *c, yaml_document_t *doc,
    struct oval_field *rec, const char *name, yaml_node_t *v, int depth,
    size_t *nf)
{
	yaml_node_item_t *ip;
	yaml_node_t *w;
	enum oval_datatype dt;
	char *s;
	int rc;

	if (depth > YFC_DEPTH_CAP || *nf >= YFC_VALUE_CAP) {
		c->full = 1;
		return PLUMB_OK;
	}
	switch (v->type) {
	case YAML_SCALAR_NODE:
		if ((rc = yfc_scalar(v, &s, &dt)) != 0)
			return rc;
		rc = oval_field_add(rec, name, dt, s);
		free(s);
		(*nf)++;
		return rc;
	case YAML_SEQUENCE_NODE:
		for (ip = v->data.sequence.items.start;
		    ip < v->data.sequence.items.top && !c->bad; ip++) {
			if ((w = yaml_document_get_node(doc, *ip)) == NULL)
				continue;
			if ((rc = yfc_record_value(c, doc, rec, name, w,
			    depth + 1, nf)) != 0)
				return rc;
		}
		return PLUMB_OK;
	case YAML_MAPPING_NODE:
		return yfc_multidim(c);
	default:
		return PLUMB_OK;
	}
}

/* The value records for what was collected, appended to it. */
static int
yfc_records(struct yfc_ctx *c, yaml_document_t *doc, struct oval_item *it)
{
	struct oval_field *rec;
	yaml_node_pair_t *pr;
	yaml_node_t *k, *v;
	size_t i, nf;
	char *name;
	int rc;

	if (c->hash.n > 0) {
		if ((rec = oval_item_add_record(it, "value")) == NULL)
			return PLUMB_ENOMEM;
		for (i = 0; i < c->hash.n; i++) {
			if ((rc = oval_field_add(rec, "#", c->hash.dt ==
			    OVAL_DT__COUNT ? OVAL_DT_STRING : c->hash.dt,
			    c->hash.v[i])) != 0)
				return rc;
		}
	}
	for (i = 0; i < c->maps.n && !c->bad; i++) {
		if ((rec = oval_item_add_record(it, "value")) == NULL)
			return PLUMB_ENOMEM;
		nf = 0;
		for (pr = c->maps.v[i]->data.mapping.pairs.start;
		    pr < c->maps.v[i]->data.mapping.pairs.top && !c->bad;
		    pr++) {
			k = yaml_document_get_node(doc, pr->key);
			v = yaml_document_get_node(doc, pr->value);
			if (k == NULL || v == NULL ||
			    k->type != YAML_SCALAR_NODE)
				continue;
			if ((name = yfc_key_name(k)) == NULL)
				return PLUMB_ENOMEM;
			rc = yfc_record_value(c, doc, rec, name, v, 0, &nf);
			free(name);
			if (rc != 0)
				return rc;
		}
	}
	return PLUMB_OK;
}

/*
 * Evaluate the path on one document and append the value records of
 * what it selects to it.
 */
static int
yfc_document(struct yfc_ctx *c, yaml_document_t *doc, struct oval_item *it)
{
	struct yfc_nodes a, b, t;
	yaml_node_t *root;
	size_t i;
	int rc;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	if ((root = yaml_document_get_root_node(doc)) == NULL)
		return PLUMB_OK;
	if ((rc = yfc_nodes_add(&a, root)) != 0)
		goto out;
	for (i = 0; i < c->path.n && a.n > 0; i++) {
		b.n = 0;
		if ((rc = yfc_step(c, doc, &c->path.seg[i], &a, &b)) != 0)
			goto out;
		t = a;
		a = b;
		b = t;
	}
	oval_values_clear(&c->hash);
	c->maps.n = 0;
	for (i = 0; i < a.n && !c->bad; i++)
		if ((rc = yfc_collect_node(c, doc, a.v[i], 0)) != 0)
			goto out;
	if (!c->bad)
		rc = yfc_records(c, doc, it);
out:
	free(a.v);
	free(b.v);
	return rc;
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
			rc = yfc_document(c, &doc, it);
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
	const struct probe_ent *yp = probe_req_ent(req, "yamlpath");
	const struct probe_ent *content = probe_req_ent(req, "content");
	struct yfc_ctx c;
	char msg[200];
	size_t i;
	int rc = PLUMB_OK;

	memset(&c, 0, sizeof(c));
	c.req = req;
	c.res = res;
	oval_values_init(&c.hash, OVAL_DT_STRING);
	if (yp == NULL || yp->nil || yp->vals->n == 0)
		return probe_flag(res, OVAL_FLAG_ERROR,
		    "yamlfilecontent_object without yamlpath");
	if (yp->op != OVAL_OP_EQUALS)
		return probe_flag(res, OVAL_FLAG_ERROR,
		    "yamlpath needs operation 'equals', not '%s'",
		    oval_operation_name(yp->op));
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
	oval_values_clear(&c.hash);
	free(c.maps.v);
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
