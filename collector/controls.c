/*
 * controls.c - the ISMS control set (controls.h): reading the INI file,
 * mapping rule results onto target controls, the per-scan control
 * rollups made as bundles are stored, and the fleet's compliance per
 * control replayed from those rollups, baseline by baseline.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>
#include <jansson.h>

#include "plumb/error.h"
#include "api.h"
#include "controls.h"
#include "store.h"
#include "waivers.h"

#define CONTROLS_SEC_MAX	256	/* a section header's text */
#define CONTROLS_CACHE_BUCKETS	4096	/* fleet rule lists merged */
#define CONTROLS_ROLL_CHUNK	64	/* rollup rows per INSERT */
#define CONTROLS_TRACK_ALL	(-2)	/* run.track: every control (cache) */
#define CONTROLS_PAGE		5000	/* bundles a replay query (cache) */
#define CONTROLS_CATCHUP	1000	/* bundles applied a query (cache) */
#define CONTROLS_RETRY_S	5	/* Retry-After while building */
#define CONTROLS_WFP_MAX	128	/* waiver fingerprint text */
#define CONTROLS_STR_(x)	#x
#define CONTROLS_STR(x)		CONTROLS_STR_(x)

enum controls_fwrole { CONTROLS_FW_UNSET, CONTROLS_FW_TARGET,
    CONTROLS_FW_SOURCE };

struct controls_fw {
	char *name, *title, *href;
	int role;
	int line;
};

struct controls_ctl {
	struct controls_control pub;
	char *framework, *id, *title;
	int line;
};

/* A target named by a map key, resolved once the whole file is read. */
struct controls_pending {
	char *framework, *id;
	int line;
};

struct controls_mapent {
	struct controls_map pub;
	char *framework, *value;
	struct controls_pending *pend;
	size_t npend;
	size_t *targets;
	size_t ntargets;
	int line;
};

/* Sort key over controls or maps: (framework, value) -> index. */
struct controls_key {
	const char *fw, *val;
	size_t idx;
};

struct controls {
	char *path;
	struct controls_fw *fw;
	size_t nfw;
	struct controls_ctl *ctl;
	size_t nctl;
	struct controls_mapent *map;
	size_t nmap;
	struct controls_key *ctlkey;	/* sorted */
	struct controls_key *mapkey;	/* sorted */
	uint64_t digest;		/* FNV-1a of the file's bytes: which
					 * control set made a rollup */
};

/* inih state while reading. */
struct controls_parse {
	struct controls *c;
	struct plumb_err *err;
	FILE *f;
	int line;
	int failed;
	/* inih cuts section names at 49 bytes (its MAX_SECTION), shorter
	 * than rule ids: the reader keeps the whole header line itself. */
	char rawsec[CONTROLS_SEC_MAX];	/* last header read, whole */
	int rawline;			/* its line */
	int cursecline;			/* line of the section in use */
	int kind;			/* 0 fw, 1 control, 2 map */
	size_t cur;			/* index in its array */
	size_t capfw, capctl, capmap;	/* allocated entries */
};

/* Grow *v (elements of sz) to hold n + 1; 0 or -1. */
static int
controls_grow(void **v, size_t *cap, size_t n, size_t sz)
{
	void *nv;
	size_t ncap;

	if (n < *cap)
		return 0;
	ncap = *cap == 0 ? 16 : *cap * 2;
	if ((nv = realloc(*v, ncap * sz)) == NULL)
		return -1;
	*v = nv;
	*cap = ncap;
	return 0;
}

static int
controls_fail(struct controls_parse *cp, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Record the first failure as "FILE:LINE: why"; returns 0 for inih. */
static int
controls_fail(struct controls_parse *cp, int line, const char *fmt, ...)
{
	char why[PLUMB_ERR_MSG_MAX];
	va_list ap;

	if (cp->failed)
		return 0;
	cp->failed = 1;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	plumb_err_set(cp->err, PLUMB_EPARSE, "%s:%d: %s", cp->c->path, line,
	    why);
	return 0;
}

/* Trim spaces at both ends of s in place; returns s. */
static char *
controls_trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static struct controls_fw *
controls_fw_find(const struct controls *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nfw; i++)
		if (strcmp(c->fw[i].name, name) == 0)
			return &c->fw[i];
	return NULL;
}

/* Start a new section "KIND FRAMEWORK [ID]": add its entry. */
static int
controls_section(struct controls_parse *cp, const char *sec)
{
	int line = cp->rawline;
	struct controls *c = cp->c;
	char buf[CONTROLS_SEC_MAX], *kind, *fw, *id, *sp;
	size_t i;

	if (strlen(sec) >= sizeof(buf))
		return controls_fail(cp, line, "[%.40s...]: section name "
		    "too long", sec);
	snprintf(buf, sizeof(buf), "%s", sec);
	kind = controls_trim(buf);
	if ((sp = strchr(kind, ' ')) == NULL)
		return controls_fail(cp, line, "[%s]: expected "
		    "[framework NAME], [control FRAMEWORK ID] or "
		    "[map FRAMEWORK ID]", sec);
	*sp = '\0';
	fw = controls_trim(sp + 1);
	id = NULL;
	if ((sp = strchr(fw, ' ')) != NULL) {
		*sp = '\0';
		id = controls_trim(sp + 1);
	}
	if (strcmp(kind, "framework") == 0) {
		if (id != NULL)
			return controls_fail(cp, line, "[%s]: a framework "
			    "name is one word", sec);
		if (controls_fw_find(c, fw) != NULL)
			return controls_fail(cp, line, "[%s]: framework "
			    "declared twice", sec);
		if (controls_grow((void **)&c->fw, &cp->capfw, c->nfw,
		    sizeof(*c->fw)) != 0)
			goto nomem;
		memset(&c->fw[c->nfw], 0, sizeof(*c->fw));
		if ((c->fw[c->nfw].name = strdup(fw)) == NULL)
			goto nomem;
		c->fw[c->nfw].line = line;
		cp->kind = 0;
		cp->cur = c->nfw++;
		return 1;
	}
	if (id == NULL || *id == '\0')
		return controls_fail(cp, line, "[%s]: missing the id after "
		    "the framework", sec);
	if (strcmp(kind, "control") == 0) {
		for (i = 0; i < c->nctl; i++)
			if (strcmp(c->ctl[i].framework, fw) == 0 &&
			    strcmp(c->ctl[i].id, id) == 0)
				return controls_fail(cp, line, "[%s]: "
				    "control declared twice (line %d)", sec,
				    c->ctl[i].line);
		if (controls_grow((void **)&c->ctl, &cp->capctl, c->nctl,
		    sizeof(*c->ctl)) != 0)
			goto nomem;
		memset(&c->ctl[c->nctl], 0, sizeof(*c->ctl));
		c->ctl[c->nctl].line = line;
		if ((c->ctl[c->nctl].framework = strdup(fw)) == NULL ||
		    (c->ctl[c->nctl].id = strdup(id)) == NULL) {
			c->nctl++;
			goto nomem;
		}
		cp->kind = 1;
		cp->cur = c->nctl++;
		return 1;
	}
	if (strcmp(kind, "map") == 0) {
		if (controls_grow((void **)&c->map, &cp->capmap, c->nmap,
		    sizeof(*c->map)) != 0)
			goto nomem;
		memset(&c->map[c->nmap], 0, sizeof(*c->map));
		c->map[c->nmap].line = line;
		if ((c->map[c->nmap].framework = strdup(fw)) == NULL ||
		    (c->map[c->nmap].value = strdup(id)) == NULL) {
			c->nmap++;
			goto nomem;
		}
		cp->kind = 2;
		cp->cur = c->nmap++;
		return 1;
	}
	return controls_fail(cp, line, "[%s]: unknown section kind \"%s\" "
	    "(framework, control or map)", sec, kind);
nomem:
	return controls_fail(cp, line, "out of memory");
}

/* A map key: the comma-separated targets of one target framework. */
static int
controls_map_key(struct controls_parse *cp, struct controls_mapent *m,
    const char *name, const char *value)
{
	struct controls_pending *np;
	char *copy, *p, *tok, *next;
	int rc = 1;

	if ((copy = strdup(value)) == NULL)
		return controls_fail(cp, cp->line, "out of memory");
	for (p = copy; p != NULL; p = next) {
		if ((next = strchr(p, ',')) != NULL)
			*next++ = '\0';
		tok = controls_trim(p);
		if (*tok == '\0') {
			rc = controls_fail(cp, cp->line, "%s: empty control "
			    "in \"%s\"", name, value);
			break;
		}
		np = realloc(m->pend, (m->npend + 1) * sizeof(*m->pend));
		if (np == NULL) {
			rc = controls_fail(cp, cp->line, "out of memory");
			break;
		}
		m->pend = np;
		m->pend[m->npend].line = cp->line;
		m->pend[m->npend].framework = strdup(name);
		m->pend[m->npend].id = strdup(tok);
		m->npend++;
		if (m->pend[m->npend - 1].framework == NULL ||
		    m->pend[m->npend - 1].id == NULL) {
			rc = controls_fail(cp, cp->line, "out of memory");
			break;
		}
	}
	free(copy);
	return rc;
}

/* Replace *slot with a copy of v. */
static int
controls_setstr(struct controls_parse *cp, char **slot, const char *v)
{
	char *s;

	if ((s = strdup(v)) == NULL)
		return controls_fail(cp, cp->line, "out of memory");
	free(*slot);
	*slot = s;
	return 1;
}

static int
controls_handler(void *user, const char *sec, const char *name,
    const char *value)
{
	struct controls_parse *cp = user;
	struct controls_fw *fw;

	if (cp->failed)
		return 0;
	if (cp->rawline != cp->cursecline || cp->rawline == 0) {
		if (cp->rawline == 0 || *sec == '\0')
			return controls_fail(cp, cp->line, "%s: key outside "
			    "any section", name);
		if (strncmp(cp->rawsec, sec, strlen(sec)) != 0)
			return controls_fail(cp, cp->rawline, "[%s]: broken "
			    "section header", cp->rawsec);
		cp->cursecline = cp->rawline;
		if (controls_section(cp, cp->rawsec) == 0)
			return 0;
	}
	sec = cp->rawsec;
	switch (cp->kind) {
	case 0:
		fw = &cp->c->fw[cp->cur];
		if (strcmp(name, "title") == 0)
			return controls_setstr(cp, &fw->title, value);
		if (strcmp(name, "href") == 0)
			return controls_setstr(cp, &fw->href, value);
		if (strcmp(name, "role") == 0) {
			if (strcmp(value, "target") == 0)
				fw->role = CONTROLS_FW_TARGET;
			else if (strcmp(value, "source") == 0)
				fw->role = CONTROLS_FW_SOURCE;
			else
				return controls_fail(cp, cp->line, "[%s] role: "
				    "\"%s\" is neither target nor source", sec,
				    value);
			return 1;
		}
		break;
	case 1:
		if (strcmp(name, "title") == 0)
			return controls_setstr(cp, &cp->c->ctl[cp->cur].title,
			    value);
		break;
	case 2:
		return controls_map_key(cp, &cp->c->map[cp->cur], name,
		    value);
	}
	return controls_fail(cp, cp->line, "[%s] %s: unknown key", sec, name);
}

/* inih reads through this to count lines (for FILE:LINE errors). */
static char *
controls_reader(char *str, int num, void *stream)
{
	struct controls_parse *cp = stream;

	const char *p, *end;

	if (fgets(str, num, cp->f) == NULL)
		return NULL;
	cp->line++;
	for (p = str; *p != '\0'; p++)
		cp->c->digest = (cp->c->digest ^ (unsigned char)*p) *
		    1099511628211ull;
	for (p = str; *p == ' ' || *p == '\t'; p++)
		;
	if (*p == '[' && (end = strchr(p, ']')) != NULL &&
	    (size_t)(end - p) < sizeof(cp->rawsec)) {
		memcpy(cp->rawsec, p + 1, (size_t)(end - p - 1));
		cp->rawsec[end - p - 1] = '\0';
		cp->rawline = cp->line;
	}
	return str;
}

static int
controls_keycmp(const void *a, const void *b)
{
	const struct controls_key *x = a, *y = b;
	int d;

	if ((d = strcmp(x->fw, y->fw)) != 0)
		return d;
	return strcmp(x->val, y->val);
}

