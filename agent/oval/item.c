/* item.c - system-characteristics items and item lists. */
#include <stdlib.h>
#include <string.h>

#include "plumb/error.h"
#include "common/grow.h"
#include "plumb/item.h"

#define CHUNK_MIN	1024
#define CHUNK_MAX	65536

struct oval_item_chunk {
	struct oval_item_chunk *next;
	size_t used;
	size_t cap;
	char data[];
};

/* Copy s into the item's chunks; NULL on ENOMEM. */
static char *
item_strdup(struct oval_item *it, const char *s)
{
	struct oval_item_chunk *c = it->chunks;
	size_t len = strlen(s) + 1, cap;
	char *p;

	if (c == NULL || c->cap - c->used < len) {
		cap = c == NULL ? CHUNK_MIN : c->cap * 2;
		if (cap > CHUNK_MAX)
			cap = CHUNK_MAX;
		if (cap < len)
			cap = len;
		if ((c = malloc(sizeof(*c) + cap)) == NULL)
			return NULL;
		c->used = 0;
		c->cap = cap;
		c->next = it->chunks;
		it->chunks = c;
	}
	p = c->data + c->used;
	memcpy(p, s, len);
	c->used += len;
	return p;
}

struct oval_item *
oval_item_new(const char *ns, const char *type)
{
	struct oval_item *it;

	if ((it = calloc(1, sizeof(*it))) == NULL)
		return NULL;
	if ((it->type = strdup(type)) == NULL) {
		free(it);
		return NULL;
	}
	it->ns = ns;
	it->refs = 1;
	it->status = OVAL_ST_EXISTS;
	return it;
}

/* Grow an array of fields by one slot; returns the new slot or NULL. */
static struct oval_field *
field_slot(struct oval_field **v, size_t *n, size_t *cap)
{
	if (grow_array(v, *n, cap, sizeof(**v), 16) != 0)
		return NULL;
	memset(&(*v)[*n], 0, sizeof(**v));
	return &(*v)[(*n)++];
}

/*
 * Fill a fresh slot with copies of name and value, from the item's chunks
 * when it is given (top-level fields), from the heap otherwise (record
 * sub-fields); on failure the slot is given back.
 */
static int
field_fill(struct oval_item *it, struct oval_field *f, size_t *n,
    const char *name, enum oval_datatype dt, const char *value,
    enum oval_status st)
{
	f->name = it ? item_strdup(it, name) : strdup(name);
	f->value = value == NULL ? NULL : it ? item_strdup(it, value) :
	    strdup(value);
	if (f->name == NULL || (value && f->value == NULL)) {
		if (it == NULL) {
			free(f->name);
			free(f->value);
		}
		(*n)--;
		return PLUMB_ENOMEM;
	}
	f->dt = dt;
	f->status = st;
	return PLUMB_OK;
}

int
oval_item_add(struct oval_item *it, const char *name, enum oval_datatype dt,
    const char *value)
{
	struct oval_field *f = field_slot(&it->fields, &it->nfields, &it->cap);

	if (f == NULL)
		return PLUMB_ENOMEM;
	return field_fill(it, f, &it->nfields, name, dt, value,
	    OVAL_ST_EXISTS);
}

int
oval_item_add_status(struct oval_item *it, const char *name,
    enum oval_datatype dt, enum oval_status st)
{
	struct oval_field *f = field_slot(&it->fields, &it->nfields, &it->cap);

	if (f == NULL)
		return PLUMB_ENOMEM;
	return field_fill(it, f, &it->nfields, name, dt, NULL, st);
}

struct oval_field *
oval_item_add_record(struct oval_item *it, const char *name)
{
	struct oval_field *f = field_slot(&it->fields, &it->nfields, &it->cap);

	if (f == NULL)
		return NULL;
	if (field_fill(it, f, &it->nfields, name, OVAL_DT_RECORD, NULL,
	    OVAL_ST_EXISTS) != 0)
		return NULL;
	return f;
}

int
oval_field_add(struct oval_field *rec, const char *name, enum oval_datatype dt,
    const char *value)
{
	struct oval_field *f = field_slot(&rec->sub, &rec->nsub, &rec->capsub);

	if (f == NULL)
		return PLUMB_ENOMEM;
	return field_fill(NULL, f, &rec->nsub, name, dt, value,
	    OVAL_ST_EXISTS);
}

const struct oval_field *
oval_item_field(const struct oval_item *it, const char *name, size_t *pos)
{
	size_t i;

	for (i = *pos; i < it->nfields; i++) {
		if (strcmp(it->fields[i].name, name) == 0) {
			*pos = i + 1;
			return &it->fields[i];
		}
	}
	*pos = it->nfields;
	return NULL;
}

int
oval_item_set_message(struct oval_item *it, const char *msg)
{
	char *m = strdup(msg);

	if (m == NULL)
		return PLUMB_ENOMEM;
	free(it->message);
	it->message = m;
	return PLUMB_OK;
}

static int
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static int
fields_equal(const struct oval_field *a, size_t na, const struct oval_field *b,
    size_t nb)
{
	size_t i;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++) {
		if (a[i].dt != b[i].dt || a[i].status != b[i].status ||
		    !str_eq(a[i].name, b[i].name) ||
		    !str_eq(a[i].value, b[i].value) ||
		    !fields_equal(a[i].sub, a[i].nsub, b[i].sub, b[i].nsub))
			return 0;
	}
	return 1;
}

int
oval_item_equal(const struct oval_item *a, const struct oval_item *b)
{
	return a->status == b->status && str_eq(a->ns, b->ns) &&
	    str_eq(a->type, b->type) &&
	    fields_equal(a->fields, a->nfields, b->fields, b->nfields);
}

struct oval_item *
oval_item_ref(struct oval_item *it)
{
	it->refs++;
	return it;
}

/* Free record sub-fields (heap strings) and the arrays. */
static void
subs_free(struct oval_field *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(f[i].name);
		free(f[i].value);
		subs_free(f[i].sub, f[i].nsub);
	}
	free(f);
}

void
oval_item_unref(struct oval_item *it)
{
	struct oval_item_chunk *c, *next;
	size_t i;

	if (it == NULL || --it->refs > 0)
		return;
	for (i = 0; i < it->nfields; i++)
		subs_free(it->fields[i].sub, it->fields[i].nsub);
	free(it->fields);
	for (c = it->chunks; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(it->type);
	free(it->message);
	free(it);
}

int
oval_item_list_take(struct oval_item_list *l, struct oval_item *it)
{
	if (grow_array(&l->v, l->n, &l->cap, sizeof(*l->v), 8) != 0) {
		oval_item_unref(it);
		return PLUMB_ENOMEM;
	}
	l->v[l->n++] = it;
	return PLUMB_OK;
}

void
oval_item_list_clear(struct oval_item_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		oval_item_unref(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}
