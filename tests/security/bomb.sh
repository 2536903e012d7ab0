#!/bin/sh
# Decompression and JSON bombs against the ingest listener, with the
# shipped [limits] defaults (docs/reliability.md, "Hostile agents"):
#  - a signed bundle (tests/delivery/delivery-tool, the agent's own
#    bundle_create, signed with an agent certificate of
#    tests/pki/make-pki.sh) whose summary.json is $BOMB_BYTES spaces
#    (64,000,000 in "make check", where building it is most of the
#    time; BOMB_BYTES=250000000 for the size of the finding): it
#    compresses about 1000:1, the archive may inflate to 100 times what
#    was sent (max_inflate_ratio), so it is refused 413
#    inflated_too_large while inflating; four of them at once from a
#    second agent (agent-b);
#  - a bundle whose summary.json holds 200,000 rule results (a few
#    MB, under max_summary_bytes): refused 413 too_many_rules (max_rules
#    20000) before anything is stored.
# Meanwhile a legitimate upload and an API call each complete within
# 2 s; the collector's peak RSS stays under $BOUND_KB.
# Environment: PLUMB, top_srcdir, top_builddir.

. "$(dirname "$0")/lib.sh"

TOOL=$top_builddir/tests/delivery/delivery-tool
BOMB_BYTES=${BOMB_BYTES:-64000000}
# Worked out from the caps: an empty collector is about 15 MB; each
# bomb may inflate 100 x its size (25 MB for the 250 MB bomb's 250 KB),
# one upload checked at a
# time on the checker thread, plus the bodies (1 MB); the rules are
# counted before jansson parses the 6 MB summary.  Measured: about
# 40 MB and 22 MB (docs/reliability.md).
BOUND_KB=100000
if [ ! -x "$TOOL" ]; then
	echo "not built: $TOOL"
	echo "0 passed, 1 failed"
	exit 1
fi

spares 3
read -r sf su <"$tmp/spares"
mkdir -p "$tmp/x" "$tmp/bomb" "$tmp/rules"
openssl cms -verify -inform DER -in "$sf" -CAfile "$pki/ca.pem" -binary \
    -out "$tmp/x.tgz" 2>/dev/null && tar -xzf "$tmp/x.tgz" -C "$tmp/x"
check "a real bundle's summary.json and arf.xml" \
    test -s "$tmp/x/summary.json" -a -s "$tmp/x/arf.xml"

# ---- the bundle bomb
python3 -c "import sys; sys.stdout.buffer.write(b' ' * $BOMB_BYTES)" \
    >"$tmp/bomb/summary.json"
cp "$tmp/x/arf.xml" "$tmp/bomb/arf.xml"
bu=$("$TOOL" bundle "$tmp/bomb.p7m" "$pki/agent-b.pem" "$pki/agent-b.key" \
    agent02.plant.test "$tmp/bomb/summary.json" "$tmp/bomb/arf.xml")
rm -f "$tmp/bomb/summary.json"
bsize=$(wc -c <"$tmp/bomb.p7m" 2>/dev/null || echo 0)
echo "# bomb: $bsize bytes signed, summary.json $BOMB_BYTES bytes inflated"
check "the bomb is a signed bundle, 1/200 of its inflated size or less" \
    test -n "$bu" -a "$bsize" -gt 0 -a "$bsize" -lt $((BOMB_BYTES / 200))

start
for i in 1 2 3 4; do
	bg_post "$tmp/bomb.p7m" "$bu" "$tmp/bomb.code$i"
done
legit "bomb"
bg_wait
codes=$(cat "$tmp"/bomb.code? | tr -d '\n')
check "four bombs at once: 413 each (got $codes)" \
    test "$codes" = "413413413413"
check "the answer says the archive expands beyond its cap" \
    grep -q "expands beyond" "$tmp/bomb.code1.resp"
check "/metrics: inflated_too_large = 4" test \
    "$(metric 'plumb_uploads_rejected_total{reason="inflated_too_large"}')" = 4
check "only the legitimate bundle stored" \
    test "$(rows 'SELECT count(*) FROM bundles')" = 1
peak_under bomb "$BOUND_KB"
stop_collector

# ---- 200,000 rule results
cp "$tmp/x/summary.json" "$tmp/rules/summary.json"
cp "$tmp/x/arf.xml" "$tmp/rules/arf.xml"
python3 "$ATTACK" rules "$tmp/rules/summary.json" 200000
ru=$("$TOOL" bundle "$tmp/rules.p7m" "$pki/agent-b.pem" "$pki/agent-b.key" \
    agent02.plant.test "$tmp/rules/summary.json" "$tmp/rules/arf.xml")
rsize=$(wc -c <"$tmp/rules/summary.json")
echo "# rules: summary.json $rsize bytes, bundle $(wc -c <"$tmp/rules.p7m")"
check "the rules bundle is made" test -n "$ru" -a -s "$tmp/rules.p7m"
start
dbk0=$(du -k "$db" | cut -f1)
rules0=$(rows 'SELECT count(*) FROM rule_results')
bg_post "$tmp/rules.p7m" "$ru" "$tmp/rules.code"
legit "200,000 rules"
bg_wait
check "200,000 rules: 413" test "$(cat "$tmp/rules.code")" = 413
check "the answer names the cap" grep -q "more than 20000 rule results" \
    "$tmp/rules.code.resp"
check "/metrics: too_many_rules = 1" test \
    "$(metric 'plumb_uploads_rejected_total{reason="too_many_rules"}')" = 1
check "no rule of it stored" test "$(rows "SELECT count(*) FROM bundles
    WHERE uuid = '$ru'")" = 0
rules1=$(rows 'SELECT count(*) FROM rule_results')
echo "# rules: rule_results $rules0 -> $rules1 (the legitimate upload)"
check "rule_results grew by one scan only" \
    test $((rules1 - rules0)) -lt 100
dbk1=$(du -k "$db" | cut -f1)
echo "# rules: database $dbk0 kB -> $dbk1 kB"
check "database grew by less than 1 MB" test $((dbk1 - dbk0)) -lt 1024
peak_under rules "$BOUND_KB"
stop_collector
need 18