/* Find (fw, val) among n sorted keys; its idx or -1. */
static long
controls_key_find(const struct controls_key *k, size_t n, const char *fw,
    const char *val)
{
	struct controls_key want, *hit;

	if (n == 0)
		return -1;
	want.fw = fw;
	want.val = val;
	want.idx = 0;
	hit = bsearch(&want, k, n, sizeof(*k), controls_keycmp);
	return hit != NULL ? (long)hit->idx : -1;
}

/* After reading: check references between sections, build indices. */
static int
controls_resolve(struct controls_parse *cp)
{
	struct controls *c = cp->c;
	struct controls_fw *fw;
	struct controls_mapent *m;
	size_t i, j;
	long k;

	for (i = 0; i < c->nfw; i++)
		if (c->fw[i].role == CONTROLS_FW_UNSET)
			return controls_fail(cp, c->fw[i].line, "[framework "
			    "%s]: role (target or source) missing",
			    c->fw[i].name);
	if ((c->ctlkey = calloc(c->nctl + 1, sizeof(*c->ctlkey))) == NULL ||
	    (c->mapkey = calloc(c->nmap + 1, sizeof(*c->mapkey))) == NULL)
		return controls_fail(cp, cp->line, "out of memory");
	for (i = 0; i < c->nctl; i++) {
		fw = controls_fw_find(c, c->ctl[i].framework);
		if (fw == NULL || fw->role != CONTROLS_FW_TARGET)
			return controls_fail(cp, c->ctl[i].line, "[control %s "
			    "%s]: %s is not a declared target framework",
			    c->ctl[i].framework, c->ctl[i].id,
			    c->ctl[i].framework);
		if (c->ctl[i].title == NULL)
			return controls_fail(cp, c->ctl[i].line, "[control %s "
			    "%s]: title missing", c->ctl[i].framework,
			    c->ctl[i].id);
		c->ctl[i].pub.framework = c->ctl[i].framework;
		c->ctl[i].pub.id = c->ctl[i].id;
		c->ctl[i].pub.title = c->ctl[i].title;
		c->ctlkey[i].fw = c->ctl[i].framework;
		c->ctlkey[i].val = c->ctl[i].id;
		c->ctlkey[i].idx = i;
	}
	qsort(c->ctlkey, c->nctl, sizeof(*c->ctlkey), controls_keycmp);
	for (i = 0; i < c->nmap; i++) {
		m = &c->map[i];
		fw = controls_fw_find(c, m->framework);
		if (fw == NULL || fw->role != CONTROLS_FW_SOURCE)
			return controls_fail(cp, m->line, "[map %s %s]: %s is "
			    "not a declared source framework", m->framework,
			    m->value, m->framework);
		if (controls_key_find(c->mapkey, i, m->framework,
		    m->value) >= 0)
			return controls_fail(cp, m->line, "[map %s %s]: "
			    "section appears twice", m->framework, m->value);
		if ((m->targets = calloc(m->npend + 1,
		    sizeof(*m->targets))) == NULL)
			return controls_fail(cp, m->line, "out of memory");
		for (j = 0; j < m->npend; j++) {
			k = controls_key_find(c->ctlkey, c->nctl,
			    m->pend[j].framework, m->pend[j].id);
			if (k < 0)
				return controls_fail(cp, m->pend[j].line,
				    "[map %s %s] %s: \"%s\" has no [control "
				    "%s %s] section", m->framework, m->value,
				    m->pend[j].framework, m->pend[j].id,
				    m->pend[j].framework, m->pend[j].id);
			m->targets[m->ntargets++] = (size_t)k;
		}
		m->pub.framework = m->framework;
		m->pub.value = m->value;
		m->pub.targets = m->targets;
		m->pub.ntargets = m->ntargets;
		/* Insertion keeps mapkey[0..i] sorted for the check above. */
		j = i;
		while (j > 0 && controls_keycmp(&c->mapkey[j - 1],
		    &(struct controls_key){ m->framework, m->value, i }) > 0) {
			c->mapkey[j] = c->mapkey[j - 1];
			j--;
		}
		c->mapkey[j].fw = m->framework;
		c->mapkey[j].val = m->value;
		c->mapkey[j].idx = i;
	}
	return 1;
}

int
controls_load(const char *path, struct controls **out,
    struct plumb_err *err)
{
	struct controls_parse cp;
	struct controls *c;
	int rc;

	*out = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->path = strdup(path)) == NULL) {
		free(c);
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	}
	memset(&cp, 0, sizeof(cp));
	cp.c = c;
	cp.err = err;
	c->digest = 14695981039346656037ull;
	if ((cp.f = fopen(path, "r")) == NULL) {
		rc = plumb_err_set(err, errno == ENOENT ? PLUMB_ENOENT :
		    PLUMB_EIO, "%s: %s", path, strerror(errno));
		controls_free(c);
		return rc;
	}
	rc = ini_parse_stream(controls_reader, &cp, controls_handler, &cp);
	fclose(cp.f);
	if (!cp.failed && rc != 0)
		controls_fail(&cp, rc, "syntax error (a line of %d bytes or "
		    "more, or a broken section header)", INI_MAX_LINE - 1);
	if (!cp.failed)
		controls_resolve(&cp);
	if (!cp.failed && c->nctl == 0)
		controls_fail(&cp, cp.line, "no [control] section");
	if (cp.failed) {
		controls_free(c);
		return PLUMB_EPARSE;
	}
	*out = c;
	return PLUMB_OK;
}

void
controls_free(struct controls *c)
{
	size_t i, j;

	if (c == NULL)
		return;
	if (store_insert_hook_arg() == c)
		store_set_insert_hook(NULL, NULL);
	for (i = 0; i < c->nfw; i++) {
		free(c->fw[i].name);
		free(c->fw[i].title);
		free(c->fw[i].href);
	}
	for (i = 0; i < c->nctl; i++) {
		free(c->ctl[i].framework);
		free(c->ctl[i].id);
		free(c->ctl[i].title);
	}
	for (i = 0; i < c->nmap; i++) {
		for (j = 0; j < c->map[i].npend; j++) {
			free(c->map[i].pend[j].framework);
			free(c->map[i].pend[j].id);
		}
		free(c->map[i].pend);
		free(c->map[i].framework);
		free(c->map[i].value);
		free(c->map[i].targets);
	}
	free(c->fw);
	free(c->ctl);
	free(c->map);
	free(c->ctlkey);
	free(c->mapkey);
	free(c->path);
	free(c);
}

size_t
controls_count(const struct controls *c)
{
	return c != NULL ? c->nctl : 0;
}

const struct controls_control *
controls_at(const struct controls *c, size_t i)
{
	return i < c->nctl ? &c->ctl[i].pub : NULL;
}

long
controls_find(const struct controls *c, const char *framework,
    const char *id)
{
	return controls_key_find(c->ctlkey, c->nctl, framework, id);
}

const char *
controls_framework_title(const struct controls *c, const char *name)
{
	const struct controls_fw *fw = controls_fw_find(c, name);

	return fw != NULL ? fw->title : NULL;
}

size_t
controls_nmaps(const struct controls *c)
{
	return c->nmap;
}

const struct controls_map *
controls_map_at(const struct controls *c, size_t i)
{
	return i < c->nmap ? &c->map[i].pub : NULL;
}

/* Mark the targets of [map fw val]; 0 when there is no such section. */
static int
controls_hit_map(const struct controls *c, const char *fw, const char *val,
    unsigned char *hit)
{
	const struct controls_mapent *m;
	long k;
	size_t i;

	if ((k = controls_key_find(c->mapkey, c->nmap, fw, val)) < 0)
		return 0;
	m = &c->map[k];
	for (i = 0; i < m->ntargets; i++)
		hit[m->targets[i]] = 1;
	return 1;
}

/* One reference: its comma-separated values through framework fw. */
static void
controls_hit_ref(const struct controls *c, const struct controls_fw *fw,
    const char *text, unsigned char *hit, size_t *unmapped)
{
	char buf[STORE_TEXT_MAX], *p, *next, *v, *paren;
	long k;
	int found;

	snprintf(buf, sizeof(buf), "%s", text);
	for (p = buf; p != NULL; p = next) {
		if ((next = strchr(p, ',')) != NULL)
			*next++ = '\0';
		v = controls_trim(p);
		if (*v == '\0')
			continue;
		if (fw->role == CONTROLS_FW_TARGET) {
			if ((k = controls_find(c, fw->name, v)) >= 0)
				hit[k] = 1;
			else if (unmapped != NULL)
				(*unmapped)++;
			continue;
		}
		found = controls_hit_map(c, fw->name, v, hit);
		if (!found && (paren = strchr(v, '(')) != NULL) {
			*paren = '\0';
			found = controls_hit_map(c, fw->name,
			    controls_trim(v), hit);
		}
		if (!found && unmapped != NULL)
			(*unmapped)++;
	}
}

void
controls_match(const struct controls *c, const char *rule_id,
    const char *refs_json, unsigned char *hit, size_t *unmapped)
{
	const struct controls_fw *fw;
	json_t *refs = NULL, *r;
	const char *href, *text;
	size_t i, j;

	if (rule_id != NULL)
		controls_hit_map(c, "rule", rule_id, hit);
	if (refs_json == NULL ||
	    (refs = json_loads(refs_json, 0, NULL)) == NULL)
		return;
	if (!json_is_array(refs))
		goto out;
	json_array_foreach(refs, i, r) {
		href = json_string_value(json_object_get(r, "href"));
		text = json_string_value(json_object_get(r, "text"));
		if (href == NULL || text == NULL)
			continue;
		for (j = 0; j < c->nfw; j++) {
			fw = &c->fw[j];
			if (fw->href != NULL && strcmp(fw->href, href) == 0) {
				controls_hit_ref(c, fw, text, hit, unmapped);
				break;
			}
		}
	}
out:
	json_decref(refs);
}

/* ------------------------------------------------------------ rollups */

/* Component "controls": never edit an applied migration, add one.
 * Each stored bundle has a marker row (framework and control_id "")
 * and one row per control its rules map onto, all with the digest of
 * the control set that made them: a bundle without a marker of the
 * current digest gets its rollups (again) in controls_attach(). */
static const struct store_migration controls_migrations[] = {
	{ 1,
	  "CREATE TABLE control_rollups ("
	  " bundle_id INTEGER NOT NULL REFERENCES bundles(id)"
	  "  ON DELETE CASCADE,"
	  " framework TEXT NOT NULL,"
	  " control_id TEXT NOT NULL,"
	  " passed INTEGER NOT NULL,"
	  " rules TEXT NOT NULL,"
	  " failing TEXT NOT NULL,"
	  " digest TEXT NOT NULL,"
	  " PRIMARY KEY (bundle_id, framework, control_id));" },
};

static json_t *controls_json_strings(char *const *v, size_t n);

static void
controls_strings_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int
controls_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Add a copy of s to the list *v of *n unless present; 0 or -1. */
static int
controls_strlist_add(char ***v, size_t *n, const char *s)
{
	char **nv;
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*v)[i], s) == 0)
			return 0;
	if ((nv = realloc(*v, (*n + 1) * sizeof(*nv))) == NULL)
		return -1;
	*v = nv;
	if ((nv[*n] = strdup(s)) == NULL)
		return -1;
	(*n)++;
	return 0;
}

/* Add the strings of the JSON array text to the list; 0 or -1 (out of
 * memory).  Text that is not such an array adds nothing. */
static int
controls_strlist_json(char ***v, size_t *n, const char *text)
{
	json_t *a;
	size_t i;
	int rc = 0;

	if ((a = json_loads(text, 0, NULL)) == NULL)
		return 0;
	for (i = 0; json_is_array(a) && i < json_array_size(a) && rc == 0;
	    i++)
		if (json_is_string(json_array_get(a, i)))
			rc = controls_strlist_add(v, n, json_string_value(
			    json_array_get(a, i)));
	json_decref(a);
	return rc;
}

static void
controls_stat_clear(struct controls_hoststat *st, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		controls_strings_free(st[i].failing, st[i].nfailing);
		st[i].failing = NULL;
		st[i].nfailing = 0;
		st[i].mapped = st[i].passed = 0;
	}
}

/* One control's rollup of one scan while it is computed. */
struct controls_roll {
	unsigned char mapped, passed;
	char **rules, **failing;	/* rule ids, in scan order */
	size_t nrules, nfailing;
};

