#!/usr/bin/env bash
# Builds the offline FHIR R4 validator (HAPI FHIR, from Maven Central) into .local/fhir-validator,
# once: a stamp holds the hash of pom.xml and the Java source, so a change to either rebuilds it.
#
#   bash tools/fhir-validator/build.sh         build when missing or stale, showing progress
#   bash tools/fhir-validator/build.sh --path  print the jar's path (after building if needed)
#
# The first build downloads HAPI, its dependencies and Maven's plugins (about 150 MB) into ~/.m2;
# later builds run Maven offline (-o), so a machine without network rebuilds from that cache.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/.local/fhir-validator"
jar="$out/ordo-fhir-validator.jar"
stamp="$out/.complete"

log() { printf '\033[36m[fhir-validator]\033[0m %s\n' "$*" >&2; }

# sha256sum on Linux, shasum on macOS.
sha256() { if command -v sha256sum >/dev/null; then sha256sum "$@"; else shasum -a 256 "$@"; fi; }

# The names and contents of pom.xml and the sources, in a stable order.
fingerprint() {
  (cd "$here" && for file in pom.xml $(find src -type f | LC_ALL=C sort); do echo "$file"; cat "$file"; done) | sha256 | cut -d' ' -f1
}

built() { [ -f "$stamp" ] && [ -f "$jar" ] && [ "$(cat "$stamp")" = "$1" ]; }

build() {
  local wanted; wanted="$(fingerprint)"
  if built "$wanted"; then return; fi
  # Two test runs may ask at once: one builds, the other waits for it and finds it built.
  mkdir -p "$(dirname "$out")"
  if command -v flock >/dev/null; then
    exec 9>"$out.lock"
    flock 9
  fi
  if built "$wanted"; then return; fi
  command -v mvn >/dev/null || { echo "Maven (mvn) is needed to build the FHIR validator" >&2; exit 1; }
  command -v java >/dev/null || { echo "Java 17 is needed to run the FHIR validator" >&2; exit 1; }
  local started=$SECONDS
  rm -rf "$out"
  mkdir -p "$out"
  local maven=(mvn -B -Dstyle.color=never -f "$here/pom.xml" -Dvalidator.dir="$out" package)
  log "building with HAPI FHIR into $out"
  if "${maven[@]}" -o -q >"$out/maven-offline.log" 2>&1; then
    log "built from the local Maven cache in $((SECONDS - started)) s"
  else
    log "fetching HAPI FHIR and its dependencies from Maven Central (first build only)"
    # One line per jar fetched and per build step: the progress of a download that can take minutes.
    set +e
    "${maven[@]}" 2>&1 | tee "$out/maven.log" | grep --line-buffered -E '^\[INFO\] (Downloaded from .*\.jar |--- |Building jar|BUILD)|ERROR' |
      sed -u -E 's/^\[INFO\] Downloaded from [^:]+: [^ ]*\/([^/ ]+) \(.*$/  downloaded \1/; s/^\[INFO\] (--- )?/  /; s/ ---$//' >&2
    local status=${PIPESTATUS[0]}
    set -e
    if [ "$status" -ne 0 ] || [ ! -f "$jar" ]; then
      log "the build failed; the end of $out/maven.log:"
      tail -n 30 "$out/maven.log" >&2
      exit 1
    fi
    log "built in $((SECONDS - started)) s"
  fi
  echo "$wanted" >"$stamp"
}

build
if [ "${1:-}" = "--path" ]; then echo "$jar"; fi
