/*
 * store_pg.c - the PostgreSQL driver of the store (store_driver.h),
 * through libpq: one connection per struct store, text parameters and
 * text results (PQexecParams), migrations serialised across processes
 * with a transaction-scoped advisory lock.  The queries are in store.c.
 *
 * Component SQL (store_query(), store_migrate()) is written in the
 * common subset and spelled for PostgreSQL here: INTEGER -> BIGINT,
 * REAL -> DOUBLE PRECISION, and in migrations INTEGER PRIMARY KEY ->
 * an identity column and TEXT -> TEXT COLLATE "C", so text compares
 * and sorts by bytes as in SQLite whatever the database's locale.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libpq-fe.h>

#include "plumb/error.h"
#include "store.h"
#include "store_driver.h"

#define STORE_PG_TEXTOID	25	/* pg_type oid of text */
#define STORE_PG_MSG_MAX	384	/* server message kept in err */
#define STORE_PG_KEPT		32	/* prepared statements kept */
#define STORE_PG_NAME_MAX	24	/* "plumb_<slot>" */

/*
 * The driver's connection state.  store.c's own statements are
 * prepared once per connection (named "plumb_<slot>"), so the server
 * parses a 64-row INSERT once, not per bundle.
 */
struct store_pg {
	PGconn *c;
	int tx;			/* a BEGIN of ours is open */
	struct {
		char *sql;	/* NULL: slot free */
		size_t nparams;
		unsigned long used;
	} kept[STORE_PG_KEPT];
	unsigned long tick;
};

/* The server forgot our prepared statements (new connection). */
static void
store_pg_forget(struct store_pg *pg)
{
	int i;

	for (i = 0; i < STORE_PG_KEPT; i++) {
		free(pg->kept[i].sql);
		pg->kept[i].sql = NULL;
	}
}

static struct store_pg *
store_pg_conn(struct store *s)
{
	return s->conn;
}

/* Copy a libpq message without its trailing newline. */
static void
store_pg_msg(char *dst, size_t size, const char *msg)
{
	size_t n;

	snprintf(dst, size, "%s", msg != NULL && *msg != '\0' ? msg :
	    "unknown error");
	n = strlen(dst);
	while (n > 0 && (dst[n - 1] == '\n' || dst[n - 1] == '\r'))
		dst[--n] = '\0';
}

/* err from a failed result: integrity violations (SQLSTATE class 23)
 * are PLUMB_EINVAL, like SQLITE_CONSTRAINT, the rest PLUMB_EIO. */
static int
store_pg_reserr(struct store *s, PGresult *res, const char *what,
    struct plumb_err *err)
{
	const char *state = res != NULL ?
	    PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	char msg[STORE_PG_MSG_MAX];
	int code = state != NULL && strncmp(state, "23", 2) == 0 ?
	    PLUMB_EINVAL : PLUMB_EIO;

	store_pg_msg(msg, sizeof(msg), res != NULL ?
	    PQresultErrorMessage(res) : PQerrorMessage(store_pg_conn(s)->c));
	return plumb_err_set(err, code, "%s: %s: %s", s->name, what, msg);
}

/*
 * Before a statement: a connection the server dropped (restart,
 * failover) is opened again, unless a transaction of ours was open on
 * it; that one has failed and the caller's rollback ends it.
 */
static int
store_pg_ready(struct store *s, struct plumb_err *err)
{
	struct store_pg *pg = store_pg_conn(s);
	char msg[STORE_PG_MSG_MAX];

	if (PQstatus(pg->c) == CONNECTION_OK)
		return PLUMB_OK;
	if (pg->tx)
		return plumb_err_set(err, PLUMB_EIO, "%s: connection lost "
		    "inside a transaction", s->name);
	PQreset(pg->c);
	store_pg_forget(pg);
	if (PQstatus(pg->c) == CONNECTION_OK)
		return PLUMB_OK;
	store_pg_msg(msg, sizeof(msg), PQerrorMessage(pg->c));
	return plumb_err_set(err, PLUMB_EIO, "%s: cannot reconnect: %s",
	    s->name, msg);
}

/* Track our own BEGIN / COMMIT / ROLLBACK for store_pg_ready(). */
static void
store_pg_track(struct store_pg *pg, const char *sql, int ok)
{
	if (strcasecmp(sql, "BEGIN") == 0)
		pg->tx = ok;
	else if (strcasecmp(sql, "COMMIT") == 0 ||
	    strcasecmp(sql, "ROLLBACK") == 0)
		pg->tx = 0;
}

