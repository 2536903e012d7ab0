#!/bin/sh
# collector-fleet.sh - the control routes and the fleet page's calls on
# a fleet in PostgreSQL, answered from the controls cache.
#
# Generates with tests/perf/fleet-data.sh (inside tests/collector/pg.sh)
# PERF_HOSTS hosts (default 1000) x PERF_BASELINES baselines (3) x
# PERF_DAYS days (90) of daily scans of PERF_RULES rule results (40),
# and their control rollups with SQL (what controls_attach() would make
# for the fleet's control set of PERF_CONTROLS controls, 20: rule r onto
# control r mod 20).  Then starts plumb-collector with that control
# set and:
#   - times the controls cache's first build (start to the first 200 of
#     GET /controls; 503 with Retry-After until then), and an upload
#     made while it runs and one after, to show ingest is not blocked;
#   - times PERF_RUNS (default 50) calls each of GET /controls,
#     GET /controls/iso27001-2022/C0, its history, the fleet trend
#     (GET /controls/trend, 90 days) and the fleet page's
#     GET /hosts?site=s1 (curl time_total): p50, p95, max in ms.
# Fails when an answer is wrong for the generated data (the counts of
# every control, C0's failing hosts and the hosts of site s1 against
# SQL on the generated tables; the trend's 90 points, its last one as
# GET /controls), or when a p95 is PERF_P95_MS (default
# 200) or more.
# Environment: top_srcdir, top_builddir, PLUMB.  Not part of make check.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/perf/lib.sh"
perf_collector "$@"
. "$top_srcdir/tests/perf/fleet-data.sh"
set +e

runs=${PERF_RUNS:-50}
p95max=${PERF_P95_MS:-200}
points=${PERF_HISTORY_POINTS:-5000}
H=agent01.plant.test

# Two bundles to upload later, made while no collector listens.
spare agent "$H"
b1=$bundle u1=$uuid
spare agent "$H"
b2=$bundle u2=$uuid
check "two bundles to upload made" test -s "$b1" -a -s "$b2"

ini=$tmp/fleet-controls.ini
fleet_controls "$ini"
conf="[controls]
file = $ini
history_points = $points"

# The schema, and the control set's digest (controls_attach() marks
# every bundle's rollups with it): the rollups of one probe bundle.
start_collector || started
stop_collector
sql "INSERT INTO hosts (id, role, site, zone, first_seen, last_seen)
 VALUES ('probe', 'mes', 's', 'z', 1, 1);
INSERT INTO bundles (uuid, host, signer, signer_sha256, created,
 signing_time, received, evidence_sha256, evidence_bytes, archive_sha256,
 benchmark_id, profile_id, n_pass, n_fail) VALUES
 ('00000000-0000-4000-8000-000000000000', 'probe', 'CN = probe',
 repeat('0', 64), 1, 1, 1, repeat('a', 64), 1, repeat('b', 64), 'bm',
 'p0', 0, 0);" >"$tmp/probe.out" 2>&1
start_collector "$conf" || started
stop_collector
digest=$(rows "SELECT digest FROM control_rollups WHERE framework = ''")
check "control set digest read" test -n "$digest"
sql "DELETE FROM control_rollups; DELETE FROM bundles; DELETE FROM hosts;" \
    >/dev/null

t0=$(perf_now)
fleet_generate >"$tmp/gen.out" 2>&1
check "fleet generated" test $? -eq 0
nb=$(rows "SELECT count(*) FROM bundles")
echo "# generated $fleet_hosts hosts x $fleet_bases baselines x" \
    "$fleet_days days: $nb bundles in $(perf_since "$t0" 1) s"
# Rule r (seq r) of every baseline maps onto control C(r mod ctl).
t0=$(perf_now)
sql "
INSERT INTO control_rollups (bundle_id, framework, control_id, passed,
 rules, failing, digest)
 SELECT bundle_id, 'iso27001-2022', 'C' || (seq % $fleet_ctl),
  max(CASE WHEN result = 'pass' THEN 1 ELSE 0 END),
  '[' || string_agg('\"' || rule_id || '\"', ',' ORDER BY seq) || ']',
  '[' || COALESCE(string_agg('\"' || rule_id || '\"', ',' ORDER BY seq)
   FILTER (WHERE result IN ('fail', 'error')), '') || ']', '$digest'
 FROM rule_results GROUP BY bundle_id, seq % $fleet_ctl;
