#!/bin/sh
# Renewal, revocation and privilege separation of the enrollment CA
# (issue 16, findings 4 and 8).  The collector runs under umask 000 with
# [enroll] = the test CA (tests/pki/make-pki.sh, agent.pem valid 10
# years from now, so it is in the first 30% of its life):
#  1. POST /api/v1/renew with agent.pem under the default renew_window
#     (30%) is 403 and names the window; nothing is recorded.
#  2. With renew_window = 100 it is 200: the new certificate names the
#     host and chains to the CA; enroll_renewals holds (host, old
#     serial, new serial); [enroll] crl_file names the old serial; the
#     old certificate's handshake is refused, the new one's accepted.
#  3. POST hosts/agent01.plant.test/revoke (admin) revokes every
#     certificate the host was issued (two renewals: the second
#     certificate too), the CRL names them, the newest is refused too.
#  4. The collector process holds no CA key: not among its open files,
#     not in its memory (the key's private scalar, either byte order);
#     the signer child does hold it (so the search can find it).
#  5. File modes under umask 000: database 600, evidence 640, CRL 640,
#     a spooled bundle 600, the key "plumb enroll" writes 600.
#  6. [server] crl, a CRL of the same CA made with "openssl ca" (as
#     plumb-pki does), revokes agent-r.pem: the collector's own CRL
#     (newer, so the one OpenSSL uses) carries that entry too, and
#     agent-r is refused while agent-b (same key, not revoked) is not.
# Environment: PLUMB, top_srcdir, top_builddir.
set -u
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/collector/lib.sh"
MIN_CHECKS=30
MEMGREP=$top_builddir/tests/tools/mem-grep
umask 000

host=$(cat "$pki/host-id")
# agent-r: agent-b's key and subject, another serial, revoked in a CRL
# of the test CA written by openssl ca (index.txt: R, expiry,
# revocation time, serial, file, subject; tab-separated).
openssl x509 -req -in "$tmp/b.csr" -CA "$pki/ca.pem" -CAkey \
    "$pki/ca.key" -CAcreateserial -days 30 -extfile "$tmp/b.ext" \
    -out "$pki/agent-r.pem" 2>/dev/null
rserial=$(openssl x509 -in "$pki/agent-r.pem" -noout -serial |
    sed 's/serial=//')
printf 'R\t491231235959Z\t250101000000Z\t%s\tunknown\t/CN=x\n' \
    "$rserial" >"$tmp/index.txt"
printf '%s\n' '[ca]' 'default_ca = d' '[d]' "database = $tmp/index.txt" \
    "crlnumber = $tmp/crlnumber" 'default_md = sha256' \
    'default_crl_days = 30' >"$tmp/ca.cnf"
echo 1000 >"$tmp/crlnumber"
openssl ca -batch -config "$tmp/ca.cnf" -gencrl -keyfile "$pki/ca.key" \
    -cert "$pki/ca.pem" -out "$tmp/server-crl.pem" 2>"$tmp/ca.err"
check "a [server] crl naming agent-r ($rserial)" sh -c "openssl crl -in \
    '$tmp/server-crl.pem' -noout -text | grep -q 'Serial Number: \
$rserial'"
COLLECTOR_ARGS="--api-port-file $tmp/api-port"
enroll_conf="[server]
crl = $tmp/server-crl.pem
[api]
port = 0
[enroll]
ca_cert = $pki/ca.pem
ca_key = $pki/ca.key
cert_days = 10
crl_file = $tmp/crl.pem"

# renew CERT KEY NEWKEY OUT: POST renew with a new CSR; $code, the
# certificate into OUT when 200.
renew() {
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$3" -subj "/CN=$host" -out "$tmp/csr" 2>/dev/null
	jq -n --rawfile csr "$tmp/csr" '{csr: $csr}' >"$tmp/renew.json"
	code=$(curl -sS -o "$tmp/resp" -w '%{http_code}' --max-time 20 \
	    --cacert "$pki/ca.pem" --cert "$1" --key "$2" -H \
	    'Content-Type: application/json' --data-binary "@$tmp/renew.json" \
	    "$api/api/v1/renew" 2>"$tmp/curl.err")
	[ "$code" = 200 ] && jq -r .certificate "$tmp/resp" >"$4"
	return 0
}

