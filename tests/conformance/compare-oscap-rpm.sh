#!/bin/sh
# compare-oscap-rpm.sh - evaluate SCAP Security Guide OVAL content for
# RPM systems (rhel8, sle15, fedora) with both oscap and plumb against
# fixture roots holding an RPM database, and report per-definition
# agreement.
#
# For each product a root is built under OUT with
# tests/fixtures/linux/rpmdb/mkrpmroot.sh from rpm-packages.list (the
# common packages plus the product's release package below) and a few
# release files; then ssg-PRODUCT-oval.xml is evaluated by
# "oscap oval eval" with OSCAP_PROBE_ROOT=ROOT and by
# "plumb oval eval --root ROOT", and the "Definition ID: RESULT" lines
# are joined.
#
# usage: tests/conformance/compare-oscap-rpm.sh [PRODUCT ...]
#   PLUMB  the plumb binary (default: ./plumb of the source tree)
#   OUT    directory for roots and outputs (default: a temporary one)
# Exit status: 0 when every product compared all its definitions, agreed
# on at least 99% of them and every difference is listed under
# "## RPM hosts" in docs/conformance.md; 1 otherwise; 77 when oscap,
# rpmbuild or the content is missing.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
PLUMB=${PLUMB:-$top/plumb}
SSG=/usr/share/xml/scap/ssg/content
known="$top/docs/conformance.md"
mkroot="$top/tests/fixtures/linux/rpmdb/mkrpmroot.sh"
LC_ALL=C
export LC_ALL

for t in oscap rpm rpmbuild; do
	command -v $t >/dev/null 2>&1 || { echo "$t not installed"; exit 77; }
done
[ -x "$PLUMB" ] || { echo "no plumb binary at $PLUMB (build first)"; exit 1; }
[ $# -gt 0 ] || set -- rhel8 sle15 fedora

OUT=${OUT:-$(mktemp -d /tmp/plumb-compare-rpm.XXXXXX)}
mkdir -p "$OUT"
# Only the "## RPM hosts" section documents these differences.
sed -n '/^## RPM hosts/,/^## /p' "$known" 2>/dev/null >"$OUT/known"

# oscap reads rpm's configuration before it enters the root, where
# Debian's %_dbpath (~/.rpmdb, expanded by a shell the root lacks)
# would not lead to the database: point it where RPM hosts keep it.
mkdir -p "$OUT/oscap-home"
echo '%_dbpath /var/lib/rpm' >"$OUT/oscap-home/.rpmmacros"

# The release package and release files of product $1 into root $2.
product_root() {
	p=$1 root=$2
	case $p in
	rhel8)	rel='redhat-release - 8.6 0.1.el8 /etc/redhat-release'
		name='Red Hat Enterprise Linux' id=rhel ver=8.6
		cpe='cpe:/o:redhat:enterprise_linux:8::baseos' ;;
	sle15)	rel='sles-release - 15.4 150400.58.7.3 /etc/SUSE-brand'
		name='SLES' id=sles ver=15-SP4
		cpe='cpe:/o:suse:sles:15:sp4' ;;
	fedora)	rel='fedora-release-common - 38 36 /etc/fedora-release'
		name='Fedora Linux' id=fedora ver=38
		cpe='cpe:/o:fedoraproject:fedora:38' ;;
	*)	echo "unknown product $p" >&2; return 1 ;;
	esac
	{ cat "$here/rpm-packages.list"; echo "$rel"; } >"$OUT/$p.list"
	rm -rf "$root"
	sh "$mkroot" "$root" "$OUT/$p.list" || return 1
	printf 'NAME="%s"\nID="%s"\nVERSION_ID="%s"\nCPE_NAME="%s"\n' \
	    "$name" "$id" "$ver" "$cpe" >"$root/etc/os-release"
	echo "$cpe" >"$root/etc/system-release-cpe"
	# The account files of a freshly installed system, and its mount
	# table (oscap reads ROOT/proc/mounts, plumb ROOT/proc/self/mounts).
	printf '%s\n' 'root:x:0:0:root:/root:/bin/bash' \
	    'bin:x:1:1:bin:/bin:/sbin/nologin' \
	    'daemon:x:2:2:daemon:/sbin:/sbin/nologin' \
	    'sshd:x:74:74:Privilege-separated SSH:/usr/share/empty.sshd:/sbin/nologin' \
	    'nobody:x:65534:65534:Kernel Overflow User:/:/sbin/nologin' \
	    >"$root/etc/passwd"
	printf '%s\n' 'root:x:0:' 'bin:x:1:' 'daemon:x:2:' 'wheel:x:10:' \
	    'sshd:x:74:' 'nobody:x:65534:' >"$root/etc/group"
	printf '%s\n' 'root:!!:19000:0:99999:7:::' 'bin:*:19000:0:99999:7:::' \
	    'daemon:*:19000:0:99999:7:::' 'sshd:!!:19000::::::' \
	    'nobody:*:19000:0:99999:7:::' >"$root/etc/shadow"
	chmod 0000 "$root/etc/shadow"
	mkdir -p "$root/root" "$root/proc/self" "$root/boot" "$root/dev/shm"
	printf '%s\n' '/dev/mapper/rhel-root / xfs rw,relatime 0 0' \
	    'proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0' \
	    'tmpfs /dev/shm tmpfs rw,nosuid,nodev,noexec 0 0' \
	    '/dev/vda1 /boot xfs rw,nosuid,nodev,relatime 0 0' \
	    >"$root/proc/self/mounts"
	cp "$root/proc/self/mounts" "$root/proc/mounts"
	# Files changed since installation, for rpm_verify_hashes,
	# rpm_verify_permissions and rpm_verify_ownership.
	echo changed >>"$root/usr/bin/tmux"
	chmod 0777 "$root/etc/chrony.conf"
	chown 1:1 "$root/etc/sudoers"
}

