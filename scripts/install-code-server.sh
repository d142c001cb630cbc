#!/usr/bin/env bash
# Installs code-server (a real VS Code, served to a browser) for the end-to-end tests and the demo,
# into .cache/code-server/<version>/ — its own npm prefix, outside the project's node_modules.
#
# Offline but for the npm registry and Debian's packages:
#  - `npm install --ignore-scripts`: code-server's postinstall refuses root and downloads ripgrep
#    from outside the registry, so it is skipped and its useful steps are done here instead;
#  - native modules are rebuilt from source against this machine's Node headers (Debian's nodejs
#    ships them in /usr/include/node), since node-gyp cannot download headers here;
#  - Debian's ripgrep stands in for @vscode/ripgrep's downloaded binary.
# Needs the Debian packages that scripts/install-system-deps.sh installs (ripgrep, build-essential,
# libkrb5-dev) and Node 20 (code-server 4.100.x runs on Node 20).
#
# Idempotent: a stamp file marks a finished install; running again is instant.
# Prints the install directory (the one holding out/node/entry.js) on its last line.
set -euo pipefail

VERSION="${CODE_SERVER_VERSION:-4.100.3}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PREFIX="$ROOT/.cache/code-server/$VERSION"
CS="$PREFIX/node_modules/code-server"
STAMP="$PREFIX/.installed"

if [ -f "$STAMP" ] && [ -f "$CS/out/node/entry.js" ]; then
  echo "$CS"
  exit 0
fi

fail() { echo "install-code-server: $*" >&2; exit 1; }

node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" = "20" ] || fail "code-server $VERSION needs Node 20; this is Node $(node --version)."
command -v rg >/dev/null || fail "ripgrep is missing. Run: bash scripts/install-system-deps.sh"
command -v make >/dev/null && command -v g++ >/dev/null || fail "a C++ toolchain is missing. Run: bash scripts/install-system-deps.sh"
[ -f /usr/include/krb5.h ] || [ -f /usr/include/krb5/krb5.h ] || fail "libkrb5-dev is missing. Run: bash scripts/install-system-deps.sh"

# Where this Node's headers are: the prefix holding include/node/node.h.
nodedir="${npm_config_nodedir:-}"
if [ -z "$nodedir" ]; then
  for d in "$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")" /usr /usr/local; do
    if [ -f "$d/include/node/node.h" ]; then nodedir="$d"; break; fi
  done
fi
[ -n "$nodedir" ] && [ -f "$nodedir/include/node/node.h" ] ||
  fail "Node's headers (include/node/node.h) were not found; install the headers for $(node --version) or set npm_config_nodedir."
export npm_config_nodedir="$nodedir"
export npm_config_build_from_source=true
export npm_config_yes=true  # node-pty's install step runs `npx node-gyp`
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
export npm_config_loglevel="${npm_config_loglevel:-warn}"
export JOBS="${JOBS:-$(nproc)}"

start=$(date +%s)
rm -rf "$PREFIX"
mkdir -p "$PREFIX"
cd "$PREFIX"
printf '{ "name": "code-server-install", "private": true }\n' > package.json

echo "install-code-server: code-server@$VERSION into $PREFIX (headers from $nodedir)" >&2
npm install --no-save --ignore-scripts "code-server@$VERSION" >&2
npm rebuild argon2 >&2

cd "$CS/lib/vscode"
npm install --omit=dev --ignore-scripts >&2
npm rebuild @parcel/watcher @vscode/spdlog node-pty native-watchdog kerberos @vscode/deviceid >&2
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg

cd "$CS/lib/vscode/extensions"
npm install --omit=dev --ignore-scripts >&2

# A quick check that the native modules load under this Node before declaring success.
cd "$CS/lib/vscode"
node -e 'for (const m of ["@parcel/watcher","@vscode/spdlog","node-pty","native-watchdog","kerberos","@vscode/deviceid"]) require(m)' >&2 ||
  fail "a rebuilt native module does not load; see the errors above."
cd "$CS"
node -e 'require("argon2")' >&2 || fail "argon2 does not load; see the errors above."

echo "$VERSION installed in $(( $(date +%s) - start ))s" > "$STAMP"
echo "install-code-server: done in $(( $(date +%s) - start ))s" >&2
echo "$CS"
