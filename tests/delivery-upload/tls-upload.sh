#!/bin/sh
# The uploader against the TEST-ONLY collector (tests/tools): mutual TLS
# with the right certificate succeeds and a re-send is acknowledged, not
# stored twice; no certificate, another CA's, an expired one, an
# untrusted server and a server certificate for another name all fail
# with a message saying which; HTTP answers map to retry/rejected; then
# "plumb scan" end to end (signed bundle delivered, spool emptied, or
# kept while the collector is down) and the run_as privilege drop.
# Environment: PLUMB, top_srcdir, top_builddir.  Ends with
# "N passed, N failed"; exits 1 on any failure.

. "$(dirname "$0")/lib.sh"

U1=12345678-1234-4234-8234-123456789abc
head -c 20000 /dev/urandom >"$tmp/body"

# up NAME WANT_RC WANT_TEXT URL CA CERT KEY [UUID]
up() {
	name=$1 want=$2 text=$3
	shift 3
	out=$("$UPLOAD_ONE" "$1" "$2" "$3" "$4" "$tmp/body" "${5:-$U1}")
	rc=$?
	if [ "$rc" -eq "$want" ] && printf '%s\n' "$out" | grep -q -- "$text"
	then
		ok "$name"
	else
		not_ok "$name (rc $rc, want $want '$text'): $out"
	fi
}

start_server || finish
url=https://localhost:$port/api/v1/bundles

up "right certificate: stored" 0 '^ok$' "$url" "$pki/ca.pem" \
    "$pki/agent.pem" "$pki/agent.key"
check "stored body is the bundle, byte for byte" \
    cmp -s "$tmp/body" "$store/$U1.p7m"
up "re-send of the same UUID: acknowledged" 0 '^ok$' "$url" \
    "$pki/ca.pem" "$pki/agent.pem" "$pki/agent.key"
check "re-send answered 409 and not stored twice" \
    test "$(grep -c " $U1\$" "$arrivals")" = 2 -a \
    "$(grep -c "^201 $U1\$" "$arrivals")" = 1 -a \
    "$(grep -c "^409 $U1\$" "$arrivals")" = 1
up "IP URL matching the server certificate" 0 '^ok$' \
    "https://127.0.0.1:$port/x" "$pki/ca.pem" "$pki/agent.pem" \
    "$pki/agent.key"

U2=22345678-1234-4234-8234-123456789abc
rejected='client certificate rejected'
up "no client certificate" 3 "$rejected" "$url" "$pki/ca.pem" - - "$U2"
up "client certificate from another CA" 3 "$rejected" "$url" \
    "$pki/ca.pem" "$pki/agent-other.pem" "$pki/agent-other.key" "$U2"
up "expired client certificate" 3 "$rejected" "$url" "$pki/ca.pem" \
    "$pki/agent-expired.pem" "$pki/agent-expired.key" "$U2"
check "refused uploads stored nothing" test ! -e "$store/$U2.p7m"
up "server not signed by ca_file" 3 \
    'server certificate not trusted by ca_file' "$url" \
    "$pki/other-ca.pem" "$pki/agent.pem" "$pki/agent.key" "$U2"
up "plain http refused" 4 'only https://' "http://localhost:$port/x" \
    "$pki/ca.pem" "$pki/agent.pem" "$pki/agent.key" "$U2"
up "bad uuid refused" 4 'bad bundle uuid' "$url" "$pki/ca.pem" \
    "$pki/agent.pem" "$pki/agent.key" "not-a-uuid!"
stop_server

up "collector down: retry" 3 'not reachable' "$url" "$pki/ca.pem" \
    "$pki/agent.pem" "$pki/agent.key" "$U2"

# A server certificate by the right CA for another name.
openssl req -new -key "$pki/server.key" -subj "/CN=collector.elsewhere.test" \
    -out "$tmp/wrong.csr" 2>/dev/null &&
printf 'subjectAltName=DNS:collector.elsewhere.test\nextendedKeyUsage=serverAuth\n' \
    >"$tmp/wrong.ext" &&
openssl x509 -req -in "$tmp/wrong.csr" -CA "$pki/ca.pem" \
    -CAkey "$pki/ca.key" -CAcreateserial -days 30 -extfile "$tmp/wrong.ext" \
    -out "$pki/wrongname.pem" 2>/dev/null &&
