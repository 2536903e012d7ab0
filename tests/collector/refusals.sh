#!/bin/sh
# What plumb-collector refuses, and that a refusal stores nothing: no
# client certificate, another CA's, an expired one and TLS 1.1 are
# refused in the TLS handshake (the client reads the alert); a bundle
# signed by agent A sent over agent B's connection 403; a tampered
# bundle 400; a wrong or missing X-Plumb-Bundle 400; an oversize body
# 413; the rate limit 429 with Retry-After.
# Environment: PLUMB, top_srcdir, top_builddir.  Ends with
# "N passed, N failed".

. "$(dirname "$0")/lib.sh"

nothing_stored() {
	test "$(rows 'SELECT count(*) FROM bundles' 2>/dev/null || echo 0)" \
	    = "${1:-0}" -a "$(evidence_files | wc -l)" -eq "${1:-0}"
}

# Bundles to send, made while no collector listens.
spare agent agent01.plant.test
ba=$bundle ua=$uuid
spare agent-b agent02.plant.test
bb=$bundle ub=$uuid
check "spare bundles made" test -s "$ba" -a -s "$bb"

start_collector "[limits]
max_upload_bytes = 64M" || finish

# ---- refused at TLS: curl gets the server's alert, not a reset
code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 20 \
    --cacert "$pki/ca.pem" -H "X-Plumb-Bundle: $ua" \
    --data-binary "@$ba" "$url" 2>"$tmp/curl.err")
check "no client certificate: no HTTP answer" test "$code" = 000
check "no client certificate: the client read the alert" \
    grep -qi 'alert' "$tmp/curl.err"
post "$ba" "$ua" agent-other
check "certificate of another CA: no HTTP answer" test "$code" = 000
check "certificate of another CA: alert" grep -qi 'alert' "$tmp/curl.err"
post "$ba" "$ua" agent-expired
check "expired certificate: no HTTP answer" test "$code" = 000
check "expired certificate: alert" grep -qi 'alert' "$tmp/curl.err"
check "nothing stored after TLS refusals" nothing_stored

# TLS 1.1 with a cipher list that lets the client offer it; the same
# command with TLS 1.2 shows that the probe itself works.
s_client() {
	openssl s_client -connect "127.0.0.1:$port" -servername localhost \
	    -CAfile "$pki/ca.pem" -cert "$pki/agent.pem" \
	    -key "$pki/agent.key" -cipher 'DEFAULT:@SECLEVEL=0' "$@" \
	    </dev/null >"$tmp/s_client.out" 2>&1
}
s_client -tls1_2
check "TLS 1.2 handshake (control)" grep -q '^New, TLSv1.2, Cipher is' \
    "$tmp/s_client.out"
s_client -tls1_1
check "TLS 1.1 refused: protocol version alert, no cipher" sh -c \
    "grep -q 'alert protocol version' '$tmp/s_client.out' &&
    grep -q 'Cipher is (NONE)' '$tmp/s_client.out'"

# ---- the bundle is not this client's
post "$ba" "$ua" agent-b
check "A's bundle over B's connection: 403" test "$code" = 403
check "A's bundle over B's connection: not stored" nothing_stored
post "$bb" "$ub" agent
check "B's bundle over A's connection: 403" test "$code" = 403
check "B's bundle over A's connection: not stored" nothing_stored

# ---- tampered: one byte flipped in the middle
cp "$ba" "$tmp/tampered.p7m"
size=$(wc -c <"$ba" | tr -d ' ')
off=$((size / 2))
b=$(od -An -tu1 -j "$off" -N1 "$ba" | tr -d ' ')
printf "$(printf '\\%03o' $(((b + 1) % 256)))" |
    dd of="$tmp/tampered.p7m" bs=1 seek="$off" conv=notrunc 2>/dev/null
check "tampered copy differs in one byte" test \
    "$(cmp -l "$ba" "$tmp/tampered.p7m" | wc -l)" -eq 1
post "$tmp/tampered.p7m" "$ua" agent
check "tampered bundle: 400" test "$code" = 400
check "tampered bundle: not stored" nothing_stored

# ---- header
post "$ba" "$ub" agent
check "X-Plumb-Bundle naming another uuid: 400" test "$code" = 400
post "$ba" "not-a-uuid" agent
check "malformed X-Plumb-Bundle: 400" test "$code" = 400
check "nothing stored after 400s" nothing_stored

# ---- the untouched bundles are accepted (the refusals were not luck)
post "$ba" "$ua" agent
check "A's bundle over A's connection: 201" test "$code" = 201
post "$bb" "$ub" agent-b
check "B's bundle over B's connection: 201" test "$code" = 201
check "two bundles stored" nothing_stored 2
stop_collector

# ---- size cap and rate limit
start_collector "[limits]
max_upload_bytes = 2K
rate_limit = 3" || finish
head -c 5000 /dev/urandom >"$tmp/big"
post "$tmp/big" "$ua" agent -H 'Expect: 100-continue'
check "oversize body (Expect: 100-continue): 413" test "$code" = 413
post "$tmp/big" "$ua" agent -H 'Expect:'
check "oversize body sent at once: 413" test "$code" = 413
head -c 100 /dev/urandom >"$tmp/small"
codes=
for i in 1 2 3 4; do
	post "$tmp/small" "$ua" agent
	codes="$codes $code"
done
check "rate limit 3/min: fourth upload 429 (got$codes)" \
    test "$codes" = " 400 400 400 429"
curl -sS -D "$tmp/hdr" -o /dev/null --cacert "$pki/ca.pem" \
    --cert "$pki/agent.pem" --key "$pki/agent.key" -H "X-Plumb-Bundle: $ua" \
    --data-binary "@$tmp/small" "$url" 2>/dev/null
check "429 carries Retry-After" grep -qi '^Retry-After: [1-9]' "$tmp/hdr"
post "$tmp/small" "$ub" agent-b
check "another client certificate has its own bucket" test "$code" = 400
stop_collector
check "still two bundles" nothing_stored 2
finish
