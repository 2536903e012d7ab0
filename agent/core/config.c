/*
 * config.c - /etc/plumb/agent.conf: INI read with inih, every key in
 * one table (section, name, type, range), nothing silently ignored.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "plumb/error.h"
#include "common/ini_util.h"
#include "agent_config.h"

/* The caps in force: the defaults until a configuration is loaded. */
struct plumb_limits plumb_limits = PLUMB_LIMITS_DEFAULTS;

#define CONFIG_STR_MAX		4095
#define CONFIG_URL_MAX		2048

enum config_type {
	CT_PATH,	/* non-empty string (a file or directory) */
	CT_OPT,		/* string; empty means unset (NULL) */
	CT_HOST,	/* host identity: [A-Za-z0-9._-], 1..255 */
	CT_URL,		/* https:// URL */
	CT_USER,	/* user name; empty means unset */
	CT_BOOL,
	CT_UINT,	/* unsigned within [min, max] */
	CT_INT,		/* int within [min, max] */
	CT_BYTES	/* uint64_t, K/M/G (binary) suffixes */
};

struct config_key {
	const char *section;
	const char *name;
	enum config_type type;
	size_t off;
	unsigned long long min;
	unsigned long long max;
};

#define CK(s, n, t, f, lo, hi) \
	{ s, n, t, offsetof(struct config, f), lo, hi }

/* Every key; docs/agent-conf.md documents each one in this order. */
static const struct config_key config_keys[] = {
	CK("agent", "host_id", CT_HOST, host_id, 0, 0),
	CK("agent", "content", CT_OPT, content, 0, 0),
	CK("agent", "profile", CT_OPT, profile, 0, 0),
	CK("agent", "tailoring", CT_OPT, tailoring, 0, 0),
	CK("agent", "root", CT_OPT, root, 0, 0),
	CK("agent", "require_signed_content", CT_BOOL,
	    require_signed_content, 0, 1),
	CK("agent", "content_ca", CT_OPT, content_ca, 0, 0),
	CK("agent", "state_dir", CT_PATH, state_dir, 0, 0),
	CK("schedule", "interval_s", CT_UINT, interval_s, 60, 31536000),
	CK("schedule", "jitter_s", CT_UINT, jitter_s, 0, 31536000),
	CK("collector", "url", CT_URL, url, 0, 0),
	CK("collector", "ca_file", CT_PATH, ca_file, 0, 0),
	CK("collector", "cert_file", CT_PATH, cert_file, 0, 0),
	CK("collector", "key_file", CT_PATH, key_file, 0, 0),
	CK("collector", "connect_timeout_s", CT_UINT, connect_timeout_s,
	    1, 3600),
	CK("collector", "timeout_s", CT_UINT, timeout_s, 1, 86400),
	CK("spool", "spool_dir", CT_PATH, spool_dir, 0, 0),
	CK("spool", "dir", CT_PATH, spool_dir, 0, 0),
	CK("spool", "spool_max_bytes", CT_BYTES, spool_max_bytes,
	    0, 1ULL << 50),
	CK("spool", "max_bytes", CT_BYTES, spool_max_bytes, 0, 1ULL << 50),
	CK("limits", "nice", CT_INT, nice, 0, 19),
	CK("limits", "idle_io", CT_BOOL, idle_io, 0, 1),
	CK("limits", "cpu_budget_s", CT_UINT, cpu_budget_s, 0, 604800),
	CK("limits", "run_as", CT_USER, run_as, 0, 0),
	CK("limits", "max_scans", CT_UINT, max_scans, 1, CONFIG_SCANS_MAX),
	CK("limits", "max_content_files", CT_UINT, caps.content_files,
	    1, 256),
	CK("limits", "max_content_depth", CT_UINT, caps.content_depth,
	    1, 32),
	CK("limits", "max_content_bytes", CT_BYTES, caps.content_bytes,
	    4096, 2ULL << 30),
	CK("limits", "max_content_elements", CT_UINT,
	    caps.content_elements, 100, 100000000),
	CK("limits", "max_rpm_files", CT_UINT, caps.rpm_files,
	    1, 10000000),
	CK("limits", "max_yaml_union", CT_UINT, caps.yaml_union, 1, 4096),
};
#define CONFIG_NKEYS (sizeof(config_keys) / sizeof(config_keys[0]))

