#!/bin/sh
# pg.sh - run the collector's store tests against PostgreSQL: starts a
# private cluster (Debian package postgresql) in a temporary directory,
# listening on 127.0.0.1 on a free port with trust authentication, and
# removes it at exit.  Each command gets a database of its own, named in
# PLUMB_TEST_PG (postgresql://postgres@127.0.0.1:PORT/DB); PSQL names the
# cluster's psql.
#
#   tests/collector/pg.sh            tests/unit/check_store, then every
#                                    tests/collector/*.sh test (ingest.sh,
#                                    refusals.sh, ...; lib.sh switches to
#                                    PostgreSQL when PLUMB_TEST_PG is set)
#   tests/collector/pg.sh CMD ARG..  check_store, then CMD ARG.. (e.g.
#                                    sh tests/collector/ingest.sh)
#
# A collector test that only makes sense on SQLite exits 77 when
# PLUMB_TEST_PG is set (reported as skipped here).
#
# Databases are created with an ICU root collation when the server has
# ICU, so the tests see a collation that does not sort by bytes.
# initdb refuses to run as root: as root the cluster runs as the
# "postgres" user (created by the package) through runuser.
# The cluster runs with fsync=off (tests need no durability) unless
# PG_DURABLE=yes (the performance figures: fsync and full page writes
# on, as in production).
# Environment: top_srcdir, top_builddir, PLUMB (as make check sets
# them); PGBIN overrides /usr/lib/postgresql/<newest>/bin.  Exit 77
# (skip) when PostgreSQL is not installed.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"
LC_ALL=C
export LC_ALL top_srcdir top_builddir

if [ -z "${PGBIN:-}" ]; then
	for d in /usr/lib/postgresql/*/bin; do
		[ -x "$d/initdb" ] && PGBIN=$d
	done
fi
if [ -z "${PGBIN:-}" ] || [ ! -x "$PGBIN/initdb" ] ||
    [ ! -x "$PGBIN/pg_ctl" ] || [ ! -x "$PGBIN/psql" ]; then
	echo "SKIP: PostgreSQL server not installed (Debian package postgresql)"
	exit 77
fi

# as_pg CMD..: run as the cluster's owner.
if [ "$(id -u)" -eq 0 ]; then
	if ! id postgres >/dev/null 2>&1 ||
	    ! command -v runuser >/dev/null 2>&1; then
		echo "SKIP: running as root without a postgres user or runuser"
		exit 77
	fi
	as_pg() { runuser -u postgres -- "$@"; }
else
	as_pg() { "$@"; }
fi

pgtmp=$(mktemp -d "${TMPDIR:-/tmp}/plumb-pg.XXXXXX") || exit 99
started=
pg_cleanup() {
	if [ -n "$started" ]; then
		as_pg "$PGBIN/pg_ctl" -D "$pgtmp/data" -m immediate stop \
		    >/dev/null 2>&1 || :
	fi
	rm -rf "$pgtmp"
}
trap pg_cleanup EXIT
trap 'exit 1' HUP INT TERM
[ "$(id -u)" -eq 0 ] && chown postgres "$pgtmp"

if ! as_pg "$PGBIN/initdb" -D "$pgtmp/data" -U postgres -A trust \
    -E UTF8 --no-sync >"$pgtmp/initdb.log" 2>&1; then
	cat "$pgtmp/initdb.log"
	echo "pg.sh: initdb failed"
	exit 1
fi

durable="-c fsync=off -c full_page_writes=off"
[ "${PG_DURABLE:-no}" = yes ] && durable="-c fsync=on -c full_page_writes=on"

# A free port: try a few from a range that depends on the pid (pg_ctl
# fails when the port is taken).
port=$((20000 + $$ % 20000))
tries=0
while :; do
	if as_pg "$PGBIN/pg_ctl" -D "$pgtmp/data" -w -t 30 \
	    -l "$pgtmp/server.log" -o "-c listen_addresses=127.0.0.1 \
	    -c port=$port -c unix_socket_directories=$pgtmp \
	    $durable -c max_connections=50" \
	    start >/dev/null 2>&1; then
		started=1
		break
	fi
	tries=$((tries + 1))
	if [ $tries -ge 10 ]; then
		cat "$pgtmp/server.log" 2>/dev/null
		echo "pg.sh: cannot start the PostgreSQL server"
		exit 1
	fi
	port=$((port + 1 + tries * 97))
done

PSQL=$PGBIN/psql
export PSQL
ndb=0
# newdb: a fresh database, its URL in PLUMB_TEST_PG.
newdb() {
	ndb=$((ndb + 1))
	name=plumb_test_$ndb
	if ! "$PSQL" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres \
	    -c "CREATE DATABASE $name TEMPLATE template0 ENCODING 'UTF8' \
	    LOCALE_PROVIDER icu ICU_LOCALE 'und'" >/dev/null 2>&1; then
		"$PSQL" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres \
		    -c "CREATE DATABASE $name" >/dev/null
	fi
	PLUMB_TEST_PG=postgresql://postgres@127.0.0.1:$port/$name
	export PLUMB_TEST_PG
}

failed=0
passed=0
# run NAME CMD..: CMD against a fresh database.
run() {
	n=$1
	shift
	newdb
	echo "== $n (PLUMB_TEST_PG=$PLUMB_TEST_PG)"
	if "$@"; then
		echo "== $n: passed"
		passed=$((passed + 1))
	else
		rc=$?
		if [ $rc -eq 77 ]; then
			echo "== $n: skipped"
		else
			echo "== $n: FAILED (exit $rc)"
			failed=$((failed + 1))
		fi
	fi
}

unit=$top_builddir/tests/unit/check_store
if [ -x "$unit" ]; then
	run check_store "$unit"
else
	echo "== check_store not built (no Check): not run"
fi
if [ $# -gt 0 ]; then
	run "$*" "$@"
else
	for t in "$top_srcdir"/tests/collector/*.sh; do
		# quickstart.sh runs the quick-start page, whose collector
		# keeps its own SQLite database.
		case ${t##*/} in
		lib.sh|launch.sh|pg.sh|pg-*.sh|quickstart.sh) continue ;;
		esac
		run "tests/collector/${t##*/}" sh "$t"
	done
fi
# Something must have run against PostgreSQL: a glob that matched
# nothing, or every test skipped, is not a pass.
if [ "$passed" -eq 0 ]; then
	echo "== nothing passed against PostgreSQL"
	exit 1
fi
[ "$failed" -eq 0 ]