INSERT INTO control_rollups (bundle_id, framework, control_id, passed,
 rules, failing, digest)
 SELECT id, '', '', 0, '[]', '[]', '$digest' FROM bundles;
ANALYZE;" >"$tmp/roll.out" 2>&1
check "rollups generated" test $? -eq 0
echo "# $(rows 'SELECT count(*) FROM control_rollups') rollup rows in" \
    "$(perf_since "$t0" 1) s"

# Expected, from the generated tables: per control, the hosts failing
# it (a failing mapped rule in the newest scan of any baseline) and the
# hosts passing it.
sql "SELECT r.control_id, count(DISTINCT hb.host) FILTER (WHERE
 r.failing <> '[]'), count(DISTINCT hb.host) FROM host_baselines hb
 JOIN control_rollups r ON r.bundle_id = hb.bundle_id AND r.framework <> ''
 GROUP BY r.control_id ORDER BY r.control_id" |
    awk -F'|' '{ print $1, $2, $3 - $2 }' >"$tmp/want-counts"
sql "SELECT DISTINCT hb.host FROM host_baselines hb JOIN control_rollups r
 ON r.bundle_id = hb.bundle_id WHERE r.control_id = 'C0' AND
 r.failing <> '[]' ORDER BY hb.host" >"$tmp/want-c0"
site1=$(rows "SELECT count(*) FROM hosts WHERE site = 's1'")
check "expected counts computed ($fleet_ctl controls)" \
    test "$(wc -l <"$tmp/want-counts")" = "$fleet_ctl"

# ---- the first build, with an upload while it runs
t0=$(perf_now)
START_WAIT=24000 start_collector "$conf" || started
tstart=$(perf_since "$t0" 1)
check "api listener" api_client fleet
get() {
	curl -sS -o "$tmp/out" -D "$tmp/hdr" -w '%{http_code} %{time_total}' \
	    --max-time 600 --cacert "$pki/ca.pem" -H "$B" "$A/$1"
}
# upload FILE UUID: "$code $seconds".
upload() {
	curl -sS -o "$tmp/resp" -w '%{http_code} %{time_total}' --max-time 60 \
	    --cacert "$pki/ca.pem" --cert "$pki/agent.pem" \
	    --key "$pki/agent.key" -H 'Content-Type: application/pkcs7-mime' \
	    -H "X-Plumb-Bundle: $2" --data-binary "@$1" "$url"
}
r=$(get controls)
first=${r%% *}
if [ "$first" = 503 ]; then
	check "while building: 503 with Retry-After" grep -qi '^Retry-After:' \
	    "$tmp/hdr"
	check "while building: the error says so" grep -q 'being built' \
	    "$tmp/out"
	r=$(upload "$b1" "$u1")
	check "upload during the build: 201" test "${r%% *}" = 201
	echo "upload during the build: $(echo "${r#* }" |
	    awk '{ printf "%.0f", $1 * 1000 }') ms"
else
	echo "# the build was done before the listeners opened (${tstart} s)"
	r=$(upload "$b1" "$u1")
	check "upload: 201" test "${r%% *}" = 201
fi
while :; do
	r=$(get controls)
	[ "${r%% *}" != 503 ] && break
	sleep 0.2
done
echo "controls cache built: first 200 $(perf_since "$t0" 1) s after start" \
    "($(grep 'controls cache built' "$tmp/collector.err" | tail -n 1 |
    sed 's/.*built: //'))"
check "GET /controls after the build: 200" test "${r%% *}" = 200
r=$(upload "$b2" "$u2")
check "upload after the build: 201" test "${r%% *}" = 201
echo "upload after the build: $(echo "${r#* }" |
    awk '{ printf "%.0f", $1 * 1000 }') ms"

# ---- answers against SQL
get controls >/dev/null
jq -r '.controls[] | "\(.id) \(.fail_hosts) \(.pass_hosts)"' "$tmp/out" |
    sort >"$tmp/got-counts"