#define SK(n, t, f, lo, hi) \
	{ "scan", n, t, offsetof(struct config_scan, f), lo, hi }

/* The keys of a [scan NAME] section (docs/agent-conf.md). */
static const struct config_key config_scan_keys[] = {
	SK("content", CT_PATH, content, 0, 0),
	SK("profile", CT_OPT, profile, 0, 0),
	SK("tailoring", CT_OPT, tailoring, 0, 0),
	SK("root", CT_OPT, root, 0, 0),
	SK("interval_s", CT_UINT, interval_s, 60, 31536000),
	SK("jitter_s", CT_UINT, jitter_s, 0, 31536000),
};
#define CONFIG_NSCANKEYS \
	(sizeof(config_scan_keys) / sizeof(config_scan_keys[0]))
#define CONFIG_SCAN_INTERVAL	(1u << 4)	/* keys_seen bits */
#define CONFIG_SCAN_JITTER	(1u << 5)

/* The parse in progress: inih calls back with this as user and stream. */
struct config_parse {
	struct config *cfg;
	const char *path;
	FILE *f;
	unsigned line;
	int too_long;
	int failed;
	unsigned fail_line;	/* line of the first handler error */
	unsigned char seen[CONFIG_NKEYS];
	struct plumb_err *err;
};

/* Record the first error as "FILE:LINE: [section] key: reason". */
static int
config_fail(struct config_parse *cp, const char *section, const char *key,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
config_fail(struct config_parse *cp, const char *section, const char *key,
    const char *fmt, ...)
{
	va_list ap;

	if (cp->failed)
		return 0;
	cp->failed = 1;
	cp->fail_line = cp->line;
	va_start(ap, fmt);
	ini_verror(cp->err, cp->path, cp->line, section, key, fmt, ap);
	va_end(ap);
	return 0;
}

/* fgets for inih that counts lines and refuses over-long ones. */
static char *
config_reader(char *str, int num, void *stream)
{
	struct config_parse *cp = stream;
	size_t len;
	int c;

	if (fgets(str, num, cp->f) == NULL)
		return NULL;
	cp->line++;
	len = strlen(str);
	if (len > 0 && str[len - 1] != '\n') {
		if ((c = getc(cp->f)) != EOF) {
			ungetc(c, cp->f);
			cp->too_long = 1;
			return NULL;
		}
	}
	return str;
}

static int
config_host_valid(const char *v)
{
	size_t i, n = strlen(v);

	if (n == 0 || n > 255)
		return 0;
	for (i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') ||
		    (v[i] >= 'A' && v[i] <= 'Z') ||
		    (v[i] >= '0' && v[i] <= '9') ||
		    v[i] == '.' || v[i] == '_' || v[i] == '-'))
			return 0;
	return 1;
}

static int
config_user_valid(const char *v)
{
	size_t i, n = strlen(v);

	if (n == 0 || n > 32 || v[0] == '-' || (v[0] >= '0' && v[0] <= '9'))
		return 0;
	for (i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') ||
		    (v[i] >= 'A' && v[i] <= 'Z') ||
		    (v[i] >= '0' && v[i] <= '9') ||
		    v[i] == '_' || v[i] == '-' || v[i] == '.'))
			return 0;
	return 1;
}

