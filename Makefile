# Veil: `make run` starts Keycloak with the demo realm and the server with its embedded defaults,
# `make test` runs the suite.
# Both install what is missing: Debian packages through apt, Maven dependencies through ./mvnw
# (cached under ~/.m2).

JAVA_HOME ?= /usr/lib/jvm/temurin-25-jdk-amd64
export JAVA_HOME
MVN := ./mvnw -B -ntp
APT_PACKAGES := libpixelmed-java libpixelmed-codec-java libpixelmed-imageio-java dcmtk curl tesseract-ocr tesseract-ocr-eng libtesseract5 libcharls2 dicom3tools chromium
# Commands that may come from another source than Debian's package (NodeSource's nodejs brings npm).
APT_COMMANDS := node:nodejs npm:npm
NPM_CACHE := $(HOME)/.cache/veil/npm
APP := target/quarkus-app/quarkus-run.jar
# The prebuilt OHIF viewer, pinned; fetched from the npm registry once (docs/ohif.md).
OHIF_VERSION := 3.13.2
OHIF_HOME := $(HOME)/.cache/veil/ohif-$(OHIF_VERSION)
export VEIL_VIEWER_DIR := $(OHIF_HOME)/dist

.PHONY: run test fuzz soak aot bench deid deps package clean k8s native native-toolchain test-native bench-native

deps:
	@test -x "$(JAVA_HOME)/bin/java" || { echo "JDK 25 not found at JAVA_HOME=$(JAVA_HOME) (the build targets release 25)"; exit 1; }
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	for c in $(APT_COMMANDS); do command -v $${c%%:*} >/dev/null 2>&1 || missing="$$missing $${c#*:}"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
	@test -f "$(OHIF_HOME)/dist/index.html" || { \
	  echo "fetching the OHIF viewer @ohif/app@$(OHIF_VERSION)"; \
	  mkdir -p "$(OHIF_HOME).tmp" && cd "$(OHIF_HOME).tmp" && \
	  npm pack --silent --cache "$(NPM_CACHE)" "@ohif/app@$(OHIF_VERSION)" >/dev/null && tar xzf ohif-app-$(OHIF_VERSION).tgz && \
	  rm -rf "$(OHIF_HOME)" && mv package "$(OHIF_HOME)" && cd / && rm -rf "$(OHIF_HOME).tmp"; }
	@# playwright-core needs Node 20 or later; Debian 12's own nodejs is 18: said plainly rather than failing in the browser tests.
	@[ "$$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ] || { 	  echo "Node $$(node --version) is too old: the browser tests' playwright-core needs Node 20 or later (NodeSource's nodejs 20, or Debian 13's)"; exit 1; }
	@# playwright-core and dicomweb-client for the browser tests, at the versions package-lock.json pins (Debian's chromium runs them).
	@cd src/test/browser && ( for m in playwright-core dicomweb-client; do \
	  [ "$$(node -p "require('./node_modules/'+process.argv[1]+'/package.json').version" $$m 2>/dev/null)" = \
	    "$$(node -p "require('./package-lock.json').packages['node_modules/'+process.argv[1]].version" $$m)" ] || exit 1; \
	  done ) || npm ci --silent --no-audit --no-fund --cache "$(NPM_CACHE)"

package: deps
	$(MVN) package -DskipTests
	rm -f target/quarkus-app/app.aot

run: package
	src/main/scripts/run-local.sh

test: deps
	$(MVN) verify

# Each fuzz test (Jazzer) mutates its corpus for FUZZ_DURATION, then what it found new joins the
# committed corpus under src/test/resources/…/<Test>Inputs/ (commit it). make test runs the same
# for 30 s each; a finding fails the run and is written beside the corpus as crash-<sha1>.
FUZZ_DURATION ?= 10m
FUZZ_TARGETS := part10 multipart qido json
fuzz: deps
	$(MVN) test-compile $(foreach t,$(FUZZ_TARGETS),surefire:test@fuzz-$(t)) -Dveil.fuzz.duration=$(FUZZ_DURATION)
	@for d in .cifuzz-corpus/*/*; do \
	  cls=$${d#.cifuzz-corpus/}; cls=$${cls%%/*}; \
	  dest=src/test/resources/$$(echo $${cls%.*} | tr . /)/$${cls##*.}Inputs/$${d##*/}; mkdir -p $$dest; n=0; \
	  for f in $$d/*; do [ -e $$dest/$${f##*/} ] || { cp $$f $$dest/; n=$$((n+1)); }; done; \
	  echo "$$cls: $$n new inputs in $$dest"; done