static void
controls_rolls_clear(struct controls_roll *r, size_t n)
{
	size_t i;

	for (i = 0; r != NULL && i < n; i++) {
		controls_strings_free(r[i].rules, r[i].nrules);
		controls_strings_free(r[i].failing, r[i].nfailing);
		memset(&r[i], 0, sizeof(r[i]));
	}
}

/* Fold one rule result into r (controls_count() entries); hit is
 * scratch of as many bytes.  0, or -1 when out of memory. */
static int
controls_roll_add(const struct controls *c, unsigned char *hit,
    struct controls_roll *r, const char *rule_id, const char *result,
    const char *refs)
{
	size_t i, n = controls_count(c);
	int bad, good;

	memset(hit, 0, n);
	controls_match(c, rule_id, refs, hit, NULL);
	bad = strcmp(result, "fail") == 0 || strcmp(result, "error") == 0;
	good = strcmp(result, "pass") == 0 || strcmp(result, "fixed") == 0;
	for (i = 0; i < n; i++) {
		if (!hit[i])
			continue;
		r[i].mapped = 1;
		if (good)
			r[i].passed = 1;
		if (controls_strlist_add(&r[i].rules, &r[i].nrules,
		    rule_id) != 0 || (bad && controls_strlist_add(
		    &r[i].failing, &r[i].nfailing, rule_id) != 0))
			return -1;
	}
	return 0;
}

/* A list as compact JSON text (allocated); NULL when out of memory. */
static char *
controls_list_text(char *const *v, size_t n)
{
	json_t *a;
	char *t;

	if ((a = controls_json_strings(v, n)) == NULL)
		return NULL;
	t = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return t;
}

/* Send the rollup rows gathered in sql/p (n rows; sql NULL: drop them);
 * frees their texts. */
static int
controls_roll_flush(struct store *s, char *sql, const char **p, char **texts,
    size_t *n, struct plumb_err *err)
{
	size_t i;
	int rc = PLUMB_OK;

	if (sql != NULL && *n > 0)
		rc = store_query(s, sql, p, 2 + 5 * *n, NULL, NULL, NULL, err);
	for (i = 0; i < 2 * *n; i++) {
		free(texts[i]);
		texts[i] = NULL;
	}
	*n = 0;
	return rc;
}

/*
 * Write the rollups of bundle id, r, made with control set c (fresh: a
 * bundle being stored, which has none yet; else they are replaced):
 * the marker row first, CONTROLS_ROLL_CHUNK rows a statement, so that
 * a bundle usually costs one round trip on a database server.
 */
static int
controls_roll_write(const struct controls *c, struct store *s,
    const char *id, const struct controls_roll *r, int fresh,
    struct plumb_err *err)
{
	static const char head[] = "INSERT INTO control_rollups (bundle_id, "
	    "framework, control_id, passed, rules, failing, digest) VALUES ";
	const char *p[2 + 5 * CONTROLS_ROLL_CHUNK];
	char *texts[2 * CONTROLS_ROLL_CHUNK];
	char sql[sizeof(head) + CONTROLS_ROLL_CHUNK * 56], digest[17];
	size_t i, n = 0, off = 0, k;
	int rc = PLUMB_OK;

	memset(texts, 0, sizeof(texts));
	snprintf(digest, sizeof(digest), "%016llx",
	    (unsigned long long)c->digest);
	p[0] = id;
	p[1] = digest;
	if (!fresh && (rc = store_query(s, "DELETE FROM control_rollups "
	    "WHERE bundle_id = $1", p, 1, NULL, NULL, NULL, err)) != PLUMB_OK)
		return rc;
	/* i = count: the marker. */
	for (i = 0; i <= controls_count(c) && rc == PLUMB_OK; i++) {
		if (i < controls_count(c) && !r[i].mapped)
			continue;
		if (n == 0)
			off = (size_t)snprintf(sql, sizeof(sql), "%s", head);
		k = 2 + 5 * n;
		if (i == controls_count(c)) {
			p[k] = p[k + 1] = "";
			p[k + 2] = "0";
			p[k + 3] = p[k + 4] = "[]";
		} else if ((texts[2 * n] = controls_list_text(r[i].rules,
		    r[i].nrules)) == NULL || (texts[2 * n + 1] =
		    controls_list_text(r[i].failing, r[i].nfailing)) == NULL) {
			n++;
			rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
			break;
		} else {
			p[k] = controls_at(c, i)->framework;
			p[k + 1] = controls_at(c, i)->id;
			p[k + 2] = r[i].passed ? "1" : "0";
			p[k + 3] = texts[2 * n];
			p[k + 4] = texts[2 * n + 1];
		}
		off += (size_t)snprintf(sql + off, sizeof(sql) - off,
		    "%s($1, $%zu, $%zu, $%zu, $%zu, $%zu, $2)", n > 0 ? ", " :
		    "", k + 1, k + 2, k + 3, k + 4, k + 5);
		if (++n == CONTROLS_ROLL_CHUNK)
			rc = controls_roll_flush(s, sql, p, texts, &n, err);
	}
	if (rc == PLUMB_OK)
		return controls_roll_flush(s, sql, p, texts, &n, err);
	(void)controls_roll_flush(s, NULL, p, texts, &n, err);
	return rc;
}

/* store_insert_hook: the rollups of a bundle being stored. */
static int
controls_hook(void *arg, struct store *s, const char *id,
    const struct store_bundle *b, const struct store_rule *rules,
    size_t nrules, struct plumb_err *err)
{
	const struct controls *c = arg;
	struct controls_roll *roll;
	unsigned char *hit;
	size_t i, n = controls_count(c);
	int rc = PLUMB_OK;

	(void)b;
	hit = calloc(n + 1, 1);
	roll = calloc(n + 1, sizeof(*roll));
	if (hit == NULL || roll == NULL)
		goto nomem;
	for (i = 0; i < nrules; i++)
		if (rules[i].rule_id != NULL && rules[i].result != NULL &&
		    controls_roll_add(c, hit, roll, rules[i].rule_id,
		    rules[i].result, rules[i].references) != 0)
			goto nomem;
	rc = controls_roll_write(c, s, id, roll, 1, err);
	goto out;
nomem:
	rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
out:
	controls_rolls_clear(roll, n);
	free(roll);
	free(hit);
	return rc;
}

/* Bundle ids without up-to-date rollups, or rule rows of one of them. */
struct controls_rebuild {
	const struct controls *c;
	char **ids;
	size_t nids, cap;
	unsigned char *hit;
	struct controls_roll *roll;
	int nomem;
};

/* Row: a bundle id. */
static int
controls_rebuild_id(void *arg, const char *const *v, size_t ncols)
{
	struct controls_rebuild *rb = arg;

	if (ncols < 1 || v[0] == NULL)
		return 0;
	if (controls_grow((void **)&rb->ids, &rb->cap, rb->nids,
	    sizeof(*rb->ids)) != 0 ||
	    (rb->ids[rb->nids] = strdup(v[0])) == NULL) {
		rb->nomem = 1;
		return 1;
	}
	rb->nids++;
	return 0;
}

/* Row: rule_id, result, refs. */
static int
controls_rebuild_rule(void *arg, const char *const *v, size_t ncols)
{
	struct controls_rebuild *rb = arg;

	if (ncols != 3 || v[0] == NULL || v[1] == NULL)
		return 0;
	if (controls_roll_add(rb->c, rb->hit, rb->roll, v[0], v[1],
	    v[2]) != 0) {
		rb->nomem = 1;
		return 1;
	}
	return 0;
}

int
controls_attach(struct controls *c, struct store *s, struct plumb_err *err)
{
	struct controls_rebuild rb;
	const char *p[1];
	char digest[17];
	size_t i, n = controls_count(c);
	int rc;

	memset(&rb, 0, sizeof(rb));
	rb.c = c;
	if ((rc = store_migrate(s, "controls", controls_migrations,
	    sizeof(controls_migrations) / sizeof(controls_migrations[0]),
	    err)) != PLUMB_OK)
		return rc;
	if ((rb.hit = calloc(n + 1, 1)) == NULL ||
	    (rb.roll = calloc(n + 1, sizeof(*rb.roll))) == NULL)
		goto nomem;
	snprintf(digest, sizeof(digest), "%016llx",
	    (unsigned long long)c->digest);
	p[0] = digest;
	if ((rc = store_tx_begin(s, err)) != PLUMB_OK)
		goto out;
	if ((rc = store_query(s, "SELECT b.id FROM bundles b WHERE NOT EXISTS "
	    "(SELECT 1 FROM control_rollups r WHERE r.bundle_id = b.id AND "
	    "r.framework = '' AND r.control_id = '' AND r.digest = $1) "
	    "ORDER BY b.id", p, 1, controls_rebuild_id, &rb, NULL, err)) !=
	    PLUMB_OK)
		goto fail;
	if (rb.nomem)
		goto nomem;
	for (i = 0; i < rb.nids; i++) {
		p[0] = rb.ids[i];
		if ((rc = store_query(s, "SELECT rule_id, result, refs FROM "
		    "rule_results WHERE bundle_id = CAST($1 AS INTEGER) "
		    "ORDER BY seq", p, 1, controls_rebuild_rule, &rb, NULL,
		    err)) != PLUMB_OK)
			goto fail;
		if (rb.nomem)
			goto nomem;
		if ((rc = controls_roll_write(c, s, rb.ids[i], rb.roll, 0,
		    err)) != PLUMB_OK)
			goto fail;
		controls_rolls_clear(rb.roll, n);
	}
	if ((rc = store_tx_commit(s, err)) != PLUMB_OK)
		goto fail;
	store_set_insert_hook(controls_hook, c);
	goto out;
nomem:
	rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
fail:
	store_tx_rollback(s);
out:
	controls_strings_free(rb.ids, rb.nids);
	controls_rolls_clear(rb.roll, n);
	free(rb.roll);
	free(rb.hit);
	return rc;
}

/* ------------------------------------------------ fleet compliance */

const char *
controls_status_name(int status)
{
	switch (status) {
	case CONTROLS_PASS:
		return "pass";
	case CONTROLS_FAIL:
		return "fail";
	case CONTROLS_WAIVED:
		return "waived";
	case CONTROLS_UNKNOWN:
		return "unknown";
	}
	return "none";
}

/* A control's rule list already merged into the fleet's. */
struct controls_seen {
	struct controls_seen *next;
	size_t ctl;
	char *text;
};

/* One replay (controls_evaluate). */
struct controls_run {
	const struct controls *c;
	struct controls_eval *e;
	struct plumb_err *err;
	int rc;				/* first failure */
	long track;
	size_t cappoints;
	time_t now;
	struct controls_seen *bucket[CONTROLS_CACHE_BUCKETS];
	/* Waiver boundaries up to now, sorted, and the next one due. */
	time_t *wev;
	size_t nwev, iwev;
	/* The scan whose rollups are coming in, and its baseline. */
	char uuid[STORE_UUID_LEN + 1];
	long host;			/* index in e->hosts, -1: unknown */
	time_t created;
	time_t at;			/* when it counts (= created, but
					 * for the cache's late bundles) */
	char bench[STORE_TEXT_MAX], profile[STORE_TEXT_MAX];
	char root[STORE_TEXT_MAX];
	struct controls_hoststat *pend;	/* its per-control state */
	/* The cache (track CONTROLS_TRACK_ALL) only: */
	size_t max_points;		/* history points kept per control */
	long long id;			/* the incoming scan's bundle id */
	time_t received;
	char hostid[STORE_HOST_MAX];
	char role[STORE_ATTR_MAX], site[STORE_ATTR_MAX];
	char zone[STORE_ATTR_MAX];
	long long last_id;		/* newest bundle id applied */
	time_t last_created, last_received;	/* the newest scan applied */
	char last_uuid[STORE_UUID_LEN + 1];	/*   in replay order */
	time_t tmax;			/* latest time anything was applied */
	int dirty;			/* applied out of order: rebuild */
	int applied;			/* bundles applied by the last query */
	int behind;			/* more bundles wait to be applied */
	time_t built;			/* when the replay was made */
	char wfp[CONTROLS_WFP_MAX];	/* the waivers it has (fingerprint) */
	const volatile int *stop;	/* builder: set to abandon */
};

