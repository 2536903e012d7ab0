# lib.sh - shared by the tests/security scripts (sourced, not a test):
# hostile clients against a local plumb-collector (loopback only).
# Environment: PLUMB, top_srcdir, top_builddir.
#
# Gives what tests/collector/lib.sh gives, plus: $ATTACK (attack.py),
# $attacker (the source address of the attacks, 127.0.0.2: the
# legitimate agent connects from 127.0.0.1, its own client address),
# spares N (N bundles of agent01 made while no collector listens, their
# files and UUIDs in $tmp/spares), start (start_collector and a bearer
# token), within2 / legit (requests checked to complete within 2 s),
# bg_post / bg_wait (uploads in the background), api_port, peak_under (the
# collector's peak RSS, VmHWM, checked), cpu_ticks (its user + system CPU time),
# metric NAME (one value of /metrics), need N (the minimum number of
# assertions, then finish).

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/collector/lib.sh"

ATTACK=$top_srcdir/tests/security/attack.py
attacker=127.0.0.2
if ! command -v python3 >/dev/null 2>&1; then
	echo "SKIP: python3 not installed"
	exit 77
fi

# spares N: N fresh bundles of agent01.plant.test.
spares() {
	: >"$tmp/spares"
	sn=0
	while [ "$sn" -lt "$1" ]; do
		spare agent agent01.plant.test
		[ -s "$bundle" ] && echo "$bundle $uuid" >>"$tmp/spares"
		sn=$((sn + 1))
	done
}

# The api listener's port, from the collector's log.
api_port() {
	sed -n 's/.*api listening on .* port \([0-9]*\)$/\1/p' \
	    "$tmp/collector.err" | tail -n 1
}

# start [EXTRA_INI_LINES]: start_collector, and a bearer token for
# metric the first time (the database is kept between starts).  A
# collector that does not start fails the test there.
start() {
	if ! start_collector "${1:-}"; then
		not_ok "plumb-collector started"
		finish
	fi
	if [ -z "${tok:-}" ]; then
		tok=$("$COLLECTOR" -c "$tmp/collector.conf" token add sec \
		    2>/dev/null)
	fi
}

# within2 DESC STATUS URL [curl options]: a request as agent, checked to
# answer STATUS within 2 seconds.
within2() {
	wd=$1 ws=$2 wu=$3
	shift 3
	wp=${wu#https://localhost:}
	wp=${wp%%/*}
	t=$(curl -sS -o "$tmp/resp" -w '%{http_code} %{time_total}' \
	    --max-time 10 --cacert "$pki/ca.pem" --cert "$pki/agent.pem" \
	    --key "$pki/agent.key" --resolve "localhost:$wp:127.0.0.1" \
	    "$@" "$wu" 2>"$tmp/curl.err")
	# SECURITY_TIME_SCALE widens the bound under the sanitizers, which
	# slow the collector several times (tests/fuzz/sanitizers.sh).
	wb=$((2 * ${SECURITY_TIME_SCALE:-1}))
	echo "# $wd: answered ${t% *} in ${t#* } s"
	check "$wd: $ws within $wb s" awk -v t="$t" -v s="$ws" -v b="$wb" \
	    'BEGIN { split(t, a, " "); exit !(a[1] == s && a[2] < b) }'
}

# legit DESC: during an attack, a legitimate agent uploads a fresh
# bundle (201) and asks the api listener for its hosts (200), each
# within 2 seconds (times SECURITY_TIME_SCALE).
legit() {
	line=$(head -n 1 "$tmp/spares")
	sed -i 1d "$tmp/spares"
	within2 "$1: a legitimate upload" 201 \
	    "https://localhost:$port/api/v1/bundles" \
	    -H "X-Plumb-Bundle: ${line#* }" --data-binary "@${line% *}"
	within2 "$1: an API call" 200 \
	    "https://localhost:$(api_port)/api/v1/hosts"
}

# bg_post FILE UUID OUT: upload FILE as agent-b (agent02.plant.test) in
# the background; the HTTP status goes to OUT, the answer to OUT.resp.
bg_post() {
	curl -sS -o "$3.resp" -w '%{http_code}' --max-time 30 \
	    --resolve "localhost:$port:127.0.0.1" --cacert "$pki/ca.pem" \
	    --cert "$pki/agent-b.pem" --key "$pki/agent-b.key" \
	    -H "X-Plumb-Bundle: $2" --data-binary "@$1" \
	    "https://localhost:$port/api/v1/bundles" >"$3" 2>/dev/null &
	bg_pids="${bg_pids:-} $!"
}

# bg_wait: wait for the background clients (not the collector).
bg_wait() {
	for p in ${bg_pids:-}; do
		wait "$p"
	done
	bg_pids=
}

# peak_under DESC KB: the collector's peak resident set (VmHWM) so far,
# printed and checked to be under KB kB.
# SECURITY_RSS_SCALE multiplies the bound (tests/fuzz/sanitizers.sh: the
# sanitizers' shadow memory and quarantine roughly triple a process's
# peak RSS; the bounds are for the normal build).
peak_under() {
	pb=$(($2 * ${SECURITY_RSS_SCALE:-1}))
	kb=$(awk '$1 == "VmHWM:" { print $2 }' "/proc/$collector_pid/status")
	echo "# $1: collector peak RSS $kb kB (bound $pb)"
	check "$1: peak RSS $kb kB under $pb kB" test "${kb:-999999999}" -lt "$pb"
}

# The collector's CPU time so far, in clock ticks.
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$collector_pid/stat"
}

# metric NAME: its value in /metrics.
metric() {
	curl -sS --max-time 10 --cacert "$pki/ca.pem" \
	    -H "Authorization: Bearer $tok" \
	    --resolve "localhost:$(api_port):127.0.0.1" \
	    "https://localhost:$(api_port)/metrics" 2>/dev/null |
	    awk -v k="$1" '$1 == k { print $2 }'
}

# need N: fail unless at least N assertions ran, then finish.
need() {
	if [ $((passed + failed)) -lt "$1" ]; then
		not_ok "only $((passed + failed)) assertions ran, $1 expected"
	fi
	finish
}