# handshake CERT KEY: the ingest listener's health answer with this
# client certificate ("000" when the handshake is refused).
handshake() {
	curl -sS -o /dev/null -w '%{http_code}' --max-time 10 --cacert \
	    "$pki/ca.pem" --cert "$1" --key "$2" \
	    "https://localhost:$port/api/v1/health" 2>/dev/null
}

serial_of() {
	openssl x509 -in "$1" -noout -serial | sed 's/serial=//'
}

in_crl() {
	openssl crl -in "$tmp/crl.pem" -noout -text 2>/dev/null |
	    grep -q "Serial Number: $1\$"
}

# ------------------------------------------------- 1. outside the window
if ! start_collector "$enroll_conf"; then
	not_ok "plumb-collector starts with [enroll]"
	finish
fi
api=https://localhost:$(cat "$tmp/api-port")
old=$(serial_of "$pki/agent.pem")
check "agent.pem accepted before any renewal" test \
    "$(handshake "$pki/agent.pem" "$pki/agent.key")" = 200
renew "$pki/agent.pem" "$pki/agent.key" "$tmp/k1.key" "$tmp/c1.pem"
check "renewal in the first 70% of the life: 403" test "$code" = 403
check "the refusal names the window" grep -q \
    'renewed only in the last 30% of its life' "$tmp/resp"
check "nothing recorded" test "$(rows "SELECT count(*) FROM \
    enroll_renewals")" = 0
check "the refusal is logged" grep -q "renewal of $host (serial $old) \
refused" "$tmp/collector.err"

# ------------------------------------------------ 4. privilege separation
# The collector's own descriptors: no CA key file.
check "the collector has no CA key open" sh -c "! ls -l \
    /proc/$collector_pid/fd 2>/dev/null | grep -q '$pki/ca.key'"
check "the collector's descriptors could be listed" sh -c "ls -l \
    /proc/$collector_pid/fd | grep -q 'socket:'"
signer=$(cat "/proc/$collector_pid/task/$collector_pid/children" \
    2>/dev/null | tr ' ' '\n' | sed -n 1p)
check "a signer child runs" test -n "$signer"
# The private scalar of the CA key (EC), 32 bytes in hex.
priv=$(openssl pkey -in "$pki/ca.key" -noout -text 2>/dev/null |
    sed -n '/^priv:/,/^pub:/p' | grep -v '^p' | tr -d ' :\n' |
    sed 's/^00\(.\{64\}\)$/\1/')
check "the CA key's private scalar was read" test "${#priv}" -eq 64
check "the signer holds the CA key (the search finds it)" test \
    "$("$MEMGREP" "$signer" "$priv" 2>/dev/null)" -ge 1 2>/dev/null
check "the collector's memory holds no CA key" test \
    "$("$MEMGREP" "$collector_pid" "$priv" 2>/dev/null)" = 0
stop_collector

# ------------------------------------------- 2. inside: recorded, revoked
if ! start_collector "$enroll_conf
renew_window = 100"; then
	not_ok "plumb-collector starts with renew_window = 100"
	finish
fi
api=https://localhost:$(cat "$tmp/api-port")
renew "$pki/agent.pem" "$pki/agent.key" "$tmp/k1.key" "$tmp/c1.pem"
check "renewal within the window: 200" test "$code" = 200
[ "$code" = 200 ] || sed 's/^/# /' "$tmp/resp"
new=$(serial_of "$tmp/c1.pem" 2>/dev/null)
check "the new certificate names the host and chains to the CA" sh -c \
    "openssl x509 -in '$tmp/c1.pem' -noout -subject -nameopt compat |
    grep -q '/CN=$host\$' && openssl verify -CAfile '$pki/ca.pem' \
    '$tmp/c1.pem' >/dev/null 2>&1"
check "the renewal is recorded: host, old and new serial, time" test \
    "$(rows "SELECT count(*) FROM enroll_renewals WHERE host = '$host' \
    AND upper(old_serial) = '$old' AND upper(new_serial) = '$new' AND \
    time > 0")" = 1
check "the old serial is in the CRL" in_crl "$old"
check "the new serial is not" sh -c "! openssl crl -in '$tmp/crl.pem' \
    -noout -text | grep -q 'Serial Number: $new\$'"
check "the CRL verifies with the CA" sh -c "openssl crl -in \
    '$tmp/crl.pem' -CAfile '$pki/ca.pem' -noout 2>&1 | grep -q 'verify OK'"
