#!/bin/sh
# Runs the JMH parser benchmarks (never part of `mvn verify`).
#   bench/jmh.sh                 all benchmarks, default warm-up and iterations
#   bench/jmh.sh uwsgiPacket -f 1 -wi 2 -i 3     any JMH options / benchmark regex
set -e
cd "$(dirname "$0")/.."
find_java() {
    if [ -n "$JAVA_HOME" ] && [ -x "$JAVA_HOME/bin/java" ] && "$JAVA_HOME/bin/java" -version 2>&1 | grep -q '"2[5-9]'; then
        echo "$JAVA_HOME"; return
    fi
    if command -v java >/dev/null 2>&1 && java -version 2>&1 | grep -q '"2[5-9]'; then
        dirname "$(dirname "$(readlink -f "$(command -v java)")")"; return
    fi
    for d in /usr/lib/jvm/*25* /usr/lib/jvm/*2[6-9]*; do
        if [ -x "$d/bin/java" ]; then echo "$d"; return; fi
    done
}
JAVA_HOME=$(find_java)
if [ -z "$JAVA_HOME" ]; then
    echo "bench/jmh.sh: no JDK 25 found; install one (e.g. apt-get install temurin-25-jdk) or set JAVA_HOME" >&2
    exit 1
fi
export JAVA_HOME
MVN=mvn
[ -x ./mvnw ] && MVN=./mvnw
MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" "$MVN" -B -q -pl bench -am package -DskipTests
exec "$JAVA_HOME/bin/java" -cp "bench/target/classes:$(cat bench/target/jmh.classpath)" org.openjdk.jmh.Main "$@"