static uint32_t
controls_hash(const char *a, size_t k)
{
	uint32_t h = 2166136261u;

	for (; *a != '\0'; a++)
		h = (h ^ (unsigned char)*a) * 16777619u;
	return (h ^ (uint32_t)k) * 16777619u;
}

/* Merge the rule list text of control k into the fleet's rules unless
 * the same text was merged before; 0, or -1 when out of memory. */
static int
controls_seen_merge(struct controls_run *run, size_t k, const char *text)
{
	struct controls_seen *se;
	struct controls_fleet *f = &run->e->fleet[k];
	uint32_t h = controls_hash(text, k) % CONTROLS_CACHE_BUCKETS;

	for (se = run->bucket[h]; se != NULL; se = se->next)
		if (se->ctl == k && strcmp(se->text, text) == 0)
			return 0;
	if ((se = calloc(1, sizeof(*se))) == NULL)
		return -1;
	if ((se->text = strdup(text)) == NULL) {
		free(se);
		return -1;
	}
	se->ctl = k;
	se->next = run->bucket[h];
	run->bucket[h] = se;
	return controls_strlist_json(&f->rules, &f->nrules, text);
}

/* The status of one control of host h from st at time t. */
static int
controls_host_status(const struct waiver_set *ws,
    const struct controls_host *h, const struct controls_hoststat *st,
    time_t t)
{
	size_t i;
	int waived = 0;

	if (!st->mapped)
		return CONTROLS_NONE;
	for (i = 0; i < st->nfailing; i++) {
		if (waivers_match(ws, h->id, h->role, st->failing[i], t) ==
		    NULL)
			return CONTROLS_FAIL;
		waived = 1;
	}
	if (waived)
		return CONTROLS_WAIVED;
	return st->passed ? CONTROLS_PASS : CONTROLS_UNKNOWN;
}

int
controls_base_status(const struct controls_eval *e,
    const struct controls_host *h, const struct controls_base *b, size_t i,
    time_t t)
{
	return controls_host_status(e->waivers, h, &b->st[i], t);
}

/* The fleet status the counts of one control give. */
static int
controls_fleet_status(const unsigned *count)
{
	if (count[CONTROLS_FAIL] > 0)
		return CONTROLS_FAIL;
	if (count[CONTROLS_WAIVED] > 0)
		return CONTROLS_WAIVED;
	if (count[CONTROLS_PASS] > 0)
		return CONTROLS_PASS;
	if (count[CONTROLS_UNKNOWN] > 0)
		return CONTROLS_UNKNOWN;
	return CONTROLS_NONE;
}

/* The cache's history point of f at t (f->count, status st): a new
 * one, or the last one when it has the same time.  At twice max_points
 * the older half is dropped, so each point is moved once on average. */
static void
controls_point_add(struct controls_run *run, struct controls_fleet *f,
    time_t t, int st)
{
	struct controls_point *p;
	size_t keep = run->max_points > 0 ? run->max_points : 1;

	p = f->npoints > 0 ? &f->points[f->npoints - 1] : NULL;
	if (p == NULL || p->time != t) {
		if (f->npoints >= 2 * keep) {
			memmove(f->points, f->points + (f->npoints - keep),
			    keep * sizeof(*f->points));
			f->npoints = keep;
		}
		if (controls_grow((void **)&f->points, &f->cappoints,
		    f->npoints, sizeof(*f->points)) != 0) {
			run->rc = plumb_err_set(run->err, PLUMB_ENOMEM,
			    "out of memory");
			return;
		}
		p = &f->points[f->npoints++];
	}
	p->time = t;
	memcpy(p->count, f->count, sizeof(p->count));
	p->status = st;
}

/* The fleet status of f became st at t: one change for the trend.  A
 * time before the last change's (a late bundle the cache applies at
 * once, before its rebuild puts it in place) counts at the last one's,
 * so that the list stays ordered. */
static void
controls_change_add(struct controls_run *run, struct controls_fleet *f,
    time_t t, int st)
{
	struct controls_change *ch;

	if (f->nchanges > 0 && t < f->changes[f->nchanges - 1].time)
		t = f->changes[f->nchanges - 1].time;
	if (run->max_points > 0 && f->nchanges >= 2 * run->max_points) {
		memmove(f->changes, f->changes + (f->nchanges -
		    run->max_points), run->max_points * sizeof(*f->changes));
		f->nchanges = run->max_points;
		f->dropped_changes = 1;
	}
	if (controls_grow((void **)&f->changes, &f->capchanges, f->nchanges,
	    sizeof(*f->changes)) != 0) {
		run->rc = plumb_err_set(run->err, PLUMB_ENOMEM,
		    "out of memory");
		return;
	}
	ch = &f->changes[f->nchanges++];
	ch->time = t;
	ch->status = st;
}

/* Counts of control i changed at t: fleet status and history point. */
static void
controls_fleet_update(struct controls_run *run, size_t i, time_t t)
{
	struct controls_fleet *f = &run->e->fleet[i];
	struct controls_point *p, *np;
	int st = controls_fleet_status(f->count);

	if (st != f->status) {
		if (st == CONTROLS_FAIL)
			f->failing_since = t;
		else
			f->failing_since = 0;
		f->status = st;
		controls_change_add(run, f, t, st);
	}
	if (run->track == CONTROLS_TRACK_ALL) {
		controls_point_add(run, f, t, st);
		return;
	}
	if (run->track < 0 || (size_t)run->track != i)
		return;
	p = run->e->npoints > 0 ? &run->e->points[run->e->npoints - 1] :
	    NULL;
	if (p == NULL || p->time != t) {
		if (controls_grow((void **)&run->e->points, &run->cappoints,
		    run->e->npoints, sizeof(*np)) != 0) {
			run->rc = plumb_err_set(run->err, PLUMB_ENOMEM,
			    "out of memory");
			return;
		}
		p = &run->e->points[run->e->npoints++];
	}
	p->time = t;
	memcpy(p->count, f->count, sizeof(p->count));
	p->status = st;
}

/* Recompute every control of host h at time t. */
static void
controls_rescore(struct controls_run *run, struct controls_host *h,
    time_t t)
{
	size_t i, n = controls_count(run->c);
	int st;

	for (i = 0; i < n; i++) {
		st = controls_host_status(run->e->waivers, h, &h->st[i], t);
		if (st == h->st[i].status)
			continue;
		run->e->fleet[i].count[h->st[i].status]--;
		run->e->fleet[i].count[st]++;
		h->st[i].status = st;
		h->st[i].since = t;
		controls_fleet_update(run, i, t);
	}
}

/* Waiver boundaries due by t: rescore the hosts they concern. */
static void
controls_waiver_events(struct controls_run *run, time_t t)
{
	const struct waiver_set *ws = run->e->waivers;
	struct controls_host *h;
	time_t ev;
	size_t i, j;

	while (run->iwev < run->nwev && run->wev[run->iwev] <= t) {
		ev = run->wev[run->iwev++];
		for (j = 0; j < run->e->nhosts; j++) {
			h = &run->e->hosts[j];
			for (i = 0; i < ws->n; i++)
				if (strcmp(ws->w[i].host, h->id) == 0 ||
				    (ws->w[i].role[0] != '\0' &&
				    strcmp(ws->w[i].role, h->role) == 0))
					break;
			if (i < ws->n)
				controls_rescore(run, h, ev);
		}
	}
}

/* The baseline of host h the scan being read belongs to (added when
 * new); NULL when out of memory. */
static struct controls_base *
controls_base_of(struct controls_run *run, struct controls_host *h)
{
	struct controls_base *b, *nb;
	size_t i;

	for (i = 0; i < h->nbase; i++) {
		b = &h->base[i];
		if (strcmp(b->benchmark_id, run->bench) == 0 &&
		    strcmp(b->profile_id, run->profile) == 0 &&
		    strcmp(b->target_root, run->root) == 0)
			return b;
	}
	if ((nb = realloc(h->base, (h->nbase + 1) * sizeof(*nb))) == NULL)
		return NULL;
	h->base = nb;
	b = &nb[h->nbase];
	memset(b, 0, sizeof(*b));
	if ((b->st = calloc(controls_count(run->c) + 1,
	    sizeof(*b->st))) == NULL)
		return NULL;
	h->nbase++;
	snprintf(b->benchmark_id, sizeof(b->benchmark_id), "%s", run->bench);
	snprintf(b->profile_id, sizeof(b->profile_id), "%s", run->profile);
	snprintf(b->target_root, sizeof(b->target_root), "%s", run->root);
	return b;
}

/* The host's state per control: every baseline's mapped rules together. */
static int
controls_merge(struct controls_run *run, struct controls_host *h)
{
	const struct controls_hoststat *bs;
	struct controls_hoststat *st;
	size_t i, j, k;

	for (i = 0; i < controls_count(run->c); i++) {
		st = &h->st[i];
		controls_stat_clear(st, 1);
		for (j = 0; j < h->nbase; j++) {
			bs = &h->base[j].st[i];
			if (!bs->mapped)
				continue;
			st->mapped = 1;
			if (bs->passed)
				st->passed = 1;
			for (k = 0; k < bs->nfailing; k++)
				if (controls_strlist_add(&st->failing,
				    &st->nfailing, bs->failing[k]) != 0)
					return -1;
		}
	}
	return 0;
}

/* The scan being read is complete: it becomes the newest of its
 * baseline on its host. */
static void
controls_flush(struct controls_run *run)
{
	struct controls_host *h;
	struct controls_base *b;
	struct controls_hoststat *tmp;

	if (run->uuid[0] == '\0' || run->host < 0)
		goto out;
	controls_waiver_events(run, run->at);
	h = &run->e->hosts[run->host];
	if ((b = controls_base_of(run, h)) == NULL)
		goto nomem;
	snprintf(b->scan, sizeof(b->scan), "%s", run->uuid);
	b->scan_time = run->created;
	b->scan_received = run->received;
	/* In replay order the scan is the host's newest; a late one of the
	 * cache is only when it is. */
	if (run->at == run->created || run->created >= h->scan_time) {
		snprintf(h->scan, sizeof(h->scan), "%s", run->uuid);
		h->scan_time = run->created;
	}
	/* Swap the pending state in; the old one is cleared for reuse. */
	tmp = b->st;
	b->st = run->pend;
	run->pend = tmp;
	if (controls_merge(run, h) != 0)
		goto nomem;
	controls_rescore(run, h, run->at);
	goto out;
nomem:
	run->rc = plumb_err_set(run->err, PLUMB_ENOMEM, "out of memory");
out:
	controls_stat_clear(run->pend, controls_count(run->c));
	run->uuid[0] = '\0';
}

static int
controls_host_cmp(const void *key, const void *elt)
{
	return strcmp(key, ((const struct controls_host *)elt)->id);
}

/* A column's text (NULL: "") into a fixed-size field. */
#define CONTROLS_COL(field, v) \
	snprintf((field), sizeof(field), "%s", (v) != NULL ? (v) : "")

/* Columns framework, control_id, passed, rules, failing of one rollup
 * of the scan being read (NULL: it has none) into its pending state;
 * 0, or 1 when out of memory (run->rc set). */
static int
controls_roll_cols(struct controls_run *run, const char *const *v)
{
	struct controls_hoststat *st;
	long k;

	if (v[0] == NULL || v[1] == NULL ||
	    (k = controls_find(run->c, v[0], v[1])) < 0)
		return 0;
	st = &run->pend[k];
	st->mapped = 1;
	if (v[2] != NULL && strcmp(v[2], "0") != 0)
		st->passed = 1;
	if ((v[4] != NULL && controls_strlist_json(&st->failing,
	    &st->nfailing, v[4]) != 0) ||
	    (v[3] != NULL && controls_seen_merge(run, (size_t)k, v[3]) != 0)) {
		run->rc = plumb_err_set(run->err, PLUMB_ENOMEM,
		    "out of memory");
		return 1;
	}
	return 0;
}

/*
 * Row: uuid, host, created, benchmark_id, profile_id, target_root of a
 * scan, then framework, control_id, passed, rules, failing of one of its
 * rollups (NULL when it has none), scans in replay order.
 */
