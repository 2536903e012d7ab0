/*
 * probe.h - the interface between the OVAL engine and the probes that
 * collect system items for one object type.
 *
 * The engine resolves an object's entities (var_ref -> values) and its
 * behaviors, then calls the probe registered for the object's element
 * name.  The probe enumerates candidates, keeps those every entity
 * matches (probe_ent_match), and returns items plus a collection flag.
 * Sets and filters are applied by the engine, never by a probe.
 *
 * A probe reads the host under req->env->root (the --root option; "/"
 * by default) and never writes anything.
 */
#ifndef PLUMB_PROBE_H
#define PLUMB_PROBE_H

#include <stddef.h>
#include "plumb/error.h"
#include "plumb/item.h"
#include "plumb/oval_types.h"
#include "plumb/values.h"

/* One object entity after var_ref resolution (all storage engine-owned). */
struct probe_ent {
	const char *name;		/* element name, e.g. "filepath" */
	enum oval_datatype dt;
	enum oval_operation op;
	enum oval_check var_check;	/* how several values combine */
	const struct oval_values *vals;	/* one value unless var_ref */
	int nil;			/* xsi:nil="true": not part of the match */
};

struct probe_behavior {
	const char *name;
	const char *value;
};

/* Engine services a probe may use (the variable probe needs them). */
struct probe_env {
	const char *root;		/* never NULL; "/" when scanning the host */
	void *eng;
	/* Ids of every variable in the document, engine-owned. */
	int (*var_ids)(void *eng, const char *const **ids, size_t *n);
	/* Values of a variable; out is initialised by the callee. */
	int (*var_values)(void *eng, const char *id, struct oval_values *out,
	    struct plumb_err *err);
};

struct probe_req {
	const char *object_id;
	const char *type;		/* object element name */
	const struct probe_ent *ents;
	size_t nents;
	const struct probe_behavior *behaviors;
	size_t nbehaviors;
	const struct probe_env *env;
};

struct probe_result {
	struct oval_item_list items;	/* owned by the result */
	enum oval_flag flag;		/* set by the probe; starts COMPLETE */
	char msg[PLUMB_ERR_MSG_MAX];	/* message for the collected object */
	/* Set by the engine: the object's filters, applied by probe_emit. */
	int (*keep)(void *arg, const struct oval_item *it);
	/* Set with keep: may the filters look at item field name?  A probe
	 * may leave a costly field out of the item keep sees when not. */
	int (*keep_uses)(void *arg, const char *name);
	void *keep_arg;
};

#define PROBE_KEY_MAX	4352	/* a batch key: a path and a few numbers */

struct probe_ops {
	const char *type;		/* object element name, e.g. "file_object" */
	const char *family;		/* "independent", "unix", "linux" */
	/*
	 * Collect the items for req into res.  Returns 0 when the flag and
	 * items say all there is to say (including DOES_NOT_EXIST and
	 * ERROR flags for host conditions); a negative PLUMB_E* only for
	 * failures of the agent itself (ENOMEM).
	 */
	int (*collect)(const struct probe_req *req, struct probe_result *res);
	/*
	 * Optional pair, for probes whose requests can share work (one walk
	 * of the file system for several objects).  batch_key writes into
	 * key (keylen bytes) what a request shares and returns 1, or
	 * returns 0 when req is not worth sharing.  collect_batch collects
	 * n requests with equal keys at once, each (reqs[i], res[i]) as
	 * collect would.
	 */
	int (*batch_key)(const struct probe_req *req, char *key,
	    size_t keylen);
	int (*collect_batch)(const struct probe_req *const *reqs,
	    struct probe_result *const *res, size_t n);
};

/* The entity called name, or NULL when the object does not give it. */
const struct probe_ent *probe_req_ent(const struct probe_req *req,
    const char *name);

/*
 * The entity called name for a probe that cannot do without it, nor
 * with another operation than op: NULL, with res flagged error ("TYPE
 * without NAME", "NAME needs operation 'OP', not 'OTHER'"), when the
 * object does not give it, gives it nil or without values, or with
 * another operation.
 */
const struct probe_ent *probe_req_need(const struct probe_req *req,
    struct probe_result *res, const char *name, enum oval_operation op);

/* The value of behavior name, or def when the object does not set it. */
const char *probe_req_behavior(const struct probe_req *req,
    const char *name, const char *def);

/*
 * Does the candidate value match entity e (operation and var_check over
 * every value of e)?  1 yes, 0 no, negative PLUMB_E* when it cannot be
 * decided (bad pattern, value not of the datatype), with err set.
 * A NULL e or a nil e matches everything.
 */
int probe_ent_match(const struct probe_ent *e, const char *candidate,
    struct plumb_err *err);

/*
 * When e can only match a known, finite set of strings (operation
 * equals, datatype string-like) return 1 and point *vals at them so the
 * probe can look them up directly instead of enumerating; 0 otherwise.
 */
int probe_ent_exact(const struct probe_ent *e,
    const struct oval_values **vals);

/*
 * Hand a collected item to res, taking over the reference: it is kept
 * unless the object's filters exclude it (then it is freed at once).
 * Returns 0 or PLUMB_ENOMEM.  Probes emit items only through this.
 */
int probe_emit(struct probe_result *res, struct oval_item *it);

/*
 * Would the object's filters keep it?  1 yes (always, without filters),
 * 0 no.  Ownership stays with the caller: for a probe that completes
 * an item only once it is known to be kept, then hands it over with
 * probe_take().
 */
int probe_keep(const struct probe_result *res, const struct oval_item *it);

/* May the object's filters look at item field name? */
int probe_keep_uses(const struct probe_result *res, const char *name);

/* Hand it to res without filtering (probe_keep() said yes); 0 or
 * PLUMB_ENOMEM.  Past the item cap (below) the item is freed instead
 * and res flagged incomplete, with a message; still 0. */
int probe_take(struct probe_result *res, struct oval_item *it);

/*
 * The most items one object may collect: a baseline asking for more
 * (a pattern over a whole tree, millions of matches) gets the first
 * PROBE_ITEM_CAP and the object flagged incomplete, so memory stays
 * bounded.  TEST ONLY: the environment variable PLUMB_TEST_ITEM_CAP (a
 * positive integer, read once) lowers it so tests need not build
 * millions of items; it is not a supported setting.
 */
#define PROBE_ITEM_CAP	1000000

/* 1 once res is full and flagged (an item was dropped for the cap, or
 * it is incomplete anyway): a probe may stop enumerating. */
int probe_full(const struct probe_result *res);

/* Record a message and a flag in res; returns 0 (for "return probe_flag"). */
int probe_flag(struct probe_result *res, enum oval_flag flag,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * What to put before an absolute path to reach it under the probe root:
 * "" when scanning "/", the root directory otherwise.
 */
const char *probe_root_prefix(const struct probe_req *req);

/* The probe for an object element name, or NULL when plumb has none. */
const struct probe_ops *probe_lookup(const char *type);

/* Every probe, for `plumb --version` style listings; NULL-terminated. */
extern const struct probe_ops *const probe_table[];

#endif /* PLUMB_PROBE_H */
