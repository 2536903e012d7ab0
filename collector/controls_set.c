/*
 * controls_set.c - the ISMS control set file (controls.h): reading and
 * checking the INI file, looking controls and frameworks up, and
 * mapping a rule and its references onto target controls.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>
#include <jansson.h>

#include "common/grow.h"
#include "plumb/error.h"
#include "controls.h"
#include "controls_int.h"
#include "store.h"

#define CONTROLS_SEC_MAX	256	/* a section header's text */

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
		if (grow_array(&c->fw, c->nfw, &cp->capfw, sizeof(*c->fw),
		    16) != 0)
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
		if (grow_array(&c->ctl, c->nctl, &cp->capctl,
		    sizeof(*c->ctl), 16) != 0)
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
		if (grow_array(&c->map, c->nmap, &cp->capmap,
		    sizeof(*c->map), 16) != 0)
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

uint64_t
controls_digest(const struct controls *c)
{
	return c->digest;
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

