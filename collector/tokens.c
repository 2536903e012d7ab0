/*
 * tokens.c - API bearer tokens (tokens.h) and the "token" command.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "plumb/error.h"
#include "common/hex.h"
#include "api.h"
#include "collector_config.h"
#include "store.h"
#include "tokens.h"


static const struct store_migration tokens_migrations[] = {
	{ 1,
	  "CREATE TABLE api_tokens ("
	  " name TEXT PRIMARY KEY,"
	  " sha256 TEXT NOT NULL UNIQUE,"
	  " created INTEGER NOT NULL,"
	  " revoked INTEGER)" },
	/* The API role of the token (api.h); tokens made before roles
	 * existed were admin tokens and stay so. */
	{ 2,
	  "ALTER TABLE api_tokens ADD COLUMN role TEXT NOT NULL "
	  "DEFAULT 'admin'" },
};

int
tokens_init(struct store *s, struct plumb_err *err)
{
	return store_migrate(s, "tokens", tokens_migrations,
	    sizeof(tokens_migrations) / sizeof(tokens_migrations[0]), err);
}

int
tokens_name_valid(const char *name)
{
	size_t i, n = strlen(name);

	if (n == 0 || n > TOKENS_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		    c == '@' || c == '-'))
			return 0;
	}
	return 1;
}

int
tokens_hash(const char *token, char out[TOKENS_HEX_LEN + 1],
    struct plumb_err *err)
{
	unsigned char md[32];

	if (EVP_Digest(token, strlen(token), md, NULL, EVP_sha256(),
	    NULL) != 1)
		return plumb_err_set(err, PLUMB_EIO, "SHA-256 failed");
	hex_encode(md, sizeof(md), out);
	return PLUMB_OK;
}

int
tokens_secret(char token[TOKENS_HEX_LEN + 1], char hash[TOKENS_HEX_LEN + 1],
    struct plumb_err *err)
{
	unsigned char raw[TOKENS_HEX_LEN / 2];
	int rc;

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return plumb_err_set(err, PLUMB_EIO,
		    "no random bytes for a token");
	hex_encode(raw, sizeof(raw), token);
	OPENSSL_cleanse(raw, sizeof(raw));
	if ((rc = tokens_hash(token, hash, err)) != PLUMB_OK)
		token[0] = '\0';
	return rc;
}

/* Row callback: copy the first column into a TOKENS_NAME_MAX buffer. */
static int
tokens_first(void *arg, const char *const *vals, size_t ncols)
{
	char *dst = arg;

	if (ncols > 0 && vals[0] != NULL)
		snprintf(dst, TOKENS_NAME_MAX + 1, "%s", vals[0]);
	return 1;
}

int
tokens_add(struct store *s, const char *name, const char *role, time_t now,
    char *token, struct plumb_err *err)
{
	char hash[65], when[32], active[TOKENS_NAME_MAX + 1] = "";
	const char *p[4];
	int rc;

	token[0] = '\0';
	if (!tokens_name_valid(name))
		return plumb_err_set(err, PLUMB_EINVAL, "token name \"%s\": "
		    "1 to %d letters, digits, '.', '_', '@' or '-'", name,
		    TOKENS_NAME_MAX);
	if (api_role_parse(role) == 0)
		return plumb_err_set(err, PLUMB_EINVAL, "token role \"%s\": "
		    "admin, auditor or approver", role);
	if ((rc = tokens_secret(token, hash, err)) != PLUMB_OK)
		goto fail;
	snprintf(when, sizeof(when), "%lld", (long long)now);
	if ((rc = store_tx_begin(s, err)) != PLUMB_OK)
		goto fail;
	p[0] = name;
	if ((rc = store_query(s, "SELECT name FROM api_tokens WHERE name = $1 "
	    "AND revoked IS NULL", p, 1, tokens_first, active, NULL,
	    err)) != PLUMB_OK)
		goto rollback;
	if (active[0] != '\0') {
		rc = plumb_err_set(err, PLUMB_EINVAL, "a token called %s "
		    "exists; revoke it first", name);
		goto rollback;
	}
	p[1] = hash;
	p[2] = when;
	p[3] = role;
	if ((rc = store_query(s, "DELETE FROM api_tokens WHERE name = $1",
	    p, 1, NULL, NULL, NULL, err)) != PLUMB_OK ||
	    (rc = store_query(s, "INSERT INTO api_tokens (name, sha256, "
	    "created, revoked, role) VALUES ($1, $2, $3, NULL, $4)", p, 4,
	    NULL, NULL, NULL, err)) != PLUMB_OK ||
	    (rc = store_tx_commit(s, err)) != PLUMB_OK)
		goto rollback;
	return PLUMB_OK;
rollback:
	store_tx_rollback(s);
fail:
	memset(token, 0, TOKENS_HEX_LEN + 1);
	return rc;
}

