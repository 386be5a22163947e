#!/usr/bin/env bash
# What the tests need beyond npm packages: Java and Maven for the Kafka broker (its jars come from
# Maven Central on first start) and for the FHIR validator (HAPI FHIR, built from Maven Central jars),
# and a PostgreSQL server or the embedded one (installed on demand).
set -euo pipefail
missing=()
command -v java >/dev/null || missing+=(openjdk-17-jre-headless)
command -v mvn >/dev/null || missing+=(maven)
[ -x /usr/bin/chromium ] || missing+=(chromium) # the ops dashboard's browser test drives it through playwright-core
command -v pdftoppm >/dev/null || missing+=(poppler-utils)
command -v haproxy >/dev/null || missing+=(haproxy) # test/cluster balances two instances of each service; run as a child, never as the system's service
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing ${missing[*]} with apt-get"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  else
    echo "Please install: ${missing[*]}" >&2
    exit 1
  fi
fi
bash "$(dirname "$0")/../deploy/local/kafka.sh" fetch
# test/fhir checks every resource the FHIR API serves with HAPI FHIR's validator: built once into .local/.
bash "$(dirname "$0")/../tools/fhir-validator/build.sh"
