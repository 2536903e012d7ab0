/*
 * rpmdb.c - the RPM database under the probe root (see rpmdb.h).
 */
#include "config.h"

#include "rpmdb.h"

int
rpmdb_nolib(const struct probe_req *req, struct probe_result *res)
{
	(void)req;
	return probe_flag(res, OVAL_FLAG_NOT_COLLECTED, "this build of "
	    "plumb has no librpm and cannot read RPM databases");
}

#ifdef HAVE_LIBRPM
#include <sys/stat.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rpm/rpmdb.h>
#include <rpm/rpmlib.h>
#include <rpm/rpmlog.h>
#include <rpm/rpmmacro.h>

#define RPMDB_PATH_MAX	4096
#define RPMDB_IDS_MAX	100000		/* passwd/group entries kept */
#define RPMDB_LINE_MAX	4096

/* librpm's configuration: 0 not read yet, 1 read, -1 unreadable. */
static int rpmdb_config;
/* %_dbpath as configured, expanded once ("" when not absolute). */
static char rpmdb_cfgpath[RPMDB_PATH_MAX];

/* The places RPM systems keep the database, after the configured one. */
static const char *const rpmdb_places[] = {
	"/var/lib/rpm",
	"/usr/lib/sysimage/rpm",
	NULL
};

/* The files of the database back ends librpm reads (sqlite, bdb, ndb). */
static const char *const rpmdb_files[] = {
	"rpmdb.sqlite",
	"Packages",
	"Packages.db",
	NULL
};

/* Read librpm's configuration once; 1 when the host has it. */
static int
rpmdb_configure(void)
{
	char *p;

	if (rpmdb_config != 0)
		return rpmdb_config > 0;
	/* librpm reports on stderr; plumb reports through the flags. */
	rpmlogSetMask(RPMLOG_UPTO(RPMLOG_CRIT));
	if (rpmReadConfigFiles(NULL, NULL) != 0) {
		rpmdb_config = -1;
		return 0;
	}
	rpmdb_config = 1;
	if ((p = rpmExpand("%{?_dbpath}", NULL)) != NULL) {
		if (p[0] == '/')
			snprintf(rpmdb_cfgpath, sizeof(rpmdb_cfgpath), "%s", p);
		free(p);
	}
	return 1;
}

/* Does directory ROOT/dir hold an RPM database? */
static int
rpmdb_present(const char *root, const char *dir)
{
	char path[RPMDB_PATH_MAX];
	struct stat st;
	size_t i;

	for (i = 0; rpmdb_files[i] != NULL; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s%s/%s", root, dir,
		    rpmdb_files[i]) >= sizeof(path))
			return 0;
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			return 1;
	}
	return 0;
}

int
rpmdb_open(const struct probe_req *req, struct probe_result *res,
    rpmts *tsp)
{
	const char *prefix = probe_root_prefix(req), *dir = NULL;
	char absroot[PATH_MAX];
	rpmts ts = NULL;
	size_t i;
	int rc;

	*tsp = NULL;
	if (!rpmdb_configure())
		return probe_flag(res, OVAL_FLAG_NOT_APPLICABLE,
		    "no RPM configuration on this host (librpm cannot "
		    "read its rpmrc and macros)");
	if (rpmdb_cfgpath[0] != '\0' && rpmdb_present(prefix, rpmdb_cfgpath))
		dir = rpmdb_cfgpath;
	for (i = 0; dir == NULL && rpmdb_places[i] != NULL; i++)
		if (rpmdb_present(prefix, rpmdb_places[i]))
			dir = rpmdb_places[i];
	if (dir == NULL)
		return probe_flag(res, OVAL_FLAG_DOES_NOT_EXIST,
		    "no RPM database under %s", req->env->root);
	if (prefix[0] != '\0' && realpath(prefix, absroot) == NULL)
		return probe_flag(res, OVAL_FLAG_ERROR, "%.300s: cannot "
		    "resolve the probe root", prefix);
	if ((ts = rpmtsCreate()) == NULL)
		return PLUMB_ENOMEM;
	if (prefix[0] != '\0' && rpmtsSetRootDir(ts, absroot) != 0) {
		rpmtsFree(ts);
		return probe_flag(res, OVAL_FLAG_ERROR, "%.300s: librpm "
		    "refuses it as root", absroot);
	}
	/* The database found wins over the configured path for this open
	 * only; the next root decides again. */
	rpmPushMacro(NULL, "_dbpath", NULL, dir, RMIL_CMDLINE);
	rc = rpmtsOpenDB(ts, O_RDONLY);
	rpmPopMacro(NULL, "_dbpath");
	if (rc != 0) {
		rpmtsFree(ts);
		return probe_flag(res, OVAL_FLAG_ERROR, "%s%.300s: cannot "
		    "open the RPM database", prefix, dir);
	}
	*tsp = ts;
	return PLUMB_OK;
}

