#!/bin/sh
# security.sh - what the collector must refuse, tried from outside:
#  - TLS 1.0 and 1.1 handshakes (openssl s_client -tls1 / -tls1_1 at
#    SECLEVEL=0, so the client really offers them), TLS 1.2 accepted;
#  - weak TLS 1.2 cipher suites (RC4, 3DES, NULL, anonymous, EXPORT):
#    each one this openssl can still offer is refused; the suite an
#    ordinary client gets is ECDHE with an AEAD;
#  - an agent certificate revoked with plumb-pki (CRL in [server] crl)
#    is refused in the handshake and counted as tls_revoked in /metrics,
#    while a good agent of the same CA still uploads (201);
#  - the API without credentials (401) on both listeners;
#  - an agent reading another host's data through the API (404), while
#    reading its own host works (200).
# Environment: top_srcdir, top_builddir, PLUMB.  In "make check".
set -eu

. "$(dirname "$0")/lib.sh"
need jq

PLUMB_SCAN_ROOT=$top_srcdir/tests/fixtures/xccdf/root1
export PLUMB_SCAN_ROOT
FDS=$top_srcdir/tests/fixtures/xccdf/fixture-ds.xml

# PKI through plumb-pki itself (revoke needs its database).
sh "$PKI" init-ca "$pki" >"$tmp/pki.log" 2>&1 &&
sh "$PKI" collector "$pki" localhost --ip 127.0.0.1 >>"$tmp/pki.log" 2>&1 &&
for h in good.sec.test other.sec.test bad.sec.test; do
	sh "$PKI" agent "$pki" "$h" --role scada >>"$tmp/pki.log" 2>&1
done &&
sh "$PKI" revoke "$pki" "$pki/agents/bad.sec.test.pem" \
    >>"$tmp/pki.log" 2>&1 || {
	cat "$tmp/pki.log"
	not_ok "plumb-pki"
	finish
}
check "plumb-pki: crl.pem lists one revoked certificate" sh -c \
    "openssl crl -in '$pki/crl.pem' -noout -text |
    grep -c 'Serial Number' | grep -qx 1"

start_collector "[server]
crl = $pki/crl.pem" || finish
A=https://localhost:$api_port
# tls VERSION_OPT CIPHER [CERT]: one s_client handshake; $tls_out,
# $tls_rc (0: a session was established).
tls() {
	c=${3:-good.sec.test}
	set +e
	tls_out=$(openssl s_client -connect "127.0.0.1:$port" \
	    -servername localhost -CAfile "$pki/ca.pem" \
	    -cert "$pki/agents/$c.pem" -key "$pki/agents/$c.key" \
	    "$1" -cipher "$2" </dev/null 2>&1)
	tls_rc=$?
	set -e
	if printf '%s\n' "$tls_out" | grep -q 'Cipher is (NONE)'; then
		tls_rc=1
	fi
}
cipher_of() {
	printf '%s\n' "$tls_out" | sed -n 's/^.*Cipher is \(.*\)$/\1/p' |
	    head -n 1
}

# Protocol versions.
tls -tls1_2 'DEFAULT'
check "TLS 1.2 handshake accepted ($(cipher_of))" test "$tls_rc" -eq 0
case $(cipher_of) in
ECDHE-*GCM*|ECDHE-*CHACHA20*) ok "TLS 1.2 default suite is ECDHE+AEAD" ;;
*) not_ok "TLS 1.2 default suite is ECDHE+AEAD (got $(cipher_of))" ;;
esac
for v in tls1 tls1_1; do
	if ! openssl s_client -help 2>&1 | grep -q -- "-$v "; then
		echo "# openssl s_client has no -$v: not tried"
		continue
	fi
	tls "-$v" 'DEFAULT:@SECLEVEL=0'
	# A client that cannot offer the version proves nothing.
	if printf '%s\n' "$tls_out" | grep -q 'no protocols available'
	then
		echo "# -$v: this openssl cannot offer it (not tried)"
		continue
	fi
	check "-$v refused by the server (protocol version alert)" sh -c \
	    "test $tls_rc -ne 0 && printf '%s' \"\$1\" |
	    grep -q 'alert protocol version'" sh "$tls_out"
done