/* Run SQL without parameters (several statements allowed). */
static int
store_pg_exec(struct store *s, const char *sql, struct plumb_err *err)
{
	struct store_pg *pg = store_pg_conn(s);
	PGresult *res;
	int rc;

	if (strcasecmp(sql, "ROLLBACK") != 0 &&
	    (rc = store_pg_ready(s, err)) != 0)
		return rc;
	res = PQexec(pg->c, sql);
	if (res != NULL && (PQresultStatus(res) == PGRES_COMMAND_OK ||
	    PQresultStatus(res) == PGRES_TUPLES_OK))
		rc = PLUMB_OK;
	else
		rc = store_pg_reserr(s, res, "exec", err);
	/* A COMMIT of a failed transaction answers ROLLBACK. */
	if (rc == PLUMB_OK && strcasecmp(sql, "COMMIT") == 0 &&
	    strcmp(PQcmdStatus(res), "ROLLBACK") == 0)
		rc = plumb_err_set(err, PLUMB_EIO, "%s: commit: the "
		    "transaction was rolled back", s->name);
	PQclear(res);
	store_pg_track(pg, sql, rc == PLUMB_OK);
	return rc;
}

/*
 * Skip a string literal, quoted identifier or comment starting at p;
 * returns p itself when none starts there.
 */
static const char *
store_pg_skip(const char *p)
{
	const char *e;

	if (*p == '\'' || *p == '"') {
		for (e = p + 1; *e != '\0'; e++)
			if (*e == *p) {
				if (e[1] != *p)
					return e + 1;
				e++;	/* '' or "" inside */
			}
		return e;
	}
	if (p[0] == '-' && p[1] == '-') {
		e = strchr(p, '\n');
		return e != NULL ? e : p + strlen(p);
	}
	if (p[0] == '/' && p[1] == '*') {
		e = strstr(p + 2, "*/");
		return e != NULL ? e + 2 : p + strlen(p);
	}
	return p;
}

static int
store_pg_word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '$';
}

/* The word at p is w (case-insensitive, whole word). */
static int
store_pg_is_word(const char *p, size_t len, const char *w)
{
	return len == strlen(w) && strncasecmp(p, w, len) == 0;
}

/* p (after INTEGER) continues with PRIMARY KEY. */
static int
store_pg_primary_key(const char *p)
{
	size_t n;

	p += strspn(p, " \t\r\n");
	for (n = 0; store_pg_word_char(p[n]); n++)
		;
	if (!store_pg_is_word(p, n, "PRIMARY"))
		return 0;
	p += n;
	p += strspn(p, " \t\r\n");
	for (n = 0; store_pg_word_char(p[n]); n++)
		;
	return store_pg_is_word(p, n, "KEY");
}

/* Append n bytes to the growing buffer *b (*len used, *cap size). */
static int
store_pg_put(char **b, size_t *len, size_t *cap, const char *p, size_t n)
{
	char *nb;
	size_t nc;

	if (*len + n + 1 > *cap) {
		nc = (*len + n + 1) * 2;
		if ((nb = realloc(*b, nc)) == NULL)
			return -1;
		*b = nb;
		*cap = nc;
	}
	memcpy(*b + *len, p, n);
	*len += n;
	(*b)[*len] = '\0';
	return 0;
}

/* The common-subset SQL spelled for PostgreSQL (see the top comment). */
static char *
store_pg_rewrite(const char *sql, int ddl)
{
	const char *p = sql, *q, *rep;
	char *b = NULL;
	size_t len = 0, cap = 0, n;
	char prev = '\0';

	if (store_pg_put(&b, &len, &cap, "", 0) != 0)
		return NULL;
	while (*p != '\0') {
		if ((q = store_pg_skip(p)) != p) {
			if (store_pg_put(&b, &len, &cap, p,
			    (size_t)(q - p)) != 0)
				goto nomem;
			prev = q[-1];
			p = q;
			continue;
		}
		if (!store_pg_word_char(*p) || (*p >= '0' && *p <= '9') ||
		    *p == '$') {
			/* Not a word start: copy numbers and $N whole. */
			n = 1;
			if (store_pg_word_char(*p))
				while (store_pg_word_char(p[n]))
					n++;
			if (store_pg_put(&b, &len, &cap, p, n) != 0)
				goto nomem;
			prev = p[n - 1];
			p += n;
			continue;
		}
		for (n = 0; store_pg_word_char(p[n]); n++)
			;
		rep = NULL;
		if (prev == '.')
			rep = NULL;	/* t.real: a column name */
		else if (store_pg_is_word(p, n, "INTEGER"))
			rep = ddl && store_pg_primary_key(p + n) ?
			    "BIGINT GENERATED BY DEFAULT AS IDENTITY" :
			    "BIGINT";
		else if (store_pg_is_word(p, n, "REAL"))
			rep = "DOUBLE PRECISION";
		else if (ddl && store_pg_is_word(p, n, "TEXT"))
			rep = "TEXT COLLATE \"C\"";
		if (rep != NULL ? store_pg_put(&b, &len, &cap, rep,
		    strlen(rep)) != 0 : store_pg_put(&b, &len, &cap, p, n) != 0)
			goto nomem;
		prev = p[n - 1];
		p += n;
	}
	return b;
nomem:
	free(b);
	return NULL;
}