check "the old certificate's handshake is refused" test \
    "$(handshake "$pki/agent.pem" "$pki/agent.key")" = 000
check "the new certificate's handshake is accepted" test \
    "$(handshake "$tmp/c1.pem" "$tmp/k1.key")" = 200
renew "$pki/agent.pem" "$pki/agent.key" "$tmp/kx.key" "$tmp/cx.pem"
check "renewing with the superseded certificate is refused" test \
    "$code" != 200

# --------------------------------------------------- 3. host revocation
renew "$tmp/c1.pem" "$tmp/k1.key" "$tmp/k2.key" "$tmp/c2.pem"
check "a second renewal: 200" test "$code" = 200
second=$(serial_of "$tmp/c2.pem" 2>/dev/null)
bearer=$("$COLLECTOR" -c "$tmp/collector.conf" token add gov-admin \
    2>>"$tmp/token.err")
code=$(curl -sS -o "$tmp/resp" -w '%{http_code}' --max-time 20 --cacert \
    "$pki/ca.pem" -H "Authorization: Bearer $bearer" -X POST \
    "$api/api/v1/hosts/AGENT01.Plant.Test/revoke" 2>"$tmp/curl.err")
check "POST hosts/{host}/revoke by an admin: 200" test "$code" = 200
# The first two were superseded (revoked) already: one more now.
check "it revoked the one certificate still valid" test \
    "$(jq -r '.host + " " + (.revoked | tostring)' "$tmp/resp")" = \
    "$host 1"
check "every certificate of the host is revoked" test "$(rows "SELECT \
    count(*) FROM enroll_certs WHERE host = '$host' AND revoked IS \
    NULL")" = 0
all_in_crl() {
	in_crl "$old" && in_crl "$new" && in_crl "$second"
}
check "the CRL names all three serials" all_in_crl
check "the newest certificate's handshake is refused too" test \
    "$(handshake "$tmp/c2.pem" "$tmp/k2.key")" = 000
code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 20 --cacert \
    "$pki/ca.pem" --cert "$pki/agent-b.pem" --key "$pki/agent-b.key" -X \
    POST "$api/api/v1/hosts/agent02.plant.test/revoke" 2>/dev/null)
check "an agent may not revoke a host: 403" test "$code" = 403

# ------------------------------------------- 6. [server] crl entries kept
check "the collector's CRL keeps [server] crl's entry (agent-r)" \
    in_crl "$rserial"
check "agent-r is refused" test \
    "$(handshake "$pki/agent-r.pem" "$pki/agent-b.key")" = 000
check "agent-b (not revoked) is accepted" test \
    "$(handshake "$pki/agent-b.pem" "$pki/agent-b.key")" = 200

# ----------------------------------------------------- 5. file modes
scan agent-b agent02.plant.test "$url"
check "a bundle is stored" test "$scan_rc" -eq 0
if [ -z "${PLUMB_TEST_PG:-}" ]; then
	check "database 600 under umask 000" test "$(stat -c %a "$db")" = 600
	check "database -wal 600" test "$(stat -c %a "$db-wal")" = 600
fi
f=$(evidence_files | sed -n 1p)
check "evidence 640 under umask 000" test -n "$f" -a \
    "$(stat -c %a "$f" 2>/dev/null)" = 640
check "CRL 640" test "$(stat -c %a "$tmp/crl.pem")" = 640
# A bundle left in the agent's spool (cp keeps its mode under umask 000).
spare agent-b agent02.plant.test
check "spooled bundle 600 under umask 000" test -s "$bundle" -a \
    "$(stat -c %a "$bundle" 2>/dev/null)" = 600
# plumb enroll under umask 000: the key 600.
tok=$("$COLLECTOR" -c "$tmp/collector.conf" enroll-token add \
    agent05.plant.test 2>>"$tmp/token.err")
agent_conf "$tmp/agent-e.conf" agent-e agent05.plant.test "$url"
"$PLUMB" enroll -c "$tmp/agent-e.conf" --collector "$api" --token "$tok" \
    >"$tmp/out" 2>"$tmp/err"
check "plumb enroll under umask 000 succeeds" test -s "$pki/agent-e.pem"
check "the agent key is 600 under umask 000" test \
    "$(stat -c %a "$pki/agent-e.key" 2>/dev/null)" = 600
stop_collector

check "at least $MIN_CHECKS checks ran" test \
    "$((passed + failed))" -ge "$MIN_CHECKS"
finish