cp "$pki/server.key" "$pki/wrongname.key"
start_server --cert wrongname || finish
up "server certificate for another name" 3 \
    'server name does not match' "https://127.0.0.1:$port/x" \
    "$pki/ca.pem" "$pki/agent.pem" "$pki/agent.key" "$U2"
up "server certificate for another name (localhost)" 3 \
    'server name does not match' "https://localhost:$port/x" \
    "$pki/ca.pem" "$pki/agent.pem" "$pki/agent.key" "$U2"
stop_server

start_server --answer 503 || finish
up "HTTP 503: retry" 3 'HTTP 503' "https://localhost:$port/x" \
    "$pki/ca.pem" "$pki/agent.pem" "$pki/agent.key" "$U2"
stop_server
start_server --answer 400 || finish
up "HTTP 400: rejected" 4 'HTTP 400' "https://localhost:$port/x" \
    "$pki/ca.pem" "$pki/agent.pem" "$pki/agent.key" "$U2"
stop_server
start_server --answer 403 || finish
up "HTTP 403: rejected, identity refused" 4 "refused this agent" \
    "https://localhost:$port/x" "$pki/ca.pem" "$pki/agent.pem" \
    "$pki/agent.key" "$U2"
stop_server

# ---- plumb scan end to end
start_server || finish
write_conf "$tmp/agent.conf" "https://localhost:$port/api/v1/bundles"
out=$("$PLUMB" scan --config "$tmp/agent.conf" 2>"$tmp/scan.err")
rc=$?
uuid=$(printf '%s\n' "$out" | sed -n 's/^bundle \([0-9a-f-]*\) spooled$/\1/p')
check "plumb scan: exit 0" test "$rc" -eq 0
check "plumb scan: bundle delivered" test -n "$uuid" -a \
    -f "$store/$uuid.p7m"
check "plumb scan: spool empty afterwards" test -z "$(spool_uuids)"
check "plumb scan: no scan directory left" \
    test -z "$(ls "$tmp/state" 2>/dev/null)"
if openssl cms -verify -inform DER -in "$store/$uuid.p7m" \
    -CAfile "$pki/ca.pem" -out "$tmp/bundle.tgz" 2>/dev/null &&
    tar -tzf "$tmp/bundle.tgz" >"$tmp/members" 2>/dev/null &&
    grep -qx arf.xml "$tmp/members" && grep -qx summary.json "$tmp/members"
then
	ok "delivered bundle verifies with openssl cms and holds ARF + JSON"
else
	not_ok "delivered bundle verifies with openssl cms and holds ARF + JSON"
fi
stop_server

out=$("$PLUMB" scan --config "$tmp/agent.conf" 2>"$tmp/scan.err")
rc=$?
check "collector down: scan still exits 0" test "$rc" -eq 0
check "collector down: bundle kept in the spool" \
    test "$(spool_uuids | wc -l)" -eq 1
check "collector down: failure logged" grep -q 'not reachable' "$tmp/scan.err"

write_conf "$tmp/bad.conf" "https://localhost:$port/x" agent \
    "[limits]
nice = 5"
sed -i "s|^content = .*|content = $tmp/missing-ds.xml|" "$tmp/bad.conf"
"$PLUMB" scan --config "$tmp/bad.conf" >/dev/null 2>&1
check "missing content: exit 1" test $? -eq 1
"$PLUMB" scan --config "$tmp/nonexistent.conf" >/dev/null 2>&1
check "missing configuration: exit 1" test $? -eq 1

# run_as: the upload runs as another user after the root-only key and
# the CA were read (only meaningful as root).
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	start_server || finish
	write_conf "$tmp/runas.conf" "https://localhost:$port/api/v1/bundles" \
	    agent "[limits]
run_as = nobody"
	# $tmp is 0700 root: after the drop nothing in it can be opened
	# by name, so a delivery proves the preloading and the fds.
	chmod 700 "$tmp"
	chmod 600 "$pki/agent.key"
	"$PLUMB" spool flush --config "$tmp/runas.conf" >"$tmp/flush.out" \
	    2>&1
	check "run_as nobody: spooled bundle delivered with the root-only key" \
	    test $? -eq 0 -a "$(grep -c '^201 ' "$arrivals")" -ge 1
	check "run_as nobody: spool empty" test -z "$(spool_uuids)"
	stop_server
else
	echo "skip - run_as (needs root and user nobody)"
fi
finish
