#!/bin/sh
# debs.sh - the packages, end to end ("make check-packages").
#
# 1. "make dist" in the build tree; the tarball is unpacked, its
#    packaging/debian copied to debian/ and "dpkg-buildpackage -us -uc -b"
#    builds plumb-agent, plumb-collector and plumb-content;
# 2. lintian on the result: any E: line fails;
# 3. each .deb holds what it must (binaries, conffiles, units, man pages,
#    the plant data stream);
# 4. with PLUMB_INSTALL_TEST=1 or CI set (this installs packages on the
#    machine: meant for throw-away CI machines), "apt-get install -y" of
#    the three .debs, then: the system users, the directories with their
#    owners and modes, the conffiles, "systemd-analyze verify" of the
#    installed units; a test PKI (tests/pki/make-pki.sh), the installed
#    /usr/bin/plumb-collector started as the plumb-collector user, the
#    installed "plumb scan" of the installed plant baseline delivering to
#    it (uploader dropped to run_as = plumb), and the bundle's row in the
#    collector's database and its log line; then purge;
# 5. "rpmbuild -bb --nodeps" of packaging/rpm/plumb.spec from the same
#    tarball (skipped without rpmbuild).
# Environment: top_srcdir, top_builddir (a configured build tree).
# Exit 77 when dpkg-buildpackage, debhelper or lintian is missing.
# Ends with "N passed, N failed".
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"
LC_ALL=C
export LC_ALL
# Run from "make check-packages": the package builds run their own make.
unset MAKEFLAGS MFLAGS MAKELEVEL

for t in dpkg-buildpackage dh lintian fakeroot; do
	if ! command -v "$t" >/dev/null 2>&1; then
		echo "SKIP: $t not installed (debhelper, lintian, dpkg-dev)"
		exit 77
	fi
done
if [ ! -f "$top_builddir/Makefile" ]; then
	echo "debs.sh: $top_builddir is not a configured build tree" >&2
	exit 99
