# lib.sh - shared by the tests/perf scripts (sourced, not a test), so
# that each script says only what it measures.
#
# perf_now: the time, seconds since the epoch with nanoseconds;
# perf_since T0 [DECIMALS]: the seconds since T0 (2 decimals unless said).
# perf_stats: "p50 p95 max" in whole ms of the times on standard input
# (seconds, one call a line, first column); p95 is the ceil(0.95 n)-th
# smallest, p50 the (n + 1) / 2-th.
#
# The collector scripts (top_srcdir set, then this file sourced):
# perf_collector "$@" runs the script again inside tests/collector/pg.sh
# (a private PostgreSQL server) unless PLUMB_TEST_PG is set, then
# sources tests/collector/lib.sh and gives sql SQL (psql, stops at the
# first error), started (fails the run: the collector did not start)
# and, once api_client has run, perf_times PATH [FIELDS]: $runs GETs of
# the API, curl's time_total (then FIELDS, more curl -w variables) a
# line in $tmp/times, the last answer in $tmp/out and its status in
# $code, the number of answers other than 200 in $perf_bad.
#
# The comparisons with oscap: perf_oscap_setup checks for oscap, GNU
# time and $PLUMB (default the build's plumb; exit 77, or 1 without
# plumb) and makes $out, a directory removed at exit;
# perf_measure CMD...: one run of CMD, "wall_s cpu_s peak_rss_kb".

perf_now() { date +%s.%N; }
perf_since() {
	echo "$(perf_now) $1" |
	    awk -v d="${2:-2}" '{ printf "%." d "f", $1 - $2 }'
}

perf_stats() {
	awk '{ print $1 * 1000 }' | sort -n | awk '{ v[NR] = $1 }
	    END { printf "%.0f %.0f %.0f\n", v[int((NR + 1) / 2)],
	        v[int((NR * 95 + 99) / 100)], v[NR] }'
}

perf_collector() {
	: "${top_builddir:=.}"
	if [ -z "${PLUMB_TEST_PG:-}" ]; then
		exec sh "$top_srcdir/tests/collector/pg.sh" sh "$0" "$@"
	fi
	. "$top_srcdir/tests/collector/lib.sh"
}
sql() { "$dbtool" -X -q -A -t -v ON_ERROR_STOP=1 -d "$db" -c "$1"; }
started() { not_ok "plumb-collector started"; finish; }

perf_times() {
	perf_bad=0
	_n=0
	: >"$tmp/times"
	while [ $_n -lt "$runs" ]; do
		code=$(curl -sS -o "$tmp/out" -w "%{http_code} %{time_total}${2:-}" \
		    --max-time 600 --cacert "$pki/ca.pem" -H "$B" "$A/$1")
		echo "${code#* }" >>"$tmp/times"
		code=${code%% *}
		[ "$code" = 200 ] || perf_bad=$((perf_bad + 1))
		_n=$((_n + 1))
	done
}

perf_oscap_setup() {
	_top=$(cd "$(dirname "$0")/../.." && pwd)
	PLUMB=${PLUMB:-$_top/plumb}
	TIME=/usr/bin/time
	command -v oscap >/dev/null 2>&1 ||
	    { echo "oscap not installed"; exit 77; }
	[ -x "$TIME" ] ||
	    { echo "GNU time missing: apt-get install time"; exit 77; }
	[ -x "$PLUMB" ] || { echo "no plumb binary at $PLUMB"; exit 1; }
	out=$(mktemp -d /tmp/plumb-perf.XXXXXX)
	trap 'rm -rf "$out"' EXIT
}

# Both tools exit 2 when a rule fails, and GNU time then writes a
# "Command exited with non-zero status" line before the figures: the
# last line only.
perf_measure() {
	"$TIME" -f '%e %U %S %M' -o "$out/t" "$@" >/dev/null 2>&1 || true
	tail -n 1 "$out/t" |
	    awk '{ printf "%.2f %.2f %d\n", $1, $2 + $3, $4 }'
}
