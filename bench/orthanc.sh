#!/usr/bin/env bash
# The benchmark's peer: Debian's Orthanc and its DICOMweb plugin, unpacked under
# ~/.cache/veil/orthanc rather than installed. Installing the orthanc package would start (and
# enable) its system service on every interface; unpacked, the only Orthanc that runs is the one
# the benchmark starts, in its own network namespace, and stops. Only the shared libraries the
# two packages need are installed through apt. Prints the unpacked root.
set -euo pipefail
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/veil
ROOT=$CACHE/orthanc
if [ ! -x "$ROOT/usr/sbin/Orthanc" ] || ! ls "$ROOT"/usr/lib/orthanc/libOrthancDicomWeb.so.* >/dev/null 2>&1; then
  mkdir -p "$CACHE/orthanc-debs" && cd "$CACHE/orthanc-debs"
  apt-get download orthanc orthanc-dicomweb >&2
  libs=$(for d in orthanc*.deb; do dpkg-deb -f "$d" Depends; done | tr ',' '\n' | sed 's/(.*)//; s/|.*//; s/ //g' | grep '^lib' | sort -u)
  missing=""
  for p in $libs; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
  if [ -n "$missing" ]; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >&2
  fi
  rm -rf "$ROOT" && mkdir -p "$ROOT"
  for d in orthanc*.deb; do dpkg -x "$d" "$ROOT"; done
  cd - >/dev/null
fi
# sed reads every line: with head, Orthanc could still be writing when head exits, and under
# pipefail its SIGPIPE (141) ended this script and the benchmark with it.
"$ROOT/usr/sbin/Orthanc" --version | sed -n 1p >&2
echo "$ROOT"