# k8s/base after a chart change: the chart rendered with k8s/values.yaml (HelmChartTest checks it).
k8s:
	$(MVN) -q test -Dtest='HelmChartTest#k8sBaseIsWhatTheChartRenders' -Dveil.k8s.write=true

# Veil beside Orthanc (bench/orthanc.sh unpacks Debian's), then Veil's own figures; docs/benchmarks.md.
# The jar packaged as aot-jar (every jar on its manifest's class path) with the JDK's ahead-of-time
# cache (JEP 483, 515): classes loaded and linked, and method profiles, from a short run of every
# path the benchmark measures (BENCH_ONLY=train), written to target/quarkus-app/app.aot when that
# server exits. Valid only with that jar and the JVM build that made it; without the cache an
# aot-jar starts slower than the default fast-jar (docs/deployment.md, "Start-up and warm-up on the JVM").
aot: deps
	rm -f target/quarkus-app/app.aot
	$(MVN) package -DskipTests -Dquarkus.package.jar.type=aot-jar
	BENCH_AOT=off BENCH_ONLY=train BENCH_STUDIES=10 BENCH_INSTANCES=50 \
	  BENCH_SERVER_JVM_OPTS="-XX:AOTCacheOutput=$(CURDIR)/target/quarkus-app/app.aot" bench/run.sh > target/aot-training.log
	@test -s target/quarkus-app/app.aot || { echo "the training run wrote no cache (target/aot-training.log)"; exit 1; }
	@# What the training run handled must not be in the cache: its PatientIDs, the CT's institution, a token.
	@if grep -a -q -e 'BENCH[0-9]' -e 'JFK IMAGING' -e 'eyJhbGciOi' target/quarkus-app/app.aot; then \
	  echo "the cache holds data the training run handled; not kept"; rm -f target/quarkus-app/app.aot; exit 1; fi

bench: aot
	bench/run.sh org.veil.bench.SideBySide
	bench/run.sh

# STOW, WADO, QIDO, rendered, de-identified reads and consent changes at once for SOAK_DURATION
# against the packaged server sized as in its pod: answers, p99 and resident memory over time
# (docs/benchmarks.md). make test runs 90 s of it (SoakIT).
SOAK_DURATION ?= 30m
soak: package
	SOAK_DURATION=$(SOAK_DURATION) bench/run.sh org.veil.bench.SoakBenchmark

# The native executable (docs/deployment.md, "Native executable"): GRAALVM_HOME when set;
# otherwise a Mandrel-equivalent toolchain assembled once into ~/.cache/veil-native-toolchain
# from Maven Central and Debian by src/main/scripts/native-toolchain.sh.
NATIVE_TOOLCHAIN := $(HOME)/.cache/veil-native-toolchain
native-toolchain:
	@if [ -n "$$GRAALVM_HOME" ]; then echo "using GRAALVM_HOME=$$GRAALVM_HOME"; \
	elif [ -x "$(NATIVE_TOOLCHAIN)/bin/native-image" ]; then echo "using $(NATIVE_TOOLCHAIN)"; \
	else \
	  echo "assembling a native-image toolchain into $(NATIVE_TOOLCHAIN) (3-5 minutes)"; \
	  bash src/main/scripts/native-toolchain.sh "$(NATIVE_TOOLCHAIN)"; \
	fi

NATIVE_HOME = $${GRAALVM_HOME:-$(NATIVE_TOOLCHAIN)}
native: deps native-toolchain
	$(MVN) package -Dnative -DskipTests -Dquarkus.native.graalvm-home="$(NATIVE_HOME)"

# Time to ready, memory and size of the native executable (built by make native) beside the JVM
# application (docs/benchmarks.md).
bench-native: aot
	bench/run.sh org.veil.bench.NativeFootprint

# Builds the executable, then runs the HTTP-level and process tests against it (not part of make test).
test-native: deps native-toolchain
	$(MVN) verify -Dnative -Dquarkus.native.graalvm-home="$(NATIVE_HOME)"

# De-identify every DICOM file under IN into OUT for a purpose, with VEIL_DEID_SECRET:
#   make deid PURPOSE=teaching IN=dir OUT=dir
deid: package
	@test -n "$(PURPOSE)" -a -n "$(IN)" -a -n "$(OUT)" || { echo "usage: make deid PURPOSE=teaching IN=dir OUT=dir"; exit 2; }
	$(JAVA_HOME)/bin/java -jar $(APP) deid --purpose "$(PURPOSE)" "$(IN)" "$(OUT)"

clean:
	$(MVN) clean