/*
 * Parameter types for PQexecParams: NULL (the server infers each) when
 * the SQL uses every one of $1..$nparams, else text for those it does
 * not use, which the server could not infer (SQLite ignores them).
 * -1 when out of memory.
 */
static int
store_pg_types(const char *sql, size_t nparams, Oid **types)
{
	unsigned char *used = NULL;
	const char *p = sql, *q;
	unsigned long v;
	size_t i, nused = 0;
	char *e;

	*types = NULL;
	if (nparams == 0)
		return 0;
	if ((used = calloc(nparams, 1)) == NULL)
		return -1;
	while (*p != '\0') {
		if ((q = store_pg_skip(p)) != p) {
			p = q;
			continue;
		}
		if (*p == '$' && p[1] >= '1' && p[1] <= '9' &&
		    (p == sql || !store_pg_word_char(p[-1]))) {
			v = strtoul(p + 1, &e, 10);
			if (v >= 1 && v <= nparams && !used[v - 1]) {
				used[v - 1] = 1;
				nused++;
			}
			p = e;
			continue;
		}
		p++;
	}
	if (nused < nparams) {
		if ((*types = calloc(nparams, sizeof(**types))) == NULL) {
			free(used);
			return -1;
		}
		for (i = 0; i < nparams; i++)
			(*types)[i] = used[i] ? 0 : STORE_PG_TEXTOID;
	}
	free(used);
	return 0;
}

/*
 * name (STORE_PG_NAME_MAX bytes) receives the name of sql prepared on
 * this connection, preparing it first when needed, or "" when it is not
 * to be kept (inside a failed transaction, or an old one could not be
 * deallocated).  An error preparing it is returned as a query error.
 */
static int
store_pg_prepared(struct store *s, const char *sql, size_t nparams,
    const Oid *types, char *name, struct plumb_err *err)
{
	struct store_pg *pg = store_pg_conn(s);
	PGresult *res;
	int i, slot = -1, rc;

	name[0] = '\0';
	pg->tick++;
	for (i = 0; i < STORE_PG_KEPT; i++) {
		if (pg->kept[i].sql != NULL &&
		    pg->kept[i].nparams == nparams &&
		    strcmp(pg->kept[i].sql, sql) == 0) {
			pg->kept[i].used = pg->tick;
			snprintf(name, STORE_PG_NAME_MAX, "plumb_%d", i);
			return PLUMB_OK;
		}
		if (slot < 0 || pg->kept[i].sql == NULL ||
		    (pg->kept[slot].sql != NULL &&
		    pg->kept[i].used < pg->kept[slot].used))
			slot = i;
	}
	if (PQtransactionStatus(pg->c) == PQTRANS_INERROR)
		return PLUMB_OK;
	if (pg->kept[slot].sql != NULL) {
		char dealloc[32];

		snprintf(dealloc, sizeof(dealloc), "DEALLOCATE plumb_%d", slot);
		res = PQexec(pg->c, dealloc);
		rc = PQresultStatus(res) == PGRES_COMMAND_OK;
		PQclear(res);
		if (!rc)
			return PLUMB_OK;
		free(pg->kept[slot].sql);
		pg->kept[slot].sql = NULL;
	}
	if ((pg->kept[slot].sql = strdup(sql)) == NULL)
		return PLUMB_OK;
	snprintf(name, STORE_PG_NAME_MAX, "plumb_%d", slot);
	res = PQprepare(pg->c, name, sql, (int)nparams, types);
	if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK) {
		rc = store_pg_reserr(s, res, "query", err);
		PQclear(res);
		free(pg->kept[slot].sql);
		pg->kept[slot].sql = NULL;
		name[0] = '\0';
		return rc;
	}
	PQclear(res);
	pg->kept[slot].nparams = nparams;
	pg->kept[slot].used = pg->tick;
	return PLUMB_OK;
}