static int
controls_roll_row(void *arg, const char *const *v, size_t ncols)
{
	struct controls_run *run = arg;
	struct controls_host *h;

	if (ncols != 11 || v[0] == NULL || v[1] == NULL)
		return 0;
	if (strcmp(run->uuid, v[0]) != 0) {
		controls_flush(run);
		if (run->rc != PLUMB_OK)
			return 1;
		snprintf(run->uuid, sizeof(run->uuid), "%s", v[0]);
		h = bsearch(v[1], run->e->hosts, run->e->nhosts, sizeof(*h),
		    controls_host_cmp);
		run->host = h != NULL ? h - run->e->hosts : -1;
		run->created = v[2] != NULL ?
		    (time_t)strtoll(v[2], NULL, 10) : 0;
		run->at = run->created;
		CONTROLS_COL(run->bench, v[3]);
		CONTROLS_COL(run->profile, v[4]);
		CONTROLS_COL(run->root, v[5]);
	}
	return controls_roll_cols(run, v + 6);
}

/* Replay the rollups of every scan in time order (one query). */
static int
controls_replay(struct controls_run *run, struct store *s,
    struct plumb_err *err)
{
	int rc;

	rc = store_query(s, "SELECT b.uuid, b.host, b.created, b.benchmark_id,"
	    " b.profile_id, b.target_root, r.framework, r.control_id,"
	    " r.passed, r.rules, r.failing FROM bundles b"
	    " LEFT JOIN control_rollups r ON r.bundle_id = b.id"
	    " ORDER BY b.created, b.received, b.uuid", NULL, 0,
	    controls_roll_row, run, NULL, err);
	if (rc == PLUMB_OK && run->rc == PLUMB_OK)
		controls_flush(run);
	if (rc == PLUMB_OK)
		rc = run->rc;
	return rc;
}

static int
controls_time_cmp(const void *a, const void *b)
{
	time_t x = *(const time_t *)a, y = *(const time_t *)b;

	return x < y ? -1 : x > y;
}

/* Every boundary of the waivers of ws up to until ((time_t)-1: all;
 * created, approved, expires, revoked: where waiver_active() can
 * change), sorted, into an allocated array of *n; NULL when out of
 * memory. */
static time_t *
controls_wev_make(const struct waiver_set *ws, time_t until, size_t *n)
{
	const struct waiver *w;
	time_t *v;
	size_t i;

	*n = 0;
	if ((v = calloc(4 * ws->n + 1, sizeof(*v))) == NULL)
		return NULL;
#define CONTROLS_UPTO(t)	(until == (time_t)-1 || (t) <= until)
	for (i = 0; i < ws->n; i++) {
		w = &ws->w[i];
		if (CONTROLS_UPTO(w->created))
			v[(*n)++] = w->created;
		if (w->approved_time != 0 && CONTROLS_UPTO(w->approved_time))
			v[(*n)++] = w->approved_time;
		if (CONTROLS_UPTO(w->expires))
			v[(*n)++] = w->expires;
		if (w->revoked_time != 0 && CONTROLS_UPTO(w->revoked_time))
			v[(*n)++] = w->revoked_time;
	}
#undef CONTROLS_UPTO
	qsort(v, *n, sizeof(*v), controls_time_cmp);
	return v;
}

/* The rules of each control: the replay's and [map rule] entries. */
static int
controls_fleet_rules(struct controls_run *run)
{
	const struct controls *c = run->c;
	struct controls_fleet *f;
	size_t i, j;

	for (i = 0; i < c->nmap; i++) {
		if (strcmp(c->map[i].framework, "rule") != 0)
			continue;
		for (j = 0; j < c->map[i].ntargets; j++) {
			f = &run->e->fleet[c->map[i].targets[j]];
			if (controls_strlist_add(&f->rules, &f->nrules,
			    c->map[i].value) != 0)
				return -1;
		}
	}
	for (i = 0; i < controls_count(c); i++) {
		f = &run->e->fleet[i];
		if (f->nrules > 1)
			qsort(f->rules, f->nrules, sizeof(*f->rules),
			    controls_strcmp);
	}
	return 0;
}

/* The hosts of an evaluation (e->ncontrols set), every one counted
 * as CONTROLS_NONE until its scans come; 0, or -1 out of memory. */
static int
controls_hosts_fill(struct controls_eval *e, const struct store_host *hosts,
    size_t nhosts)
{
	struct controls_host *h;
	size_t i;

	if ((e->hosts = calloc(nhosts + 1, sizeof(*e->hosts))) == NULL)
		return -1;
	for (i = 0; i < nhosts; i++) {
		h = &e->hosts[i];
		snprintf(h->id, sizeof(h->id), "%s", hosts[i].id);
		snprintf(h->role, sizeof(h->role), "%s", hosts[i].role);
		snprintf(h->site, sizeof(h->site), "%s", hosts[i].site);
		snprintf(h->zone, sizeof(h->zone), "%s", hosts[i].zone);
		e->nhosts++;
		if ((h->st = calloc(e->ncontrols + 1, sizeof(*h->st))) ==
		    NULL)
			return -1;
	}
	for (i = 0; i < e->ncontrols; i++)
		e->fleet[i].count[CONTROLS_NONE] = (unsigned)nhosts;
	return 0;
}

int
controls_evaluate(const struct controls *c, struct store *s, time_t now,
    long track, struct controls_eval **out, struct plumb_err *err)
{
	struct controls_run run;
	struct controls_eval *e = NULL;
	struct store_host *hosts = NULL;
	struct controls_seen *se, *next;
	size_t nhosts = 0, i, n = controls_count(c);
	int rc;

	*out = NULL;
	memset(&run, 0, sizeof(run));
	run.c = c;
	run.err = err;
	run.track = track;
	run.now = now;
	run.host = -1;
	rc = PLUMB_ENOMEM;
	if ((e = calloc(1, sizeof(*e))) == NULL ||
	    (e->waivers = calloc(1, sizeof(*e->waivers))) == NULL ||
	    (e->fleet = calloc(n + 1, sizeof(*e->fleet))) == NULL ||
	    (run.pend = calloc(n + 1, sizeof(*run.pend))) == NULL)
		goto nomem;
	run.e = e;
	e->ncontrols = n;
	if ((rc = store_hosts_list(s, &hosts, &nhosts, err)) != PLUMB_OK ||
	    (rc = waivers_load(s, e->waivers, err)) != PLUMB_OK)
		goto out;
	rc = PLUMB_ENOMEM;
	if (controls_hosts_fill(e, hosts, nhosts) != 0)
		goto nomem;
	/* Every boundary of a waiver up to now, in time order. */
	if ((run.wev = controls_wev_make(e->waivers, now,
	    &run.nwev)) == NULL)
		goto nomem;
	if ((rc = controls_replay(&run, s, err)) != PLUMB_OK)
		goto out;
	controls_waiver_events(&run, now);
	/* The state now: waivers in force now, for every host. */
	for (i = 0; i < e->nhosts; i++)
		controls_rescore(&run, &e->hosts[i], now);
	if ((rc = run.rc) != PLUMB_OK)
		goto out;
	if (controls_fleet_rules(&run) != 0)
		goto nomem;
	*out = e;
	e = NULL;
	rc = PLUMB_OK;
	goto out;
nomem:
	rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
out:
	for (i = 0; i < CONTROLS_CACHE_BUCKETS; i++)
		for (se = run.bucket[i]; se != NULL; se = next) {
			next = se->next;
			free(se->text);
			free(se);
		}
	if (run.pend != NULL)
		controls_stat_clear(run.pend, n);
	free(run.pend);
	free(run.wev);
	store_hosts_free(hosts);
	controls_eval_free(e);
	return rc;
}

void
controls_eval_free(struct controls_eval *e)
{
	struct controls_host *h;
	size_t i, j;

	if (e == NULL)
		return;
	for (i = 0; i < e->nhosts; i++) {
		h = &e->hosts[i];
		if (h->st != NULL)
			controls_stat_clear(h->st, e->ncontrols);
		free(h->st);
		for (j = 0; j < h->nbase; j++) {
			controls_stat_clear(h->base[j].st, e->ncontrols);
			free(h->base[j].st);
		}
		free(h->base);
	}
	free(e->hosts);
	if (e->fleet != NULL)
		for (i = 0; i < e->ncontrols; i++) {
			controls_strings_free(e->fleet[i].rules,
			    e->fleet[i].nrules);
			free(e->fleet[i].points);
			free(e->fleet[i].changes);
		}
	free(e->fleet);
	free(e->points);
	waivers_clear(e->waivers);
	free(e->waivers);
	free(e);
}

/* ------------------------------------------------------------ cache */

struct controls_cache {
	const struct controls *c;
	size_t max_points;
	unsigned min_interval;
	struct store *bs;		/* the builder's connection */
	pthread_t thread;
	int started;
	pthread_mutex_t mu;		/* guards the six below */
	pthread_cond_t cv;		/* want or stop */
	pthread_cond_t dcv;		/* a build ended */
	int want;			/* a build is asked for, */
	time_t want_now;		/*   as of this time */
	int building;			/* asked for or running */
	volatile int stop;		/* read unlocked by a running build */
	struct controls_run *ready;	/* built, for the loop to take */
	int failed;			/* the last build failed: */
	char why[PLUMB_ERR_MSG_MAX];	/*   why */
	/* The event loop's own: */
	struct controls_run *cur;	/* NULL until the first build */
	time_t last_start;		/* when a build was last asked for */
	time_t synced;			/* now of the last sync */
	time_t invalid;			/* a build as of before this is not
					 * exact (controls_cache_invalidate) */
};

static void
controls_run_free(struct controls_run *run)
{
	struct controls_seen *se, *next;
	size_t i;

	if (run == NULL)
		return;
	for (i = 0; i < CONTROLS_CACHE_BUCKETS; i++)
		for (se = run->bucket[i]; se != NULL; se = next) {
			next = se->next;
			free(se->text);
			free(se);
		}
	if (run->pend != NULL)
		controls_stat_clear(run->pend, controls_count(run->c));
	free(run->pend);
	free(run->wev);
	controls_eval_free(run->e);
	free(run);
}

/* Replay order of two scans: created, received, uuid. */
static int
controls_key_cmp(time_t c1, time_t r1, const char *u1, time_t c2, time_t r2,
    const char *u2)
{
	if (c1 != c2)
		return c1 < c2 ? -1 : 1;
	if (r1 != r2)
		return r1 < r2 ? -1 : 1;
	return strcmp(u1, u2);
}

/* Index of the scan's host (run->hostid) in e->hosts, added in id
 * order when new (a host first seen since the replay); -1 when out of
 * memory. */
static long
controls_host_index(struct controls_run *run)
{
	struct controls_eval *e = run->e;
	struct controls_host *nh, *h;
	size_t lo = 0, hi = e->nhosts, mid, i;
	int cmp;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((cmp = strcmp(run->hostid, e->hosts[mid].id)) == 0)
			return (long)mid;
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	if ((nh = realloc(e->hosts, (e->nhosts + 2) * sizeof(*nh))) == NULL)
		return -1;
	e->hosts = nh;
	memmove(nh + lo + 1, nh + lo, (e->nhosts - lo) * sizeof(*nh));
	h = &nh[lo];
	memset(h, 0, sizeof(*h));
	snprintf(h->id, sizeof(h->id), "%s", run->hostid);
	snprintf(h->role, sizeof(h->role), "%s", run->role);
	if ((h->st = calloc(e->ncontrols + 1, sizeof(*h->st))) == NULL) {
		memmove(nh + lo, nh + lo + 1, (e->nhosts - lo) * sizeof(*nh));
		return -1;
	}
	e->nhosts++;
	for (i = 0; i < e->ncontrols; i++)
		e->fleet[i].count[CONTROLS_NONE]++;
	return (long)lo;
}

/* The baseline of h the scan being read belongs to, NULL when new. */
static struct controls_base *
controls_base_find(const struct controls_run *run, struct controls_host *h)
{
	size_t i;

	for (i = 0; i < h->nbase; i++)
		if (strcmp(h->base[i].benchmark_id, run->bench) == 0 &&
		    strcmp(h->base[i].profile_id, run->profile) == 0 &&
		    strcmp(h->base[i].target_root, run->root) == 0)
			return &h->base[i];
	return NULL;
}

/*
 * The scan being read is complete: apply it to the cache's state.  In
 * replay order (later than everything applied) it continues the replay
 * exactly; a scan older than the newest of its baseline changes only
 * the history; any other (later than its baseline's newest, earlier
 * than what was applied) counts at once, as of the latest time applied.
 * The last two, and a host whose role changed (waivers match roles
 * over the whole history), ask for a rebuild (run->dirty).
 */
