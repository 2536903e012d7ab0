#!/bin/sh
# collector-fleet-views.sh - the dashboard's fleet routes on a large
# PostgreSQL store: GET rollups?by=site|zone and GET hosts?status=,
# ?q= (waiver-aware host status, collector/hoststate.c).
#
# The fleet of tests/perf/fleet-data.sh (PERF_HOSTS hosts, default 1000,
# in 5 sites and 3 zones; PERF_DAYS daily scans, default 90, of
# PERF_BASELINES baselines, default 3, with PERF_RULES rules each,
# default 40).  Every failing rule of host h1's newest scans gets a
# waiver, requested by one approver token and approved by another, so
# h1 is "waived", not failing.  Then times each route (median of
# PERF_RUNS calls, default 5, curl time_total) and checks the answers
# against SQL over the same tables: hosts in all, hosts failing (a
# fail result in the newest scan of a baseline) less h1, h1 waived,
# the groups, the hosts a search finds.
# Environment: top_srcdir, top_builddir, PLUMB.  Not part of make check.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/perf/lib.sh"
perf_collector "$@"
. "$top_srcdir/tests/perf/fleet-data.sh"
set +e

runs=${PERF_RUNS:-5}

start_collector || started
stop_collector
t0=$(perf_now)
fleet_generate >"$tmp/gen.out" 2>&1
check "fleet generated" test $? -eq 0
echo "# generated $fleet_hosts hosts x $fleet_bases baselines x" \
    "$fleet_days days in $(perf_since "$t0" 0) s:" \
    "$(rows 'SELECT count(*) FROM rule_results') rule results"
START_WAIT=6000 start_collector || started
check "api listener" api_client perf

# Waive every failing rule of h1's newest scans (two identities).
req="Authorization: Bearer $("$COLLECTOR" -c "$tmp/collector.conf" token \
    add --role approver perf-req 2>/dev/null)"
app="Authorization: Bearer $("$COLLECTOR" -c "$tmp/collector.conf" token \
    add --role approver perf-app 2>/dev/null)"
exp=$(($(date +%s) + 86400))
nw=0
for r in $(rows "SELECT DISTINCT r.rule_id FROM host_baselines hb JOIN
    rule_results r ON r.bundle_id = hb.bundle_id WHERE hb.host = 'h1'
    AND r.result = 'fail'"); do
	id=$(curl -sS --cacert "$pki/ca.pem" -H "$req" \
	    -H 'Content-Type: application/json' --data "{\"rule_id\":\"$r\",
\"host\":\"h1\",\"justification\":\"perf\",\"expires\":$exp}" \
	    "$A/waivers" | jq -r .id)
	curl -sS -o /dev/null --cacert "$pki/ca.pem" -H "$app" -X POST \
	    "$A/waivers/$id/approve"
	nw=$((nw + 1))
done
check "h1 has failing rules to waive ($nw)" test "$nw" -gt 0
failing=$(rows "SELECT count(DISTINCT hb.host) FROM host_baselines hb
    JOIN rule_results r ON r.bundle_id = hb.bundle_id
    WHERE r.result IN ('fail', 'error') AND hb.host <> 'h1'")
echo "# $failing hosts failing besides h1 (SQL)"

# timed PATH: GET PATH $runs times; $ms the median time_total in ms,
# the last answer in $tmp/out and its status in $code.
timed() {
	perf_times "$1"
	ms=$(perf_stats <"$tmp/times" | cut -d' ' -f1)
	echo "GET /api/v1/$1: $ms ms (median of $runs)"
}
jqo() { jq -r "$1" "$tmp/out"; }

timed "rollups?by=site"
check "rollups by site: 200, 5 sites" test "$code" = 200 -a \
    "$(jqo '.groups | length')" = 5
check "rollups: $fleet_hosts hosts, $failing failing, h1 waived" test \
    "$(jqo '.total | [.hosts, .fail_hosts, .waived_hosts] | join("|")')" = \
    "$fleet_hosts|$failing|1"
check "rollups: the sites add up" test "$(jqo '[.groups[].hosts] | add')" = \
    "$fleet_hosts"
timed "rollups?by=zone"
check "rollups by zone: 200, 3 zones" test "$code" = 200 -a \
    "$(jqo '.groups | length')" = 3
timed "hosts?status=fail"
check "hosts?status=fail: $failing hosts, not h1" test "$code" = 200 -a \
    "$(jqo '[.hosts[] | select(.status == "fail" and .id != "h1")] |
    length')" = "$failing" -a "$(jqo '.hosts | length')" = "$failing"
timed "hosts?status=waived"
check "hosts?status=waived: h1" test "$(jqo '[.hosts[].id] | join(",")')" = h1
want=$(rows "SELECT count(*) FROM hosts WHERE id LIKE '%h12%'")
timed "hosts?q=H12"
check "hosts?q=H12: the $want hosts whose id holds h12" test \
    "$(jqo '.hosts | length')" = "$want"
timed hosts
check "hosts: all $fleet_hosts" test "$(jqo '.hosts | length')" = \
    "$fleet_hosts"
stop_collector
# Every check above ran: fewer means the script stopped early.
[ $((passed + failed)) -ge 11 ] ||
    not_ok "ran $((passed + failed)) checks, expected 11"
finish
