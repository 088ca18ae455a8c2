#!/usr/bin/env bash
# Runs the benchmark against the packaged server (with the test Keycloak for tokens); prints a Markdown section for docs/benchmarks.md.
# Sizes: BENCH_STUDIES (default 20) x BENCH_INSTANCES (default 50); the scale phase's series of
# BENCH_SERIES_INSTANCES (2,000) and index of BENCH_SCALE_STUDIES (1,000,000), the issue's targets;
# BENCH_SERVER_JVM_OPTS go to the server (with -XX:AOTCache when make aot has trained one; BENCH_AOT=off not); BENCH_ONLY=scale runs the scale phase alone, BENCH_ONLY=deid the de-identified phases,
# BENCH_ONLY=train every measured path once (the training run of make aot).
# With the argument org.veil.bench.SideBySide (the first half of make bench) it runs Veil beside
# Debian's Orthanc (bench/orthanc.sh) in alternating rounds, BENCH_ROUNDS (default 2).
# With the argument org.veil.bench.NativeFootprint (make bench-native) it compares the JVM
# application with the native executable instead (BENCH_ONLY=native: the executable alone; both are
# configured with de-identification and audit secrets, as the chart does; BENCH_SHOW_LOG=true prints
# each start's "started in" line, warnings and -Dquarkus.debug.print-startup-times=true lines); with org.veil.bench.SoakBenchmark (make soak) it
# runs the mixed load for SOAK_DURATION (default 30m); with org.veil.bench.WarmProbe, one warm Veil
# and one client, BENCH_ROUNDS blocks of searches, metadata and study retrievals of one study of
# BENCH_INSTANCES CT slices, each block's median and server CPU per request (for profiling a path; BENCH_ONLY=qido, metadata or
# retrieve, comma-separated, runs those blocks alone).
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -ntp -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
MAIN=${1:-org.veil.bench.Benchmark}
# BENCH_PROFILE=cpu (or wall, alloc): the server runs under async-profiler (tools.profiler on Maven
# Central), 1 ms samples with native and kernel frames, into target/bench-profile.jfr (read it
# with jfr print); the JDK's own sampler records far fewer samples per thread and no kernel time.
if [ -n "${BENCH_PROFILE:-}" ]; then
  AP_DIR=$HOME/.cache/veil/async-profiler-4.1
  if [ ! -f "$AP_DIR/libasyncProfiler.so" ]; then
    ./mvnw -B -ntp -q dependency:copy -Dartifact=tools.profiler:async-profiler:4.1 -DoutputDirectory="$AP_DIR"
    unzip -q -o -j "$AP_DIR/async-profiler-4.1.jar" 'linux-x64/libasyncProfiler.so' -d "$AP_DIR"
  fi
  BENCH_SERVER_JVM_OPTS="-agentpath:$AP_DIR/libasyncProfiler.so=start,event=$BENCH_PROFILE,interval=1ms,file=$PWD/target/bench-profile.jfr,jfr ${BENCH_SERVER_JVM_OPTS:-}"
fi
# The ahead-of-time cache make aot trained (docs/deployment.md), as a deployment would start Veil;
# BENCH_AOT=off leaves it out. A cache older than the jar is ignored by the JVM itself.
if [ "${BENCH_AOT:-on}" != off ] && [ -f target/quarkus-app/app.aot ]; then
  BENCH_SERVER_JVM_OPTS="-XX:AOTCache=$PWD/target/quarkus-app/app.aot ${BENCH_SERVER_JVM_OPTS:-}"
fi
NAMESPACE=()
if [ "$MAIN" = org.veil.bench.SideBySide ]; then
  # Orthanc 1.10 cannot be told to listen on 127.0.0.1 alone, so this benchmark runs in a network
  # namespace of its own, where loopback is the only interface: nothing it starts is reachable
  # from outside. Without namespaces (no root, no user namespaces) it does not run at all.
  ORTHANC_ROOT=$(bench/orthanc.sh)
  if [ "$(id -u)" = 0 ]; then NAMESPACE=(unshare --net); else NAMESPACE=(unshare --net --map-root-user); fi
  "${NAMESPACE[@]}" true 2>/dev/null || { echo "the side-by-side benchmark needs a network namespace (unshare --net); not run"; exit 1; }
  NAMESPACE+=(sh -c 'ip link set lo up && exec "$@"' sh)
fi
"${NAMESPACE[@]}" "$JAVA_HOME/bin/java" -Xmx6g --enable-native-access=ALL-UNNAMED -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  -Dveil.testdata=src/test/data \
  -Dveil.app.jar=target/quarkus-app/quarkus-run.jar \
  -Dbench.native.executable="$(ls "$PWD"/target/*-runner 2>/dev/null | head -1)" \
  -Dveil.keycloak.home="$(ls -d target/keycloak/keycloak-* | head -1)" \
  -Dveil.keycloak.realm=helm/veil/files/veil-realm.json \
  -Dbench.jvmOptions="${BENCH_SERVER_JVM_OPTS:-}" \
  -Dsoak.duration="${SOAK_DURATION:-30m}" \
  -Dbench.studies="${BENCH_STUDIES:-20}" -Dbench.instances="${BENCH_INSTANCES:-50}" \
  -Dbench.rounds="${BENCH_ROUNDS:-2}" -Dbench.orthanc.root="${ORTHANC_ROOT:-}" \
  -Dbench.only="${BENCH_ONLY:-}" -Dbench.showLog="${BENCH_SHOW_LOG:-false}" \
  -Dbench.seriesInstances="${BENCH_SERIES_INSTANCES:-2000}" -Dbench.scaleStudies="${BENCH_SCALE_STUDIES:-1000000}" \
  "$MAIN"