/* Apply one "key = value" to the configuration. */
static int
config_apply(struct config_parse *cp, const struct config_key *k,
    char *base, const char *sec, const char *name, const char *v)
{
	unsigned long long n;
	size_t len = strlen(v);

	switch (k->type) {
	case CT_PATH:
	case CT_OPT:
	case CT_USER:
		if (len == 0 && k->type == CT_PATH)
			return config_fail(cp, sec, name, "empty value");
		if (len > CONFIG_STR_MAX)
			return config_fail(cp, sec, name, "value too long");
		if (k->type == CT_USER && len > 0 && !config_user_valid(v))
			return config_fail(cp, sec, name,
			    "\"%s\" is not a valid user name", v);
		if (ini_set_str((char **)(base + k->off),
		    len == 0 ? NULL : v) != 0)
			return config_fail(cp, sec, name, "out of memory");
		return 1;
	case CT_HOST:
		if (!config_host_valid(v))
			return config_fail(cp, sec, name, "\"%s\" is not a "
			    "host id (1-255 of A-Z a-z 0-9 . _ -)", v);
		if (ini_set_str((char **)(base + k->off), v) != 0)
			return config_fail(cp, sec, name, "out of memory");
		return 1;
	case CT_URL:
		if (len == 0) {
			ini_set_str((char **)(base + k->off), NULL);
			return 1;
		}
		if (strncasecmp(v, "https://", 8) != 0 || len == 8 ||
		    len > CONFIG_URL_MAX || strpbrk(v, " \t\"<>\\") != NULL)
			return config_fail(cp, sec, name, "\"%s\" is not an "
			    "https:// URL", v);
		if (ini_set_str((char **)(base + k->off), v) != 0)
			return config_fail(cp, sec, name, "out of memory");
		return 1;
	case CT_BOOL:
		if (strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0 ||
		    strcasecmp(v, "on") == 0 || strcmp(v, "1") == 0)
			*(int *)(base + k->off) = 1;
		else if (strcasecmp(v, "no") == 0 ||
		    strcasecmp(v, "false") == 0 ||
		    strcasecmp(v, "off") == 0 || strcmp(v, "0") == 0)
			*(int *)(base + k->off) = 0;
		else
			return config_fail(cp, sec, name,
			    "\"%s\" is not yes or no", v);
		return 1;
	case CT_UINT:
	case CT_INT:
		if (ini_uint(v, &n) != 0)
			return config_fail(cp, sec, name,
			    "\"%s\" is not a whole number", v);
		if (n < k->min || n > k->max)
			return config_fail(cp, sec, name,
			    "%s is out of range %llu..%llu", v, k->min,
			    k->max);
		if (k->type == CT_UINT)
			*(unsigned *)(base + k->off) = (unsigned)n;
		else
			*(int *)(base + k->off) = (int)n;
		return 1;
	case CT_BYTES:
		if (ini_bytes(v, &n) != 0)
			return config_fail(cp, sec, name, "\"%s\" is not a "
			    "size (a number with an optional K, M or G)", v);
		if (n < k->min || n > k->max)
			return config_fail(cp, sec, name,
			    "%s is out of range %llu..%llu bytes", v, k->min,
			    k->max);
		*(uint64_t *)(base + k->off) = (uint64_t)n;
		return 1;
	}
	return config_fail(cp, sec, name, "internal: unknown key type");
}

/* The [scan NAME] entry of cfg (added when new); NULL when out of
 * memory or over CONFIG_SCANS_MAX. */
static struct config_scan *
config_scan_get(struct config *cfg, const char *name)
{
	struct config_scan *v;
	size_t i;

	for (i = 0; i < cfg->nscans; i++)
		if (strcmp(cfg->scans[i].name, name) == 0)
			return &cfg->scans[i];
	if (cfg->nscans == CONFIG_SCANS_MAX ||
	    (v = realloc(cfg->scans, (cfg->nscans + 1) * sizeof(*v))) ==
	    NULL)
		return NULL;
	cfg->scans = v;
	memset(&v[cfg->nscans], 0, sizeof(*v));
	if ((v[cfg->nscans].name = strdup(name)) == NULL)
		return NULL;
	return &v[cfg->nscans++];
}

