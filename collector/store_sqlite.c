/*
 * store_sqlite.c - the SQLite driver of the store (store_driver.h):
 * WAL journal, foreign keys, FULL sync, a busy timeout, BEGIN IMMEDIATE
 * for writers.  The queries themselves are in store.c.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sqlite3.h>

#include "plumb/error.h"
#include "store.h"
#include "store_driver.h"

#define STORE_BUSY_MS	10000
#define STORE_REAL_MAX	32	/* a REAL as text */
#define STORE_STMT_CACHE	24	/* prepared statements kept */

/*
 * The connection and its statement cache: store.c sends the same SQL
 * text for every bundle (a 64-row INSERT is worth keeping prepared),
 * looked up by text, the least recently used one finalized first.
 */
struct store_sqlite {
	sqlite3 *db;
	struct {
		char *sql;
		sqlite3_stmt *st;
		unsigned *map;		/* store_sqlite_map() of st */
		unsigned long used;	/* tick of the last use */
		int busy;		/* stepping (a row callback may
					 * run the same SQL again) */
	} cache[STORE_STMT_CACHE];
	unsigned long tick;
};

static sqlite3 *
store_sqlite_db(struct store *s)
{
	return ((struct store_sqlite *)s->conn)->db;
}

/* err from the database's last error, with what was being done. */
static int
store_sqlite_err(struct store *s, struct plumb_err *err, int code,
    const char *what)
{
	return plumb_err_set(err, code, "%s: %s: %s", s->name, what,
	    sqlite3_errmsg(store_sqlite_db(s)));
}

/* Run SQL without results (several statements allowed). */
static int
store_sqlite_exec(struct store *s, const char *sql, struct plumb_err *err)
{
	char *msg = NULL;
	int rc;

	if ((rc = sqlite3_exec(store_sqlite_db(s), sql, NULL, NULL, &msg)) !=
	    SQLITE_OK) {
		plumb_err_set(err, rc == SQLITE_CONSTRAINT ? PLUMB_EINVAL :
		    PLUMB_EIO, "%s: %s", s->name,
		    msg != NULL ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return rc == SQLITE_CONSTRAINT ? PLUMB_EINVAL : PLUMB_EIO;
	}
	return PLUMB_OK;
}

static int
store_sqlite_prepare(struct store *s, const char *sql, sqlite3_stmt **st,
    struct plumb_err *err)
{
	*st = NULL;
	if (sqlite3_prepare_v2(store_sqlite_db(s), sql, -1, st, NULL) !=
	    SQLITE_OK)
		return store_sqlite_err(s, err, PLUMB_EIO, "prepare");
	return PLUMB_OK;
}

/*
 * A REAL as the shortest text that reads back as the same double, as
 * PostgreSQL prints float8 ("100", "75.5", not SQLite's "100.0" and 15
 * digits).
 */
static const char *
store_sqlite_real(double v, char *buf)
{
	int prec;

	if (isnan(v))
		return "NaN";
	if (isinf(v))
		return v > 0 ? "Infinity" : "-Infinity";
	for (prec = 15; prec < 17; prec++) {
		snprintf(buf, STORE_REAL_MAX, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return buf;
	}
	snprintf(buf, STORE_REAL_MAX, "%.17g", v);
	return buf;
}

/*
 * The N of "$N" of each parameter of st, by SQLite's index - 1 (0: not
 * a $N name); SQLite numbers parameters by first use.  Computed once a
 * statement: looking a name up is linear in the parameter count, and a
 * 64-row INSERT has 832.  NULL when out of memory.
 */
static unsigned *
store_sqlite_map(sqlite3_stmt *st)
{
	unsigned *map;
	const char *name;
	unsigned long n;
	char *end;
	int i, nb = sqlite3_bind_parameter_count(st);

	if ((map = calloc((size_t)nb + 1, sizeof(*map))) == NULL)
		return NULL;
	for (i = 1; i <= nb; i++) {
		if ((name = sqlite3_bind_parameter_name(st, i)) == NULL ||
		    name[0] != '$')
			continue;
		n = strtoul(name + 1, &end, 10);
		if (*end == '\0' && n <= UINT32_MAX)
			map[i - 1] = (unsigned)n;
	}
	return map;
}

/* Forget cache entry i. */
static void
store_sqlite_drop(struct store_sqlite *c, int i)
{
	sqlite3_finalize(c->cache[i].st);
	free(c->cache[i].sql);
	free(c->cache[i].map);
	c->cache[i].st = NULL;
	c->cache[i].sql = NULL;
	c->cache[i].map = NULL;
	c->cache[i].busy = 0;
}

/*
 * A prepared statement for sql and its parameter map: from the cache
 * (*slot its entry, marked busy) or, when every copy is busy or it
 * cannot be kept, a new one (*slot -1: the caller frees both).
 */
static int
store_sqlite_stmt(struct store *s, const char *sql, sqlite3_stmt **st,
    unsigned **map, int *slot, struct plumb_err *err)
{
	struct store_sqlite *c = s->conn;
	int i, lru = -1;

	*st = NULL;
	*map = NULL;
	*slot = -1;
	c->tick++;
	for (i = 0; i < STORE_STMT_CACHE; i++) {
		if (c->cache[i].sql != NULL && !c->cache[i].busy &&
		    strcmp(c->cache[i].sql, sql) == 0) {
			c->cache[i].used = c->tick;
			c->cache[i].busy = 1;
			*st = c->cache[i].st;
			*map = c->cache[i].map;
			*slot = i;
			return PLUMB_OK;
		}
		if (!c->cache[i].busy && (lru < 0 ||
		    c->cache[i].used < c->cache[lru].used))
			lru = i;
	}
	if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st,
	    NULL) != SQLITE_OK)
		return store_sqlite_err(s, err, PLUMB_EIO, "prepare");
	if ((*map = store_sqlite_map(*st)) == NULL) {
		sqlite3_finalize(*st);
		*st = NULL;
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	}
	if (lru < 0)
		return PLUMB_OK;
	store_sqlite_drop(c, lru);
	if ((c->cache[lru].sql = strdup(sql)) == NULL)
		return PLUMB_OK;	/* used once, not kept */
	c->cache[lru].st = *st;
	c->cache[lru].map = *map;
	c->cache[lru].used = c->tick;
	c->cache[lru].busy = 1;
	*slot = lru;
	return PLUMB_OK;
}

