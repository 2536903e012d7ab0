# lib.sh - shared by tests/load/*.sh and tests/perf/collector-ingest.sh
# (sourced, not a test).  Environment: top_srcdir, top_builddir, PLUMB.
#
# Gives: $tmp (removed at exit, the collector killed), ok/not_ok/check/
# finish, need TOOL..., make_pki N (plumb-pki CA in $pki, collector
# certificate, agents h001..hN in $pki/agents, "HOST CERT KEY" lines in
# $tmp/agents), sample_members CONTENT [PROFILE] (one real plumb scan;
# its arf.xml and summary.json in $tmp/members), start_collector
# [EXTRA_INI] / stop_collector / kill9_collector ($port, $api_port,
# $url, $collector_pid), rows SQL, rss_kb.
# The database is SQLite in $tmp unless PLUMB_TEST_PG names one
# (tests/collector/pg.sh sets it and PSQL).

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"
: "${PLUMB:=$top_builddir/plumb}"
LC_ALL=C
export LC_ALL

COLLECTOR=$top_builddir/plumb-collector
LOADER=$top_builddir/tests/tools/load-agents
PKI=$top_srcdir/packaging/plumb-pki
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/collector/launch.sh"
collector_pid=

tmp=$(mktemp -d "${TMPDIR:-/tmp}/plumb-load.XXXXXX") || exit 99
# (Every step "|| :": under set -e a failing one would end the trap.)
load_cleanup() {
	if [ -n "${extra_cleanup:-}" ]; then eval "$extra_cleanup" || :; fi
	if [ -n "$collector_pid" ]; then
		kill -9 "$collector_pid" 2>/dev/null || :
	fi
	rm -rf "$tmp" || :
}
trap load_cleanup EXIT
trap 'exit 1' HUP INT TERM

# need TOOL...: skip (77) when one is missing (tests/tap.sh).
need() {
	need_tools "$@"
}

need_built "$PLUMB" "$COLLECTOR" "$LOADER"
dbtool=sqlite3
[ -n "${PLUMB_TEST_PG:-}" ] && dbtool=${PSQL:-psql}
need "$dbtool" openssl curl

db=$tmp/plumb.db
[ -n "${PLUMB_TEST_PG:-}" ] && db=$PLUMB_TEST_PG
evid=$tmp/evidence
pki=$tmp/pki

# make_pki N: CA, collector certificate and N agent certificates.
make_pki() {
	sh "$PKI" init-ca "$pki" >"$tmp/pki.log" 2>&1 &&
	sh "$PKI" collector "$pki" localhost --ip 127.0.0.1 \
	    >>"$tmp/pki.log" 2>&1 || { cat "$tmp/pki.log"; return 1; }
	: >"$tmp/agents"
	mkdir -p "$pki/agents"
	mp_i=1
	# Straight openssl (two processes an agent, plumb-pki takes six):
	# the same subject and extensions plumb-pki gives agents.
	while [ "$mp_i" -le "$1" ]; do
		mp_h=$(printf 'h%03d.load.test' "$mp_i")
		printf '%s\n' "basicConstraints=critical,CA:FALSE" \
		    "keyUsage=critical,digitalSignature,keyEncipherment" \
		    "extendedKeyUsage=clientAuth,emailProtection" \
		    "subjectAltName=DNS:$mp_h" >"$tmp/agent.ext"
		openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		    -nodes -keyout "$pki/agents/$mp_h.key" \
		    -subj "/O=load/OU=other/L=z1/CN=$mp_h" 2>>"$tmp/pki.log" |
		openssl x509 -req -CA "$pki/ca.pem" -CAkey "$pki/ca.key" \
		    -set_serial "$((100000 + mp_i))" -days 30 \
		    -extfile "$tmp/agent.ext" -out "$pki/agents/$mp_h.pem" \
		    >>"$tmp/pki.log" 2>&1 || {
			cat "$tmp/pki.log"
			return 1
		}
		echo "$mp_h $pki/agents/$mp_h.pem $pki/agents/$mp_h.key" \
		    >>"$tmp/agents"
		mp_i=$((mp_i + 1))
	done
}