static void
controls_apply(struct controls_run *run)
{
	struct controls_host *h;
	struct controls_base *b;
	long hi;
	int exact;

	if (run->uuid[0] == '\0')
		return;
	if (run->id > run->last_id)
		run->last_id = run->id;
	if ((hi = controls_host_index(run)) < 0) {
		run->rc = plumb_err_set(run->err, PLUMB_ENOMEM,
		    "out of memory");
		goto drop;
	}
	h = &run->e->hosts[hi];
	if (strcmp(h->role, run->role) != 0) {
		run->dirty = 1;
		snprintf(h->role, sizeof(h->role), "%s", run->role);
	}
	snprintf(h->site, sizeof(h->site), "%s", run->site);
	snprintf(h->zone, sizeof(h->zone), "%s", run->zone);
	if ((b = controls_base_find(run, h)) != NULL &&
	    controls_key_cmp(run->created, run->received, run->uuid,
	    b->scan_time, b->scan_received, b->scan) <= 0) {
		run->dirty = 1;
		goto drop;
	}
	exact = run->created > run->tmax || (run->created == run->tmax &&
	    controls_key_cmp(run->created, run->received, run->uuid,
	    run->last_created, run->last_received, run->last_uuid) > 0);
	if (!exact)
		run->dirty = 1;
	run->at = exact ? run->created : run->tmax;
	if (controls_key_cmp(run->created, run->received, run->uuid,
	    run->last_created, run->last_received, run->last_uuid) > 0) {
		run->last_created = run->created;
		run->last_received = run->received;
		snprintf(run->last_uuid, sizeof(run->last_uuid), "%s",
		    run->uuid);
	}
	if (run->at > run->tmax)
		run->tmax = run->at;
	run->host = hi;
	controls_flush(run);	/* clears pend and uuid */
	return;
drop:
	controls_stat_clear(run->pend, controls_count(run->c));
	run->uuid[0] = '\0';
}

/*
 * Row of the cache's queries: id, uuid, host, created, received,
 * benchmark_id, profile_id, target_root of a scan, role, site, zone of
 * its host, then the five columns of controls_roll_cols().
 */
static int
controls_cache_row(void *arg, const char *const *v, size_t ncols)
{
	struct controls_run *run = arg;

	if (run->stop != NULL && *run->stop) {
		run->rc = plumb_err_set(run->err, PLUMB_EIO, "stopped");
		return 1;
	}
	if (ncols != 16 || v[0] == NULL || v[1] == NULL || v[2] == NULL)
		return 0;
	if (strcmp(run->uuid, v[1]) != 0) {
		controls_apply(run);
		if (run->rc != PLUMB_OK)
			return 1;
		run->applied++;
		run->id = strtoll(v[0], NULL, 10);
		snprintf(run->uuid, sizeof(run->uuid), "%s", v[1]);
		snprintf(run->hostid, sizeof(run->hostid), "%s", v[2]);
		run->created = v[3] != NULL ?
		    (time_t)strtoll(v[3], NULL, 10) : 0;
		run->received = v[4] != NULL ?
		    (time_t)strtoll(v[4], NULL, 10) : 0;
		CONTROLS_COL(run->bench, v[5]);
		CONTROLS_COL(run->profile, v[6]);
		CONTROLS_COL(run->root, v[7]);
		CONTROLS_COL(run->role, v[8]);
		CONTROLS_COL(run->site, v[9]);
		CONTROLS_COL(run->zone, v[10]);
	}
	return controls_roll_cols(run, v + 11);
}

#define CONTROLS_CACHE_COLS \
	"SELECT b.id, b.uuid, b.host, b.created, b.received," \
	" b.benchmark_id, b.profile_id, b.target_root, h.role, h.site," \
	" h.zone, r.framework, r.control_id, r.passed, r.rules, r.failing" \
	" FROM (SELECT id, uuid, host, created, received, benchmark_id," \
	" profile_id, target_root FROM bundles"

/* Apply the bundles stored after run->last_id, at most
 * CONTROLS_CATCHUP of them (run->applied says how many). */
static int
controls_catchup(struct controls_run *run, struct store *s,
    struct plumb_err *err)
{
	char id[32];
	const char *p[1];
	int rc;

	snprintf(id, sizeof(id), "%lld", run->last_id);
	p[0] = id;
	run->applied = 0;
	rc = store_query(s, CONTROLS_CACHE_COLS
	    " WHERE id > CAST($1 AS INTEGER) ORDER BY id LIMIT "
	    CONTROLS_STR(CONTROLS_CATCHUP) ") b"
	    " LEFT JOIN hosts h ON h.id = b.host"
	    " LEFT JOIN control_rollups r ON r.bundle_id = b.id"
	    " ORDER BY b.id", p, 1, controls_cache_row, run, NULL, err);
	if (rc == PLUMB_OK && run->rc == PLUMB_OK)
		controls_apply(run);
	if (rc == PLUMB_OK)
		rc = run->rc;
	run->behind = run->applied >= CONTROLS_CATCHUP;
	if (rc == PLUMB_OK && run->applied > 0 &&
	    controls_fleet_rules(run) != 0)
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	return rc;
}

/* Row: the waivers' fingerprint. */
static int
controls_wfp_row(void *arg, const char *const *v, size_t ncols)
{
	char *out = arg;

	if (ncols == 5)
		snprintf(out, CONTROLS_WFP_MAX, "%s/%s/%s/%s/%s",
		    v[0] ? v[0] : "", v[1] ? v[1] : "", v[2] ? v[2] : "",
		    v[3] ? v[3] : "", v[4] ? v[4] : "");
	return 0;
}

/* What changes with every waiver created, approved or revoked (times
 * only grow, so sums cannot come back to an earlier value). */
static int
controls_wfp(struct store *s, char *out, struct plumb_err *err)
{
	out[0] = '\0';
	return store_query(s, "SELECT count(*), COALESCE(max(created), 0),"
	    " COALESCE(sum(approved_time), 0), COALESCE(sum(revoked_time), 0),"
	    " COALESCE(sum(expires), 0) FROM waivers", NULL, 0,
	    controls_wfp_row, out, NULL, err);
}

/* Row: max(id). */
static int
controls_id_row(void *arg, const char *const *v, size_t ncols)
{
	if (ncols == 1 && v[0] != NULL)
		*(long long *)arg = strtoll(v[0], NULL, 10);
	return 0;
}

/*
 * Waivers changed since the cache's state was made (their fingerprint
 * differs): take the new set.  Their boundaries up to the latest time
 * applied must be the ones applied, else the current state is rescored
 * with the new set and a rebuild asked for; later boundaries are
 * applied as time passes them.
 */
static int
controls_cache_waivers(struct controls_run *run, struct store *s,
    struct plumb_err *err)
{
	char fp[CONTROLS_WFP_MAX];
	struct waiver_set *ws = NULL;
	time_t *wev = NULL;
	size_t nwev, k, i;
	int rc;

	if ((rc = controls_wfp(s, fp, err)) != PLUMB_OK)
		return rc;
	if (strcmp(fp, run->wfp) == 0)
		return PLUMB_OK;
	if ((ws = calloc(1, sizeof(*ws))) == NULL)
		goto nomem;
	if ((rc = waivers_load(s, ws, err)) != PLUMB_OK)
		goto out;
	if ((wev = controls_wev_make(ws, (time_t)-1, &nwev)) == NULL)
		goto nomem;
	for (k = 0; k < nwev && wev[k] <= run->tmax; k++)
		;
	if (k != run->iwev || (k > 0 && memcmp(wev, run->wev,
	    k * sizeof(*wev)) != 0))
		run->dirty = 1;
	waivers_clear(run->e->waivers);
	free(run->e->waivers);
	run->e->waivers = ws;
	ws = NULL;
	free(run->wev);
	run->wev = wev;
	run->nwev = nwev;
	run->iwev = k;
	wev = NULL;
	if (run->dirty)
		for (i = 0; i < run->e->nhosts; i++)
			controls_rescore(run, &run->e->hosts[i], run->tmax);
	snprintf(run->wfp, sizeof(run->wfp), "%s", fp);
	rc = run->rc;
	goto out;
nomem:
	rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
out:
	if (ws != NULL) {
		waivers_clear(ws);
		free(ws);
	}
	free(wev);
	return rc;
}

/* Waiver boundaries time passed: applied in order. */
static void
controls_cache_time(struct controls_run *run, time_t now)
{
	controls_waiver_events(run, now);
	if (run->iwev > 0 && run->wev[run->iwev - 1] > run->tmax)
		run->tmax = run->wev[run->iwev - 1];
}

/* A new, empty state for a replay at now (the cache's). */
static struct controls_run *
controls_run_new(const struct controls_cache *cc, time_t now)
{
	struct controls_run *run;
	size_t n = controls_count(cc->c);

	if ((run = calloc(1, sizeof(*run))) == NULL)
		return NULL;
	run->c = cc->c;
	run->track = CONTROLS_TRACK_ALL;
	run->max_points = cc->max_points;
	run->now = now;
	run->built = now;
	run->host = -1;
	run->stop = &cc->stop;
	if ((run->e = calloc(1, sizeof(*run->e))) == NULL ||
	    (run->e->waivers = calloc(1, sizeof(*run->e->waivers))) == NULL ||
	    (run->e->fleet = calloc(n + 1, sizeof(*run->e->fleet))) == NULL ||
	    (run->pend = calloc(n + 1, sizeof(*run->pend))) == NULL) {
		controls_run_free(run);
		return NULL;
	}
	run->e->ncontrols = n;
	return run;
}

/*
 * The builder's replay (the cache's first state, or a rebuild): the
 * waivers' fingerprint first, then the newest bundle id (the snapshot:
 * later ones are caught up), the hosts, the waivers, and the scans up
 * to that id in replay order, CONTROLS_PAGE bundles a query so that
 * the client never holds the whole table at once.
 */
static int
controls_cache_build(struct controls_cache *cc, time_t now,
    struct controls_run **out, struct plumb_err *err)
{
	struct controls_run *run;
	struct store *s = cc->bs;
	struct store_host *hosts = NULL;
	char snap[32], kc[32], kr[32], ku[STORE_UUID_LEN + 1];
	const char *p[4];
	long long maxid = 0;
	size_t nhosts = 0;
	int rc, last;

