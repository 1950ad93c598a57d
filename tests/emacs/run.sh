#!/usr/bin/env bash
# End-to-end test of convox-lsp in a real Emacs (28 or newer) with eglot, in batch mode.
#
#   tests/emacs/run.sh [path-to-convox-lsp]     (default: target/debug/convox-lsp)
#
# Loads the configuration block of docs/editors.md ("## Emacs") word for word, with the server's
# directory first on PATH, opens a scratch copy of tests/fixtures/editor-e2e/convox.yml and runs
# tests/emacs/e2e.el: the mode and server start, diagnostics, hover, completion, definition, a
# quick fix, rename, format, shutdown. Needs emacs with eglot and yaml-mode (Debian 12:
# `apt-get install emacs-nox elpa-eglot elpa-yaml-mode elpa-markdown-mode`, which .ci/run does).
# Without them it says it skipped, and fails instead when CI is set.
#
# Environment: EMACS_BIN (default emacs), EMACS_E2E_TIMEOUT (seconds per wait, default 20),
# EMACS_E2E_KEEP=1 (keep the scratch directory).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

skip() {
  if [[ -n ${CI:-} ]]; then
    echo "emacs e2e: $* (CI must run this test: install emacs-nox elpa-eglot elpa-yaml-mode)" >&2
    echo "emacs-e2e: 0 passed, 1 failed"
    exit 1
  fi
  echo "emacs e2e: SKIPPED: $*"
  exit 0
}

server=${1:-target/debug/convox-lsp}
if [[ $server != /* ]]; then
  if [[ $# -ge 1 && -e $server ]]; then server=$(pwd)/$server; else server=$root/$server; fi
fi
[[ -f $server && -x $server ]] || { echo "emacs e2e: no convox-lsp at $server (cargo build)" >&2; exit 1; }

emacs=${EMACS_BIN:-emacs}
command -v "$emacs" >/dev/null 2>&1 || skip "no $emacs on PATH"
version=$("$emacs" --batch --eval '(princ emacs-major-version)' 2>/dev/null) || skip "$emacs does not run"
((version >= 28)) || skip "Emacs $version is older than 28"
"$emacs" --batch --eval "(progn (require 'eglot) (require 'yaml-mode))" >/dev/null 2>&1 ||
  skip "eglot or yaml-mode is not installed for $emacs"

work=$(mktemp -d "${TMPDIR:-/tmp}/convox-emacs-e2e.XXXXXX")
cleanup() { if [[ -n ${EMACS_E2E_KEEP:-} ]]; then echo "emacs e2e: kept $work" >&2; else rm -rf "$work"; fi; }
trap cleanup EXIT
mkdir -p "$work/project/.convox" "$work/home"
cp "$root/tests/fixtures/editor-e2e/convox.yml" "$work/project/convox.yml"
printf 'acme\n' >"$work/project/.convox/rack"
printf 'shop\n' >"$work/project/.convox/app"

# The configuration exactly as docs/editors.md gives it: the elisp block under "## Emacs".
awk '/^## Emacs$/ { s = 1 } s && /^```elisp$/ { b = 1; next } b && /^```$/ { exit } b { print }' \
  "$root/docs/editors.md" >"$work/init.el"
grep -q "eglot-server-programs" "$work/init.el" || { echo "emacs e2e: no elisp block under '## Emacs' in docs/editors.md" >&2; exit 1; }

echo "emacs e2e: $("$emacs" --version | head -n 1), server $server"
rc=0
(
  cd "$work/project"
  HOME=$work/home PATH="$(dirname "$server"):$PATH" timeout -k 5 120 \
    "$emacs" --batch -l "$work/init.el" -l "$here/e2e.el" </dev/null 2>"$work/stderr"
) || rc=$?
if [[ $rc -ne 0 ]]; then
  echo "--- Emacs's messages (last 40 lines):" >&2
  tail -n 40 "$work/stderr" >&2
  [[ $rc -eq 124 || $rc -eq 137 ]] && { echo "emacs e2e: Emacs did not finish within 120 s"; echo "emacs-e2e: 0 passed, 1 failed"; }
fi
exit "$rc"