# Weak suites on TLS 1.2: only those this openssl can still offer.
for cs in RC4 3DES eNULL aNULL EXPORT LOW; do
	if ! openssl ciphers -tls1_2 "$cs:@SECLEVEL=0" >/dev/null 2>&1
	then
		echo "# $cs: this openssl cannot offer it (not tried)"
		continue
	fi
	tls -tls1_2 "$cs:@SECLEVEL=0"
	check "TLS 1.2 with only $cs suites refused (handshake failure)" \
	    sh -c "test $tls_rc -ne 0 && printf '%s' \"\$1\" |
	    grep -q 'alert handshake failure'" sh "$tls_out"
done

# Revoked agent certificate.
agent_conf "$tmp/good.conf" good.sec.test "$url" "$FDS"
"$PLUMB" scan --config "$tmp/good.conf" >"$tmp/good.out" 2>"$tmp/good.err" ||
    :
n=$(rows "SELECT count(*) FROM bundles WHERE host = 'good.sec.test'")
check "good agent's scan stored with the CRL configured ($n)" test "$n" = 1
f=$(ls "$tmp"/spool-good.sec.test/*.p7m 2>/dev/null | head -n 1 || :)
check "good agent's spool empty after delivery" test -z "$f"
agent_conf "$tmp/bad.conf" bad.sec.test "$url" "$FDS"
"$PLUMB" scan --config "$tmp/bad.conf" >"$tmp/bad.out" 2>"$tmp/bad.err" || :
n=$(rows "SELECT count(*) FROM bundles WHERE host = 'bad.sec.test'")
check "revoked agent's scan not stored ($n)" test "$n" = 0
f=$(ls "$tmp"/spool-bad.sec.test/*.p7m 2>/dev/null | head -n 1 || :)
check "revoked agent's bundle kept in its spool" test -n "$f"
tls -tls1_2 DEFAULT bad.sec.test
check "revoked certificate: handshake refused" test "$tls_rc" -ne 0
tok=$("$COLLECTOR" -c "$tmp/collector.conf" token add sec 2>"$tmp/tok.err")
curl -sS --cacert "$pki/ca.pem" -H "Authorization: Bearer $tok" \
    "$A/metrics" >"$tmp/metrics" 2>"$tmp/curl.err" || :
r=$(sed -n 's/^plumb_uploads_rejected_total{reason="tls_revoked"} //p' \
    "$tmp/metrics")
check "/metrics: tls_revoked counted (${r:-none})" \
    test "${r:-0}" -ge 2

# The API without credentials.
code() {
	curl -s -o "$tmp/resp" -w '%{http_code}' --cacert "$pki/ca.pem" \
	    "$@" 2>/dev/null || :
}
for path in /api/v1/hosts /api/v1/hosts/good.sec.test /metrics \
    /api/v1/export/results.csv; do
	c=$(code "$A$path")
	check "api listener, no credentials: $path -> 401 ($c)" test "$c" = 401
done
c=$(code "https://localhost:$port/api/v1/hosts")
check "ingest listener, no client certificate: refused ($c)" test "$c" != 200
c=$(code -H "Authorization: Bearer 0000" "$A/api/v1/hosts")
check "api listener, unknown token: 401 ($c)" test "$c" = 401

# One agent reading another host.
agent_conf "$tmp/other.conf" other.sec.test "$url" "$FDS"
"$PLUMB" scan --config "$tmp/other.conf" >/dev/null 2>&1 || :
as() {
	code --cert "$pki/agents/$1.pem" --key "$pki/agents/$1.key" \
	    "https://localhost:$port$2"
}
c=$(as other.sec.test /api/v1/hosts/other.sec.test)
check "agent reads its own host: 200 ($c)" test "$c" = 200
for path in /api/v1/hosts/good.sec.test /api/v1/hosts/good.sec.test/scans \
    /api/v1/hosts/good.sec.test/drift; do
	c=$(as other.sec.test "$path")
	check "agent other reads $path: 404/403 ($c)" \
	    sh -c "test '$c' = 404 || test '$c' = 403"
done
c=$(as other.sec.test /api/v1/hosts)
ids=$(jq -r '.hosts[].id' "$tmp/resp" 2>/dev/null | tr '\n' ' ')
check "agent's host list holds only itself ($ids)" \
    test "$ids" = "other.sec.test "
c=$(as other.sec.test /api/v1/export/results.csv)
check "agent cannot export the fleet CSV (403: $c)" test "$c" = 403
stop_collector
finish