# "not applicable" and "not evaluated" as one field each for join.
onefield() {
	sed 's/ not \(applicable\|evaluated\)$/ not_\1/'
}

status=0
for p in "$@"; do
	f="$SSG/ssg-$p-oval.xml"
	[ -r "$f" ] || { echo "missing content $f"; exit 77; }
	root="$OUT/root-$p"
	product_root "$p" "$root" || { echo "cannot build $root"; exit 1; }
	want=$(grep -c '<oval-def:definition \|<definition ' "$f")
	HOME="$OUT/oscap-home" OSCAP_PROBE_ROOT="$root" oscap oval eval "$f" \
	    2>"$OUT/$p.oscap.err" |
	    sed -n 's/^Definition \(.*\): \(.*\)$/\1 \2/p' | onefield |
	    sort >"$OUT/$p.oscap"
	"$PLUMB" oval eval --root "$root" "$f" 2>"$OUT/$p.plumb.err" |
	    sed -n 's/^Definition \(.*\): \(.*\)$/\1 \2/p' | onefield |
	    sort >"$OUT/$p.plumb"
	join -a1 -a2 -e MISSING -o 0,1.2,2.2 "$OUT/$p.oscap" "$OUT/$p.plumb" \
	    >"$OUT/$p.joined"
	total=$(wc -l <"$OUT/$p.joined")
	diffs=$(awk '$2 != $3' "$OUT/$p.joined" | wc -l)
	same=$((total - diffs))
	pct=$(awk -v s="$same" -v t="$total" \
	    'BEGIN { printf "%.2f", t ? 100 * s / t : 0 }')
	echo "== ssg-$p-oval: $same of $total definitions agree ($pct%)" \
	    "[$want in the file]"
	awk '$2 != $3 { print }' "$OUT/$p.joined" | while read -r id o q; do
		if grep -q -- "$id" "$OUT/known"; then
			echo "   documented: $id oscap=$o plumb=$q"
		else
			echo "   DIFFERS:    $id oscap=$o plumb=$q"
		fi
	done | tee "$OUT/$p.diffs"
	if [ "$total" -lt "$want" ] || [ "$want" -eq 0 ]; then
		echo "   FAIL: compared $total definitions, expected $want"
		status=1
	fi
	awk -v s="$same" -v t="$total" 'BEGIN { exit !(t && s * 100 >= 99 * t) }' ||
	    { echo "   FAIL: agreement under 99%"; status=1; }
	grep -q DIFFERS "$OUT/$p.diffs" && status=1
done
echo "outputs in $OUT"
exit $status
