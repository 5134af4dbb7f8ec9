#!/usr/bin/env bash
# ./test.sh: installs the OS packages the tests need when they are missing, then runs every
# test (unit, in-framework and end-to-end) with the Maven wrapper. Extra arguments go to Maven,
# e.g. ./test.sh -pl kernel -am   or   ./test.sh -Dit.test=DropInIT
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

# Debian packages the tests use: the real interpreters and peers (no mocks where the real
# thing runs here). Keep this list the one place that names them.
packages=(python3 perl ruby nginx-light uwsgi-core uwsgi-plugin-python3 curl openssl media-types python3-flask python3-django python3-pastedeploy python3-uwsgidecorators ruby-rack ruby-sinatra puma libplack-perl libdancer2-perl starman wrk)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "test.sh: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "test.sh: the tests need these Debian packages: ${missing[*]} (install them: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
fi

. "$root/dist/src/main/dist/bin/find-java.sh"
uwsgi4j_find_java || exit 1
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"
exec ./mvnw -B -ntp verify "$@"
