#!/bin/sh
# make-pki.sh - a throw-away PKI for the tests, made with openssl(1).
#
# usage: make-pki.sh DIR [HOST_ID]
#
# Writes into DIR (created if missing; prints nothing on success, the
# openssl log on failure):
#   ca.pem ca.key                 test CA ("plumb test CA")
#   other-ca.pem other-ca.key     an unrelated CA ("plumb other CA")
#   agent.pem agent.key           agent certificate by ca: CN = HOST_ID
#                                 (default agent01.plant.test), also a
#                                 subjectAltName DNS entry; usable as a
#                                 TLS client certificate (clientAuth) and
#                                 for CMS signing (emailProtection, so the
#                                 plain "openssl cms -verify" accepts it)
#   agent-expired.pem .key        same identity, by ca, expired in 2021
#   agent-other.pem .key          same identity, by other-ca
#   content.pem content.key       content-signing certificate by ca
#                                 (codeSigning + emailProtection)
#   server.pem server.key         collector TLS server certificate by ca,
#                                 CN localhost, SAN DNS:localhost and
#                                 IP:127.0.0.1 (serverAuth)
#   host-id                       the agent identity, one line
# Keys are EC P-256, mode 0600.  All certificates but the expired one
# are valid from one day ago for ten years.
set -eu

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: make-pki.sh DIR [HOST_ID]" >&2
	exit 2
fi
dir=$1
host=${2:-agent01.plant.test}
mkdir -p "$dir"
cd "$dir"
log=$(pwd)/make-pki.log
: >"$log"
umask 077

fail() {
	cat "$log" >&2
	echo "make-pki.sh: $*" >&2
	exit 1
}

run() {
	"$@" >>"$log" 2>&1 || fail "failed: $*"
}

# openssl ca needs a small database; one per issuing CA.
cadb() {
	rm -rf "db-$1"
	mkdir "db-$1"
	: >"db-$1/index.txt"
	printf '1000\n' >"db-$1/serial"
	cat >"db-$1/ca.cnf" <<CNF
[ca]
default_ca = this
[this]
dir = db-$1
database = \$dir/index.txt
serial = \$dir/serial
new_certs_dir = \$dir
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
[anything]
organizationName = optional
commonName = supplied
[agent]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth, emailProtection
subjectAltName = DNS:$host
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[content]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = codeSigning, emailProtection
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
}

newkey() {
	run openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	    -out "$1.key"
	chmod 600 "$1.key"
}

# newca NAME SUBJECT_CN
newca() {
	newkey "$1"
	run openssl req -new -x509 -key "$1.key" -out "$1.pem" -sha256 \
	    -days 3650 -subj "/O=plumb tests/CN=$2" \
	    -addext "basicConstraints=critical,CA:TRUE" \
	    -addext "keyUsage=critical,keyCertSign,cRLSign" \
	    -addext "subjectKeyIdentifier=hash"
	cadb "$1"
}

# issue CA NAME CN EXTENSIONS [STARTDATE ENDDATE]
issue() {
	newkey "$2"
	run openssl req -new -key "$2.key" -out "$2.csr" \
	    -subj "/O=plumb tests/CN=$3"
	if [ $# -ge 6 ]; then
		dates="-startdate $5 -enddate $6"
	else
		start=$(date -u -d '1 day ago' +%Y%m%d%H%M%SZ)
		dates="-startdate $start -days 3650"
	fi
	# shellcheck disable=SC2086
	run openssl ca -batch -notext -config "db-$1/ca.cnf" \
	    -cert "$1.pem" -keyfile "$1.key" -extensions "$4" \
	    $dates -in "$2.csr" -out "$2.pem"
	rm -f "$2.csr"
}

newca ca "plumb test CA"
newca other-ca "plumb other CA"
issue ca agent "$host" agent
issue ca agent-expired "$host" agent 20200101000000Z 20210101000000Z
issue other-ca agent-other "$host" agent
issue ca content "plumb content signing" content
issue ca server localhost server
chmod 644 ./*.pem
printf '%s\n' "$host" >host-id
chmod 644 host-id
rm -rf db-ca db-other-ca "$log"
exit 0
