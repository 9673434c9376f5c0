#!/usr/bin/env bash
# Regenerates the test CA and the loopback server certificate under testdata/tls/ that the
# authenticated docker-registry in the integration tests serves. Valid for 20 years; rerun
# to rotate. Also writes testdata/auth/htpasswd (user sigil-test, password in the README of
# testdata/auth).
set -euo pipefail
cd "$(dirname "$0")/../testdata"
d=tls
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 7300 \
  -subj "/CN=sigil test CA" -keyout $d/ca-key.pem -out $d/ca.pem \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
  -keyout $d/server-key.pem -out $d/server.csr 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' > $d/ext.cnf
openssl x509 -req -in $d/server.csr -CA $d/ca.pem -CAkey $d/ca-key.pem -CAcreateserial \
  -days 7300 -extfile $d/ext.cnf -out $d/server.pem 2>/dev/null
rm -f $d/server.csr $d/ext.cnf $d/ca.srl
python3 -c 'import crypt; print("sigil-test:" + crypt.crypt("sigil-test-password", crypt.mksalt(crypt.METHOD_BLOWFISH)))' \
  2>/dev/null > auth/htpasswd