fi
top_builddir=$(cd "$top_builddir" && pwd)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/plumb-debs.XXXXXX")
chmod 0755 "$tmp"
collector_pid=
cleanup() {
	if [ -n "$collector_pid" ]; then
		kill "$collector_pid" 2>/dev/null || :
		wait "$collector_pid" 2>/dev/null || :
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM
. "$top_srcdir/tests/tap.sh"

# ---- 1. the tarball and the .debs
echo "# make dist"
if ! make -C "$top_builddir" dist >"$tmp/dist.log" 2>&1; then
	tail -n 20 "$tmp/dist.log"
	not_ok "make dist"
	finish
fi
tarball=$(ls -t "$top_builddir"/plumb-*.tar.gz | head -n 1)
ok "make dist: $(basename "$tarball")"
mkdir "$tmp/deb"
tar -xzf "$tarball" -C "$tmp/deb"
src=$(ls -d "$tmp"/deb/plumb-*/)
src=${src%/}
cp -R "$src/packaging/debian" "$src/debian"
echo "# dpkg-buildpackage -us -uc -b (a few minutes)"
if (cd "$src" && dpkg-buildpackage -us -uc -b) >"$tmp/build.log" 2>&1
then
	ok "dpkg-buildpackage -us -uc -b"
else
	tail -n 40 "$tmp/build.log"
	not_ok "dpkg-buildpackage -us -uc -b"
	finish
fi
debs=
for p in plumb-agent plumb-collector plumb-content; do
	f=$(ls "$tmp"/deb/${p}_*.deb 2>/dev/null | head -n 1)
	check "$p .deb built" test -n "$f"
	debs="$debs $f"
done
changes=$(ls "$tmp"/deb/plumb_*.changes | head -n 1)

# ---- 2. lintian
lintian --info "$changes" >"$tmp/lintian.log" 2>&1 || :
ne=$(grep -c '^E: ' "$tmp/lintian.log" || :)
nw=$(grep -c '^W: ' "$tmp/lintian.log" || :)
echo "# lintian: $ne error(s), $nw warning(s)"
grep -E '^[EW]: ' "$tmp/lintian.log" | sed 's/^/#   /' || :
check "lintian reports no errors" test "$ne" -eq 0

# ---- 3. contents
# has DEB PATH...: every PATH is in the package.
has() {
	hd=$1
	shift
	dpkg-deb -c "$hd" | awk '{ print $6 }' | sed 's|^\./|/|' >"$tmp/list"
	for hp in "$@"; do
		grep -qx "$hp" "$tmp/list" || { echo "# missing: $hp"; return 1; }
	done
}
# conffiles DEB: the conffiles of a .deb, one a line.
conffiles() {
	rm -rf "$tmp/ctl"
	dpkg-deb -e "$1" "$tmp/ctl"
	cat "$tmp/ctl/conffiles" 2>/dev/null || :
}
set -- $debs
agent_deb=$1 collector_deb=$2 content_deb=$3
check "plumb-agent: plumb, agent.conf, units, man pages" has "$agent_deb" \
    /usr/bin/plumb /etc/plumb/agent.conf \
    /lib/systemd/system/plumb-agent.service \
    /lib/systemd/system/plumb-scan.service \
    /lib/systemd/system/plumb-scan.timer \
    /usr/share/man/man8/plumb.8.gz /usr/share/man/man5/plumb.conf.5.gz
check "plumb-collector: plumb-collector, its config, unit, man pages" \
    has "$collector_deb" /usr/bin/plumb-collector \
    /etc/plumb/plumb-collector.conf \
    /lib/systemd/system/plumb-collector.service \
    /usr/share/man/man8/plumb-collector.8.gz \
    /usr/share/man/man5/plumb-collector.conf.5.gz
check "plumb-content: data stream, tailorings, control set" \
    has "$content_deb" /usr/share/plumb/benchmarks/plumb-plant-ds.xml \
    /usr/share/plumb/benchmarks/tailoring/ssg-debian11-mes-tailoring.xml \
    /usr/share/plumb/controls/isms-controls.ini
check "agent.conf is a conffile" test "$(conffiles "$agent_deb")" = \
    /etc/plumb/agent.conf
check "plumb-collector.conf is a conffile" \
    test "$(conffiles "$collector_deb")" = /etc/plumb/plumb-collector.conf

# ---- 4. install and deliver a scan
if [ "${PLUMB_INSTALL_TEST:-0}" = 1 ] || [ -n "${CI:-}" ]; then
	install_test=yes
else
	install_test=no
	echo "# install test skipped: set PLUMB_INSTALL_TEST=1 (or CI) to" \
	    "install the packages on this machine"
fi
if [ "$install_test" = yes ] && [ "$(id -u)" -ne 0 ]; then
	echo "# install test skipped: not root"
	install_test=no
fi
if [ "$install_test" = yes ]; then
	for t in sqlite3 openssl setpriv; do
		if ! command -v "$t" >/dev/null 2>&1; then
			echo "# install test skipped: $t not installed"
			install_test=no
		fi
	done
fi

if [ "$install_test" = yes ]; then
	echo "# apt-get install -y the three packages"
	# shellcheck disable=SC2086
	if DEBIAN_FRONTEND=noninteractive apt-get install -y $debs \
	    >"$tmp/apt.log" 2>&1; then
		ok "apt-get install -y ./plumb-*.deb"
	else
		tail -n 30 "$tmp/apt.log"
		not_ok "apt-get install -y ./plumb-*.deb"
		finish
	fi
	check "system user plumb exists" sh -c \
	    "getent passwd plumb >/dev/null"
	check "system user plumb-collector exists" sh -c \
	    "getent passwd plumb-collector >/dev/null"
	check "plumb-collector has no login shell" test "$(getent passwd \
	    plumb-collector | cut -d: -f7)" = /usr/sbin/nologin
	check "/var/lib/plumb root:root 700" \
	    test "$(stat -c '%U:%G %a' /var/lib/plumb)" = "root:root 700"
	check "/var/spool/plumb root:root 700" \
	    test "$(stat -c '%U:%G %a' /var/spool/plumb)" = "root:root 700"
	check "/var/lib/plumb-collector plumb-collector:plumb-collector 750" \
	    test "$(stat -c '%U:%G %a' /var/lib/plumb-collector)" = \
	    "plumb-collector:plumb-collector 750"
	check "dpkg records /etc/plumb/agent.conf as a conffile" sh -c \
	    "dpkg-query -W -f='\${Conffiles}\n' plumb-agent |
	    grep -q '^ /etc/plumb/agent.conf '"
	check "installed plumb --version" test "$(/usr/bin/plumb --version)" = \
	    "plumb $(sed -n 's/^plumb (\([^)]*\)).*/\1/p;q' \
	    "$src/debian/changelog")"
	if command -v systemd-analyze >/dev/null 2>&1; then
		if systemd-analyze verify \
		    /lib/systemd/system/plumb-agent.service \
		    /lib/systemd/system/plumb-scan.service \
		    /lib/systemd/system/plumb-scan.timer \
		    /lib/systemd/system/plumb-collector.service \
		    >"$tmp/verify.log" 2>&1 && [ ! -s "$tmp/verify.log" ]; then
			ok "systemd-analyze verify: the installed units"
		else
			cat "$tmp/verify.log"
			not_ok "systemd-analyze verify: the installed units"
		fi
	fi
	if command -v man >/dev/null 2>&1; then
		check "man finds plumb(8) and plumb-collector.conf(5)" sh -c \
		    '{ man -w 8 plumb && man -w 5 plumb-collector.conf; } >/dev/null'
	fi

	# A PKI; the collector's files readable by its user only.
	pki=$tmp/pki
	if ! sh "$src/tests/pki/make-pki.sh" "$pki" >"$tmp/pki.log" 2>&1; then
		cat "$tmp/pki.log"
		not_ok "make-pki.sh"
		finish
	fi
	c=$tmp/collector
	mkdir -p "$c/db"
	cp "$pki/server.pem" "$pki/server.key" "$pki/ca.pem" "$c/"
	cat >"$c/collector.conf" <<CONF
[server]
listen = 127.0.0.1
port = 0
cert = $c/server.pem
key = $c/server.key
agent_ca = $c/ca.pem
[storage]
database = $c/db/plumb.db
evidence_dir = $c/db/evidence
CONF
	chown -R plumb-collector:plumb-collector "$c"
	chmod -R go-rwx "$c"
	as_collector() {
		setpriv --reuid=plumb-collector --regid=plumb-collector \
		    --init-groups "$@"
	}
	check_config() {
		as_collector /usr/bin/plumb-collector -c "$c/collector.conf" \
		    --check-config >/dev/null
	}
	check "plumb-collector --check-config as plumb-collector" check_config
	# setpriv execs the collector: $! is the collector itself.
	setpriv --reuid=plumb-collector --regid=plumb-collector --init-groups \
	    /usr/bin/plumb-collector -c "$c/collector.conf" \
	    --port-file "$c/port" 2>"$tmp/collector.err" &
	collector_pid=$!
	i=0
	while [ ! -s "$c/port" ] && kill -0 "$collector_pid" 2>/dev/null &&
	    [ $i -lt 200 ]; do
		i=$((i + 1))
		sleep 0.05
	done
	if [ ! -s "$c/port" ]; then
		cat "$tmp/collector.err"
		not_ok "installed plumb-collector listens"
		finish
	fi
	port=$(cat "$c/port")
	ok "installed plumb-collector listens on port $port"
	# ps -o user= shortens names over 8 characters: compare the uid.
	check "plumb-collector runs as plumb-collector" test "$(ps -o uid= \
	    -p "$collector_pid" | tr -d ' ')" = "$(id -u plumb-collector)"

	# The agent: packaged content, state and spool directories; the
	# uploader drops to the packaged "plumb" user.
	cat >"$tmp/agent.conf" <<CONF
[agent]
host_id = $(cat "$pki/host-id")
content = /usr/share/plumb/benchmarks/plumb-plant-ds.xml
profile = xccdf_org.plumb.content_profile_core
state_dir = /var/lib/plumb
[collector]
url = https://localhost:$port/api/v1/bundles
ca_file = $pki/ca.pem
cert_file = $pki/agent.pem
key_file = $pki/agent.key
connect_timeout_s = 5
timeout_s = 60
[spool]
spool_dir = /var/spool/plumb
[limits]
run_as = plumb
CONF
	/usr/bin/plumb spool purge --config "$tmp/agent.conf" >/dev/null 2>&1 ||
	    :
	if out=$(/usr/bin/plumb scan --config "$tmp/agent.conf" \
	    2>"$tmp/scan.err"); then
		ok "installed plumb scan exits 0"
	else
		cat "$tmp/scan.err"
		not_ok "installed plumb scan exits 0"
	fi
	uuid=$(printf '%s\n' "$out" |
	    sed -n 's/^bundle \([0-9a-f-]*\) spooled$/\1/p')
	check "plumb scan names its bundle" test -n "$uuid"
	check "spool empty afterwards (delivered)" \
	    test -z "$(find /var/spool/plumb -name '*.p7m')"
	i=0
	while ! grep -q " 201 $uuid " "$tmp/collector.err" && [ $i -lt 40 ]
	do
		i=$((i + 1))
		sleep 0.05
	done
	check "collector log: 201 for the bundle" \
	    grep -q " 201 $uuid " "$tmp/collector.err"
	# The rule count as the installed CLI prints it (one line a rule).
	nrules=$(/usr/bin/plumb xccdf eval --progress \
	    --profile xccdf_org.plumb.content_profile_core \
	    /usr/share/plumb/benchmarks/plumb-plant-ds.xml 2>/dev/null |
	    grep -c '^xccdf_.*:' || :)
	row=$(sqlite3 "$c/db/plumb.db" "SELECT host || '|' || profile_id ||
	    '|' || (SELECT count(*) FROM rule_results r WHERE
	    r.bundle_id = b.id) FROM bundles b WHERE uuid = '$uuid'" 2>&1 || :)
	check "collector database: the bundle's row ($row)" test "$row" = \
	    "$(cat "$pki/host-id")|xccdf_org.plumb.content_profile_core|$nrules"
	check "the core profile has rules ($nrules)" test "$nrules" -gt 0
	check "database and evidence owned by plumb-collector" test \
	    "$(find "$c/db" ! -user plumb-collector | wc -l)" -eq 0
	kill "$collector_pid" 2>/dev/null || :
	wait "$collector_pid" 2>/dev/null || :
	check "plumb-collector stopped by SIGTERM" \
	    sh -c "! kill -0 $collector_pid 2>/dev/null"
	collector_pid=

	# Purge: the agent's state and spool go, the collector's data stays.
	touch /var/lib/plumb-collector/keep
	if DEBIAN_FRONTEND=noninteractive apt-get purge -y plumb-agent \
	    plumb-collector plumb-content >"$tmp/purge.log" 2>&1; then
		ok "apt-get purge"
	else
		tail -n 20 "$tmp/purge.log"
		not_ok "apt-get purge"
	fi
	check "purge removed /var/lib/plumb and /var/spool/plumb" \
	    test ! -e /var/lib/plumb -a ! -e /var/spool/plumb
	check "purge removed /etc/plumb/agent.conf" \
	    test ! -e /etc/plumb/agent.conf
	check "purge kept the collector's data" \
	    test -f /var/lib/plumb-collector/keep
	rm -rf /var/lib/plumb-collector
fi

# ---- 5. the RPM
if command -v rpmbuild >/dev/null 2>&1; then
	r=$tmp/rpm
	mkdir -p "$r/SOURCES"
	cp "$tarball" "$r/SOURCES/"
	echo "# rpmbuild -bb --nodeps (a few minutes)"
	if rpmbuild -bb --nodeps -D "_topdir $r" \
	    "$src/packaging/rpm/plumb.spec" >"$tmp/rpm.log" 2>&1; then
		ok "rpmbuild -bb --nodeps packaging/rpm/plumb.spec"
	else
		tail -n 40 "$tmp/rpm.log"
		not_ok "rpmbuild -bb --nodeps packaging/rpm/plumb.spec"
		finish
	fi
	rpm_plumb_agent=$(find "$r/RPMS" -name 'plumb-agent-[0-9]*.rpm')
	rpm_plumb_collector=$(find "$r/RPMS" -name 'plumb-collector-[0-9]*.rpm')
	rpm_plumb_content=$(find "$r/RPMS" -name 'plumb-content-[0-9]*.rpm')
	check "plumb-agent RPM built" test -f "$rpm_plumb_agent"
	check "plumb-collector RPM built" test -f "$rpm_plumb_collector"
	check "plumb-content RPM built" test -f "$rpm_plumb_content"
	check "RPM plumb-agent: agent.conf is %config" sh -c \
	    "rpm -qp --configfiles '$rpm_plumb_agent' 2>/dev/null |
	    grep -qx /etc/plumb/agent.conf"
	check "RPM plumb-agent: plumb and plumb-scan.timer" sh -c \
	    "rpm -qlp '$rpm_plumb_agent' 2>/dev/null | grep -qx /usr/bin/plumb &&
	    rpm -qlp '$rpm_plumb_agent' 2>/dev/null | grep -q 'plumb-scan.timer$'"
	check "RPM plumb-collector: plumb-collector.conf is %config" sh -c \
	    "rpm -qp --configfiles '$rpm_plumb_collector' 2>/dev/null |
	    grep -qx /etc/plumb/plumb-collector.conf"
	check "RPM plumb-content: the plant data stream" sh -c \
	    "rpm -qlp '$rpm_plumb_content' 2>/dev/null |
	    grep -qx /usr/share/plumb/benchmarks/plumb-plant-ds.xml"
else
	echo "# rpmbuild not installed: RPM not built"
fi

finish