/* A scan name: [A-Za-z0-9._-], 1..CONFIG_SCAN_NAME_MAX. */
static int
config_scan_name_valid(const char *v)
{
	size_t n = strlen(v);

	return n <= CONFIG_SCAN_NAME_MAX && n == strspn(v,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789._-");
}

/* One key of a [scan NAME] section. */
static int
config_scan_handler(struct config_parse *cp, const char *section,
    const char *name, const char *value)
{
	const char *sname = section + 5;
	struct config_scan *sc;
	size_t i;

	while (*sname == ' ')
		sname++;
	if (*sname == '\0' || strlen(sname) > CONFIG_SCAN_NAME_MAX ||
	    !config_scan_name_valid(sname))
		return config_fail(cp, section, name, "\"%s\" is not a scan "
		    "name (1-%d of A-Z a-z 0-9 . _ -)", sname,
		    CONFIG_SCAN_NAME_MAX);
	if (strcmp(sname, CONFIG_DEFAULT_SCAN) == 0)
		return config_fail(cp, section, name, "the name \"%s\" is "
		    "the [agent] content scan's", sname);
	for (i = 0; i < CONFIG_NSCANKEYS; i++)
		if (strcmp(config_scan_keys[i].name, name) == 0)
			break;
	if (i == CONFIG_NSCANKEYS)
		return config_fail(cp, section, name, "unknown key");
	if ((sc = config_scan_get(cp->cfg, sname)) == NULL)
		return config_fail(cp, section, name, "more than %d scans, "
		    "or out of memory", CONFIG_SCANS_MAX);
	if (sc->keys_seen & (1u << i))
		return config_fail(cp, section, name,
		    "given twice (or an indented continuation line)");
	sc->keys_seen |= 1u << i;
	return config_apply(cp, &config_scan_keys[i], (char *)sc, section,
	    name, value);
}

/* inih's callback for each "name = value" line. */
static int
config_handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct config_parse *cp = user;
	size_t i;
	int known_section = 0;

	if (cp->failed)
		return 0;
	if (*section == '\0')
		return config_fail(cp, "", name,
		    "key outside of any section");
	if (strncmp(section, "scan ", 5) == 0)
		return config_scan_handler(cp, section, name, value);
	for (i = 0; i < CONFIG_NKEYS; i++) {
		if (strcmp(config_keys[i].section, section) != 0)
			continue;
		known_section = 1;
		if (strcmp(config_keys[i].name, name) == 0)
			break;
	}
	if (!known_section)
		return config_fail(cp, section, name, "unknown section [%s]",
		    section);
	if (i == CONFIG_NKEYS)
		return config_fail(cp, section, name, "unknown key");
	/* Also catches an indented line, which INI reads as continuation. */
	if (cp->seen[i])
		return config_fail(cp, section, name,
		    "given twice (or an indented continuation line)");
	cp->seen[i] = 1;
	return config_apply(cp, &config_keys[i], (char *)cp->cfg, section,
	    name, value);
}