static int
store_pg_query(struct store *s, const char *sql, int keep,
    const char *const *params, size_t nparams, store_row_fn fn, void *arg,
    uint64_t *changes, struct plumb_err *err)
{
	struct store_pg *pg = store_pg_conn(s);
	const char *vals[STORE_QUERY_COLS];
	PGresult *res = NULL;
	Oid *types = NULL;
	char name[STORE_PG_NAME_MAX] = "";
	int rc, i, j, nrows, ncols;
	ExecStatusType st;

	if (changes != NULL)
		*changes = 0;
	if (nparams > 65535)
		return plumb_err_set(err, PLUMB_EINVAL, "%s: %zu parameters "
		    "(at most 65535)", s->name, nparams);
	if ((rc = store_pg_ready(s, err)) != 0)
		return rc;
	if (store_pg_types(sql, nparams, &types) != 0)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	if (keep && (rc = store_pg_prepared(s, sql, nparams, types, name,
	    err)) != 0)
		goto out;
	if (name[0] != '\0')
		res = PQexecPrepared(pg->c, name, (int)nparams, params, NULL,
		    NULL, 0);
	else
		res = PQexecParams(pg->c, sql, (int)nparams, types, params,
		    NULL, NULL, 0);
	st = res != NULL ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
		rc = store_pg_reserr(s, res, "query", err);
		goto out;
	}
	if ((ncols = PQnfields(res)) > STORE_QUERY_COLS) {
		rc = plumb_err_set(err, PLUMB_EINVAL, "%s: query returns %d "
		    "columns (at most %d)", s->name, ncols, STORE_QUERY_COLS);
		goto out;
	}
	nrows = PQntuples(res);
	for (i = 0; fn != NULL && i < nrows; i++) {
		for (j = 0; j < ncols; j++)
			vals[j] = PQgetisnull(res, i, j) ? NULL :
			    PQgetvalue(res, i, j);
		if (fn(arg, vals, (size_t)ncols) != 0)
			break;
	}
	if (changes != NULL)
		*changes = strtoull(PQcmdTuples(res), NULL, 10);
	rc = PLUMB_OK;
out:
	PQclear(res);
	free(types);
	return rc;
}

static int
store_pg_in_tx(struct store *s)
{
	struct store_pg *pg = store_pg_conn(s);
	PGTransactionStatusType t = PQtransactionStatus(pg->c);

	return pg->tx || t == PQTRANS_INTRANS || t == PQTRANS_INERROR;
}

/* Notices ("relation already exists, skipping") are not errors. */
static void
store_pg_notice(void *arg, const char *msg)
{
}

/* url for messages: the password and the query string (which may
 * hold one) left out. */
static void
store_pg_name(const char *url, char *name, size_t size)
{
	const char *auth = strstr(url, "://"), *at, *end, *colon;
	size_t n;

	end = url + strcspn(url, "?");
	if (auth == NULL) {
		snprintf(name, size, "%.*s", (int)(end - url), url);
		return;
	}
	auth += 3;
	n = strcspn(auth, "/?");
	at = memchr(auth, '@', n);
	colon = at != NULL ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	if (colon == NULL)
		snprintf(name, size, "%.*s", (int)(end - url), url);
	else
		snprintf(name, size, "%.*s:***%.*s", (int)(colon - url), url,
		    (int)(end - at), at);
}

static int
store_pg_open(struct store *s, const char *url, struct plumb_err *err)
{
	struct store_pg *pg;
	char msg[STORE_PG_MSG_MAX];

	store_pg_name(url, s->name, sizeof(s->name));
	if ((pg = calloc(1, sizeof(*pg))) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	s->conn = pg;
	if ((pg->c = PQconnectdb(url)) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	if (PQstatus(pg->c) != CONNECTION_OK) {
		store_pg_msg(msg, sizeof(msg), PQerrorMessage(pg->c));
		return plumb_err_set(err, PLUMB_EIO, "%s: cannot connect: %s",
		    s->name, msg);
	}
	PQsetNoticeProcessor(pg->c, store_pg_notice, NULL);
	return PLUMB_OK;
}

static void
store_pg_close(struct store *s)
{
	struct store_pg *pg = store_pg_conn(s);

	if (pg == NULL)
		return;
	PQfinish(pg->c);
	store_pg_forget(pg);
	free(pg);
	s->conn = NULL;
}

const struct store_driver store_pg_driver = {
	.kind = "postgresql",
	.begin_sql = "BEGIN",
	/* "plumb" in ASCII: one lock for every migration of every
	 * component, held until the transaction ends. */
	.migrate_lock_sql = "SELECT pg_advisory_xact_lock(482855972194)",
	.insert_rows = STORE_RULE_CHUNK,
	.open = store_pg_open,
	.close = store_pg_close,
	.exec = store_pg_exec,
	.query = store_pg_query,
	.in_tx = store_pg_in_tx,
	.rewrite = store_pg_rewrite,
};
