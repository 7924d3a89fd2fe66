#!/usr/bin/env bash
# Makes the TLS test certificates in test/fixtures/certs (committed, so tests never need openssl):
# a test CA, the central system's server certificate for 127.0.0.1, a charge point client
# certificate (security profile 3: CN = the charge point identity, O = the CPO, whitepaper
# A00.FR.404/405) signed by that CA, and a second CA with a client certificate nobody trusts.
# Valid for 100 years. Run it again only to replace them: `bash scripts/make-test-certs.sh`.
set -euo pipefail
cd "$(dirname "$0")/../test/fixtures/certs"
days=36500
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ca() { # name subject
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days "$days" \
    -subj "$2" -keyout "$1.key" -out "$1.crt" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}

leaf() { # name subject issuer extensions
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "$2" \
    -keyout "$1.key" -out "$work/$1.csr" 2>/dev/null
  printf '%s\n' "$4" >"$work/$1.ext"
  openssl x509 -req -in "$work/$1.csr" -CA "$3.crt" -CAkey "$3.key" -CAcreateserial -CAserial "$work/$3.srl" \
    -days "$days" -extfile "$work/$1.ext" -out "$1.crt" 2>/dev/null
}

ca ca "/O=ocppkit test CPO/CN=ocppkit test CA"
ca untrusted-ca "/O=Somebody else/CN=untrusted test CA"
# The SAN IP is what lets Node verify the server at https://127.0.0.1 (RFC 2818 hostname check).
leaf server "/O=ocppkit test CPO/CN=127.0.0.1" ca \
  "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1"
leaf cp-1 "/O=ocppkit test CPO/CN=CP-1" ca \
  "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth"
leaf intruder "/O=ocppkit test CPO/CN=CP-1" untrusted-ca \
  "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth"
rm -f ./*.srl
echo "test certificates written to $(pwd)"
