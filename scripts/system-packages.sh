#!/usr/bin/env bash
# Make sure the Debian packages the tests need are on this machine:
#   postgresql  the test suite starts its own throw-away server from its binaries;
#   chromium    the report test renders the HTML report headless;
#   java        Spark (the spark target and its tests) runs on a Java 17 runtime.
# Nothing is started here. Installs only what is missing (needs root for that).
set -euo pipefail
missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != "0" ]; then
  echo "missing Debian packages: ${missing[*]}; run as root: apt-get install ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
