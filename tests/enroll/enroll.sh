#!/bin/sh
# Enrollment end to end.
#  1. packaging/plumb-pki makes a CA, a collector server certificate, an
#     agent and an admin certificate; openssl verify accepts them, the
#     subject fields and extensions are the ones asked for, keys are
#     0600, nothing is overwritten, a revoked certificate is in the CRL.
#  2. plumb-collector with [enroll] (the plumb-pki CA) runs; an admin
#     token is made with "plumb-collector enroll-token add"; "plumb
#     enroll" gets a certificate that chains to the CA, names the host,
#     matches the key made on the host (mode 0600); the same token again
#     and an expired token (ttl 1, 2 s later) are refused with "token
#     unknown, used or expired"; the enrolled certificate then uploads a
#     scan ("plumb scan"), and "plumb enroll --renew" renews it only when
#     it expires within --days-before, over mutual TLS, and the renewed
#     certificate uploads too ([enroll] renew_window = 100: any time);
#     the renewal is recorded, and renewing again with the replaced
#     certificate is refused (revoked in the collector's CRL).
# Environment: PLUMB, top_srcdir, top_builddir.  Ends with
# "N passed, N failed".
set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"
: "${PLUMB:=$top_builddir/plumb}"
LC_ALL=C
export LC_ALL
COLLECTOR=$top_builddir/plumb-collector
PKI="sh $top_srcdir/packaging/plumb-pki"
FIXTURE=$top_srcdir/tests/fixtures/xccdf
. "$top_srcdir/tests/tap.sh"
collector_pid=

for t in openssl sqlite3; do
	if ! command -v "$t" >/dev/null 2>&1; then
		echo "SKIP: $t not installed"
		exit 77
	fi
