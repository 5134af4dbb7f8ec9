# Sourced by bin/uwsgi4j, ./uwsgi4j and ./test.sh: sets JAVA to a Java 25 (or newer) binary.
# Looks in $JAVA_HOME, then `java` on PATH, then the JDKs in /usr/lib/jvm; when none is
# found it says what to install and returns 1.
uwsgi4j_java_feature() { # prints the feature version of the java binary $1, or nothing
  local release
  release="$(dirname "$(readlink -f "$1")")/../release"
  if [ -f "$release" ]; then # a JDK's release file says it without starting a JVM
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release"
  else
    "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
  fi
}
uwsgi4j_find_java() {
  local candidate v
  for candidate in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java 2>/dev/null)" /usr/lib/jvm/*/bin/java; do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    v=$(uwsgi4j_java_feature "$candidate")
    if [ -n "$v" ] && [ "$v" -ge 25 ]; then
      JAVA="$candidate"
      JAVA_HOME="$(cd "$(dirname "$(readlink -f "$candidate")")/.." && pwd)"
      export JAVA_HOME
      return 0
    fi
  done
  echo "uwsgi4j: needs a Java 25 JDK: none found in \$JAVA_HOME, on PATH or in /usr/lib/jvm (install one, e.g. Temurin 25, or set JAVA_HOME)" >&2
  return 1
}