	*out = NULL;
	if ((run = controls_run_new(cc, now)) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	run->err = err;
	if ((rc = controls_wfp(s, run->wfp, err)) != PLUMB_OK ||
	    (rc = store_query(s, "SELECT COALESCE(max(id), 0) FROM bundles",
	    NULL, 0, controls_id_row, &maxid, NULL, err)) != PLUMB_OK ||
	    (rc = store_hosts_list(s, &hosts, &nhosts, err)) != PLUMB_OK ||
	    (rc = waivers_load(s, run->e->waivers, err)) != PLUMB_OK)
		goto out;
	rc = PLUMB_ENOMEM;
	if (controls_hosts_fill(run->e, hosts, nhosts) != 0 ||
	    (run->wev = controls_wev_make(run->e->waivers, (time_t)-1,
	    &run->nwev)) == NULL)
		goto nomem;
	snprintf(snap, sizeof(snap), "%lld", maxid);
	snprintf(kc, sizeof(kc), "%lld", (long long)INT64_MIN);
	snprintf(kr, sizeof(kr), "%lld", (long long)INT64_MIN);
	ku[0] = '\0';
	p[0] = snap;
	p[1] = kc;
	p[2] = kr;
	p[3] = ku;
	do {
		run->applied = 0;
		rc = store_query(s, CONTROLS_CACHE_COLS
		    " WHERE id <= CAST($1 AS INTEGER) AND (created, received,"
		    " uuid) > (CAST($2 AS INTEGER), CAST($3 AS INTEGER), $4)"
		    " ORDER BY created, received, uuid LIMIT "
		    CONTROLS_STR(CONTROLS_PAGE) ") b"
		    " LEFT JOIN hosts h ON h.id = b.host"
		    " LEFT JOIN control_rollups r ON r.bundle_id = b.id"
		    " ORDER BY b.created, b.received, b.uuid", p, 4,
		    controls_cache_row, run, NULL, err);
		if (rc == PLUMB_OK)
			rc = run->rc;
		if (rc != PLUMB_OK)
			goto out;
		/* The last scan read is still pending: the next page starts
		 * after it. */
		last = run->applied < CONTROLS_PAGE;
		snprintf(kc, sizeof(kc), "%lld", (long long)run->created);
		snprintf(kr, sizeof(kr), "%lld", (long long)run->received);
		snprintf(ku, sizeof(ku), "%s", run->uuid);
	} while (!last && run->uuid[0] != '\0');
	controls_apply(run);
	controls_cache_time(run, now);
	if ((rc = run->rc) != PLUMB_OK)
		goto out;
	if (controls_fleet_rules(run) != 0)
		goto nomem;
	/* Built in order: nothing is out of place (a host's role changed
	 * meanwhile is seen again by the catch-up). */
	run->dirty = 0;
	if (run->last_id < maxid)
		run->last_id = maxid;
	*out = run;
	run = NULL;
	rc = PLUMB_OK;
	goto out;
nomem:
	rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
out:
	store_hosts_free(hosts);
	controls_run_free(run);
	return rc;
}

/* The builder: one replay each time the loop asks, then the bundles
 * stored meanwhile, on its own connection. */
static void *
controls_cache_thread(void *arg)
{
	struct controls_cache *cc = arg;
	struct controls_run *run, *old;
	struct plumb_err err;
	struct timespec t0, t1;
	time_t now;
	int rc;

	pthread_mutex_lock(&cc->mu);
	for (;;) {
		while (!cc->want && !cc->stop)
			pthread_cond_wait(&cc->cv, &cc->mu);
		if (cc->stop)
			break;
		cc->want = 0;
		now = cc->want_now;
		pthread_mutex_unlock(&cc->mu);
		memset(&err, 0, sizeof(err));
		clock_gettime(CLOCK_MONOTONIC, &t0);
		rc = controls_cache_build(cc, now, &run, &err);
		while (rc == PLUMB_OK && !cc->stop) {
			run->err = &err;
			if ((rc = controls_catchup(run, cc->bs, &err)) !=
			    PLUMB_OK || run->applied < CONTROLS_CATCHUP)
				break;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (rc != PLUMB_OK) {
			controls_run_free(run);
			run = NULL;
			if (!cc->stop)
				fprintf(stderr, "plumb-collector: controls "
				    "cache: %s\n", err.msg);
		} else
			fprintf(stderr, "plumb-collector: controls cache "
			    "built: %zu hosts, bundles up to id %lld, in "
			    "%.1f s\n", run->e->nhosts, run->last_id,
			    (double)(t1.tv_sec - t0.tv_sec) +
			    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
		pthread_mutex_lock(&cc->mu);
		old = cc->ready;
		cc->ready = run;
		cc->failed = rc != PLUMB_OK;
		snprintf(cc->why, sizeof(cc->why), "%s",
		    rc != PLUMB_OK ? err.msg : "");
		cc->building = 0;
		pthread_cond_broadcast(&cc->dcv);
		pthread_mutex_unlock(&cc->mu);
		controls_run_free(old);
		pthread_mutex_lock(&cc->mu);
	}
	pthread_mutex_unlock(&cc->mu);
	return NULL;
}

/* Ask the builder for a replay (the loop's). */
static void
controls_cache_ask(struct controls_cache *cc, time_t now)
{
	pthread_mutex_lock(&cc->mu);
	if (!cc->building) {
		cc->want = 1;
		cc->want_now = now;
		cc->building = 1;
		cc->last_start = now;
		pthread_cond_signal(&cc->cv);
	}
	pthread_mutex_unlock(&cc->mu);
}

int
controls_cache_new(const struct controls *c,
    const struct controls_cache_opts *o, struct controls_cache **out,
    struct plumb_err *err)
{
	struct controls_cache *cc;
	sigset_t all, old;
	int rc;

	*out = NULL;
	if ((cc = calloc(1, sizeof(*cc))) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	cc->c = c;
	cc->max_points = o->history_points > 0 ? o->history_points : 1;
	cc->min_interval = o->rebuild_min_interval_s;
	pthread_mutex_init(&cc->mu, NULL);
	pthread_cond_init(&cc->cv, NULL);
	pthread_cond_init(&cc->dcv, NULL);
	if ((rc = store_open(o->database, &cc->bs, err)) != PLUMB_OK)
		goto fail;
	cc->want = 1;
	cc->building = 1;
	cc->last_start = cc->want_now = time(NULL);
	/* The thread leaves the signals to the loop (libevent). */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&cc->thread, NULL, controls_cache_thread, cc);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		rc = plumb_err_set(err, PLUMB_ENOMEM, "cannot start the "
		    "controls cache thread: %s", strerror(rc));
		goto fail;
	}
	cc->started = 1;
	*out = cc;
	return PLUMB_OK;
fail:
	controls_cache_free(cc);
	return rc;
}

void
controls_cache_free(struct controls_cache *cc)
{
	if (cc == NULL)
		return;
	if (cc->started) {
		pthread_mutex_lock(&cc->mu);
		cc->stop = 1;
		pthread_cond_signal(&cc->cv);
		pthread_mutex_unlock(&cc->mu);
		pthread_join(cc->thread, NULL);
	}
	controls_run_free(cc->ready);
	controls_run_free(cc->cur);
	store_close(cc->bs);
	pthread_cond_destroy(&cc->cv);
	pthread_cond_destroy(&cc->dcv);
	pthread_mutex_destroy(&cc->mu);
	free(cc);
}

void
controls_cache_invalidate(struct controls_cache *cc, time_t now)
{
	if (cc == NULL)
		return;
	cc->invalid = now;
	if (cc->cur != NULL)
		cc->cur->dirty = 1;
}

int
controls_cache_wait(struct controls_cache *cc, unsigned ms)
{
	struct timespec ts;
	int done;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&cc->mu);
	while (cc->building &&
	    pthread_cond_timedwait(&cc->dcv, &cc->mu, &ts) == 0)
		;
	done = !cc->building;
	pthread_mutex_unlock(&cc->mu);
	return done;
}

/*
 * Bring the cache up to date at now on the loop's store s: take a
 * finished build, apply the bundles stored since and the waiver
 * changes, and ask for a rebuild when due.  cc->cur stays NULL until
 * the first build is done.
 */
static int
controls_cache_sync(struct controls_cache *cc, struct store *s, time_t now,
    struct plumb_err *err)
{
	struct controls_run *got, *run;
	int rc = PLUMB_OK;

