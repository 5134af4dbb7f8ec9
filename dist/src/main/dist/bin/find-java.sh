# Sourced by bin/uwsgi4j, ./uwsgi4j and ./test.sh: sets JAVA to a Java 25 (or newer) binary.
# Looks in $JAVA_HOME, then `java` on PATH, then the JDKs in /usr/lib/jvm; when none is
# found it says what to install and returns 1. It runs on every start, so it starts as few
# processes as it can: a JDK's release file is read by the shell itself, and a link is resolved
# (readlink) only when the binary is one; $JAVA_HOME, which it exports, is found first next time.
uwsgi4j_java_feature() { # sets uwsgi4j_feature to the feature version of the java binary $1 (or to nothing), uwsgi4j_bin to $1 resolved
  local line
  uwsgi4j_feature="" uwsgi4j_bin="$1"
  [ ! -L "$uwsgi4j_bin" ] || uwsgi4j_bin="$(readlink -f "$uwsgi4j_bin")"
  if [ -f "${uwsgi4j_bin%/*}/../release" ]; then # a JDK's release file says it without starting a JVM
    while IFS= read -r line; do
      if [[ "$line" =~ ^JAVA_VERSION=\"([0-9]+) ]]; then uwsgi4j_feature="${BASH_REMATCH[1]}"; return 0; fi
    done < "${uwsgi4j_bin%/*}/../release"
  else
    uwsgi4j_feature="$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p')"
  fi
}
uwsgi4j_find_java() {
  local candidate
  for candidate in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java 2>/dev/null)" /usr/lib/jvm/*/bin/java; do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    uwsgi4j_java_feature "$candidate"
    if [ -n "$uwsgi4j_feature" ] && [ "$uwsgi4j_feature" -ge 25 ]; then
      JAVA="$candidate"
      case "$uwsgi4j_bin" in
        /*/bin/java) JAVA_HOME="${uwsgi4j_bin%/bin/java}" ;;
        *) JAVA_HOME="$(cd "$(dirname "$uwsgi4j_bin")/.." && pwd)" ;;
      esac
      export JAVA_HOME
      return 0
    fi
  done
  echo "uwsgi4j: needs a Java 25 JDK: none found in \$JAVA_HOME, on PATH or in /usr/lib/jvm (install one, e.g. Temurin 25, or set JAVA_HOME)" >&2
  return 1
}
