/*
 * item.h - system-characteristics items: what a probe collected.
 *
 * An item is a typed bag of named fields, in the order the
 * system-characteristics schema lists them for its item type.  A field
 * may repeat (multi-valued entities such as variable_item/value) and a
 * field of datatype record holds sub-fields.  Items are reference
 * counted because one item may belong to several collected objects.
 */
#ifndef PLUMB_ITEM_H
#define PLUMB_ITEM_H

#include <stddef.h>
#include "plumb/oval_types.h"

/* Namespace URIs of the item schemas the probes emit into. */
#define OVAL_NS_SC_IND   "http://oval.mitre.org/XMLSchema/oval-system-characteristics-5#independent"
#define OVAL_NS_SC_UNIX  "http://oval.mitre.org/XMLSchema/oval-system-characteristics-5#unix"
#define OVAL_NS_SC_LINUX "http://oval.mitre.org/XMLSchema/oval-system-characteristics-5#linux"

/*
 * The strings of an item's own fields live in the item's chunks (one
 * allocation for many strings: probes build hundreds of thousands of
 * items); record sub-fields own theirs.
 */
struct oval_item_chunk;

struct oval_field {
	char *name;		/* entity element name, e.g. "filepath" */
	char *value;		/* NULL when status != exists (or for records) */
	enum oval_datatype dt;
	enum oval_status status;
	struct oval_field *sub;	/* record fields when dt == OVAL_DT_RECORD */
	size_t nsub;
	size_t capsub;
};

struct oval_item {
	unsigned long id;	/* sc id; 0 until the engine records it */
	unsigned refs;
	const char *ns;		/* one of OVAL_NS_SC_*, static */
	char *type;		/* element name, e.g. "textfilecontent_item" */
	enum oval_status status;
	char *message;		/* optional, owned */
	struct oval_field *fields;
	size_t nfields;
	size_t cap;
	struct oval_item_chunk *chunks;	/* storage of the fields' strings */
};

/* New item with one reference and status exists; NULL on ENOMEM. */
struct oval_item *oval_item_new(const char *ns, const char *type);

/* Add a field with a value (copied) and status exists; 0 or PLUMB_ENOMEM. */
int oval_item_add(struct oval_item *it, const char *name,
    enum oval_datatype dt, const char *value);

/* Add a field with no value and the given status; 0 or PLUMB_ENOMEM. */
int oval_item_add_status(struct oval_item *it, const char *name,
    enum oval_datatype dt, enum oval_status st);

/*
 * Add a record field; the returned pointer is valid until the next add
 * to this item.  Fill it with oval_field_add().  NULL on ENOMEM.
 */
struct oval_field *oval_item_add_record(struct oval_item *it,
    const char *name);

/* Add a sub-field to a record field; 0 or PLUMB_ENOMEM. */
int oval_field_add(struct oval_field *rec, const char *name,
    enum oval_datatype dt, const char *value);

/* First field called name at or after index *pos (start with 0); NULL
 * when there is none.  *pos is left just after the field found. */
const struct oval_field *oval_item_field(const struct oval_item *it,
    const char *name, size_t *pos);

/* Set the item's message (copied). */
int oval_item_set_message(struct oval_item *it, const char *msg);

/* Structural equality: same ns, type, status and fields. */
int oval_item_equal(const struct oval_item *a, const struct oval_item *b);

struct oval_item *oval_item_ref(struct oval_item *it);
void oval_item_unref(struct oval_item *it);	/* accepts NULL */

/* A growable list of item references. */
struct oval_item_list {
	struct oval_item **v;
	size_t n;
	size_t cap;
};

/* Append it, taking over the caller's reference (unref'd on failure). */
int oval_item_list_take(struct oval_item_list *l, struct oval_item *it);
/* Drop every reference and free the array. */
void oval_item_list_clear(struct oval_item_list *l);

#endif /* PLUMB_ITEM_H */