	pthread_mutex_lock(&cc->mu);
	got = cc->ready;
	cc->ready = NULL;
	pthread_mutex_unlock(&cc->mu);
	if (got != NULL) {
		controls_run_free(cc->cur);
		cc->cur = got;
		if (got->built < cc->invalid)
			got->dirty = 1;
	}
	if ((run = cc->cur) != NULL) {
		run->err = err;
		run->rc = PLUMB_OK;
		run->stop = NULL;
		/* Waivers first: a waiver dated before a bundle stored
		 * since is then applied in its place by that bundle's
		 * flush, not with a rebuild. */
		if ((rc = controls_cache_waivers(run, s, err)) != PLUMB_OK ||
		    (rc = controls_catchup(run, s, err)) != PLUMB_OK)
			return rc;
		controls_cache_time(run, now);
		if ((rc = run->rc) != PLUMB_OK)
			return rc;
	}
	cc->synced = now;
	if ((run == NULL || run->dirty) &&
	    (now < cc->last_start || now - cc->last_start >=
	    (time_t)cc->min_interval))
		controls_cache_ask(cc, now);
	return PLUMB_OK;
}

/*
 * The evaluation the control routes answer from: the cache's, brought
 * up to date (*e NULL and rep set to 503 while the first build runs),
 * or without a cache one replay for this request (*owned 1: the caller
 * frees it).  track as controls_evaluate().
 */
static int
controls_eval_for(const struct api_ctx *ctx, const struct api_req *req,
    long track, struct api_reply *rep, struct controls_eval **e,
    int *owned, struct plumb_err *err)
{
	struct controls_cache *cc = ctx->controls_cache;
	int rc, failed;
	char why[PLUMB_ERR_MSG_MAX];

	*e = NULL;
	*owned = 0;
	if (cc == NULL) {
		*owned = 1;
		return controls_evaluate(ctx->controls, ctx->store, req->now,
		    track, e, err);
	}
	if ((rc = controls_cache_sync(cc, ctx->store, req->now, err)) !=
	    PLUMB_OK)
		return rc;
	if (cc->cur != NULL) {
		*e = cc->cur->e;
		return PLUMB_OK;
	}
	pthread_mutex_lock(&cc->mu);
	failed = cc->failed;
	snprintf(why, sizeof(why), "%s", cc->why);
	pthread_mutex_unlock(&cc->mu);
	rep->retry_after = CONTROLS_RETRY_S;
	if (failed)
		return api_error(rep, 503, "the control rollups could not be "
		    "read (%s); trying again", why);
	return api_error(rep, 503, "the control rollups are being built; "
	    "try again shortly");
}

/* "as_of", "built" and "rebuilding" of a cache answer into o. */
static int
controls_json_cache(const struct api_ctx *ctx, json_t *o)
{
	struct controls_cache *cc = ctx->controls_cache;
	int building;

	if (cc == NULL || cc->cur == NULL)
		return 0;
	pthread_mutex_lock(&cc->mu);
	building = cc->building;
	pthread_mutex_unlock(&cc->mu);
	if (json_object_set_new(o, "as_of",
	    json_integer((json_int_t)cc->synced)) != 0 ||
	    json_object_set_new(o, "built",
	    json_integer((json_int_t)cc->cur->built)) != 0 ||
	    json_object_set_new(o, "rebuilding",
	    json_boolean(building || cc->cur->dirty ||
	    cc->cur->behind)) != 0)
		return -1;
	return 0;
}

/* ------------------------------------------------------------- API */

int
controls_param_time(const struct api_req *req, const char *name,
    time_t dflt, time_t *out, struct api_reply *rep)
{
	char buf[64], *end;
	struct tm tm;
	long long v;
	const char *p;

	*out = dflt;
	if ((p = api_query_param(req, name, buf, sizeof(buf))) == NULL ||
	    *p == '\0')
		return 0;
	errno = 0;
	v = strtoll(p, &end, 10);
	if (*end == '\0' && errno == 0 && v >= 0) {
		*out = (time_t)v;
		return 0;
	}
	memset(&tm, 0, sizeof(tm));
	end = strptime(p, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (end != NULL && *end == '\0') {
		*out = timegm(&tm);
		return 0;
	}
	api_error(rep, 400, "%s: \"%s\" is neither seconds since the epoch "
	    "nor YYYY-MM-DDTHH:MM:SSZ", name, p);
	return -1;
}

/* A JSON array of n strings (NULL on allocation failure). */
static json_t *
controls_json_strings(char *const *v, size_t n)
{
	json_t *a;
	size_t i;

	if ((a = json_array()) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (json_array_append_new(a, json_string(v[i])) != 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* A time or null when 0. */
static json_t *
controls_json_time(time_t t)
{
	return t != 0 ? json_integer((json_int_t)t) : json_null();
}

/* CONTROL of docs/api.md for control i. */
static json_t *
controls_json_control(const struct controls *c,
    const struct controls_eval *e, size_t i)
{
	const struct controls_control *cc = controls_at(c, i);
	const struct controls_fleet *f = &e->fleet[i];

	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:o, "
	    "s:o}",
	    "framework", cc->framework, "id", cc->id, "title", cc->title,
	    "status", controls_status_name(f->status == CONTROLS_NONE ?
	    CONTROLS_UNKNOWN : f->status),
	    "pass_hosts", (json_int_t)f->count[CONTROLS_PASS],
	    "fail_hosts", (json_int_t)f->count[CONTROLS_FAIL],
	    "waived_hosts", (json_int_t)f->count[CONTROLS_WAIVED],
	    "unknown_hosts", (json_int_t)f->count[CONTROLS_UNKNOWN],
	    "failing_since", controls_json_time(f->failing_since),
	    "rules", controls_json_strings(f->rules, f->nrules));
}

/* GET controls?framework= */
static int
controls_api_list(const struct api_ctx *ctx, const struct api_req *req,
    struct api_reply *rep, struct plumb_err *err)
{
	struct controls_eval *e = NULL;
	json_t *list = NULL, *o;
	char fw[STORE_TEXT_MAX];
	const char *want;
	size_t i;
	int rc, owned;

	if (ctx->controls == NULL)
		return api_error(rep, 503, "no control set loaded");
	want = api_query_param(req, "framework", fw, sizeof(fw));
	if (want != NULL && *want != '\0' &&
	    controls_framework_title(ctx->controls, want) == NULL)
		return api_error(rep, 400, "framework: \"%s\" is not in the "
		    "control set", want);
	if ((rc = controls_eval_for(ctx, req, -1, rep, &e, &owned, err)) !=
	    PLUMB_OK || e == NULL)
		return rc;
	if ((list = json_array()) == NULL)
		goto nomem;
	for (i = 0; i < controls_count(ctx->controls); i++) {
		if (want != NULL && *want != '\0' && strcmp(want,
		    controls_at(ctx->controls, i)->framework) != 0)
			continue;
		if ((o = controls_json_control(ctx->controls, e, i)) == NULL ||
		    json_array_append_new(list, o) != 0)
			goto nomem;
	}
	if (owned)
		controls_eval_free(e);
	e = NULL;
	if ((rc = api_reply_list(rep, "controls", list, err)) != PLUMB_OK)
		return rc;
	if (controls_json_cache(ctx, rep->json) != 0)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	return PLUMB_OK;
nomem:
	json_decref(list);
	if (owned)
		controls_eval_free(e);
	return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
}

/* The control named by seg[1]/seg[2]; -1 with a 404 in rep. */
static long
controls_api_control(const struct api_ctx *ctx, const struct api_req *req,
    struct api_reply *rep)
{
	long k;

	if (ctx->controls == NULL) {
		api_error(rep, 503, "no control set loaded");
		return -1;
	}
	if (req->nseg < 3 || (k = controls_find(ctx->controls, req->seg[1],
	    req->seg[2])) < 0) {
		api_error(rep, 404, "no control %s %s in the control set",
		    req->nseg > 1 ? req->seg[1] : "",
		    req->nseg > 2 ? req->seg[2] : "");
		return -1;
	}
	return k;
}

/* The baselines of host h whose newest scan maps rules onto control
 * k: where its status comes from. */
static json_t *
controls_json_bases(const struct controls_eval *e,
    const struct controls_host *h, size_t k, time_t now)
{
	const struct controls_base *b;
	json_t *a, *o;
	size_t j;

	if ((a = json_array()) == NULL)
		return NULL;
	for (j = 0; j < h->nbase; j++) {
		b = &h->base[j];
		if (!b->st[k].mapped)
			continue;
		o = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:o}",
		    "benchmark_id", b->benchmark_id,
		    "profile_id", b->profile_id,
		    "target_root", b->target_root, "scan", b->scan,
		    "scan_time", (json_int_t)b->scan_time,
		    "status", controls_status_name(controls_base_status(e, h,
		    b, k, now)),
		    "failing_rules", controls_json_strings(b->st[k].failing,
		    b->st[k].nfailing));
		if (o == NULL || json_array_append_new(a, o) != 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

/* One host of a control's detail (control k). */
static json_t *
controls_json_host(const struct controls_eval *e,
    const struct controls_host *h, size_t k, time_t now)
{
	const struct controls_hoststat *st = &h->st[k];
	json_t *o, *failing, *waived;
	size_t i;

	failing = json_array();
	waived = json_array();
	if (failing == NULL || waived == NULL)
		goto fail;
	for (i = 0; i < st->nfailing; i++)
		if (json_array_append_new(waivers_match(e->waivers, h->id,
		    h->role, st->failing[i], now) != NULL ? waived : failing,
		    json_string(st->failing[i])) != 0)
			goto fail;
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:I, s:s, s:I, "
	    "s:o}",
	    "host", h->id, "role", h->role, "site", h->site, "zone", h->zone,
	    "status", controls_status_name(st->status),
	    "failing_rules", failing, "waived_rules", waived,
	    "since", (json_int_t)st->since, "scan", h->scan,
	    "scan_time", (json_int_t)h->scan_time,
	    "baselines", controls_json_bases(e, h, k, now));
	return o;
fail:
	json_decref(failing);
	json_decref(waived);
	return NULL;
}

/* GET controls/{framework}/{id} */
static int
controls_api_detail(const struct api_ctx *ctx, const struct api_req *req,
    struct api_reply *rep, struct plumb_err *err)
{
	struct controls_eval *e = NULL;
	json_t *o = NULL, *hosts, *ho;
	size_t j;
	long k;
	int rc, owned;

	if ((k = controls_api_control(ctx, req, rep)) < 0)
		return PLUMB_OK;
	if ((rc = controls_eval_for(ctx, req, -1, rep, &e, &owned, err)) !=
	    PLUMB_OK || e == NULL)
		return rc;
	if ((o = controls_json_control(ctx->controls, e, (size_t)k)) == NULL ||
	    (hosts = json_array()) == NULL ||
	    json_object_set_new(o, "hosts", hosts) != 0 ||
	    controls_json_cache(ctx, o) != 0)
		goto nomem;
	for (j = 0; j < e->nhosts; j++) {
		if (e->hosts[j].st[k].status == CONTROLS_NONE)
			continue;
		if ((ho = controls_json_host(e, &e->hosts[j], (size_t)k,
		    req->now)) == NULL ||
		    json_array_append_new(hosts, ho) != 0)
			goto nomem;
	}
	rep->json = o;
	if (owned)
		controls_eval_free(e);
	return PLUMB_OK;
nomem:
	json_decref(o);
	if (owned)
		controls_eval_free(e);
	return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
}

/* GET controls/{framework}/{id}/history?since= */
static int
controls_api_history(const struct api_ctx *ctx, const struct api_req *req,
    struct api_reply *rep, struct plumb_err *err)
{
	struct controls_eval *e = NULL;
	const struct controls_point *p, *pv;
	json_t *points = NULL, *o;
	time_t since;
	size_t i, np, keep;
	long k;
	int rc, owned;

	if ((k = controls_api_control(ctx, req, rep)) < 0 ||
	    controls_param_time(req, "since", 0, &since, rep) != 0)
		return PLUMB_OK;
	if ((rc = controls_eval_for(ctx, req, k, rep, &e, &owned, err)) !=
	    PLUMB_OK || e == NULL)
		return rc;
	if (owned) {
		pv = e->points;
		np = e->npoints;
	} else {
		/* The cache's: its newest history_points. */
		keep = ctx->controls_cache->max_points;
		pv = e->fleet[k].points;
		np = e->fleet[k].npoints;
		if (np > keep) {
			pv += np - keep;
			np = keep;
		}
	}
	if ((points = json_array()) == NULL)
		goto nomem;
	for (i = 0; i < np; i++) {
		p = &pv[i];
		if (p->time < since)
			continue;
		o = json_pack("{s:I, s:s, s:I, s:I, s:I, s:I}",
		    "time", (json_int_t)p->time,
		    "status", controls_status_name(p->status ==
		    CONTROLS_NONE ? CONTROLS_UNKNOWN : p->status),
		    "pass_hosts", (json_int_t)p->count[CONTROLS_PASS],
		    "fail_hosts", (json_int_t)p->count[CONTROLS_FAIL],
		    "waived_hosts", (json_int_t)p->count[CONTROLS_WAIVED],
		    "unknown_hosts", (json_int_t)p->count[CONTROLS_UNKNOWN]);
		if (o == NULL || json_array_append_new(points, o) != 0)
			goto nomem;
	}
	rep->json = json_pack("{s:s, s:s, s:o, s:o}",
	    "framework", controls_at(ctx->controls, (size_t)k)->framework,
	    "id", controls_at(ctx->controls, (size_t)k)->id,
	    "failing_since", controls_json_time(e->fleet[k].failing_since),
	    "points", points);
	points = NULL;
	if (owned)
		controls_eval_free(e);
	if (rep->json == NULL || controls_json_cache(ctx, rep->json) != 0)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	return PLUMB_OK;
nomem:
	json_decref(points);
	if (owned)
		controls_eval_free(e);
	return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
}

/* The fleet status of f at t from its changes; -1 when the changes
 * that would tell were dropped. */
static int
controls_status_at(const struct controls_fleet *f, time_t t)
{
	size_t lo = 0, hi = f->nchanges, mid;

	/* The last change at or before t: changes[lo - 1]. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (f->changes[mid].time <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > 0)
		return f->changes[lo - 1].status;
	return f->dropped_changes ? -1 : CONTROLS_NONE;
}

/* GET controls/trend?framework=&days=: how many of the framework's
 * controls had each fleet status at the end of each of the last days
 * UTC days (the last point now), from the changes of their status. */
static int
controls_api_trend(const struct api_ctx *ctx, const struct api_req *req,
    struct api_reply *rep, struct plumb_err *err)
{
	struct controls_eval *e = NULL;
	json_t *points = NULL, *o;
	char fw[STORE_TEXT_MAX], num[16], iso[32], *end;
	const char *want, *dv;
	unsigned long days = 90;
	unsigned count[CONTROLS_NSTATUS];
	time_t t, today;
	size_t i;
	long d;
	int rc, owned, st, known;

	if (ctx->controls == NULL)
		return api_error(rep, 503, "no control set loaded");
	want = api_query_param(req, "framework", fw, sizeof(fw));
	if (want == NULL || *want == '\0' ||
	    controls_framework_title(ctx->controls, want) == NULL)
		return api_error(rep, 400, "framework: \"%s\" is not in the "
		    "control set", want != NULL ? want : "");
	dv = api_query_param(req, "days", num, sizeof(num));
	if (dv != NULL && *dv != '\0') {
		errno = 0;
		days = strtoul(dv, &end, 10);
		if (*dv < '0' || *dv > '9' || *end != '\0' || errno != 0 ||
		    days < 1 || days > ctx->cfg->controls_trend_days)
			return api_error(rep, 400, "days: want 1 to %u",
			    ctx->cfg->controls_trend_days);
	}
	if ((rc = controls_eval_for(ctx, req, -1, rep, &e, &owned, err)) !=
	    PLUMB_OK || e == NULL)
		return rc;
	if ((points = json_array()) == NULL)
		goto nomem;
	today = req->now - req->now % 86400;
	for (d = (long)days - 1; d >= 0; d--) {
		/* The end of the day d days before today's, then now. */
		t = d > 0 ? today - (time_t)(d - 1) * 86400 : req->now;
		memset(count, 0, sizeof(count));
		known = 1;
		for (i = 0; i < controls_count(ctx->controls); i++) {
			if (strcmp(controls_at(ctx->controls, i)->framework,
			    want) != 0)
				continue;
			if ((st = controls_status_at(&e->fleet[i], t)) < 0) {
				known = 0;
				break;
			}
			count[st == CONTROLS_NONE ? CONTROLS_UNKNOWN : st]++;
		}
		if (!known)
			continue;	/* before the changes kept */
		if (api_iso(t, iso, sizeof(iso)) != 0)
			iso[0] = '\0';
		o = json_pack("{s:I, s:s, s:I, s:I, s:I, s:I}",
		    "time", (json_int_t)t, "time_iso", iso,
		    "pass", (json_int_t)count[CONTROLS_PASS],
		    "fail", (json_int_t)count[CONTROLS_FAIL],
		    "waived", (json_int_t)count[CONTROLS_WAIVED],
		    "unknown", (json_int_t)count[CONTROLS_UNKNOWN]);
		if (o == NULL || json_array_append_new(points, o) != 0)
			goto nomem;
	}
	if (owned)
		controls_eval_free(e);
	e = NULL;
	rep->json = json_pack("{s:s, s:I, s:o}", "framework", want,
	    "days", (json_int_t)days, "points", points);
	points = NULL;
	if (rep->json == NULL || controls_json_cache(ctx, rep->json) != 0)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	return PLUMB_OK;
nomem:
	json_decref(points);
	if (owned)
		controls_eval_free(e);
	return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
}

const struct api_route controls_routes[] = {
	{ "GET", "controls/trend", API_AUTH_STAFF, controls_api_trend },
	{ "GET", "controls", API_AUTH_STAFF, controls_api_list },
	{ "GET", "controls/*/*", API_AUTH_STAFF, controls_api_detail },
	{ "GET", "controls/*/*/history", API_AUTH_STAFF, controls_api_history },
};
const size_t controls_nroutes = sizeof(controls_routes) /
    sizeof(controls_routes[0]);
