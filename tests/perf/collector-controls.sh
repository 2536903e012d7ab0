#!/bin/sh
# collector-controls.sh - the control routes on a large PostgreSQL store.
#
# Generates, with SQL on a private PostgreSQL server (through
# tests/collector/pg.sh), PERF_HOSTS hosts (default 200) with
# PERF_SCANS scans each (default 20, alternating between two baselines:
# profiles p0 and p1) of PERF_RULES rule results (default 300; rule r
# fails when (host + scan + r) mod 17 = 0, else passes), and a control
# set of PERF_CONTROLS controls (default 40) that maps rule r onto
# control r mod PERF_CONTROLS.  Then starts plumb-collector with that
# control set, which builds the per-scan control rollups of every stored
# bundle once (controls_attach), and times:
#   - that rebuild (collector start with the control set, minus without);
#   - GET /controls, GET /controls/iso27001-2022/C0 and its history:
#     median of PERF_RUNS (default 5) calls each, curl time_total;
#   - for scale, one read of every rule result (what the routes read
#     before the rollups) with psql.
# Checks that every bundle got rollups and that the answer is right for
# the generated data: every control fails (each maps a failing rule on
# some host) and counts PERF_HOSTS hosts.
# Environment: top_srcdir, top_builddir, PLUMB.  Not part of make check.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/perf/lib.sh"
perf_collector "$@"
set +e

hosts=${PERF_HOSTS:-200}
scans=${PERF_SCANS:-20}
nrules=${PERF_RULES:-300}
nctl=${PERF_CONTROLS:-40}
runs=${PERF_RUNS:-5}

# The schema (every migration), then the data behind the collector's back.
start_collector || started
stop_collector
t0=$(perf_now)
sql "
INSERT INTO hosts (id, role, site, zone, first_seen, last_seen)
 SELECT 'h' || h, 'mes', 'north', '', 1000, 1000 + $scans * 100
 FROM generate_series(1, $hosts) h;
INSERT INTO bundles (uuid, host, signer, signer_sha256, created,
 signing_time, received, evidence_sha256, evidence_bytes, archive_sha256,
 benchmark_id, profile_id, n_pass, n_fail)
 SELECT substr(m, 1, 8) || '-' || substr(m, 9, 4) || '-4' ||
  substr(m, 14, 3) || '-8' || substr(m, 18, 3) || '-' || substr(m, 21, 12),
  'h' || h, 'CN = h' || h, repeat('0', 64), 1000 + s * 100, 1000 + s * 100,
  1000 + s * 100, repeat('a', 64), 1, repeat('b', 64), 'bm', 'p' || (s % 2),
  $nrules, 0
 FROM (SELECT h, s, md5(h || '/' || s) AS m
  FROM generate_series(1, $hosts) h, generate_series(1, $scans) s) x;
INSERT INTO rule_results (bundle_id, seq, rule_id, result, severity)
 SELECT b.id, r, 'perf_rule_' || r,
  CASE WHEN (substr(b.host, 2)::int + (b.created - 1000) / 100 + r) % 17 = 0
  THEN 'fail' ELSE 'pass' END, 'medium'
 FROM bundles b, generate_series(0, $nrules - 1) r;
INSERT INTO host_baselines (host, benchmark_id, profile_id, target_root,
 bundle_id, uuid, created, received)
 SELECT b.host, b.benchmark_id, b.profile_id, '', b.id, b.uuid, b.created,
  b.received FROM bundles b WHERE NOT EXISTS (SELECT 1 FROM bundles x
  WHERE x.host = b.host AND x.profile_id = b.profile_id
  AND x.created > b.created);
ANALYZE;" >"$tmp/gen.out" 2>&1
check "data set generated" test $? -eq 0
echo "# generated $hosts hosts x $scans scans x $nrules rules in" \
    "$(perf_since "$t0") s: $(rows 'SELECT count(*) FROM rule_results')" \
    "rule results"

# The control set: rule r onto control C(r mod nctl).
ini=$tmp/controls-perf.ini
{
	printf '[framework iso27001-2022]\ntitle = t\nhref = h\nrole = target\n'
	printf '[framework rule]\ntitle = rules\nrole = source\n'
	i=0
	while [ $i -lt "$nctl" ]; do
		printf '[control iso27001-2022 C%d]\ntitle = c%d\n' $i $i
		i=$((i + 1))
	done
	r=0
	while [ $r -lt "$nrules" ]; do
		printf '[map rule perf_rule_%d]\niso27001-2022 = C%d\n' $r \
		    $((r % nctl))
		r=$((r + 1))
	done
} >"$ini"

t0=$(perf_now)
start_collector || started
tnone=$(perf_since "$t0")
stop_collector
t0=$(perf_now)
# Making the rollups of a large store takes a while: up to 20 minutes.
START_WAIT=24000 start_collector "[controls]
file = $ini" || started
trebuild=$(perf_since "$t0")
echo "# collector start: $tnone s without a control set, $trebuild s" \
    "with it (rollups of every bundle made)"
check "every bundle has rollups" test "$(rows "SELECT count(*) FROM
    bundles b WHERE NOT EXISTS (SELECT 1 FROM control_rollups r
    WHERE r.bundle_id = b.id AND r.framework = '')")" = 0
echo "# $(rows 'SELECT count(*) FROM control_rollups') rollup rows"
check "api listener" api_client perf

# time_route PATH: $ms, the median curl time_total of $runs calls in
# ms; $code and $tmp/out of the last call.
time_route() {
	perf_times "$1"
	ms=$(perf_stats <"$tmp/times" | cut -d' ' -f1)
}
time_route controls
check "GET /controls: 200" test "$code" = 200
check "every control fails on $hosts hosts" test "$(jq -r '[.controls[] |
    select(.status == "fail" and .pass_hosts + .fail_hosts ==
    '"$hosts"')] | length' "$tmp/out")" = "$nctl"
echo "GET /controls: $ms ms (median of $runs)"
time_route controls/iso27001-2022/C0
check "GET /controls/iso27001-2022/C0: 200" test "$code" = 200
echo "GET /controls/iso27001-2022/C0: $ms ms"
time_route controls/iso27001-2022/C0/history
check "GET .../C0/history: 200" test "$code" = 200
echo "GET /controls/iso27001-2022/C0/history: $ms ms"
t0=$(perf_now)
sql "SELECT count(*), sum(length(rule_id) + length(result)) FROM
    rule_results" >/dev/null
echo "# for scale: one read of every rule result (psql): $(perf_since "$t0") s"
finish