sort "$tmp/want-counts" >"$tmp/want-sorted"
check "GET /controls: every control's fail/pass hosts as in SQL" \
    cmp -s "$tmp/got-counts" "$tmp/want-sorted"
check "GET /controls: nothing waived or unknown" test "$(jq '[.controls[] |
    .waived_hosts + .unknown_hosts] | add' "$tmp/out")" = 0
check "GET /controls: fail status where a host fails" test "$(jq '[.controls[]
    | select((.fail_hosts > 0) != (.status == "fail"))] | length' \
    "$tmp/out")" = 0
get controls/iso27001-2022/C0 >/dev/null
jq -r '.hosts[] | select(.status == "fail") | .host' "$tmp/out" | sort \
    >"$tmp/got-c0"
sort "$tmp/want-c0" >"$tmp/want-c0s"
check "GET C0: the failing hosts as in SQL ($(wc -l <"$tmp/want-c0s"))" \
    cmp -s "$tmp/got-c0" "$tmp/want-c0s"
check "GET C0: every host of the fleet" test "$(jq '.hosts | length' \
    "$tmp/out")" = "$fleet_hosts"
check "GET C0: from the cache, not rebuilding" test "$(jq -r \
    '[.rebuilding, (.as_of > 0)] | join(" ")' "$tmp/out")" = "false true"
get controls/iso27001-2022/C0/history >/dev/null
check "C0 history: points in time order, at most $points" test "$(jq \
    "[(.points | length > 0 and length <= $points),
    ([.points[].time] == ([.points[].time] | sort))] | all" \
    "$tmp/out")" = true
cur=$(grep '^C0 ' "$tmp/want-sorted" | cut -d' ' -f2-)
check "C0 history: the last point is now's counts" test "$(jq -r \
    '.points[-1] | "\(.fail_hosts) \(.pass_hosts)"' "$tmp/out")" = "$cur"
get controls >/dev/null
nfail=$(jq '[.controls[] | select(.status == "fail")] | length' "$tmp/out")
npass=$(jq '[.controls[] | select(.status == "pass")] | length' "$tmp/out")
trend="controls/trend?framework=iso27001-2022&days=90"
get "$trend" >/dev/null
check "trend: 90 daily points in time order" test "$(jq \
    '[(.points | length == 90), ([.points[].time] ==
    ([.points[].time] | sort))] | all' "$tmp/out")" = true
check "trend: the last point is GET /controls' ($nfail failing, $npass
    passing)" test "$(jq -r '.points[-1] | "\(.fail) \(.pass)"' \
    "$tmp/out")" = "$nfail $npass"
get "hosts?site=s1" >/dev/null
check "GET hosts?site=s1: the $site1 hosts of site s1" test "$(jq \
    '[.hosts[] | select(.site == "s1")] | length' "$tmp/out")" = "$site1" \
    -a "$(jq '.hosts | length' "$tmp/out")" = "$site1"

# ---- timings
# time_route PATH: p50, p95 and max of $runs calls (ms); fails the
# script when a call is not 200 or p95 >= $p95max.
time_route() {
	i=0
	bad=0
	: >"$tmp/times"
	while [ $i -lt "$runs" ]; do
		r=$(get "$1")
		[ "${r%% *}" = 200 ] || bad=$((bad + 1))
		echo "${r#* }" >>"$tmp/times"
		i=$((i + 1))
	done
	perf_stats <"$tmp/times" >"$tmp/fig"
	read p50 p95 pmax <"$tmp/fig"
	echo "GET /$1: p50 $p50 ms, p95 $p95 ms, max $pmax ms ($runs calls)"
	check "GET /$1: $runs answers 200" test "$bad" = 0
	check "GET /$1: p95 $p95 ms < $p95max ms" test "$p95" -lt "$p95max"
}
time_route controls
time_route controls/iso27001-2022/C0
time_route controls/iso27001-2022/C0/history
time_route "$trend"
time_route "hosts?site=s1"
echo "# $fleet_hosts hosts x $fleet_bases baselines x $fleet_days days," \
    "$(nproc) cores; $(uptime | sed 's/.*load/load/')"
finish
