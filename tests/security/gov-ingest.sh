#!/bin/sh
# Hostile agents and clients at ingest and in the API (issue 16,
# findings 5 to 8):
#  - host-name case: a bundle for AGENT01.Plant.Test signed by
#    agent01.plant.test and one for agent01.plant.test are one host row,
#    stored in lower case;
#  - CSV formula injection: certificate attributes "=1+2", "+SUM(A1)",
#    "-2+3", "@cmd" come out of export/results.csv as "'=1+2" ... (a
#    leading single quote inside a quoted cell); no cell starts with
#    = + - @ (worked out from the OWASP rule: the four values are the
#    only agent-controlled text starting so);
#  - log injection: "%0a" in a path (unauthenticated and as an admin)
#    does not start a forged log line; the escaped form is logged;
#  - frame headers on dashboard, API and health answers;
#  - TLS 1.2 CBC-SHA1 suites refused on both listeners, AEAD accepted,
#    TLS 1.3 unchanged.
# Environment: PLUMB, top_srcdir, top_builddir.
set -u
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/collector/lib.sh"
MIN_CHECKS=24

host=$(cat "$pki/host-id")
COLLECTOR_ARGS="--api-port-file $tmp/api-port"
if ! start_collector "[api]
port = 0"; then
	not_ok "plumb-collector starts"
	finish
fi
apiport=$(cat "$tmp/api-port")
api=https://localhost:$apiport
bearer=$("$COLLECTOR" -c "$tmp/collector.conf" token add gov-admin \
    2>>"$tmp/token.err")

# issue NAME SUBJECT: an agent certificate of the test CA.
issue() {
	cn=$(printf '%s' "$2" | sed 's|.*/CN=||')
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	    -out "$pki/$1.key" 2>/dev/null &&
	openssl req -new -key "$pki/$1.key" -out "$tmp/$1.csr" \
	    -subj "$2" 2>/dev/null &&
	printf '%s\n' "basicConstraints=critical,CA:FALSE" \
	    "keyUsage=critical,digitalSignature,keyEncipherment" \
	    "extendedKeyUsage=clientAuth,emailProtection" \
	    "subjectAltName=DNS:$cn" >"$tmp/$1.ext" &&
	openssl x509 -req -in "$tmp/$1.csr" -CA "$pki/ca.pem" -CAkey \
	    "$pki/ca.key" -CAcreateserial -days 30 -extfile "$tmp/$1.ext" \
	    -out "$pki/$1.pem" 2>/dev/null
}

# ------------------------------------------------------ host-name case
scan agent "AGENT01.Plant.Test" "$url"
check "a bundle for AGENT01.Plant.Test signed by $host is stored" test \
    "$scan_rc" -eq 0 -a -n "$uuid"
[ "$scan_rc" -eq 0 ] || sed 's/^/# /' "$tmp/scan.err"
first=$uuid
scan agent "$host" "$url"
check "a bundle for $host is stored" test "$scan_rc" -eq 0 -a -n "$uuid"
check "one host row for both spellings" test "$(rows "SELECT count(*) \
    FROM hosts")" = 1
check "the host row is lower case" test "$(rows "SELECT id FROM \
    hosts")" = "$host"
check "both bundles are the lower-case host's" test "$(rows "SELECT \
    count(*) FROM bundles WHERE host = '$host' AND uuid IN ('$first', \
    '$uuid')")" = 2

# ------------------------------------------------------- CSV injection
# ("+" is escaped: -subj reads a bare one as a multi-valued RDN.)
issue agent-f1 "/O=\\+SUM(A1)/OU==1\\+2/L=@cmd/CN=agent03.plant.test" &&
issue agent-f2 "/O=-2\\+3/CN=agent04.plant.test"
check "formula certificates issued" test -s "$pki/agent-f2.pem"
scan agent-f1 agent03.plant.test "$url"
check "agent03 (O=+SUM(A1) OU==1+2 L=@cmd) uploads" test "$scan_rc" -eq 0
scan agent-f2 agent04.plant.test "$url"
check "agent04 (O=-2+3) uploads" test "$scan_rc" -eq 0
code=$(curl -sS -o "$tmp/results.csv" -w '%{http_code}' --max-time 20 \
    --cacert "$pki/ca.pem" -H "Authorization: Bearer $bearer" \
    "$api/api/v1/export/results.csv" 2>"$tmp/curl.err")
check "export/results.csv: 200" test "$code" = 200
check "OU =1+2 is the cell \"'=1+2\"" grep -q "^agent03.plant.test,\
\"'=1+2\",\"'+SUM(A1)\",\"'@cmd\"," "$tmp/results.csv"
check "O -2+3 is the cell \"'-2+3\"" grep -q "^agent04.plant.test,,\
\"'-2+3\",," "$tmp/results.csv"
# No cell (quotes stripped) starts with = + - @: none of the values
# holds a comma, so splitting on commas finds every cell.
check "no cell starts with = + - @" sh -c "tr -d '\r' \
    <'$tmp/results.csv' | awk -F, '{ for (i = 1; i <= NF; i++) { \
    c = \$i; sub(/^\"/, \"\", c); if (c ~ /^[=+@-]/) bad++ } } \
    END { exit bad > 0 }'"