int
config_defaults(struct config *cfg, struct plumb_err *err)
{
	char host[256];

	memset(cfg, 0, sizeof(*cfg));
	if (gethostname(host, sizeof(host)) != 0)
		return plumb_err_set(err, PLUMB_EIO, "gethostname: %s",
		    strerror(errno));
	host[sizeof(host) - 1] = '\0';
	if (!config_host_valid(host))
		snprintf(host, sizeof(host), "localhost");
	if ((cfg->host_id = strdup(host)) == NULL ||
	    (cfg->content_ca = strdup("/etc/plumb/content-ca.pem")) == NULL ||
	    (cfg->state_dir = strdup("/var/lib/plumb")) == NULL ||
	    (cfg->ca_file = strdup("/etc/plumb/collector-ca.pem")) == NULL ||
	    (cfg->cert_file = strdup("/etc/plumb/agent.pem")) == NULL ||
	    (cfg->key_file = strdup("/etc/plumb/agent.key")) == NULL ||
	    (cfg->spool_dir = strdup("/var/spool/plumb")) == NULL) {
		config_clear(cfg);
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	}
	cfg->require_signed_content = 0;
	cfg->interval_s = 86400;
	cfg->jitter_s = 3600;
	cfg->connect_timeout_s = 10;
	cfg->timeout_s = 120;
	cfg->spool_max_bytes = (uint64_t)256 * 1024 * 1024;
	cfg->nice = 10;
	cfg->idle_io = 1;
	cfg->cpu_budget_s = 0;
	cfg->max_scans = 16;
	cfg->caps = (struct plumb_limits)PLUMB_LIMITS_DEFAULTS;
	return PLUMB_OK;
}

/* A copy of s, or NULL for NULL; -1 when out of memory. */
static int
config_dup(const char *s, char **out)
{
	*out = NULL;
	return s != NULL && (*out = strdup(s)) == NULL ? -1 : 0;
}

/*
 * After the file: the [agent] content scan first, the [scan] sections
 * completed from [schedule], and the checks that need the whole file.
 */
static int
config_scans_finish(struct config *cfg, const char *path,
    struct plumb_err *err)
{
	struct config_scan *sc, *v;
	size_t i;

	for (i = 0; i < cfg->nscans; i++) {
		sc = &cfg->scans[i];
		if (sc->content == NULL)
			return plumb_err_set(err, PLUMB_EPARSE, "%s: [scan %s] "
			    "content: missing", path, sc->name);
		if (!(sc->keys_seen & CONFIG_SCAN_INTERVAL))
			sc->interval_s = cfg->interval_s;
		if (!(sc->keys_seen & CONFIG_SCAN_JITTER))
			sc->jitter_s = cfg->jitter_s;
	}
	if (cfg->content != NULL) {
		if (cfg->nscans == CONFIG_SCANS_MAX ||
		    (v = realloc(cfg->scans, (cfg->nscans + 1) *
		    sizeof(*v))) == NULL)
			return plumb_err_set(err, PLUMB_ENOMEM,
			    "out of memory");
		cfg->scans = v;
		memmove(v + 1, v, cfg->nscans * sizeof(*v));
		memset(v, 0, sizeof(*v));
		cfg->nscans++;
		v->interval_s = cfg->interval_s;
		v->jitter_s = cfg->jitter_s;
		if (config_dup(CONFIG_DEFAULT_SCAN, &v->name) != 0 ||
		    config_dup(cfg->content, &v->content) != 0 ||
		    config_dup(cfg->profile, &v->profile) != 0 ||
		    config_dup(cfg->tailoring, &v->tailoring) != 0 ||
		    config_dup(cfg->root, &v->root) != 0)
			return plumb_err_set(err, PLUMB_ENOMEM,
			    "out of memory");
	}
	if (cfg->nscans > cfg->max_scans)
		return plumb_err_set(err, PLUMB_EPARSE, "%s: %zu scans "
		    "configured, more than [limits] max_scans (%u)", path,
		    cfg->nscans, cfg->max_scans);
	return PLUMB_OK;
}

const struct config_scan *
config_scan_find(const struct config *cfg, const char *name,
    struct plumb_err *err)
{
	size_t i;

	if (cfg->nscans == 0) {
		plumb_err_set(err, PLUMB_ENOENT, "no scan configured ([agent] "
		    "content or a [scan NAME] section)");
		return NULL;
	}
	if (name == NULL && cfg->nscans == 1)
		return &cfg->scans[0];
	for (i = 0; name != NULL && i < cfg->nscans; i++)
		if (strcmp(cfg->scans[i].name, name) == 0)
			return &cfg->scans[i];
	if (name == NULL)
		plumb_err_set(err, PLUMB_EINVAL, "%zu scans configured: "
		    "choose one with --scan NAME", cfg->nscans);
	else
		plumb_err_set(err, PLUMB_ENOENT, "no scan \"%s\" configured",
		    name);
	return NULL;
}

