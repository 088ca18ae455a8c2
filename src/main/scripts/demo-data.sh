#!/usr/bin/env bash
# Loads `make run`'s demo into a running Veil, as the demo users would: a clinician stores the
# sample studies through STOW, records the patients' consent and shares two studies with the demo
# consultant. Safe to run again: stored instances are stored once, an existing consent or active
# share is left as it is.
set -euo pipefail
cd "$(dirname "$0")/../../.."
VEIL=${VEIL:-http://127.0.0.1:8080}
TOKENS=${TOKENS:-http://127.0.0.1:8180/realms/veil/protocol/openid-connect/token}
SAMPLES=src/test/data

token() {
  curl -sf -d grant_type=password -d client_id=veil-cli -d "username=$1" -d "password=$1" \
       --data-urlencode "scope=$2" "$TOKENS" | sed 's/.*"access_token":"\([^"]*\)".*/\1/'
}
study_of() { dcmdump +P 0020,000d "$1" | sed 's/.*\[\(.*\)\].*/\1/' | head -1; }

TREAT=$(token clinician 'openid purpose:treatment')
ADMIN=$(token clinician 'openid')

store() {
  { printf -- '--demo\r\nContent-Type: application/dicom\r\n\r\n'; cat "$1"; printf -- '\r\n--demo--\r\n'; } |
    curl -sf -o /dev/null -X POST --data-binary @- -H "Authorization: Bearer $TREAT" \
         -H 'Content-Type: multipart/related; type="application/dicom"; boundary=demo' "$VEIL/dicomweb/studies"
}

consent() { # study, scopes as JSON list
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
         -d "{\"scopes\":$2,\"method\":\"written\",\"evidence\":{\"reference\":\"demo-consent-form\"}}" \
         "$VEIL/api/v1/studies/$1/consents")
  [ "$code" = 201 ] || [ "$code" = 409 ] || { echo "consent for a demo study answered $code"; exit 1; }
}

share() { # study, user
  if curl -sf -H "Authorization: Bearer $ADMIN" "$VEIL/api/v1/studies/$1/shares" | grep -q '"active":true'; then
    return
  fi
  curl -sf -o /dev/null -X POST -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
       -d "{\"purpose\":\"consultation\",\"audience\":{\"type\":\"user\",\"id\":\"$2\"},\"expiresAt\":\"$(date -u -d '+30 days' +%FT%TZ)\"}" \
       "$VEIL/api/v1/studies/$1/shares"
}

CT=$SAMPLES/real/CT-MONO2-16-ankle.dcm
US=$SAMPLES/real/US-PAL-8-10x-echo.dcm
MR=$SAMPLES/pydicom/MR_small.dcm
CT2=$SAMPLES/pydicom/CT_small.dcm
for f in "$CT" "$US" "$MR" "$CT2"; do store "$f"; done
consent "$(study_of "$CT")" '["consultation","teaching"]'
consent "$(study_of "$US")" '["consultation","teaching"]'
consent "$(study_of "$MR")" '["teaching","research"]'
share "$(study_of "$CT")" consultant
share "$(study_of "$US")" consultant
echo "demo studies loaded: 4 stored; CT ankle and ultrasound consented for consultation and teaching and shared"
echo "with the consultant; MR consented for teaching and research; the small CT for treatment only"
