#!/usr/bin/env bash
# Installs the Debian packages the tests and the demo need, when they are missing.
#  - freetds-bin: FreeTDS's tsql, a second, independent TDS client in the local pool's tests
#  - openssl: throwaway HTTPS certificates for the registry tests' local servers
#  - chromium: the browser Playwright drives for the end-to-end tests
#  - ripgrep, build-essential, libkrb5-dev: code-server's search and native modules
set -euo pipefail
need=()
for pkg in freetds-bin openssl chromium ripgrep build-essential libkrb5-dev; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing Debian packages: ${need[*]}. Run as root: apt-get update && apt-get install -y ${need[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
