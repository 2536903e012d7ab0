#!/bin/sh
# content.sh - signed SCAP content: plumb sign-content writes FILE.p7s
# that openssl(1) verifies; content_sig_check refuses unsigned,
# tampered, foreign and non-code-signing signatures.
set -u
. "$(dirname "$0")/lib.sh"
make_pki

C=$W/baseline-ds.xml
cp "$top_srcdir/benchmarks/plant/plumb-plant-xccdf.xml" "$C" 2>/dev/null ||
    printf '<?xml version="1.0"?>\n<Benchmark id="x">\n</Benchmark>\n' >"$C"

refuse "unsigned content accepted" "$TOOL" content-check "$C" "$PKI/ca.pem"
check "unsigned: reason" grep -q "content is not signed" "$W/last"

check "plumb sign-content" "$PLUMB" sign-content --cert "$PKI/content.pem" \
    --key "$PKI/content.key" "$C"
check "FILE.p7s written" test -s "$C.p7s"
check "openssl verifies FILE.p7s over FILE" openssl cms -verify -binary \
    -inform DER -in "$C.p7s" -content "$C" -CAfile "$PKI/ca.pem" \
    -out /dev/null
check "signature is detached" sh -c "openssl cms -cmsout -print -inform DER \
    -in '$C.p7s' | grep -q 'eContent: <ABSENT>'"
check "signed content accepted" "$TOOL" content-check "$C" "$PKI/ca.pem"
check "accepted: OK" grep -qx OK "$W/last"

# PEM signatures are read too.
openssl cms -cmsout -inform DER -outform PEM -in "$C.p7s" -out "$W/pem.p7s"
cp "$C" "$W/pemc.xml"
cp "$W/pem.p7s" "$W/pemc.xml.p7s"
check "PEM signature accepted" "$TOOL" content-check "$W/pemc.xml" \
    "$PKI/ca.pem"

# Tampering: one byte changed, one byte appended, newlines as CRLF.
cp "$C" "$W/t1.xml"; cp "$C.p7s" "$W/t1.xml.p7s"
sed -i '1s/xml/XML/' "$W/t1.xml"
refuse "changed byte accepted" "$TOOL" content-check "$W/t1.xml" \
    "$PKI/ca.pem"
check "tampered: reason" grep -q "content signature does not verify" \
    "$W/last"
cp "$C" "$W/t2.xml"; cp "$C.p7s" "$W/t2.xml.p7s"
printf ' ' >>"$W/t2.xml"
refuse "appended byte accepted" "$TOOL" content-check "$W/t2.xml" \
    "$PKI/ca.pem"
sed 's/$/\r/' "$C" >"$W/t3.xml"; cp "$C.p7s" "$W/t3.xml.p7s"
refuse "CRLF copy accepted" "$TOOL" content-check "$W/t3.xml" "$PKI/ca.pem"
cp "$C" "$W/t4.xml"; head -c 100 "$C.p7s" >"$W/t4.xml.p7s"
refuse "truncated signature accepted" "$TOOL" content-check "$W/t4.xml" \
    "$PKI/ca.pem"

# Only the content CA is trusted.
refuse "other CA accepted" "$TOOL" content-check "$C" "$PKI/other-ca.pem"
# An agent certificate (no codeSigning) cannot sign content.
cp "$C" "$W/a.xml"
check "sign with the agent cert" "$PLUMB" sign-content \
    --cert "$PKI/agent.pem" --key "$PKI/agent.key" "$W/a.xml"
refuse "agent-signed content accepted" "$TOOL" content-check "$W/a.xml" \
    "$PKI/ca.pem"
check "agent-signed: reason" grep -q "not for code signing" "$W/last"
# A signature by another CA's certificate.
cp "$C" "$W/o.xml"
check "sign with another CA's cert (--out)" "$PLUMB" sign-content \
    --cert "$PKI/agent-other.pem" --key "$PKI/agent-other.key" \
    --out "$W/o.xml.p7s" "$W/o.xml"
refuse "other CA's signature accepted" "$TOOL" content-check "$W/o.xml" \
    "$PKI/ca.pem"

# sign-content refuses loose keys, expired and mismatched certificates.
cp "$PKI/content.key" "$W/loose.key"
chmod 644 "$W/loose.key"
refuse "sign-content with a 0644 key" "$PLUMB" sign-content \
    --cert "$PKI/content.pem" --key "$W/loose.key" "$W/a.xml"
check "loose key: message" grep -q "accessible by group or others" \
    "$W/last"
refuse "sign-content with an expired cert" "$PLUMB" sign-content \
    --cert "$PKI/agent-expired.pem" --key "$PKI/agent-expired.key" "$W/a.xml"
refuse "sign-content with another cert's key" "$PLUMB" sign-content \
    --cert "$PKI/content.pem" --key "$PKI/agent.key" "$W/a.xml"
refuse "sign-content without --key" "$PLUMB" sign-content \
    --cert "$PKI/content.pem" "$W/a.xml"
refuse "sign-content of a missing file" "$PLUMB" sign-content \
    --cert "$PKI/content.pem" --key "$PKI/content.key" "$W/none.xml"
check "no FILE.p7s for a missing file" test ! -e "$W/none.xml.p7s"

finish
