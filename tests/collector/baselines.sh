#!/bin/sh
# Two baselines on one host over real HTTPS, from one agent.conf with a
# [scan plant] and a [scan fixture] section sharing one spool:
#  - plant: benchmarks/plant (profile mes) on a copy of
#    tests/benchmarks/mes/good, its root given by the "root" key;
#  - fixture: tests/fixtures/xccdf/fixture-ds.xml, profile (all), on
#    tests/fixtures/xccdf/root1 given by plumb scan --root.
# Expected values (tests/collector/fixtures/controls-baselines.ini):
# A.5.15 is mapped by a plant rule that passes and a fixture rule that
# is notapplicable: the host passes (the newest scan no longer wins);
# A.8.5 by a plant rule that passes and a fixture rule that fails: the
# host fails, computed from both baselines, each listed with its own
# status.  Also: plumb scan prints the summary plumb xccdf eval prints;
# the scanned root is in the ARF target facts, summary.json and the
# signed manifest, and the collector shows it per baseline.
# Environment: PLUMB, top_srcdir, top_builddir.  Ends with
# "N passed, N failed".

. "$(dirname "$0")/lib.sh"
# This test names its roots itself.
unset PLUMB_SCAN_ROOT

PLANT=$top_builddir/benchmarks/plant/plumb-plant-ds.xml
MES=xccdf_org.plumb.content_profile_mes
PLANT_BM=xccdf_org.plumb.content_benchmark_plant
FIXTURE_BM=xccdf_org.plumb_benchmark_fixture
if [ ! -s "$PLANT" ]; then
	echo "not built: $PLANT"
	echo "0 passed, 1 failed"
	exit 1
fi

start_collector "[controls]
file = $top_srcdir/tests/collector/fixtures/controls-baselines.ini" ||
    finish
check "api listener started" api_client baselines
H=agent01.plant.test
jqo() { jq -r "$1" "$tmp/out"; }

# The plant tree, with the modes and links git cannot keep.
sh "$top_srcdir/tests/benchmarks/prepare-tree.sh" \
    "$top_srcdir/tests/benchmarks/mes/good" "$tmp/plant-root" \
    "$top_srcdir/tests/benchmarks/mes/good.setup" >"$tmp/prep.log" 2>&1
check "plant tree prepared" test -d "$tmp/plant-root/etc"
proot=$(cd "$tmp/plant-root" && pwd -P)
froot=$(cd "$FIXTURE/root1" && pwd -P)

conf=$tmp/agent-multi.conf
cat >"$conf" <<CONF
[agent]
host_id = $H
state_dir = $tmp/state-multi
[scan plant]
content = $PLANT
profile = $MES
root = $tmp/plant-root
[scan fixture]
content = $FIXTURE/fixture-ds.xml
[collector]
url = $url
ca_file = $pki/ca.pem
cert_file = $pki/agent.pem
key_file = $pki/agent.key
[spool]
dir = $tmp/spool-multi
CONF

# run NAME ARGS...: plumb scan; stdout in $tmp/NAME.out, $rc, $uuid.
run() {
	rn=$1
	shift
	"$PLUMB" scan --config "$conf" "$@" >"$tmp/$rn.out" 2>"$tmp/$rn.err"
	rc=$?
	uuid=$(sed -n 's/^bundle \([0-9a-f-]*\) spooled$/\1/p' "$tmp/$rn.out" |
	    tail -n 1)
}

# ---- the plant baseline
run plant --scan plant
up=$uuid
check "scan plant: exit 0, spooled and delivered" test "$rc" = 0 -a \
    -n "$up" -a "$(grep -c '^1 delivered, 0 rejected, 0 left' \
    "$tmp/plant.out")" = 1
# The same summary as plumb xccdf eval (its standard error).
"$PLUMB" xccdf eval --profile "$MES" --root "$tmp/plant-root" "$PLANT" \
    >/dev/null 2>"$tmp/eval.err"
grep '^plumb: ' "$tmp/eval.err" >"$tmp/eval.sum"
grep '^plumb: ' "$tmp/plant.out" | grep -v '^plumb: scan ' >"$tmp/scan.sum"
check "scan prints the summary of xccdf eval (4 lines)" test \
    "$(wc -l <"$tmp/eval.sum")" -eq 4
check "scan summary = xccdf eval summary" cmp -s "$tmp/eval.sum" \
    "$tmp/scan.sum"
check "summary names the tree scanned" grep -q \
    "^plumb: scanned the tree under $proot, not this host$" "$tmp/scan.sum"

# ---- the second baseline: the fixture benchmark, --root on the command
sleep 1
run fixture --scan fixture --root "$FIXTURE/root1"
uf=$uuid
check "scan fixture --root: exit 0, delivered" test "$rc" = 0 -a \
    -n "$uf" -a "$(grep -c '^1 delivered' "$tmp/fixture.out")" = 1
