/*
 * fsobj.h - the path side of every file-based OVAL object.
 *
 * A file-based object names its files either with a filepath entity or
 * with path + filename entities (filename nil: the directory itself),
 * plus the FileBehaviors (max_depth, recurse, recurse_direction,
 * recurse_file_system).  fsobj_walk() resolves all of that under the
 * probe root and calls the probe once per matching file, so a probe only
 * deals with the file's content.
 *
 * Paths handed to the probe are those of the scanned system (without the
 * root); hostpath is what to open.  Symbolic links met while resolving
 * are followed as if the root were "/".
 *
 * Directory listings are cached for the life of the process (bounded by
 * a byte cap), so objects that look in the same directories share the
 * reads, and so are the lstat() of each listed entry (taken relative to
 * the open directory on first need) and its extended-ACL answer.  Deep
 * recursive walks keep only their top listing: the objects that walk
 * the same tree share one walk instead (fsobj_walk_shared), and memory
 * stays bounded however large the tree.
 */
#ifndef PLUMB_FSOBJ_H
#define PLUMB_FSOBJ_H

#include <sys/stat.h>

#include <stddef.h>

#include "plumb/probe.h"

#define FSOBJ_MATCH_CAP	1000000		/* files one object may match */
#define FSOBJ_CACHE_CAP	(16UL * 1024 * 1024)	/* listings + their lstats */
#define FSOBJ_DIR_CAP	1000000		/* entries read from one directory */
#define FSOBJ_PATH_MAX	4096
#define FSOBJ_GROUP_MAX	64		/* requests sharing one walk */
#define FSOBJ_TEXT_SLOTS	32		/* small files kept after a read */
#define FSOBJ_TEXT_MAX	(64 * 1024)	/* largest file kept */

struct fsobj_dent;

/*
 * One matching file; all storage is fsobj's, valid during the callback.
 * st may come from the cache: only st_mode, st_uid, st_gid, st_size,
 * st_dev, st_ino, st_nlink and the whole seconds of st_atime, st_mtime
 * and st_ctime are filled in (everything else is zero).
 */
struct fsobj_file {
	const char *filepath;	/* NULL for a directory (nil filename) */
	const char *path;	/* directory part */
	const char *filename;	/* "" for a directory (nil filename) */
	const char *hostpath;	/* ROOT + the file, to open or stat */
	const struct stat *st;	/* lstat() of hostpath */
	struct fsobj_dent *dent; /* fsobj's cache slot, or NULL */
	const size_t *who;	/* indexes of the requests the file is for */
	size_t nwho;		/* (always {0}, 1 for fsobj_walk) */
};

/*
 * Called once per matching file.  Return 0 to go on, a positive value
 * to stop the walk quietly, or a negative PLUMB_E* to abort it (that
 * code is returned by fsobj_walk).
 */
typedef int (*fsobj_fn)(const struct fsobj_file *f, void *arg);

/*
 * Enumerate the files req names (its filepath, or path and filename
 * entities, and its behaviors) and call fn for each.  Content problems
 * (bad behavior value, bad pattern) set res's flag to error, and the
 * match cap sets it to incomplete; both return 0.  A negative PLUMB_E*
 * only for ENOMEM or an error returned by fn.
 */
int fsobj_walk(const struct probe_req *req, struct probe_result *res,
    fsobj_fn fn, void *arg);

/*
 * When req walks a directory tree downwards from one literal path
 * (path equals + FileBehaviors recurse_direction="down"), write into
 * key what decides that walk and return 1: requests with equal keys
 * can share one walk.  Unbounded walks of directories named without a
 * symbolic link leave the path out of the key: a walk of a tree serves
 * the walks of the trees within it.  0 when req walks no tree.
 */
int fsobj_walk_key(const struct probe_req *req, char *key, size_t keylen);

/*
 * Walk once for n requests with equal fsobj_walk_key() keys (requests
 * whose directories lie within another's join its walk there): fn is
 * called once per file any of them names, with f->who listing which
 * (indexes into reqs).  Flags and returns as fsobj_walk, per request.
 */