# agent_conf FILE HOST URL CONTENT [PROFILE]: a plumb agent config.
agent_conf() {
	{
		echo "[agent]"
		echo "host_id = $2"
		echo "content = $4"
		[ -n "${5:-}" ] && echo "profile = $5"
		echo "state_dir = $tmp/state-$2"
		echo "[schedule]"
		echo "interval_s = 60"
		echo "jitter_s = 0"
		echo "[collector]"
		echo "url = $3"
		echo "ca_file = $pki/ca.pem"
		echo "cert_file = $pki/agents/$2.pem"
		echo "key_file = $pki/agents/$2.key"
		echo "connect_timeout_s = 5"
		echo "timeout_s = 30"
		echo "[spool]"
		echo "dir = $tmp/spool-$2"
	} >"$1"
}

# sample_members CONTENT [PROFILE]: scan once (nothing listens on port
# 9, so the bundle stays in the spool), unpack the verified bundle's
# arf.xml and summary.json into $tmp/members.
sample_members() {
	h=$(sed -n '1s/ .*//p' "$tmp/agents")
	agent_conf "$tmp/sample.conf" "$h" "https://localhost:9/x" "$@"
	"$PLUMB" scan --config "$tmp/sample.conf" >"$tmp/sample.out" \
	    2>"$tmp/sample.err"
	f=$(ls "$tmp/spool-$h"/*.p7m 2>/dev/null | head -n 1)
	if [ -z "$f" ]; then
		cat "$tmp/sample.err"
		return 1
	fi
	mkdir -p "$tmp/members"
	openssl cms -verify -inform DER -in "$f" -CAfile "$pki/ca.pem" \
	    -binary 2>/dev/null | tar -xzf - -C "$tmp/members" || return 1
	rm -rf "$tmp/spool-$h" "$tmp/state-$h"
	test -s "$tmp/members/arf.xml" && test -s "$tmp/members/summary.json"
}

# start_collector [EXTRA_INI_LINES]: no rate limit (the load is the
# point), api listener on a free port.
start_collector() {
	cat >"$tmp/collector.conf" <<CONF
[server]
listen = 127.0.0.1
port = ${port:-0}
cert = $pki/collectors/localhost.pem
key = $pki/collectors/localhost.key
agent_ca = $pki/ca.pem
[storage]
database = $db
evidence_dir = $evid
[limits]
rate_limit = 0
CONF
	[ -n "${1:-}" ] && printf '%s\n' "$1" >>"$tmp/collector.conf"
	collector_launch "$tmp/collector.conf" 200 "$tmp/port" \
	    "$tmp/api-port" || return 1
	port=$(cat "$tmp/port")
	api_port=$(cat "$tmp/api-port")
	url=https://localhost:$port/api/v1/bundles
}

stop_collector() {
	if [ -n "$collector_pid" ]; then
		kill "$collector_pid" 2>/dev/null || :
		wait "$collector_pid" 2>/dev/null || :
	fi
	collector_pid=
}

kill9_collector() {
	if [ -n "$collector_pid" ]; then
		kill -9 "$collector_pid" 2>/dev/null || :
		wait "$collector_pid" 2>/dev/null || :
	fi
	collector_pid=
}

# rows SQL: one value from the database.
rows() {
	if [ -n "${PLUMB_TEST_PG:-}" ]; then
		"$dbtool" -X -q -A -t -d "$db" -c "$1"
	else
		sqlite3 "$db" "$1"
	fi
}

# rss_kb: the collector's resident set size in KiB.
rss_kb() {
	sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB$/\1/p' \
	    "/proc/$collector_pid/status" 2>/dev/null
}
