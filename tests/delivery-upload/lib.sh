# lib.sh - shared by the tests/delivery-upload scripts (sourced, not a
# test).  Environment: PLUMB (the built binary), top_srcdir,
# top_builddir (for tests/tools/test-collector and upload-one).
#
# Gives: $tmp (removed at exit), $pki (tests/pki/make-pki.sh output),
# start_server/stop_server (the TEST-ONLY collector; $port, $store,
# $arrivals), write_conf, ok/not_ok/finish for the
# "N passed, N failed" summary.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"
: "${PLUMB:=$top_builddir/plumb}"
LC_ALL=C
export LC_ALL

COLLECTOR=$top_builddir/tests/tools/test-collector
UPLOAD_ONE=$top_builddir/tests/tools/upload-one
FIXTURE=$top_srcdir/tests/fixtures/xccdf

. "$top_srcdir/tests/tap.sh"
server_pid=

tmp=$(mktemp -d "${TMPDIR:-/tmp}/plumb-delivery.XXXXXX") || exit 99
cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

for f in "$PLUMB" "$COLLECTOR" "$UPLOAD_ONE"; do
	if [ ! -x "$f" ]; then
		echo "not built: $f"
		echo "0 passed, 1 failed"
		exit 1
	fi
done

pki=$tmp/pki
if ! sh "$top_srcdir/tests/pki/make-pki.sh" "$pki"; then
	echo "make-pki.sh failed"
	echo "0 passed, 1 failed"
	exit 1
fi

# start_server [--port N] [--cert NAME] [test-collector options...]:
# start the collector with server certificate NAME (default "server")
# into $store, arrival log $arrivals; sets $port.
start_server() {
	cert=server
	want_port=0
	while [ $# -gt 0 ]; do
		case $1 in
		--port) want_port=$2; shift 2 ;;
		--cert) cert=$2; shift 2 ;;
		*) break ;;
		esac
	done
	store=${store:-$tmp/store}
	arrivals=${arrivals:-$tmp/arrivals}
	mkdir -p "$store"
	rm -f "$tmp/port"
	"$COLLECTOR" --ca "$pki/ca.pem" --cert "$pki/$cert.pem" \
	    --key "$pki/$cert.key" --store "$store" --log "$arrivals" \
	    --port "$want_port" --port-file "$tmp/port" "$@" \
	    2>>"$tmp/collector.err" &
	server_pid=$!
	i=0
	while [ ! -s "$tmp/port" ]; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 "$server_pid" 2>/dev/null; then
			echo "test collector did not start:"
			cat "$tmp/collector.err"
			server_pid=
			return 1
		fi
		sleep 0.05
	done
	port=$(cat "$tmp/port")
}

stop_server() {
	if [ -n "$server_pid" ]; then
		kill "$server_pid" 2>/dev/null
		wait "$server_pid" 2>/dev/null
	fi
	server_pid=
}

# write_conf FILE URL [CERT [EXTRA_LINES]]: an agent configuration
# scanning the XCCDF fixture into $tmp/spool and $tmp/state.
write_conf() {
	cert=${3:-agent}
	cat >"$1" <<CONF
[agent]
host_id = agent01.plant.test
content = $FIXTURE/fixture-ds.xml
state_dir = $tmp/state
[schedule]
interval_s = 60
jitter_s = 0
[collector]
url = $2
ca_file = $pki/ca.pem
cert_file = $pki/$cert.pem
key_file = $pki/$cert.key
connect_timeout_s = 5
timeout_s = 30
[spool]
dir = $tmp/spool
CONF
	if [ -n "${4:-}" ]; then
		printf '%s\n' "$4" >>"$1"
	fi
}

# The UUIDs in the spool, oldest first ("<seq>-<uuid>.p7m" names).
spool_uuids() {
	ls "$tmp/spool" 2>/dev/null | grep '\.p7m$' | sort |
	    sed 's/^[0-9]*-//; s/\.p7m$//'
}

# The fixture tree the scans read (the benchmark's platform applies).
PLUMB_SCAN_ROOT=$FIXTURE/root1
export PLUMB_SCAN_ROOT
