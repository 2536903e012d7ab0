-- schema.sql - the collector's core tables (component "core").
--
-- Documentation: store.c applies the same statements as migrations 1
-- and 2 of component "core" (keep both in step; a change is a new
-- migration, never an edit of an applied one; this file shows the
-- result of all of them).  SQL stays in the common subset of
-- SQLite and PostgreSQL: INTEGER seconds since the epoch for times,
-- TEXT for hex digests and JSON, REAL for scores.  On PostgreSQL
-- store_pg.c spells INTEGER PRIMARY KEY as a BIGINT identity column,
-- INTEGER as BIGINT, REAL as DOUBLE PRECISION and TEXT as
-- TEXT COLLATE "C".

-- Which migrations have been applied, per component (core, drift,
-- controls, ...).
CREATE TABLE IF NOT EXISTS schema_migrations (
	component	TEXT NOT NULL,
	version		INTEGER NOT NULL,
	applied		INTEGER NOT NULL,	-- time applied
	PRIMARY KEY (component, version)
);

-- One row per host that ever uploaded a verified bundle.  id is the
-- host id of the bundle manifests (= the client certificate's CN);
-- role, site, zone come from the certificate subject (OU, O, L).
CREATE TABLE hosts (
	id		TEXT PRIMARY KEY,
	role		TEXT NOT NULL DEFAULT '',
	site		TEXT NOT NULL DEFAULT '',
	zone		TEXT NOT NULL DEFAULT '',
	first_seen	INTEGER NOT NULL,
	last_seen	INTEGER NOT NULL
);

-- One row per verified bundle; uuid UNIQUE is what stores a bundle
-- once even when it is sent again or concurrently.
CREATE TABLE bundles (
	id		INTEGER PRIMARY KEY,
	uuid		TEXT NOT NULL UNIQUE,
	host		TEXT NOT NULL REFERENCES hosts(id),
	signer		TEXT NOT NULL,		-- signer certificate subject
	signer_sha256	TEXT NOT NULL,		-- of the signer certificate DER
	created		INTEGER NOT NULL,	-- manifest creation time
	signing_time	INTEGER NOT NULL,	-- CMS signing time
	received	INTEGER NOT NULL,
	evidence_sha256	TEXT NOT NULL,		-- raw bundle = evidence file
	evidence_bytes	INTEGER NOT NULL,
	archive_sha256	TEXT NOT NULL,		-- of the signed archive
	-- from summary.json
	content_sha256	TEXT NOT NULL DEFAULT '',	-- evaluated content
	benchmark_id	TEXT NOT NULL DEFAULT '',
	benchmark_version TEXT NOT NULL DEFAULT '',
	profile_id	TEXT NOT NULL DEFAULT '',	-- '' = "(all)"
	profile_title	TEXT NOT NULL DEFAULT '',
	tool_version	TEXT NOT NULL DEFAULT '',
	start_time	INTEGER NOT NULL DEFAULT 0,
	end_time	INTEGER NOT NULL DEFAULT 0,
	platform_applicable INTEGER NOT NULL DEFAULT 1,
	score_default	REAL, score_default_max REAL,
	score_flat	REAL, score_flat_max REAL,
	score_flat_unweighted REAL, score_flat_unweighted_max REAL,
	score_absolute	REAL, score_absolute_max REAL,
	n_pass		INTEGER NOT NULL DEFAULT 0,
	n_fail		INTEGER NOT NULL DEFAULT 0,
	n_error		INTEGER NOT NULL DEFAULT 0,
	n_unknown	INTEGER NOT NULL DEFAULT 0,
	n_notapplicable	INTEGER NOT NULL DEFAULT 0,
	n_notchecked	INTEGER NOT NULL DEFAULT 0,
	n_notselected	INTEGER NOT NULL DEFAULT 0,
	n_informational	INTEGER NOT NULL DEFAULT 0,
	n_fixed		INTEGER NOT NULL DEFAULT 0,
	-- migration 2: summary.json "target_root", the directory scanned
	-- instead of "/" ('' = the host itself)
	target_root	TEXT NOT NULL DEFAULT ''
);
CREATE INDEX bundles_host_created ON bundles (host, created);
CREATE INDEX bundles_received ON bundles (received);
CREATE INDEX bundles_evidence ON bundles (evidence_sha256);

-- One row per entry of summary.json "rules" (notselected rules are not
-- listed there, only counted).  references, idents, oval_definitions:
-- the JSON arrays of summary.json as compact JSON text.
CREATE TABLE rule_results (
	bundle_id	INTEGER NOT NULL REFERENCES bundles(id)
			    ON DELETE CASCADE,
	seq		INTEGER NOT NULL,	-- position in "rules"
	rule_id		TEXT NOT NULL,
	title		TEXT,
	result		TEXT NOT NULL,
	severity	TEXT NOT NULL,
	weight		REAL NOT NULL DEFAULT 1,
	role		TEXT NOT NULL DEFAULT 'full',
	items_digest	TEXT,			-- "sha256:<hex>" or NULL
	refs		TEXT NOT NULL DEFAULT '[]',	-- "references" (reserved word)
	idents		TEXT NOT NULL DEFAULT '[]',
	oval_definitions TEXT NOT NULL DEFAULT '[]',
	message		TEXT,
	PRIMARY KEY (bundle_id, seq)
);
CREATE INDEX rule_results_rule ON rule_results (rule_id);

-- Migration 2: the newest bundle of each baseline of each host, where a
-- baseline is (benchmark, profile, scanned root).  Updated by every
-- insert (a newer scan by created, received, uuid replaces the row), so
-- a scan of one baseline never replaces another's status; retention
-- keeps the bundles named here.
CREATE TABLE host_baselines (
	host		TEXT NOT NULL REFERENCES hosts(id),
	benchmark_id	TEXT NOT NULL,
	profile_id	TEXT NOT NULL,
	target_root	TEXT NOT NULL DEFAULT '',
	bundle_id	INTEGER NOT NULL REFERENCES bundles(id),
	uuid		TEXT NOT NULL,
	created		INTEGER NOT NULL,
	received	INTEGER NOT NULL,
	PRIMARY KEY (host, benchmark_id, profile_id, target_root)
);

-- Component "rule_texts" (collector/store_texts.c): each rule's
-- rationale and fix text from summary.json.  The set of texts of a
-- bundle is stored once under its SHA-256 (shared by every bundle that
-- sent the same texts); host_texts names the set each host sent last
-- for a content and benchmark, so a host is shown only texts its own
-- agent sent, never another agent's for "the same" content.
CREATE TABLE rule_texts (
	texts_sha256	TEXT NOT NULL,
	rule_id		TEXT NOT NULL,
	rationale	TEXT,			-- NULL: the rule has none
	fixtext		TEXT,
	PRIMARY KEY (texts_sha256, rule_id)
);
CREATE TABLE host_texts (
	host		TEXT NOT NULL,
	content_sha256	TEXT NOT NULL,
	benchmark_id	TEXT NOT NULL,
	texts_sha256	TEXT NOT NULL,
	PRIMARY KEY (host, content_sha256, benchmark_id)
);

-- Component "hoststate" (collector/hoststate.c): the fail and error
-- rows of each bundle, so a host's waiver-aware status (docs/api.md
-- HOST "status") reads only those of the newest scan of each baseline.
CREATE INDEX rule_results_failing ON rule_results (bundle_id, rule_id)
	WHERE result IN ('fail', 'error');
