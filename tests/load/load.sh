#!/bin/sh
# load.sh - the collector under load: LOAD_AGENTS agents (default 200,
# each its own certificate and its own mutual-TLS keep-alive connection,
# tests/tools/load-agents) upload at once for LOAD_SECONDS (default 60)
# or until each has sent LOAD_PER_AGENT bundles (default 80: made
# before the clock starts, about 130 MB in the driver).  Asserts
# zero refused or failed uploads, every acknowledged bundle stored once,
# and a flat collector RSS (sampled every second: the last sample at
# most LOAD_RSS_SLACK KiB, default 20480, above the largest of the
# first ten seconds of uploads).  Prints throughput, p50/p99 latency and RSS
# first/last/max.  SQLite unless PLUMB_TEST_PG names a database
# (tests/collector/pg.sh sh tests/load/load.sh).
# Environment: top_srcdir, top_builddir, PLUMB.  Part of "make
# check-load".
set -eu

. "$(dirname "$0")/lib.sh"

agents=${LOAD_AGENTS:-200}
per=${LOAD_PER_AGENT:-80}
secs=${LOAD_SECONDS:-60}
slack=${LOAD_RSS_SLACK:-20480}
backend=sqlite
[ -n "${PLUMB_TEST_PG:-}" ] && backend=postgresql

make_pki "$agents" || finish
PLUMB_SCAN_ROOT=$top_srcdir/tests/fixtures/xccdf/root1
export PLUMB_SCAN_ROOT
sample_members "$top_srcdir/tests/fixtures/xccdf/fixture-ds.xml" || {
	not_ok "sample scan"
	finish
}
start_collector || finish
(
	# Sampled once the driver has made its bundles and starts.
	while kill -0 "$collector_pid" 2>/dev/null; do
		grep -q '^agents ' "$tmp/load.out" 2>/dev/null &&
		    echo "$(date +%s) $(rss_kb)"
		sleep 1
	done
) >"$tmp/rss" 2>/dev/null &
sampler=$!
extra_cleanup='kill $sampler 2>/dev/null'
set +e
"$LOADER" -d "$secs" -b "$per" -o "$tmp/acks" "$url" "$pki/ca.pem" \
    "$tmp/agents" "$tmp/members/arf.xml" "$tmp/members/summary.json" \
    >"$tmp/load.out"
lrc=$?
set -e
sleep 1
kill "$sampler" 2>/dev/null || :
sed 's/^/# /' "$tmp/load.out"
fig() { sed -n "s/^$1 //p" "$tmp/load.out"; }
check "$backend: load-agents exit 0" test "$lrc" -eq 0
check "$backend: zero errors ($(fig errors))" test "$(fig errors)" = 0
check "$backend: every upload answered 201 ($(fig stored) of $(fig uploads))" \
    test "$(fig stored)" = "$(fig uploads)"
n=$(rows "SELECT count(*) FROM bundles")
check "$backend: database holds the $(fig stored) acknowledged bundles" \
    test "$n" = "$(fig stored)"
d=$(rows "SELECT count(*) - count(DISTINCT uuid) FROM bundles")
check "$backend: no bundle stored twice" test "$d" = 0
# Every acknowledged UUID is in the database.
awk '$2 == 201 { print $1 }' "$tmp/acks" | sort >"$tmp/acked"
rows "SELECT uuid FROM bundles" | sort >"$tmp/stored"
check "$backend: acknowledged UUIDs = stored UUIDs" \
    cmp -s "$tmp/acked" "$tmp/stored"
check "$backend: collector still running" kill -0 "$collector_pid"
el=$(fig elapsed_s | sed 's/\..*//')
check "$backend: load held ${el} s of $secs (or all $(fig bundles) sent)" \
    sh -c "test '$el' -ge '$secs' || test '$(fig uploads)' = '$(fig bundles)'"

# RSS: first, last, max; the warm-up max is the first ten samples.
awk 'NF == 2' "$tmp/rss" >"$tmp/rss2"
first=$(sed -n '1s/.* //p' "$tmp/rss2")
last=$(sed -n '$s/.* //p' "$tmp/rss2")
max=$(awk '$2 > m { m = $2 } END { print m }' "$tmp/rss2")
warm=$(head -n 10 "$tmp/rss2" | awk '$2 > m { m = $2 } END { print m }')
samples=$(wc -l <"$tmp/rss2")
echo "$backend: $(fig agents) agents, $(fig uploads) uploads in" \
    "$(fig elapsed_s) s: $(fig uploads_per_s) uploads/s, p50" \
    "$(fig p50_ms) ms, p99 $(fig p99_ms) ms, max $(fig max_ms) ms;" \
    "errors $(fig errors)"
echo "$backend: collector RSS KiB first $first last $last max $max" \
    "(warm-up max $warm, $samples samples)"
check "$backend: RSS flat (last $last <= warm-up max $warm + $slack)" \
    test "$last" -le $((warm + slack))
stop_collector
finish