int
config_load(struct config *cfg, const char *path, struct plumb_err *err)
{
	struct config_parse cp;
	struct stat st;
	int rc, r;

	memset(&cp, 0, sizeof(cp));
	cp.cfg = cfg;
	cp.path = path;
	cp.err = err;
	if ((cp.f = fopen(path, "re")) == NULL)
		return plumb_err_set(err, errno == ENOENT ? PLUMB_ENOENT :
		    PLUMB_EIO, "%s: cannot read: %s", path, strerror(errno));
	if (fstat(fileno(cp.f), &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = plumb_err_set(err, PLUMB_EIO, "%s: cannot read: %s",
		    path, S_ISDIR(st.st_mode) ? "is a directory" :
		    "not a regular file");
		goto out;
	}
	r = ini_parse_stream(config_reader, &cp, config_handler, &cp);
	if (ferror(cp.f)) {
		rc = plumb_err_set(err, PLUMB_EIO, "%s:%u: read error", path,
		    cp.line);
		goto out;
	}
	if (cp.too_long) {
		rc = plumb_err_set(err, PLUMB_EPARSE, "%s:%u: line longer than "
		    "%d characters", path, cp.line, INI_MAX_LINE - 2);
		goto out;
	}
	/* inih's r is the first bad line, syntax or ours: report that. */
	if (cp.failed && (r <= 0 || (unsigned)r >= cp.fail_line)) {
		rc = PLUMB_EPARSE;
		goto out;
	}
	if (r > 0) {
		rc = plumb_err_set(err, PLUMB_EPARSE, "%s:%d: syntax error "
		    "(expected [section], key = value or a comment)", path, r);
		goto out;
	}
	if (r < 0) {
		rc = plumb_err_set(err, r == -2 ? PLUMB_ENOMEM : PLUMB_EIO,
		    "%s: cannot parse", path);
		goto out;
	}
	if (cfg->require_signed_content && cfg->content_ca == NULL) {
		rc = plumb_err_set(err, PLUMB_EPARSE, "%s: [agent] "
		    "require_signed_content: needs content_ca", path);
		goto out;
	}
	if ((rc = config_scans_finish(cfg, path, err)) == PLUMB_OK)
		plumb_limits = cfg->caps;
out:
	fclose(cp.f);
	return rc;
}

int
config_limits_load(const char *path, struct plumb_err *err)
{
	struct config cfg;
	struct stat st;
	int rc;

	if (path == NULL) {
		path = CONFIG_DEFAULT_PATH;
		if (stat(path, &st) != 0 && errno == ENOENT)
			return PLUMB_OK;
	}
	if ((rc = config_defaults(&cfg, err)) != PLUMB_OK)
		return rc;
	rc = config_load(&cfg, path, err);
	config_clear(&cfg);
	return rc;
}

void
config_clear(struct config *cfg)
{
	size_t i;

	if (cfg == NULL)
		return;
	free(cfg->host_id);
	free(cfg->content);
	free(cfg->profile);
	free(cfg->tailoring);
	free(cfg->content_ca);
	free(cfg->state_dir);
	free(cfg->url);
	free(cfg->ca_file);
	free(cfg->cert_file);
	free(cfg->key_file);
	free(cfg->spool_dir);
	free(cfg->run_as);
	free(cfg->root);
	for (i = 0; i < cfg->nscans; i++) {
		free(cfg->scans[i].name);
		free(cfg->scans[i].content);
		free(cfg->scans[i].profile);
		free(cfg->scans[i].tailoring);
		free(cfg->scans[i].root);
	}
	free(cfg->scans);
	memset(cfg, 0, sizeof(*cfg));
}
