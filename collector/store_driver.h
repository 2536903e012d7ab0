/*
 * store_driver.h - what collector/store.c needs from a database backend
 * (internal to the store; other modules use store.h only).
 *
 * store.c holds every query of store.h and the row -> struct
 * conversions, written once in the common SQL subset of SQLite and
 * PostgreSQL with $1.. text parameters; a driver only moves text in and
 * out of its database.  Two drivers: store_sqlite.c (file paths,
 * "sqlite:PATH") and store_pg.c (postgresql:// and postgres:// URLs,
 * libpq).  A driver never sees a struct store it did not open.
 */
#ifndef PLUMB_COLLECTOR_STORE_DRIVER_H
#define PLUMB_COLLECTOR_STORE_DRIVER_H

#include <stddef.h>
#include <stdint.h>

#include "plumb/error.h"
#include "store.h"

#define STORE_NAME_MAX		512	/* database name in messages */
#define STORE_QUERY_COLS	64	/* columns of a store_query() row */
#define STORE_RULE_CHUNK	64	/* most rule rows per INSERT */

struct store_driver;

/* Defined here so store.c and the drivers share it; opaque elsewhere. */
struct store {
	const struct store_driver *drv;
	void *conn;			/* the driver's connection */
	char name[STORE_NAME_MAX];	/* path or URL without password */
};

struct store_driver {
	const char *kind;		/* "sqlite", "postgresql" */
	/* Starts a write transaction; serialises writers on SQLite. */
	const char *begin_sql;
	/* Run inside a migration's transaction before the version is read,
	 * to serialise migrating processes; NULL when begin_sql does. */
	const char *migrate_lock_sql;
	/* Rows per multi-row INSERT (1 .. STORE_RULE_CHUNK): a round trip
	 * saved per row on a server; one row a statement on SQLite, where
	 * a multi-row statement needs a statement journal. */
	size_t insert_rows;
	/* Connect to the database named by url (the prefix already
	 * checked by store.c) and fill s->conn and s->name. */
	int (*open)(struct store *s, const char *url, struct plumb_err *err);
	/* Close s->conn (may be NULL). */
	void (*close)(struct store *s);
	/* One or more statements without parameters or rows. */
	int (*exec)(struct store *s, const char *sql, struct plumb_err *err);
	/*
	 * store_query() with the SQL as the driver should run it; keep is
	 * 1 for store.c's own statements (a fixed set of texts, worth
	 * preparing once per connection), 0 for component SQL.
	 */
	int (*query)(struct store *s, const char *sql, int keep,
	    const char *const *params, size_t nparams, store_row_fn fn,
	    void *arg, uint64_t *changes, struct plumb_err *err);
	/* 1 while a transaction is open. */
	int (*in_tx)(struct store *s);
	/*
	 * The backend's spelling of component SQL (NULL: as written).
	 * ddl is 1 for migrations.  Returns an allocated string or NULL
	 * when out of memory.
	 */
	char *(*rewrite)(const char *sql, int ddl);
};

extern const struct store_driver store_sqlite_driver;
extern const struct store_driver store_pg_driver;

#endif /* PLUMB_COLLECTOR_STORE_DRIVER_H */