int
tokens_revoke(struct store *s, const char *name, time_t now,
    struct plumb_err *err)
{
	char when[32];
	const char *p[2];
	uint64_t changed = 0;
	int rc;

	snprintf(when, sizeof(when), "%lld", (long long)now);
	p[0] = when;
	p[1] = name;
	if ((rc = store_query(s, "UPDATE api_tokens SET revoked = $1 WHERE "
	    "name = $2 AND revoked IS NULL", p, 2, NULL, NULL, &changed,
	    err)) != PLUMB_OK)
		return rc;
	if (changed == 0)
		return plumb_err_set(err, PLUMB_ENOENT, "no active token "
		    "called %s", name);
	return PLUMB_OK;
}

struct tokens_rows {
	struct tokens_entry *v;
	size_t n, cap;
	int failed;
};

static int
tokens_list_row(void *arg, const char *const *vals, size_t ncols)
{
	struct tokens_rows *r = arg;
	struct tokens_entry *e;

	if (ncols < 4)
		return 0;
	if (r->n == r->cap) {
		size_t cap = r->cap == 0 ? 16 : r->cap * 2;
		void *v = realloc(r->v, cap * sizeof(*r->v));

		if (v == NULL) {
			r->failed = 1;
			return 1;
		}
		r->v = v;
		r->cap = cap;
	}
	e = &r->v[r->n++];
	memset(e, 0, sizeof(*e));
	snprintf(e->name, sizeof(e->name), "%s",
	    vals[0] != NULL ? vals[0] : "");
	e->created = vals[1] != NULL ? (time_t)strtoll(vals[1], NULL, 10) : 0;
	e->revoked = vals[2] != NULL ? (time_t)strtoll(vals[2], NULL, 10) : 0;
	snprintf(e->role, sizeof(e->role), "%s",
	    vals[3] != NULL ? vals[3] : "");
	return 0;
}

int
tokens_list(struct store *s, struct tokens_entry **out, size_t *n,
    struct plumb_err *err)
{
	struct tokens_rows r;
	int rc;

	*out = NULL;
	*n = 0;
	memset(&r, 0, sizeof(r));
	if ((rc = store_query(s, "SELECT name, created, revoked, role FROM "
	    "api_tokens ORDER BY name", NULL, 0, tokens_list_row, &r, NULL,
	    err)) != PLUMB_OK || r.failed) {
		free(r.v);
		return rc != PLUMB_OK ? rc : plumb_err_set(err, PLUMB_ENOMEM,
		    "out of memory");
	}
	*out = r.v;
	*n = r.n;
	return PLUMB_OK;
}

/* Row callback: name and role of the token found. */
static int
tokens_found(void *arg, const char *const *vals, size_t ncols)
{
	struct tokens_entry *e = arg;

	if (ncols == 2 && vals[0] != NULL && vals[1] != NULL) {
		snprintf(e->name, sizeof(e->name), "%s", vals[0]);
		snprintf(e->role, sizeof(e->role), "%s", vals[1]);
	}
	return 1;
}

int
tokens_check(struct store *s, const char *token, char *name, size_t size,
    int *auth, struct plumb_err *err)
{
	struct tokens_entry found;
	char hash[65];
	const char *p[1];
	size_t i;
	int rc;

	*auth = 0;
	if (size > 0)
		name[0] = '\0';
	memset(&found, 0, sizeof(found));
	/* Only well-formed texts reach the database. */
	if (strlen(token) != TOKENS_HEX_LEN)
		return PLUMB_ENOENT;
	for (i = 0; i < TOKENS_HEX_LEN; i++)
		if (!((token[i] >= '0' && token[i] <= '9') ||
		    (token[i] >= 'a' && token[i] <= 'f')))
			return PLUMB_ENOENT;
	if ((rc = tokens_hash(token, hash, err)) != PLUMB_OK)
		return rc;
	p[0] = hash;
	if ((rc = store_query(s, "SELECT name, role FROM api_tokens WHERE "
	    "sha256 = $1 AND revoked IS NULL", p, 1, tokens_found, &found,
	    NULL, err)) != PLUMB_OK)
		return rc;
	/* A role this collector does not know grants nothing. */
	if (found.name[0] == '\0' || (*auth = api_role_parse(found.role)) == 0)
		return PLUMB_ENOENT;
	snprintf(name, size, "%s", found.name);
	return PLUMB_OK;
}

/* ------------------------------------------------------------ command */

