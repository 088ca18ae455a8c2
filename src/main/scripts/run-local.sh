#!/usr/bin/env bash
# `make run`: Keycloak with the demo realm on 127.0.0.1:8180, then Veil on 127.0.0.1:8080 in the
# foreground. Ctrl-C stops Veil; leaving this script stops the Keycloak it started, and only that.
set -euo pipefail
cd "$(dirname "$0")/../../.."
: "${JAVA_HOME:?JAVA_HOME must name a JDK 25}"
KC_HOME=$(ls -d target/keycloak/keycloak-* 2>/dev/null | head -1)
[ -n "$KC_HOME" ] || { echo "Keycloak is not unpacked: run 'make package' first"; exit 1; }
# Veil's data (and these logs) under VEIL_DATA_DIR, ./data by default: kept from one run to the next.
DATA=${VEIL_DATA_DIR:-data}
export VEIL_DATA_DIR=$DATA
mkdir -p "$KC_HOME/data/import" "$DATA"
cp helm/veil/files/veil-realm.json "$KC_HOME/data/import/veil-realm.json"

# Demo only: the Keycloak administrator is admin/admin, reachable from this machine only.
KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin \
  setsid "$KC_HOME/bin/kc.sh" start-dev --http-host=127.0.0.1 --http-port=8180 \
  --http-management-port=9180 --hostname-strict=false --db=dev-mem --import-realm --health-enabled=true \
  >"$DATA/keycloak.log" 2>&1 &
KC_PID=$!
# kc.sh starts Java as its child; setsid made KC_PID a process group, so both stop together.
trap 'kill -- "-$KC_PID" 2>/dev/null || true' EXIT INT TERM

echo "Keycloak starting on http://127.0.0.1:8180 (log: $DATA/keycloak.log); the first start takes up to a minute"
for _ in $(seq 1 240); do
  if curl -sf -o /dev/null http://127.0.0.1:9180/health/ready; then break; fi
  kill -0 "$KC_PID" 2>/dev/null || { echo "Keycloak exited:"; tail -20 "$DATA/keycloak.log"; exit 1; }
  sleep 1
done
curl -sf -o /dev/null http://127.0.0.1:9180/health/ready || { echo "Keycloak did not become ready"; exit 1; }

# Demo only: a fixed de-identification secret, so that derivatives stay the same across restarts.
# A real deployment sets its own from a secret store (docs/deidentification.md).
export VEIL_DEID_SECRET="${VEIL_DEID_SECRET:-veil-demo-secret-not-for-production}"
export VEIL_AUDIT_SECRET="${VEIL_AUDIT_SECRET:-veil-demo-audit-key-not-for-production}"
# veil-server reads the realm (view-users) to check share audiences; the demo realm's secret.
export VEIL_KEYCLOAK_CLIENT_SECRET="${VEIL_KEYCLOAK_CLIENT_SECRET:-veil-server-demo-secret}"

"$JAVA_HOME/bin/java" -jar target/quarkus-app/quarkus-run.jar &
VEIL_PID=$!
trap 'kill "$VEIL_PID" 2>/dev/null || true; kill -- "-$KC_PID" 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 120); do
  if curl -sf -o /dev/null http://127.0.0.1:8080/q/health/ready; then break; fi
  kill -0 "$VEIL_PID" 2>/dev/null || { echo "Veil exited"; exit 1; }
  sleep 1
done
src/main/scripts/demo-data.sh
cat <<'USAGE'

Veil is up.
  Viewer     http://127.0.0.1:8080/viewer/     (OHIF; choose a purpose, log in as a demo user)
  DICOMweb   http://127.0.0.1:8080/dicomweb
  Consent    http://127.0.0.1:8080/api/v1   (docs/consent-and-policy.md)
  Keycloak   http://127.0.0.1:8180          (admin/admin, this machine only)
Demo users, password = user name, purposes they may claim:
  clinician   treatment, teaching, research, publication
  consultant  consultation      (sees the shared CT ankle and ultrasound, de-identified)
  educator    teaching          (sees the CT ankle, ultrasound and MR, de-identified)
  researcher  research          (sees the MR, de-identified)
  auditor     reads the audit trail at /api/v1/audit
  admin, uploader
Tokens: see README.md. Ctrl-C stops Veil and Keycloak.
USAGE
wait "$VEIL_PID"
