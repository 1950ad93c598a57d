#!/usr/bin/env bash
# Installs what e2e/run.mjs needs, idempotently (a second run takes a second):
#   - Debian's chromium and ripgrep (apt);
#   - code-server and playwright-core, pinned by e2e/package-lock.json, in $CONVOX_E2E_HOME
#     (default ~/.cache/convox-lsp-e2e), outside the repository.
# code-server's own postinstall downloads ripgrep from GitHub, so it is skipped (--ignore-scripts)
# and done here by hand: VS Code's production dependencies, Debian's rg where VS Code looks for it,
# and the native modules built against this Node's headers. Playwright downloads no browser: the
# tests use /usr/bin/chromium.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
home="${CONVOX_E2E_HOME:-$HOME/.cache/convox-lsp-e2e}"

need=()
# CONVOX_E2E_CHROMIUM: another Chromium-based browser (GitHub's Ubuntu runners: google-chrome).
if [ -n "${CONVOX_E2E_CHROMIUM:-}" ]; then
  test -x "$CONVOX_E2E_CHROMIUM" || { echo "e2e setup: no browser at $CONVOX_E2E_CHROMIUM" >&2; exit 1; }
else
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
fi
command -v rg >/dev/null 2>&1 || need+=(ripgrep)
command -v make >/dev/null 2>&1 || need+=(make)
command -v g++ >/dev/null 2>&1 || need+=(g++)
if [ "${#need[@]}" -gt 0 ]; then
  echo "e2e setup: apt-get install ${need[*]}"
  sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

stamp="$home/.installed"
want="$(cat "$here/package-lock.json" "$0"; node --version)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi

# node-gyp must not download headers (no network for that): use the ones installed with Node.
nodedir="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
if [ ! -f "$nodedir/include/node/node.h" ]; then
  echo "e2e setup: no Node headers in $nodedir/include/node (needed to build code-server's native modules)" >&2
  exit 1
fi
export npm_config_nodedir="$nodedir"
gyp="$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js"
quiet=(--no-audit --no-fund --loglevel=error)

echo "e2e setup: code-server and playwright-core in $home"
rm -rf "$home"
mkdir -p "$home"
cp "$here/package.json" "$here/package-lock.json" "$home/"
(cd "$home" && npm ci --ignore-scripts "${quiet[@]}")
# What code-server's postinstall.sh does, without its downloads.
vscode="$home/node_modules/code-server/lib/vscode"
(cd "$vscode" && npm install --omit=dev --ignore-scripts "${quiet[@]}" && ln -sfn node_modules node_modules.asar)
(cd "$vscode/extensions" && npm install --omit=dev --ignore-scripts "${quiet[@]}")
mkdir -p "$vscode/node_modules/@vscode/ripgrep/bin"
ln -sf "$(command -v rg)" "$vscode/node_modules/@vscode/ripgrep/bin/rg"
for m in @vscode/spdlog native-watchdog node-pty; do
  (cd "$vscode/node_modules/$m" && node "$gyp" rebuild --loglevel=error >/dev/null)
done
# argon2 (code-server's password hashing, loaded even with --auth none): node-pre-gyp tries a
# download, then builds.
(cd "$home" && npm rebuild argon2 --ignore-scripts=false "${quiet[@]}" >/dev/null)
printf '%s' "$want" >"$stamp"
echo "e2e setup: done"
