# lib.sh - shared by the tests/collector scripts (sourced, not a test).
# Environment: PLUMB, top_srcdir, top_builddir.
#
# Gives: $tmp (removed at exit), $pki (tests/pki/make-pki.sh output plus
# agent-b.pem/.key: CN agent02.plant.test, OU historian, O plant-north,
# L zone-3), start_collector/stop_collector ($port, $db, $evid, $url),
# scan CERT HOST_ID URL (one "plumb scan"; $uuid), spare CERT HOST_ID
# (a bundle made while no collector listens: $bundle, $uuid),
# post FILE UUID [CERT] [curl options] ($code, body in $tmp/resp),
# ok/not_ok/check/finish.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"
: "${PLUMB:=$top_builddir/plumb}"
LC_ALL=C
export LC_ALL

COLLECTOR=$top_builddir/plumb-collector
FIXTURE=$top_srcdir/tests/fixtures/xccdf
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/collector/launch.sh"
collector_pid=

tmp=$(mktemp -d "${TMPDIR:-/tmp}/plumb-collector.XXXXXX") || exit 99
cleanup() {
	[ -n "$collector_pid" ] && kill "$collector_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

need_built "$PLUMB" "$COLLECTOR"
# PostgreSQL instead of SQLite when PLUMB_TEST_PG names a database
# (tests/collector/pg.sh sets it, and PSQL): $db is then that URL and
# rows() asks psql.
dbtool=sqlite3
[ -n "${PLUMB_TEST_PG:-}" ] && dbtool=${PSQL:-psql}
need_tools "$dbtool" jq curl openssl sha256sum

pki=$tmp/pki
if ! sh "$top_srcdir/tests/pki/make-pki.sh" "$pki" >"$tmp/pki.log" 2>&1
then
	cat "$tmp/pki.log"
	echo "0 passed, 1 failed"
	exit 1
fi
# A second agent of the same CA, with role/site/zone in its subject.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out "$pki/agent-b.key" 2>/dev/null &&
openssl req -new -key "$pki/agent-b.key" -out "$tmp/b.csr" \
    -subj "/O=plant-north/OU=historian/L=zone-3/CN=agent02.plant.test" \
    2>/dev/null &&
printf '%s\n' "basicConstraints=critical,CA:FALSE" \
    "keyUsage=critical,digitalSignature,keyEncipherment" \
    "extendedKeyUsage=clientAuth,emailProtection" \
    "subjectAltName=DNS:agent02.plant.test" >"$tmp/b.ext" &&
openssl x509 -req -in "$tmp/b.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" \
    -CAcreateserial -days 30 -extfile "$tmp/b.ext" \
    -out "$pki/agent-b.pem" 2>/dev/null || {
	echo "cannot issue agent-b"
	echo "0 passed, 1 failed"
	exit 1
}

db=$tmp/db/plumb.db
[ -n "${PLUMB_TEST_PG:-}" ] && db=$PLUMB_TEST_PG
evid=$tmp/evidence
mkdir -p "$tmp/db"

# start_collector [EXTRA_INI_LINES]: write $tmp/collector.conf (extra
# lines appended: they may repeat a section) and start plumb-collector;
# it must be listening within START_WAIT / 20 seconds (default 5).
start_collector() {
	cat >"$tmp/collector.conf" <<CONF
[server]
listen = 127.0.0.1
port = 0
cert = $pki/server.pem
key = $pki/server.key
agent_ca = $pki/ca.pem
[storage]
database = $db
evidence_dir = $evid
CONF
	if [ -n "${1:-}" ]; then
		printf '%s\n' "$1" >>"$tmp/collector.conf"
	fi
	# COLLECTOR_ARGS: more options (e.g. --api-port-file), unquoted.
	# shellcheck disable=SC2086
	collector_launch "$tmp/collector.conf" "${START_WAIT:-100}" \
	    "$tmp/port" -- ${COLLECTOR_ARGS:-} || return 1
	port=$(cat "$tmp/port")
	url=https://localhost:$port/api/v1/bundles
}

stop_collector() {
	if [ -n "$collector_pid" ]; then
		kill "$collector_pid" 2>/dev/null
		wait "$collector_pid" 2>/dev/null
	fi
	collector_pid=
}

# agent_conf FILE CERT HOST_ID URL
agent_conf() {
	cat >"$1" <<CONF
[agent]
host_id = $3
content = $FIXTURE/fixture-ds.xml
state_dir = $tmp/state-$2
[schedule]
interval_s = 60
jitter_s = 0
[collector]
url = $4
ca_file = $pki/ca.pem
cert_file = $pki/$2.pem
key_file = $pki/$2.key
connect_timeout_s = 5
timeout_s = 30
[spool]
dir = $tmp/spool-$2
CONF
}

# scan CERT HOST_ID URL [CONTENT]: one "plumb scan" (of CONTENT instead
# of fixture-ds.xml when given); $uuid, $scan_rc.
scan() {
	agent_conf "$tmp/agent-$1.conf" "$1" "$2" "$3"
	if [ -n "${4:-}" ]; then
		sed "s|^content = .*|content = $4|" "$tmp/agent-$1.conf" \
		    >"$tmp/agent-$1.conf.new" &&
		    mv "$tmp/agent-$1.conf.new" "$tmp/agent-$1.conf"
	fi
	out=$("$PLUMB" scan --config "$tmp/agent-$1.conf" 2>"$tmp/scan.err")
	scan_rc=$?
	uuid=$(printf '%s\n' "$out" |
	    sed -n 's/^bundle \([0-9a-f-]*\) spooled$/\1/p')
}

# spare CERT HOST_ID: a bundle that stays in the spool (nothing listens
# on port 9 of localhost); copied to $bundle, its UUID in $uuid.
spare() {
	rm -rf "$tmp/spool-$1"
	scan "$1" "$2" "https://localhost:9/api/v1/bundles"
	f=$(ls "$tmp/spool-$1"/*.p7m 2>/dev/null | head -n 1)
	bundle=$tmp/spare-$uuid.p7m
	[ -n "$f" ] && cp "$f" "$bundle"
	rm -rf "$tmp/spool-$1"
}

# post FILE UUID [CERT [curl options...]]: $code (000: no HTTP answer),
# answer body in $tmp/resp, curl's stderr in $tmp/curl.err.
post() {
	pf=$1 pu=$2 pc=${3:-agent}
	shift 2
	[ $# -gt 0 ] && shift
	code=$(curl -sS -o "$tmp/resp" -w '%{http_code}' --max-time 20 \
	    --cacert "$pki/ca.pem" --cert "$pki/$pc.pem" \
	    --key "$pki/$pc.key" -H 'Content-Type: application/pkcs7-mime' \
	    -H "X-Plumb-Bundle: $pu" --data-binary "@$pf" "$@" "$url" \
	    2>"$tmp/curl.err")
}

# admin_cert NAME SUBJECT: $pki/NAME.pem and .key, a client
# certificate of the admin CA $pki/admin-ca.pem (made on first use;
# not in make-pki.sh), for the api listener's [api] admin_ca.
admin_cert() {
	if [ ! -f "$pki/admin-ca.pem" ]; then
		openssl genpkey -algorithm EC -pkeyopt \
		    ec_paramgen_curve:P-256 -out "$pki/admin-ca.key" \
		    2>/dev/null &&
		openssl req -new -x509 -key "$pki/admin-ca.key" \
		    -out "$pki/admin-ca.pem" -days 30 \
		    -subj "/O=plumb tests/CN=plumb admin CA" \
		    -addext "basicConstraints=critical,CA:TRUE" \
		    -addext "keyUsage=critical,keyCertSign,cRLSign" \
		    2>/dev/null || { not_ok "admin CA made"; return 1; }
	fi
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	    -out "$pki/$1.key" 2>/dev/null &&
	openssl req -new -key "$pki/$1.key" -out "$tmp/$1.csr" -subj "$2" \
	    2>/dev/null &&
	printf '%s\n' "basicConstraints=critical,CA:FALSE" \
	    "keyUsage=critical,digitalSignature" \
	    "extendedKeyUsage=clientAuth" >"$tmp/$1.ext" &&
	openssl x509 -req -in "$tmp/$1.csr" -CA "$pki/admin-ca.pem" \
	    -CAkey "$pki/admin-ca.key" -CAcreateserial -days 30 \
	    -extfile "$tmp/$1.ext" -out "$pki/$1.pem" 2>/dev/null || {
		not_ok "admin certificate $1 ($2) issued"
		return 1
	}
}

# rows SQL: one value from the database.
rows() {
	if [ -n "${PLUMB_TEST_PG:-}" ]; then
		"$dbtool" -X -q -A -t -d "$db" -c "$1"
	else
		sqlite3 "$db" "$1"
	fi
}

# The evidence files, one path a line.
evidence_files() {
	find "$evid" -name '*.p7m' -type f | sort
}

PLUMB_SCAN_ROOT=$FIXTURE/root1
export PLUMB_SCAN_ROOT

# api_client NAME: the api listener of the running collector with a new
# admin token NAME: $A (base URL), $B (the Authorization header);
# api_get PATH [curl options] then gives $code and the body in $tmp/out.
api_client() {
	api_port=$(sed -n 's/.*api listening on .* port \([0-9]*\)$/\1/p' \
	    "$tmp/collector.err" | tail -n 1)
	A=https://localhost:$api_port/api/v1
	B="Authorization: Bearer $("$COLLECTOR" -c "$tmp/collector.conf" \
	    token add "$1" 2>/dev/null)"
	[ -n "$api_port" ]
}
api_get() {
	ag=$1
	shift
	code=$(curl -sS -o "$tmp/out" -w '%{http_code}' --max-time 20 \
	    --cacert "$pki/ca.pem" -H "$B" "$@" "$A/$ag" 2>"$tmp/curl.err")
}

# evidence_open UUID: the stored evidence of bundle UUID verified with
# openssl cms against the agent CA; its archive in $tmp/UUID.tgz.
evidence_open() {
	es=$(rows "SELECT evidence_sha256 FROM bundles WHERE uuid = '$1'")
	openssl cms -verify -inform DER -CAfile "$pki/ca.pem" -binary \
	    -in "$evid/$(printf '%s' "$es" | cut -c1-2)/$es.p7m" \
	    -out "$tmp/$1.tgz" 2>/dev/null
}