int
rpmdb_each(rpmts ts, const struct probe_ent *name, struct probe_result *res,
    int (*fn)(void *arg, Header h, struct probe_result *res), void *arg)
{
	const struct oval_values *exact = NULL;
	rpmdbMatchIterator mi = NULL;
	struct plumb_err err;
	Header h;
	size_t i, j, seen = 0;
	int m, rc = PLUMB_OK, byname;

	byname = name != NULL && !name->nil && probe_ent_exact(name, &exact);
	for (i = 0; !byname || i < exact->n; i++) {
		if (byname) {
			/* A repeated value must not repeat items. */
			for (j = 0; j < i; j++)
				if (strcmp(exact->v[j], exact->v[i]) == 0)
					break;
			if (j < i)
				continue;
			mi = rpmtsInitIterator(ts, RPMDBI_NAME, exact->v[i], 0);
		} else
			mi = rpmtsInitIterator(ts, RPMDBI_PACKAGES, NULL, 0);
		while (mi != NULL && (h = rpmdbNextIterator(mi)) != NULL) {
			if (++seen > RPMDB_PKG_MAX) {
				probe_flag(res, OVAL_FLAG_INCOMPLETE, "more than "
				    "%d packages looked at", RPMDB_PKG_MAX);
				goto out;
			}
			if (!byname && name != NULL) {
				if ((m = probe_ent_match(name,
				    headerGetString(h, RPMTAG_NAME), &err)) < 0) {
					probe_flag(res, OVAL_FLAG_ERROR, "%s",
					    err.msg);
					goto out;
				}
				if (!m)
					continue;
			}
			if ((rc = fn(arg, h, res)) != 0 || probe_full(res))
				goto out;
		}
		mi = rpmdbFreeIterator(mi);
		if (!byname)
			break;
	}
out:
	rpmdbFreeIterator(mi);
	return rc;
}

int
rpmdb_nevra(Header h, struct rpmdb_nevra *nv)
{
	const char *e;
	size_t len;

	memset(nv, 0, sizeof(*nv));
	nv->name = headerGetString(h, RPMTAG_NAME);
	nv->version = headerGetString(h, RPMTAG_VERSION);
	nv->release = headerGetString(h, RPMTAG_RELEASE);
	nv->arch = headerGetString(h, RPMTAG_ARCH);
	if (nv->name == NULL)
		nv->name = "";
	if (nv->version == NULL)
		nv->version = "";
	if (nv->release == NULL)
		nv->release = "";
	if (nv->arch == NULL)
		nv->arch = "";
	if (headerIsEntry(h, RPMTAG_EPOCH)) {
		snprintf(nv->epoch, sizeof(nv->epoch), "%llu",
		    (unsigned long long)headerGetNumber(h, RPMTAG_EPOCH));
		e = nv->epoch;
	} else {
		snprintf(nv->epoch, sizeof(nv->epoch), "(none)");
		e = "0";
	}
	len = strlen(nv->name) + strlen(e) + strlen(nv->version) +
	    strlen(nv->release) + strlen(nv->arch) + 8;
	if ((nv->evr = malloc(len)) == NULL ||
	    (nv->extended = malloc(len)) == NULL) {
		rpmdb_nevra_free(nv);
		return PLUMB_ENOMEM;
	}
	snprintf(nv->evr, len, "%s:%s-%s", e, nv->version, nv->release);
	snprintf(nv->extended, len, "%s-%s:%s-%s.%s", nv->name, e,
	    nv->version, nv->release, nv->arch);
	return PLUMB_OK;
}