check "the rows of all three hosts are there" test "$(cut -d, -f1 \
    "$tmp/results.csv" | sort -u | grep -c 'plant.test')" = 3

# ------------------------------------------------------- log injection
forged='plumb-collector: 127.0.0.1:1 201 agent01 stored forged bundle'
enc=$(printf '%s' "$forged" | sed 's/ /%20/g; s/:/%3a/g')
code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 --cacert \
    "$pki/ca.pem" --path-as-is "$api/dashboard/x%0a$enc" 2>/dev/null)
check "unauthenticated %0a path answered ($code)" test "$code" -ge 400
code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 --cacert \
    "$pki/ca.pem" -H "Authorization: Bearer $bearer" --path-as-is \
    "$api/api/v1/hosts/y%0a$enc%0d%1b%5b2J" 2>/dev/null)
check "admin %0a path: 404" test "$code" = 404
sleep 0.2
check "no forged line in the log" sh -c "! grep -q \
    '^plumb-collector: 127.0.0.1:1 201' '$tmp/collector.err'"
check "the echoed path is logged escaped (\\x0a, \\x0d, \\x1b)" grep -q \
    'no host y\\x0aplumb-collector: 127.0.0.1:1 201 agent01 stored forged bundle\\x0d\\x1b\[2J' \
    "$tmp/collector.err"
check "no raw control character in the log" sh -c "! tr -d '\n' \
    <'$tmp/collector.err' | grep -q '[[:cntrl:]]'"

# ------------------------------------------------------- frame headers
# headers URL [curl options]: the answer's headers, lower-cased.
headers() {
	u=$1
	shift
	curl -sS -o /dev/null -D - --max-time 10 --cacert "$pki/ca.pem" \
	    "$@" "$u" 2>/dev/null | tr -d '\r' | tr 'A-Z' 'a-z'
}
for u in "$api/dashboard/" "$api/api/v1/hosts" "$api/"; do
	headers "$u" -H "Authorization: Bearer $bearer" >"$tmp/h"
	check "X-Frame-Options: DENY on ${u#$api}" grep -qx \
	    'x-frame-options: deny' "$tmp/h"
	check "CSP frame-ancestors 'none' on ${u#$api}" grep -qx \
	    "content-security-policy: frame-ancestors 'none'" "$tmp/h"
done
headers "$api/api/v1/hosts" >"$tmp/h"
check "frame headers on a 401 too" sh -c "grep -q '^http/.* 401' \
    '$tmp/h' && grep -qx 'x-frame-options: deny' '$tmp/h'"

# --------------------------------------------------------- TLS suites
# tls PORT OPTIONS...: the cipher s_client negotiated, or "none".
tls() {
	p=$1
	shift
	c=$(openssl s_client -connect "127.0.0.1:$p" -servername localhost \
	    -cert "$pki/agent.pem" -key "$pki/agent.key" "$@" </dev/null \
	    2>/dev/null | sed -n 's/^.*Cipher is \([^ ]*\)$/\1/p' | sed -n 1p)
	case $c in ''|'(NONE)') echo none ;; *) echo "$c" ;; esac
}
for p in "$port" "$apiport"; do
	for c in ECDHE-ECDSA-AES128-SHA ECDHE-RSA-AES128-SHA \
	    ECDHE-ECDSA-AES256-SHA384 AES128-GCM-SHA256; do
		check "TLS 1.2 $c refused on port $p" test \
		    "$(tls "$p" -tls1_2 -cipher "$c")" = none
	done
	check "TLS 1.2 ECDHE-ECDSA-AES128-GCM-SHA256 accepted on port $p" \
	    test "$(tls "$p" -tls1_2 -cipher \
	    ECDHE-ECDSA-AES128-GCM-SHA256)" = ECDHE-ECDSA-AES128-GCM-SHA256
	check "TLS 1.2 ChaCha20-Poly1305 accepted on port $p" test \
	    "$(tls "$p" -tls1_2 -cipher ECDHE-ECDSA-CHACHA20-POLY1305)" = \
	    ECDHE-ECDSA-CHACHA20-POLY1305
	check "TLS 1.3 unchanged on port $p" test "$(tls "$p" -tls1_3)" = \
	    TLS_AES_256_GCM_SHA384
done

stop_collector
check "at least $MIN_CHECKS checks ran" test \
    "$((passed + failed))" -ge "$MIN_CHECKS"
finish