int fsobj_walk_shared(const struct probe_req *const *reqs,
    struct probe_result *const *res, size_t n, fsobj_fn fn, void *arg);

/*
 * The directory where a walk for regex re must start: the longest
 * literal prefix of an anchored pattern cut back to its last '/'
 * ("^/etc/ssh/sshd_config\.d/.*\.conf$" -> "/etc/ssh/sshd_config.d").
 * Returns 1 with dir set, or 0 with dir "/" when re has no usable
 * literal prefix (unanchored, alternation at top level ...).
 */
int fsobj_regex_root(const char *re, char *dir, size_t dirlen);

/*
 * Resolve syspath under root as if root were "/" (every symlink
 * followed, "." and ".." collapsed) into out.  0, PLUMB_ENOENT when a
 * component is missing or not a directory, PLUMB_ELIMIT on a symlink
 * loop or a path too long.
 */
int fsobj_canonical(const char *root, const char *syspath, char *out,
    size_t outlen);

/*
 * Open syspath under root for reading, following symlinks within root.
 * Returns the descriptor, or -1 with errno set.
 */
int fsobj_open(const char *root, const char *syspath);

/*
 * Open the file f for reading when it is a regular file (or a link to
 * one, followed within root).  Returns the descriptor; PLUMB_ENOENT
 * when f is not a regular file (nothing opened, no message); PLUMB_EIO
 * with err set when it cannot be opened.
 */
int fsobj_open_regular(const char *root, const struct fsobj_file *f,
    struct plumb_err *err);

/*
 * Read the regular file f into a NUL-terminated buffer of at most cap
 * bytes (the caller frees *buf).  *truncated is set when the file is
 * longer.  Same returns as fsobj_open_regular, plus PLUMB_ENOMEM.
 * Small files (FSOBJ_TEXT_MAX) are read from disk once per process
 * while unchanged: later calls copy the kept bytes.
 */
int fsobj_read(const char *root, const struct fsobj_file *f, size_t cap,
    char **buf, size_t *len, int *truncated, struct plumb_err *err);

/*
 * fsobj_read for the content probes, with their shared reporting: a file
 * that is not regular is skipped, an unreadable one flags res as error.
 * A file longer than cap flags res incomplete and gives its first cap
 * bytes when partial_ok, or flags res as error and is skipped otherwise.
 * Returns 1 with *buf (the caller frees) and *len set, 0 when there is
 * nothing to look at, or PLUMB_ENOMEM.
 */
int fsobj_read_content(const struct probe_req *req, struct probe_result *res,
    const struct fsobj_file *f, size_t cap, int partial_ok, char **buf,
    size_t *len);

/*
 * Does f carry a POSIX ACL beyond its mode bits?  1 yes, 0 no, -1 when
 * it cannot have one (a symbolic link, a file system without ACLs).
 * Asked of the system once per cached entry.
 */
int fsobj_file_acl(const struct fsobj_file *f);

/* Counters of the listing cache, for tests and diagnostics. */
struct fsobj_stats {
	unsigned long dir_reads;	/* directories read from disk */
	unsigned long cache_hits;	/* listings served from the cache */
	unsigned long stat_calls;	/* entries lstat'ed on the system */
	unsigned long stat_hits;	/* entry lstats served from the cache */
	unsigned long acl_calls;	/* ACL look-ups made on the system */
	size_t cache_bytes;
	unsigned long text_reads;	/* files read by fsobj_read */
	unsigned long text_hits;	/* ... served from a kept copy */
};
void fsobj_get_stats(struct fsobj_stats *st);

/* Override the caps (0 restores the default); for tests. */
void fsobj_set_caps(size_t match_cap, size_t cache_cap);

/* Drop every cached listing (at exit, or when the host may change). */
void fsobj_cache_clear(void);

#endif /* PLUMB_FSOBJ_H */