void
rpmdb_nevra_free(struct rpmdb_nevra *nv)
{
	if (nv == NULL)
		return;
	free(nv->evr);
	free(nv->extended);
	nv->evr = nv->extended = NULL;
}

int
rpmdb_match_evra(const struct probe_req *req, const struct rpmdb_nevra *nv,
    struct probe_result *res)
{
	const char *names[] = { "epoch", "version", "release", "arch" };
	const char *vals[4];
	struct plumb_err err;
	size_t i;
	int m;

	vals[0] = nv->epoch;
	vals[1] = nv->version;
	vals[2] = nv->release;
	vals[3] = nv->arch;
	for (i = 0; i < 4; i++) {
		if ((m = probe_ent_match(probe_req_ent(req, names[i]), vals[i],
		    &err)) < 0) {
			probe_flag(res, OVAL_FLAG_ERROR, "%s", err.msg);
			return m;
		}
		if (!m)
			return 0;
	}
	return 1;
}

/* One id table: ROOT/etc/passwd or ROOT/etc/group, read again only
 * when the root or the file (inode, size, mtime) changes. */
struct rpmdb_ids {
	char path[RPMDB_PATH_MAX];
	struct stat st;
	int loaded;
	size_t n;
	unsigned long *id;
	char **name;
};

static struct rpmdb_ids rpmdb_idtab[2];

static void
rpmdb_ids_clear(struct rpmdb_ids *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->name[i]);
	free(t->id);
	free(t->name);
	memset(t, 0, sizeof(*t));
}

/* Read the NAME:x:ID lines of path (stat st) into t (an unreadable
 * file: none). */
static void
rpmdb_ids_load(struct rpmdb_ids *t, const char *path, const struct stat *st)
{
	char line[RPMDB_LINE_MAX], *c1, *c2, *end;
	size_t cap = 0, ncap;
	unsigned long v;
	FILE *f;
	void *p;

	rpmdb_ids_clear(t);
	snprintf(t->path, sizeof(t->path), "%s", path);
	t->st = *st;
	t->loaded = 1;
	if ((f = fopen(path, "re")) == NULL)
		return;
	while (t->n < RPMDB_IDS_MAX && fgets(line, sizeof(line), f) != NULL) {
		if ((c1 = strchr(line, ':')) == NULL ||
		    (c2 = strchr(c1 + 1, ':')) == NULL)
			continue;
		*c1 = '\0';
		v = strtoul(c2 + 1, &end, 10);
		if (end == c2 + 1 || *end != ':')
			continue;
		if (t->n == cap) {
			ncap = cap ? cap * 2 : 64;
			if ((p = reallocarray(t->id, ncap, sizeof(*t->id))) ==
			    NULL)
				break;
			t->id = p;
			if ((p = reallocarray(t->name, ncap,
			    sizeof(*t->name))) == NULL)
				break;
			t->name = p;
			cap = ncap;
		}
		if ((t->name[t->n] = strdup(line)) == NULL)
			break;
		t->id[t->n++] = v;
	}
	fclose(f);
}

const char *
rpmdb_idname(const char *root, int group, unsigned long id)
{
	struct rpmdb_ids *t = &rpmdb_idtab[group ? 1 : 0];
	char path[RPMDB_PATH_MAX];
	struct stat st;
	size_t i;

	/* Id 0 is root's whatever the files say (librpm holds the same). */
	if (id == 0)
		return "root";
	if ((size_t)snprintf(path, sizeof(path), "%s%s",
	    strcmp(root, "/") == 0 ? "" : root,
	    group ? "/etc/group" : "/etc/passwd") >= sizeof(path))
		return NULL;
	if (stat(path, &st) != 0)
		memset(&st, 0, sizeof(st));
	if (!t->loaded || strcmp(t->path, path) != 0 ||
	    t->st.st_ino != st.st_ino || t->st.st_size != st.st_size ||
	    t->st.st_mtim.tv_sec != st.st_mtim.tv_sec ||
	    t->st.st_mtim.tv_nsec != st.st_mtim.tv_nsec)
		rpmdb_ids_load(t, path, &st);
	for (i = 0; i < t->n; i++)
		if (t->id[i] == id)
			return t->name[i];
	return NULL;
}

#endif /* HAVE_LIBRPM */
