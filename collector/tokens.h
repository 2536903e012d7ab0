/*
 * tokens.h - API bearer tokens (docs/api.md, "Listeners and
 * credentials"): 32 random bytes shown once as 64 lower-case hex
 * digits; the collector keeps only the SHA-256 (hex) of that text, in
 * table api_tokens (component "tokens", store_migrate()):
 *
 *	api_tokens (name TEXT PRIMARY KEY, sha256 TEXT NOT NULL UNIQUE,
 *	    created INTEGER NOT NULL, revoked INTEGER, role TEXT NOT NULL)
 *
 * A revoked token keeps its row (revoked = time) so "token list" shows
 * it; adding a token under a revoked name replaces that row.  Tokens
 * are looked up by hash, so no secret is compared byte by byte.
 */
#ifndef PLUMB_COLLECTOR_TOKENS_H
#define PLUMB_COLLECTOR_TOKENS_H

#include <stddef.h>
#include <time.h>

#include "plumb/error.h"
#include "store.h"

#define TOKENS_NAME_MAX		64	/* bytes of a name, without NUL */
#define TOKENS_HEX_LEN		64	/* the token text */

/* One row of api_tokens (the hash is never handed out). */
struct tokens_entry {
	char name[TOKENS_NAME_MAX + 1];
	char role[16];		/* api_role_name() of its API_AUTH_* */
	time_t created;
	time_t revoked;		/* 0: active */
};

/*
 * A fresh secret: 32 random bytes as TOKENS_HEX_LEN lower-case hex
 * digits into token, and their SHA-256 (hex, what tables keep) into
 * hash.  Shared by API tokens and enrollment tokens.
 */
int tokens_secret(char token[TOKENS_HEX_LEN + 1],
    char hash[TOKENS_HEX_LEN + 1], struct plumb_err *err);

/* SHA-256 (hex) of a token's text. */
int tokens_hash(const char *token, char hash[TOKENS_HEX_LEN + 1],
    struct plumb_err *err);

/* Create or upgrade table api_tokens; idempotent. */
int tokens_init(struct store *s, struct plumb_err *err);

/* 1 when name is 1..TOKENS_NAME_MAX of [A-Za-z0-9._@-]. */
int tokens_name_valid(const char *name);

/*
 * New token called name with API role role ("admin", "auditor",
 * "approver") at now: its text into token (TOKENS_HEX_LEN + 1 bytes).
 * PLUMB_EINVAL for a bad name or role or an active token of that name.
 */
int tokens_add(struct store *s, const char *name, const char *role,
    time_t now, char *token, struct plumb_err *err);

/* Revoke the active token name at now; PLUMB_ENOENT when none. */
int tokens_revoke(struct store *s, const char *name, time_t now,
    struct plumb_err *err);

/* Every token by name: *out an array of *n (free() it; NULL when 0). */
int tokens_list(struct store *s, struct tokens_entry **out, size_t *n,
    struct plumb_err *err);

/*
 * The name of the active token whose text is token into name (size
 * bytes) and its role's API_AUTH_* bit into *auth: PLUMB_OK;
 * PLUMB_ENOENT when no active token with a known role matches.
 */
int tokens_check(struct store *s, const char *token, char *name,
    size_t size, int *auth, struct plumb_err *err);

/*
 * "plumb-collector [-c FILE] token add|list|revoke ...": argv[0] is
 * "token"; cfgpath the configuration named before it (options after
 * it may override).  Returns the exit status.
 */
int tokens_main(const char *cfgpath, int argc, char **argv);

#endif /* PLUMB_COLLECTOR_TOKENS_H */