/* Give a statement back: reset and unbound (the parameters were bound
 * SQLITE_STATIC) when cached, else freed. */
static void
store_sqlite_unstmt(struct store *s, sqlite3_stmt *st, unsigned *map,
    int slot)
{
	struct store_sqlite *c = s->conn;

	if (slot < 0) {
		sqlite3_finalize(st);
		free(map);
		return;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	c->cache[slot].busy = 0;
}

/*
 * $N names a parameter; SQLite numbers them by first use, so each
 * parameter of the statement is bound by its name's number; a
 * parameter the SQL does not use is ignored, one not given is NULL.
 */
static int
store_sqlite_query(struct store *s, const char *sql, int keep,
    const char *const *params, size_t nparams, store_row_fn fn, void *arg,
    uint64_t *changes, struct plumb_err *err)
{
	const char *vals[STORE_QUERY_COLS];
	char reals[STORE_QUERY_COLS][STORE_REAL_MAX];
	sqlite3_stmt *st = NULL;
	unsigned *map = NULL, n;
	int rc, ncols, idx, step, brc, nbind, slot;

	if (changes != NULL)
		*changes = 0;
	if ((rc = store_sqlite_stmt(s, sql, &st, &map, &slot, err)) != 0)
		return rc;
	nbind = sqlite3_bind_parameter_count(st);
	for (idx = 1; idx <= nbind; idx++) {
		if ((n = map[idx - 1]) == 0 || n > nparams)
			continue;
		brc = params[n - 1] == NULL ? sqlite3_bind_null(st, idx) :
		    sqlite3_bind_text(st, idx, params[n - 1], -1,
		    SQLITE_STATIC);
		if (brc != SQLITE_OK) {
			rc = store_sqlite_err(s, err, PLUMB_EIO, "bind");
			goto out;
		}
	}
	if ((ncols = sqlite3_column_count(st)) > STORE_QUERY_COLS) {
		rc = plumb_err_set(err, PLUMB_EINVAL, "%s: query returns %d "
		    "columns (at most %d)", s->name, ncols, STORE_QUERY_COLS);
		goto out;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (fn == NULL)
			continue;
		for (idx = 0; idx < ncols; idx++)
			vals[idx] = sqlite3_column_type(st, idx) ==
			    SQLITE_FLOAT ? store_sqlite_real(
			    sqlite3_column_double(st, idx), reals[idx]) :
			    (const char *)sqlite3_column_text(st, idx);
		if (fn(arg, vals, (size_t)ncols) != 0)
			break;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		rc = store_sqlite_err(s, err, step == SQLITE_CONSTRAINT ?
		    PLUMB_EINVAL : PLUMB_EIO, "query");
		goto out;
	}
	if (changes != NULL)
		*changes = (uint64_t)sqlite3_changes(store_sqlite_db(s));
	rc = PLUMB_OK;
out:
	store_sqlite_unstmt(s, st, map, slot);
	return rc;
}

static int
store_sqlite_in_tx(struct store *s)
{
	return !sqlite3_get_autocommit(store_sqlite_db(s));
}

/* Open the file, switch to WAL and set the pragmas every write needs. */
static int
store_sqlite_open(struct store *s, const char *url, struct plumb_err *err)
{
	struct store_sqlite *c;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	const char *path = url, *mode;
	int rc, step, i, fd;

	if (strncmp(path, "sqlite:", 7) == 0)
		path += 7;
	snprintf(s->name, sizeof(s->name), "%s", path);
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	s->conn = c;
	/* SQLite would create the file 0644 & ~umask (and its -wal and
	 * -shm files with the same mode): create it 0600 first. */
	if (strcmp(path, ":memory:") != 0 && (fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) >= 0) {
		(void)fchmod(fd, 0600);
		close(fd);
	} else if (strcmp(path, ":memory:") != 0 && errno != EEXIST)
		return plumb_err_set(err, PLUMB_EIO, "%s: cannot create: %s",
		    path, strerror(errno));
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = plumb_err_set(err, PLUMB_EIO, "%s: cannot open: %s", path,
		    db != NULL ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return rc;
	}
	c->db = db;
	sqlite3_busy_timeout(db, STORE_BUSY_MS);
	sqlite3_extended_result_codes(db, 0);
	/* WAL: readers (API, sqlite3 CLI) never block the ingest. */
	if ((rc = store_sqlite_prepare(s, "PRAGMA journal_mode=WAL", &st,
	    err)) != 0)
		goto out;
	/* Switching a new database to WAL takes an exclusive lock, and
	 * SQLite answers BUSY at once (no busy handler) when another
	 * process opens it at the same moment: retry for the busy time. */
	for (i = 0; (step = sqlite3_step(st)) == SQLITE_BUSY &&
	    i < STORE_BUSY_MS / 10; i++) {
		sqlite3_reset(st);
		sqlite3_sleep(10);
	}
	if (step != SQLITE_ROW) {
		rc = store_sqlite_err(s, err, PLUMB_EIO, "journal_mode");
		goto out;
	}
	mode = (const char *)sqlite3_column_text(st, 0);
	if (mode == NULL || (strcasecmp(mode, "wal") != 0 &&
	    strcmp(path, ":memory:") != 0)) {
		rc = plumb_err_set(err, PLUMB_EIO,
		    "%s: cannot use the WAL journal (got %s)", path,
		    mode != NULL ? mode : "nothing");
		goto out;
	}
	/* A 201 answer promises the bundle is stored: FULL sync. */
	rc = store_sqlite_exec(s, "PRAGMA foreign_keys=ON;"
	    "PRAGMA synchronous=FULL", err);
out:
	sqlite3_finalize(st);
	return rc;
}

static void
store_sqlite_close(struct store *s)
{
	struct store_sqlite *c = s->conn;
	int i;

	if (c == NULL)
		return;
	for (i = 0; i < STORE_STMT_CACHE; i++)
		store_sqlite_drop(c, i);
	sqlite3_close(c->db);
	free(c);
	s->conn = NULL;
}

void *
store_sqlite_handle(struct store *s)
{
	return s != NULL && s->drv == &store_sqlite_driver ?
	    store_sqlite_db(s) : NULL;
}

const struct store_driver store_sqlite_driver = {
	.kind = "sqlite",
	.begin_sql = "BEGIN IMMEDIATE",
	.migrate_lock_sql = NULL,
	.insert_rows = 1,
	.open = store_sqlite_open,
	.close = store_sqlite_close,
	.exec = store_sqlite_exec,
	.query = store_sqlite_query,
	.in_tx = store_sqlite_in_tx,
	.rewrite = NULL,
};
