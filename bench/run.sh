#!/usr/bin/env bash
# Runs the benchmark against the packaged server (with the test Keycloak for tokens); prints a Markdown section for docs/benchmarks.md.
# Sizes: BENCH_STUDIES (default 20) x BENCH_INSTANCES (default 50); BENCH_SERVER_JVM_OPTS go to the server.
# With the argument org.veil.bench.NativeFootprint (make bench-native) it compares the JVM
# application with the native executable instead; with org.veil.bench.SoakBenchmark (make soak) it
# runs the mixed load for SOAK_DURATION (default 30m).
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -ntp -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
"$JAVA_HOME/bin/java" -Xmx6g --enable-native-access=ALL-UNNAMED -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  -Dveil.testdata=src/test/data \
  -Dveil.app.jar=target/quarkus-app/quarkus-run.jar \
  -Dbench.native.executable="$(ls "$PWD"/target/*-runner 2>/dev/null | head -1)" \
  -Dveil.keycloak.home="$(ls -d target/keycloak/keycloak-* | head -1)" \
  -Dveil.keycloak.realm=helm/veil/files/veil-realm.json \
  -Dbench.jvmOptions="${BENCH_SERVER_JVM_OPTS:-}" \
  -Dsoak.duration="${SOAK_DURATION:-30m}" \
  -Dbench.studies="${BENCH_STUDIES:-20}" -Dbench.instances="${BENCH_INSTANCES:-50}" \
  "${1:-org.veil.bench.Benchmark}"