check "fixture summary printed" grep -q '^plumb: rules: .* fail' \
    "$tmp/fixture.out"

run nosuch --scan nosuch
check "--scan of an unknown name: exit 1, named" test "$rc" = 1 -a \
    "$(grep -c 'no scan "nosuch" configured' "$tmp/nosuch.err")" = 1

# ---- the root in ARF, summary.json and the signed manifest
check "the fixture bundle verifies" evidence_open "$uf"
for m in manifest.json summary.json arf.xml; do
	tar -xzf "$tmp/$uf.tgz" -O "$m" >"$tmp/uf.${m%.*}"
done
check "manifest (signed): target_root" test "$(jq -r .target_root \
    "$tmp/uf.manifest")" = "$froot"
check "summary.json: target_root" test "$(jq -r .target_root \
    "$tmp/uf.summary")" = "$froot"
check "ARF: target fact urn:plumb:fact:scan:root" grep -q \
    "name=\"urn:plumb:fact:scan:root\" type=\"string\">$froot<" \
    "$tmp/uf.arf"
check "stored with the bundle" test "$(rows "SELECT target_root FROM \
    bundles WHERE uuid = '$uf'")" = "$froot"
# The same results re-signed without the root in the manifest (as a
# scan of the host would be): refused, nothing stored.
mkdir -p "$tmp/resign"
cp "$tmp/uf.summary" "$tmp/resign/summary.json"
cp "$tmp/uf.arf" "$tmp/resign/arf.xml"
ur=$("$top_builddir/tests/delivery/delivery-tool" bundle "$tmp/resign.p7m" \
    "$pki/agent.pem" "$pki/agent.key" "$H" "$tmp/resign/arf.xml" \
    "$tmp/resign/summary.json" 2>"$tmp/resign.err")
post "$tmp/resign.p7m" "$ur"
check "manifest without the summary's root: 400, named" test "$code" = 400 \
    -a "$(grep -c target_root "$tmp/resp")" -ge 1
check "... and not stored" test "$(rows "SELECT count(*) FROM bundles \
    WHERE uuid = '$ur'")" = 0

# ---- per-baseline status
api_get "hosts/$H"
check "host: 200" test "$code" = 200
check "host: two baselines, each with its newest scan and root" test \
    "$(jqo '[.baselines[] | [.profile_id, .scan, .target_root] |
    join(",")] | join(" ")')" = "$MES,$up,$proot ,$uf,$froot"
check "host score: the lowest evaluated baseline's" test "$(jqo '.score ==
    ([.baselines[].score] | min)')" = true

api_get "controls/iso27001-2022/A.5.15"
check "A.5.15: the notapplicable fixture scan did not wipe the plant pass" \
    test "$(jqo '[.status, .hosts[0].status] | join(" ")')" = "pass pass"
check "A.5.15: computed from both baselines" test "$(jqo \
    '[.hosts[0].baselines[] | .profile_id + ":" + .status] |
    join(" ")')" = "$MES:pass :unknown"
api_get "controls/iso27001-2022/A.8.5"
check "A.8.5: fails from the fixture baseline" test "$(jqo \
    '[.status, .hosts[0].status, (.hosts[0].failing_rules | join(","))] |
    join(" ")')" = "fail fail xccdf_org.plumb_rule_fail"
check "A.8.5: plant still passes, fixture fails" test "$(jqo \
    '[.hosts[0].baselines[] | .benchmark_id + ":" + .status] |
    join(" ")')" = "$PLANT_BM:pass $FIXTURE_BM:fail"

# ---- both scans of the configuration in one run
sleep 1
run both --root "$FIXTURE/root1"
check "plumb scan: both scans spooled, both delivered" test "$rc" = 0 -a \
    "$(grep -c '^bundle .* spooled$' "$tmp/both.out")" = 2 -a \
    "$(grep -c '^2 delivered, 0 rejected, 0 left' "$tmp/both.out")" = 1
check "each scan named before its summary" test "$(grep '^plumb: scan ' \
    "$tmp/both.out" | tr '\n' ' ')" = "plumb: scan plant plumb: scan fixture "
check "four scans stored" test "$(rows 'SELECT count(*) FROM bundles')" = 4
# --root applies to every scan run: the plant one under root1 is a
# baseline of its own (another root), and not applicable there.
api_get "hosts/$H"
check "host: three baselines (plant under two roots, fixture)" test \
    "$(jqo '.baselines | length')" = 3
api_get "hosts/$H/drift"
check "drift compares scans of the same baseline only" test "$(jqo \
    '[.changes[] | select(.from_scan == "'"$up"'" or .scan == "'"$up"'")]
    | length')" = 0

[ $((passed + failed)) -ge 28 ] ||
    not_ok "only $((passed + failed)) checks ran"
finish