done
for f in "$PLUMB" "$COLLECTOR"; do
	if [ ! -x "$f" ]; then
		echo "not built: $f"
		echo "0 passed, 1 failed"
		exit 1
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/plumb-enroll.XXXXXX") || exit 99
cleanup() {
	[ -n "$collector_pid" ] && kill "$collector_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

finish() {
	[ -s "$tmp/collector.err" ] && sed 's/^/# collector: /' \
	    "$tmp/collector.err"
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit $?
}

# subject FILE: the subject, RFC 2253 order reversed to "/O=../CN=..".
subject() {
	openssl x509 -in "$1" -noout -subject -nameopt compat |
	    sed 's/^subject=//'
}

mode() {
	stat -c %a "$1"
}

# ------------------------------------------------------------ plumb-pki
ca=$tmp/ca
check "plumb-pki --help" sh -c "$PKI --help | grep -q 'init-ca DIR'"
check "init-ca" sh -c "$PKI init-ca '$ca' --cn 'plant CA' >/dev/null"
check "CA is a CA with its CN" sh -c "openssl x509 -in '$ca/ca.pem' \
    -noout -subject -ext basicConstraints | tr -d ' ' |
    grep -q 'CA:TRUE' && [ \"\$(openssl x509 -in '$ca/ca.pem' -noout \
    -subject -nameopt compat)\" = 'subject=/CN=plant CA' ]"
check "CA key mode 600" test "$(mode "$ca/ca.key")" = 600
check "init-ca twice refused" sh -c "! $PKI init-ca '$ca' 2>/dev/null"
check "collector certificate" sh -c "$PKI collector '$ca' localhost \
    --ip 127.0.0.1 >/dev/null"
check "agent certificate" sh -c "$PKI agent '$ca' hist01.plant.test \
    --role historian --site plant-north --zone zone-3 >/dev/null"
check "admin certificate" sh -c "$PKI admin '$ca' alice >/dev/null"
for c in collectors/localhost agents/hist01.plant.test admins/alice; do
	check "openssl verify $c" sh -c "openssl verify -CAfile \
	    '$ca/ca.pem' '$ca/$c.pem' >/dev/null 2>&1"
	check "key of $c is 0600 and matches" sh -c "[ \"\$(stat -c %a \
	    '$ca/$c.key')\" = 600 ] && [ \"\$(openssl pkey -in '$ca/$c.key' \
	    -pubout)\" = \"\$(openssl x509 -in '$ca/$c.pem' -noout \
	    -pubkey)\" ]"
done
check "agent subject O=site, OU=role, L=zone, CN=host" test \
    "$(subject "$ca/agents/hist01.plant.test.pem")" = \
    "/O=plant-north/OU=historian/L=zone-3/CN=hist01.plant.test"
openssl x509 -in "$ca/agents/hist01.plant.test.pem" -noout -ext \
    subjectAltName,extendedKeyUsage,basicConstraints >"$tmp/agent.ext" \
    2>&1
check "agent SAN DNS:host" grep -q 'DNS:hist01.plant.test$' \
    "$tmp/agent.ext"
check "agent EKU clientAuth + emailProtection" grep -q \
    'TLS Web Client Authentication, E-mail Protection' "$tmp/agent.ext"
check "agent not a CA" grep -q 'CA:FALSE' "$tmp/agent.ext"
check "agent usable as a TLS client" sh -c "openssl verify -purpose \
    sslclient -CAfile '$ca/ca.pem' '$ca/agents/hist01.plant.test.pem' \
    >/dev/null 2>&1"
check "collector SAN DNS + IP, a TLS server" sh -c "openssl x509 -in \
    '$ca/collectors/localhost.pem' -noout -ext subjectAltName |
    grep -q 'DNS:localhost, IP Address:127.0.0.1' && openssl verify \
    -purpose sslserver -CAfile '$ca/ca.pem' \
    '$ca/collectors/localhost.pem' >/dev/null 2>&1"
check "admin subject CN=alice" test "$(subject "$ca/admins/alice.pem")" = \
    "/CN=alice"
check "admin --role auditor: subject OU=auditor" sh -c "$PKI admin '$ca' \
    dave --role auditor >/dev/null" && check "admin dave: OU=auditor" test \
    "$(subject "$ca/admins/dave.pem")" = "/OU=auditor/CN=dave"
check "admin --role naming no API role refused" sh -c "! $PKI admin \
    '$ca' eve --role root 2>/dev/null && [ ! -e '$ca/admins/eve.pem' ]"
check "existing agent not overwritten" sh -c "! $PKI agent '$ca' \
    hist01.plant.test 2>/dev/null"
check "subject injection refused" sh -c "! $PKI agent '$ca' \
    'x/CN=y' 2>/dev/null && ! $PKI agent '$ca' h2 --role 'a/OU=b' \
    2>/dev/null && [ ! -e '$ca/agents/x' ]"
serial=$(openssl x509 -in "$ca/admins/alice.pem" -noout -serial |
    sed 's/serial=//')
check "revoke writes a CRL naming the serial" sh -c "$PKI revoke '$ca' \
    '$ca/admins/alice.pem' >/dev/null && openssl crl -in '$ca/crl.pem' \
    -noout -text | grep -q 'Serial Number: $serial'"
check "revoked certificate fails verify -crl_check" sh -c "! openssl \
    verify -crl_check -CRLfile '$ca/crl.pem' -CAfile '$ca/ca.pem' \
    '$ca/admins/alice.pem' >/dev/null 2>&1"

# ------------------------------------------------------- the collector
db=$tmp/plumb.db
cat >"$tmp/collector.conf" <<CONF
[server]
listen = 127.0.0.1
port = 0
cert = $ca/collectors/localhost.pem
key = $ca/collectors/localhost.key
agent_ca = $ca/ca.pem
[storage]
database = $db
evidence_dir = $tmp/evidence
[enroll]
ca_cert = $ca/ca.pem
ca_key = $ca/ca.key
cert_days = 20
token_ttl = 600
# The whole lifetime: this test renews right after enrolling
# (tests/security/gov-renew.sh checks the default window of 30%).
renew_window = 100
crl_file = $tmp/enroll-crl.pem
CONF
"$COLLECTOR" -c "$tmp/collector.conf" --port-file "$tmp/port" \
    --api-port-file "$tmp/api-port" 2>>"$tmp/collector.err" &
collector_pid=$!
i=0
while [ ! -s "$tmp/port" ] || [ ! -s "$tmp/api-port" ]; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 "$collector_pid" 2>/dev/null; then
		not_ok "plumb-collector starts"
		collector_pid=
		finish
	fi
	sleep 0.05
done
port=$(cat "$tmp/port")
api=https://localhost:$(cat "$tmp/api-port")

host=agent07.plant.test
mkdir -p "$tmp/agent"
cat >"$tmp/agent.conf" <<CONF
[agent]
host_id = $host
content = $FIXTURE/fixture-ds.xml
state_dir = $tmp/state
[collector]
url = https://localhost:$port/api/v1/bundles
ca_file = $ca/ca.pem
cert_file = $tmp/agent/agent.pem
key_file = $tmp/agent/agent.key
connect_timeout_s = 5
timeout_s = 30
[spool]
dir = $tmp/spool
CONF

token() {
	"$COLLECTOR" -c "$tmp/collector.conf" enroll-token add "$@" \
	    2>>"$tmp/token.err"
}

enroll() {
	"$PLUMB" enroll -c "$tmp/agent.conf" "$@" >"$tmp/out" 2>"$tmp/err"
}

t1=$(token "$host" --role mes --site plant-south)
check "enroll-token add prints a 64-hex token" sh -c \
    "printf '%s' '$t1' | grep -Eqx '[0-9a-f]{64}'"
check "only the token's SHA-256 is stored" test "$(sqlite3 "$db" \
    "SELECT count(*) FROM enroll_tokens WHERE sha256 = '$(printf '%s' \
    "$t1" | openssl dgst -sha256 -r | cut -d' ' -f1)' AND host = '$host' \
    AND used_time IS NULL")" = 1

# The same over the api: an admin (bearer token) makes an enrollment
# token; nobody else may.
if command -v curl >/dev/null 2>&1; then
	bearer=$("$COLLECTOR" -c "$tmp/collector.conf" token add admin1 \
	    2>>"$tmp/token.err")
	code=$(curl -sS -o "$tmp/resp" -w '%{http_code}' --cacert \
	    "$ca/ca.pem" -H "Authorization: Bearer $bearer" -H \
	    'Content-Type: application/json' --data \
	    '{"host":"api.plant.test","ttl":300}' "$api/api/v1/enroll/tokens" \
	    2>"$tmp/curl.err")
	check "POST enroll/tokens by an admin: 201 with a token" sh -c \
	    "[ '$code' = 201 ] && grep -Eq '\"token\": *\"[0-9a-f]{64}\"' \
	    '$tmp/resp' && grep -q '\"host\": *\"api.plant.test\"' \
	    '$tmp/resp'"
	check "the api token is stored for its host" test "$(sqlite3 "$db" \
	    "SELECT count(*) FROM enroll_tokens WHERE host = \
	    'api.plant.test'")" = 1
	code=$(curl -sS -o "$tmp/resp" -w '%{http_code}' --cacert \
	    "$ca/ca.pem" -H 'Content-Type: application/json' --data \
	    '{"host":"x.plant.test"}' "$api/api/v1/enroll/tokens" \
	    2>"$tmp/curl.err")
	check "POST enroll/tokens without credentials: 401" test "$code" = 401
fi

check "plumb enroll --help" sh -c "'$PLUMB' enroll --help |
    grep -q -- '--days-before'"
check "plumb enroll without --token refused" sh -c "! '$PLUMB' enroll \
    -c '$tmp/agent.conf' --collector '$api' 2>/dev/null"

enroll --collector "$api" --token "$t1"
rc=$?
check "plumb enroll succeeds" test "$rc" -eq 0
[ "$rc" -eq 0 ] || sed 's/^/# /' "$tmp/err"
check "plumb enroll says what it did" grep -q \
    "^enrolled $host: key $tmp/agent/agent.key" "$tmp/out"
check "agent key mode 600" test "$(mode "$tmp/agent/agent.key")" = 600
check "enrolled certificate chains to the CA" sh -c "openssl verify \
    -purpose sslclient -CAfile '$ca/ca.pem' '$tmp/agent/agent.pem' \
    >/dev/null 2>&1"
check "enrolled certificate: O/OU from the token, CN = host" test \
    "$(subject "$tmp/agent/agent.pem")" = "/O=plant-south/OU=mes/CN=$host"
check "enrolled certificate is for the key made on the host" test \
    "$(openssl pkey -in "$tmp/agent/agent.key" -pubout)" = \
    "$(openssl x509 -in "$tmp/agent/agent.pem" -noout -pubkey)"
check "key is EC P-256" sh -c "openssl pkey -in '$tmp/agent/agent.key' \
    -noout -text | grep -q 'NIST CURVE: P-256'"
check "token marked used with the serial issued" test "$(sqlite3 "$db" \
    "SELECT upper(serial) FROM enroll_tokens WHERE used_time IS NOT \
    NULL")" = "$(openssl x509 -in "$tmp/agent/agent.pem" -noout -serial |
    sed 's/serial=//')"

cp "$tmp/agent/agent.pem" "$tmp/first.pem"
enroll --collector "$api" --token "$t1"
check "a valid certificate is not replaced without --force" sh -c \
    "[ $? -ne 0 ] && grep -q 'use --renew' '$tmp/err' &&
    cmp -s '$tmp/first.pem' '$tmp/agent/agent.pem'"
enroll --collector "$api" --token "$t1" --force
rc=$?
check "the same token again is refused" sh -c "[ $rc -ne 0 ] &&
    grep -q 'token unknown, used or expired' '$tmp/err'"
check "a refused enrollment keeps the certificate and key" sh -c \
    "cmp -s '$tmp/first.pem' '$tmp/agent/agent.pem' &&
    [ \"\$(openssl pkey -in '$tmp/agent/agent.key' -pubout)\" = \
    \"\$(openssl x509 -in '$tmp/agent/agent.pem' -noout -pubkey)\" ]"
t2=$(token "$host" --ttl 1)
sleep 2
enroll --collector "$api" --token "$t2" --force
rc=$?
check "an expired token is refused" sh -c "[ $rc -ne 0 ] &&
    grep -q 'token unknown, used or expired' '$tmp/err'"
t3=$(token other.plant.test)
enroll --collector "$api" --token "$t3" --force
rc=$?
check "another host's token is refused (CSR CN)" sh -c "[ $rc -ne 0 ] &&
    grep -q 'is not the enrolled host' '$tmp/err'"
# ca_file of another CA: the collector is not trusted, nothing is sent.
$PKI init-ca "$tmp/other-ca" >/dev/null
sed "s|^ca_file = .*|ca_file = $tmp/other-ca/ca.pem|" "$tmp/agent.conf" \
    >"$tmp/untrusted.conf"
t4=$(token "$host")
check "the collector is verified with ca_file only" sh -c "! '$PLUMB' \
    enroll -c '$tmp/untrusted.conf' --collector '$api' --token '$t4' \
    --force 2>'$tmp/err' && grep -q 'not trusted by ca_file' '$tmp/err' &&
    [ \"\$(sqlite3 '$db' \"SELECT count(*) FROM enroll_tokens WHERE \
    used_time IS NULL AND host = '$host'\")\" = 2 ]"

# ---------------------------------------------- upload with the cert
PLUMB_SCAN_ROOT=$FIXTURE/root1
export PLUMB_SCAN_ROOT
# scan: one "plumb scan"; $uuid of the bundle.
scan() {
	out=$("$PLUMB" scan --config "$tmp/agent.conf" 2>"$tmp/scan.err")
	scan_rc=$?
	uuid=$(printf '%s\n' "$out" |
	    sed -n 's/^bundle \([0-9a-f-]*\) spooled$/\1/p')
}
scan
check "plumb scan with the enrolled certificate exits 0" test \
    "$scan_rc" -eq 0 -a -n "$uuid"
[ "$scan_rc" -eq 0 ] || sed 's/^/# /' "$tmp/scan.err"
check "its bundle is stored for the host" test "$(sqlite3 "$db" \
    "SELECT host FROM bundles WHERE uuid = '$uuid'")" = "$host"
check "spool empty (delivered)" test -z "$(find "$tmp/spool" -name \
    '*.p7m' 2>/dev/null)"
check "host attributes from the enrolled certificate" test "$(sqlite3 \
    "$db" "SELECT site || '|' || role FROM hosts WHERE id = '$host'")" = \
    "plant-south|mes"

# ---------------------------------------------------------- renewal
cp "$tmp/agent/agent.key" "$tmp/first.key"
enroll --renew --collector "$api" --days-before 10
check "--renew with more left than --days-before does nothing" sh -c \
    "[ $? -eq 0 ] && grep -q 'not renewed' '$tmp/out' &&
    cmp -s '$tmp/first.pem' '$tmp/agent/agent.pem'"
enroll --renew --collector "$api"
rc=$?
check "--renew within 30 days (cert_days 20) renews" test "$rc" -eq 0
[ "$rc" -eq 0 ] || sed 's/^/# /' "$tmp/err"
check "renewed: a new certificate and a new key" sh -c "! cmp -s \
    '$tmp/first.pem' '$tmp/agent/agent.pem' && [ \"\$(openssl x509 -in \
    '$tmp/first.pem' -noout -pubkey)\" != \"\$(openssl x509 -in \
    '$tmp/agent/agent.pem' -noout -pubkey)\" ]"
check "renewed certificate: same subject, chains to the CA" sh -c \
    "[ \"\$(openssl x509 -in '$tmp/agent/agent.pem' -noout -subject \
    -nameopt compat)\" = 'subject=/O=plant-south/OU=mes/CN=$host' ] &&
    openssl verify -CAfile '$ca/ca.pem' '$tmp/agent/agent.pem' \
    >/dev/null 2>&1"
check "renewed key matches, mode 600" sh -c "[ \"\$(openssl pkey -in \
    '$tmp/agent/agent.key' -pubout)\" = \"\$(openssl x509 -in \
    '$tmp/agent/agent.pem' -noout -pubkey)\" ] &&
    [ \"\$(stat -c %a '$tmp/agent/agent.key')\" = 600 ]"
scan
check "plumb scan with the renewed certificate is stored" test \
    "$scan_rc" -eq 0 -a "$(sqlite3 "$db" "SELECT count(*) FROM bundles \
    WHERE uuid = '$uuid' AND host = '$host'")" = 1
check "the renewal is recorded (old and new serial)" test "$(sqlite3 \
    "$db" "SELECT count(*) FROM enroll_renewals WHERE host = '$host' AND \
    upper(old_serial) = '$(openssl x509 -in "$tmp/first.pem" -noout \
    -serial | sed 's/serial=//')' AND upper(new_serial) = '$(openssl x509 \
    -in "$tmp/agent/agent.pem" -noout -serial | sed 's/serial=//')'")" = 1
sed -e "s|^cert_file = .*|cert_file = $tmp/first.pem|" \
    -e "s|^key_file = .*|key_file = $tmp/first.key|" "$tmp/agent.conf" \
    >"$tmp/old.conf"
cp "$tmp/first.pem" "$tmp/first.copy"
# Revoked (superseded) in the collector's CRL: the handshake fails.
check "renewing again with the superseded certificate is refused" sh -c \
    "! '$PLUMB' enroll -c '$tmp/old.conf' --renew --collector '$api' \
    >/dev/null 2>'$tmp/err' && cmp -s '$tmp/first.pem' '$tmp/first.copy' \
    && grep -q 'certificate revoked' '$tmp/err' &&
    [ \"\$(sqlite3 '$db' 'SELECT count(*) FROM enroll_renewals')\" = 1 ]"
# Renewal needs a certificate in hand.
sed "s|^cert_file = .*|cert_file = $tmp/none.pem|" "$tmp/agent.conf" \
    >"$tmp/other.conf"
check "--renew without a certificate is refused" sh -c "! '$PLUMB' \
    enroll -c '$tmp/other.conf' --renew --collector '$api' 2>'$tmp/err' &&
    grep -q 'no certificate to renew' '$tmp/err'"

kill "$collector_pid" 2>/dev/null
wait "$collector_pid" 2>/dev/null
collector_pid=
finish