static void
tokens_usage(FILE *f, const char *sub)
{
	if (sub == NULL || strcmp(sub, "add") == 0)
		fprintf(f, "usage: plumb-collector [-c FILE] token add NAME "
		    "[--role ROLE]\n"
		    "  Create an API bearer token called NAME and print it "
		    "once (only its\n  SHA-256 is stored).  ROLE: admin "
		    "(default), auditor (read-only)\n  or approver (reads, "
		    "approves waivers).\n");
	if (sub == NULL || strcmp(sub, "list") == 0)
		fprintf(f, "usage: plumb-collector [-c FILE] token list\n"
		    "  List the tokens: name, role, created, active or "
		    "revoked (time).\n");
	if (sub == NULL || strcmp(sub, "revoke") == 0)
		fprintf(f, "usage: plumb-collector [-c FILE] token revoke "
		    "NAME\n  Revoke the token called NAME; requests "
		    "carrying it answer 401.\n");
	fprintf(f, "  -c, --config FILE   configuration (default %s)\n"
	    "  -r, --role ROLE     the new token's role (add)\n"
	    "  -h, --help          this help\n", COLLECTOR_CONFIG_PATH);
}

/* Run one subcommand against an opened store. */
static int
tokens_run(struct store *s, const char *sub, const char *name,
    const char *role, struct plumb_err *err)
{
	struct tokens_entry *v = NULL;
	char token[TOKENS_HEX_LEN + 1], c[32], r[32];
	size_t n, i;
	int rc;

	if (strcmp(sub, "add") == 0) {
		if ((rc = tokens_add(s, name, role, time(NULL), token,
		    err)) != 0)
			return rc;
		printf("%s\n", token);
		fprintf(stderr, "plumb-collector: %s token %s created; it is "
		    "shown only now\n", role, name);
		memset(token, 0, sizeof(token));
		return PLUMB_OK;
	}
	if (strcmp(sub, "revoke") == 0) {
		if ((rc = tokens_revoke(s, name, time(NULL), err)) != 0)
			return rc;
		fprintf(stderr, "plumb-collector: token %s revoked\n", name);
		return PLUMB_OK;
	}
	if ((rc = tokens_list(s, &v, &n, err)) != 0)
		return rc;
	for (i = 0; i < n; i++) {
		api_iso(v[i].created, c, sizeof(c));
		if (v[i].revoked != 0)
			api_iso(v[i].revoked, r, sizeof(r));
		printf("%s\t%s\t%s\t%s%s\n", v[i].name, v[i].role, c,
		    v[i].revoked != 0 ? "revoked " : "active",
		    v[i].revoked != 0 ? r : "");
	}
	free(v);
	return PLUMB_OK;
}

int
tokens_main(const char *cfgpath, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "role", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct collector_config cfg;
	struct store *s = NULL;
	struct plumb_err err;
	const char *sub = NULL, *name = NULL, *role = "admin";
	int ch, help = 0, ret = 1, nargs;

	memset(&cfg, 0, sizeof(cfg));
	memset(&err, 0, sizeof(err));
	/* argv[0] is "token"; GNU getopt permutes, so options may follow
	 * the subcommand. */
	optind = 0;
	while ((ch = getopt_long(argc, argv, "c:r:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			cfgpath = optarg;
			break;
		case 'r':
			role = optarg;
			break;
		case 'h':
			help = 1;
			break;
		default:
			tokens_usage(stderr, NULL);
			return 2;
		}
	}
	nargs = argc - optind;
	if (nargs > 0)
		sub = argv[optind];
	if (sub != NULL && strcmp(sub, "add") != 0 &&
	    strcmp(sub, "list") != 0 && strcmp(sub, "revoke") != 0) {
		fprintf(stderr, "plumb-collector: token: unknown subcommand "
		    "\"%s\"\n", sub);
		tokens_usage(stderr, NULL);
		return 2;
	}
	if (help) {
		tokens_usage(stdout, sub);
		return 0;
	}
	if (sub == NULL || (strcmp(sub, "list") == 0 ? nargs != 1 :
	    nargs != 2)) {
		tokens_usage(stderr, sub);
		return 2;
	}
	if (nargs == 2)
		name = argv[optind + 1];
	if (collector_config_defaults(&cfg, &err) != 0 ||
	    collector_config_load(&cfg, cfgpath, &err) != 0 ||
	    store_open(cfg.database, &s, &err) != 0 ||
	    tokens_init(s, &err) != 0 ||
	    tokens_run(s, sub, name, role, &err) != 0)
		fprintf(stderr, "plumb-collector: token %s: %s\n", sub,
		    err.msg);
	else
		ret = 0;
	store_close(s);
	collector_config_clear(&cfg);
	return ret;
}
