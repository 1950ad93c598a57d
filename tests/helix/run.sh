#!/usr/bin/env bash
# End-to-end test of convox-lsp in a real Helix, driven through tmux as a user types.
#
#   tests/helix/run.sh [path-to-convox-lsp]     (default: target/debug/convox-lsp)
#
# Runs when Helix is there ($HX_BIN, else `hx` on PATH, with its runtime and YAML grammar: set
# HELIX_RUNTIME for a build from source, see editors/helix/README.md); otherwise it says it
# skipped (a SKIPPED line saying why) and exits 0. CI does not run it: no package registry CI
# reaches has Helix, and Helix's source (a git repository) is not reachable from CI to build it;
# editors/helix/README.md says when it was last run, with which Helix, and what it showed.
#
# Configures Helix only with editors/helix (languages.toml and the queries) and, for the inlay
# hints, `[editor.lsp] display-inlay-hints = true`, in a scratch config directory; opens a scratch
# copy of tests/fixtures/editor-e2e/convox.yml (with .convox/rack and .convox/app) and checks:
# `hx --health convox` (server, YAML grammar, queries) and `hx --health yaml`, :lang, inlay hints,
# diagnostics (space d), a quick fix (space a), hover (space k, namespace acme-shop), completion,
# gd, gr, rename (space r), :format, and :format on a manifest that does not parse (the file is
# left alone, Helix logs the refusal). Each screen checked is printed (HELIX_E2E_CAPTURES=FILE
# also writes them there).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
timeout_s=${HELIX_E2E_TIMEOUT:-20}

server=${1:-target/debug/convox-lsp}
if [[ $server != /* ]]; then
  if [[ $# -ge 1 && -e $server ]]; then server=$(pwd)/$server; else server=$root/$server; fi
fi
[[ -f $server && -x $server ]] || { echo "helix e2e: no convox-lsp at $server (cargo build)" >&2; exit 1; }

hx=${HX_BIN:-$(command -v hx || true)}
if [[ -z $hx || ! -x $hx ]]; then
  echo "helix e2e: SKIPPED: no Helix here (set HX_BIN or put hx on PATH). No package registry CI reaches has"
  echo "  Helix and its source is not reachable from CI, so CI never runs this test: it is run by hand with"
  echo "  Helix built from source (editors/helix/README.md, which records the last run)."
  exit 0
fi
command -v tmux >/dev/null || { echo "helix e2e: tmux is needed" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/convox-helix-e2e.XXXXXX")
session=convox-helix-e2e-$$
cleanup() {
  tmux kill-session -t "$session" 2>/dev/null || true
  if [[ -n ${HELIX_E2E_KEEP:-} ]]; then echo "helix e2e: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
mkdir -p "$work/project" "$work/config/helix/runtime/queries" "$work/cache"
cp "$root/tests/fixtures/editor-e2e/convox.yml" "$work/project/convox.yml"
mkdir -p "$work/project/.convox" && printf 'acme\n' >"$work/project/.convox/rack" && printf 'shop\n' >"$work/project/.convox/app"
cp "$root/editors/helix/languages.toml" "$work/config/helix/languages.toml"
cp -r "$root/editors/helix/runtime/queries/convox" "$work/config/helix/runtime/queries/"
env_vars=(HOME="$work" XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache" PATH="$(dirname "$server"):$PATH")
[[ -n ${HELIX_RUNTIME:-} ]] && env_vars+=(HELIX_RUNTIME="$HELIX_RUNTIME")

passed=0 failed=0
captures=${HELIX_E2E_CAPTURES:-$work/captures.txt}
: >"$captures"
ok() { passed=$((passed + 1)); echo "ok $((passed + failed)) - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok $((passed + failed)) - $1"; }
screen() { tmux capture-pane -p -t "$session"; }
record() { { echo "### $1"; echo '```text'; screen | sed -e 's/[[:space:]]*$//'; echo '```'; echo; } >>"$captures"; }
# Waits until the screen matches the extended regex $2; records it under the title $1.
expect() {
  local deadline=$((SECONDS + timeout_s))
  while ((SECONDS < deadline)); do
    if screen | grep -Eq -- "$2"; then record "$1"; ok "$1"; return 0; fi
    sleep 0.2
  done
  record "$1 (FAILED: no /$2/)"
  not_ok "$1: the screen never showed /$2/"
  screen >&2
  return 0
}
# One key (or string) at a time: an Escape sent together with the next key reads as Alt+key.
keys() {
  local k
  for k in "$@"; do tmux send-keys -t "$session" "$k"; sleep 0.15; done
  sleep 0.3
}

echo "helix e2e: $("$hx" --version), server $server"

# --- hx --health convox ----------------------------------------------------------------------
# Plain text for the captures: NO_COLOR, and the resets Helix prints even then taken out.
plain() { sed -e $'s/\x1b\\[[0-9;]*m//g'; }
health=$(cd "$work/project" && env "${env_vars[@]}" NO_COLOR=1 "$hx" --health convox 2>&1 | plain || true)
{ echo "### hx --health convox"; echo '```text'; echo "$health"; echo '```'; echo; } >>"$captures"
if grep -q 'convox-lsp' <<<"$health" && grep -q "$(dirname "$server")" <<<"$health"; then
  ok "hx --health convox finds convox-lsp"
else
  not_ok "hx --health convox: $health"
fi
# The YAML grammar (runtime/grammars/yaml.so) and the convox queries (inherits: yaml).
for want in 'Tree-sitter parser: ✓' 'Highlight queries: ✓' 'Indent queries: ✓'; do
  if grep -qF "$want" <<<"$health"; then ok "hx --health convox: $want"; else not_ok "hx --health convox: no '$want'"; fi
done
health=$(cd "$work/project" && env "${env_vars[@]}" NO_COLOR=1 "$hx" --health yaml 2>&1 | plain || true)
{ echo "### hx --health yaml"; echo '```text'; echo "$health"; echo '```'; echo; } >>"$captures"
grep -qF 'Tree-sitter parser: ✓' <<<"$health" && ok "hx --health yaml: the grammar is there" || not_ok "hx --health yaml: $health"

# --- the editor --------------------------------------------------------------------------------
# Inlay hints are off in Helix unless config.toml turns them on (the README says so).
printf '[editor.lsp]\ndisplay-inlay-hints = true\n' >"$work/config/helix/config.toml"
tmux new-session -d -s "$session" -x 110 -y 36 -c "$work/project" \
  "env ${env_vars[*]@Q} ${hx@Q} convox.yml"
expect "convox.yml opens as language convox" 'convox\.yml'
keys ':lang' Enter
expect ":lang says convox" '^ *convox *$|convox$'
# Inlay hints: what each name becomes, after its colon.
expect "inlay hints: web: -> Deployment web, Service web" 'web:.*Deployment web'
# The misspelt key's warning: the status line counts diagnostics, space d lists them.
keys Escape '/commnd' Enter
keys Space d
expect "diagnostics: the unknown key, with did-you-mean" 'unknown key .?commnd'
keys Escape
# A quick fix: removing the misspelt line (command is already set), not renaming it.
keys Space a
expect "code action on commnd: remove the misspelt line" 'Remove the misspelt'
keys Enter
sleep 1
if screen | grep -q 'commnd'; then not_ok "the quick fix removed the line"; record "after the quick fix (FAILED)"; else ok "the quick fix removed the line"; fi
# Hover on web: the namespace is <rack>-<app> from .convox/, kept whole.
keys Escape 'gg' '/web' Enter
keys Space k
expect "hover on web: Deployment web in namespace acme-shop" 'Deployment.*web'
screen | grep -q -- '-n acme-shop\|acme-shop' && ok "hover names namespace acme-shop" || not_ok "hover names namespace acme-shop"
keys Escape
# Completion: a new key under web offers the service keys.
keys 'gg' '/port' Enter 'o' 'heal'
expect "completion under web offers health" 'health'
keys Escape Escape 'u'
# gd on a service's resource goes to the declaration (line 12 once the misspelt line is gone).
keys 'gg' '/database' Enter
keys g d
expect "gd on - database goes to resources.database (status line 12:3)" ' 12:3 *$'
# References of the resource: its use under web (line 7) and its declaration (line 12).
keys 'gg' '/database' Enter
keys g r
expect "gr on database lists convox.yml:7 and convox.yml:12" 'convox\.yml:7.*|convox\.yml:12'
screen | grep -q 'convox\.yml:7' && screen | grep -q 'convox\.yml:12' && ok "references: both places" || not_ok "references: both places"
keys Escape
# Rename web to api.
keys 'gg' '/web' Enter
keys Space r
expect "rename prompt" 'rename-to'
keys C-u 'api' Enter
expect "rename: web is now api" '^ *[0-9]* *  api:'
# :format re-indents the six-space worker to two.
keys Escape ':format' Enter ':w' Enter
formatted() { grep -A1 '^  worker:$' "$work/project/convox.yml" | tail -n 1 | grep -qx '    image: nginx'; }
deadline=$((SECONDS + timeout_s))
until formatted || ((SECONDS >= deadline)); do sleep 0.3; done
record ":format and :w"
if formatted; then
  ok ":format: two-space indentation, saved"
else
  not_ok ":format: $(cat "$work/project/convox.yml")"
fi
# A manifest that does not parse: the server refuses to format it; Helix only logs the refusal.
# (Helix closes brackets as they are typed: a mapping value in a plain scalar, then.)
keys 'ge' 'o' 'broken: a: b' Escape
keys ':w' Enter
saved=$(cat "$work/project/convox.yml")
keys ':format' Enter
sleep 2
record ":format on a manifest that does not parse"
log=$work/cache/helix/helix.log
if [[ $(cat "$work/project/convox.yml") == "$saved" ]] && ! screen | grep -q '\[+\]' &&
  grep -q 'LSP formatting failed.*not formatted' "$log" 2>/dev/null; then
  ok ":format on a syntax error: the file is left alone, the refusal is in the log"
else
  not_ok ":format on a syntax error: $(grep 'formatting' "$log" 2>/dev/null || echo 'nothing in the log')"
fi
{ echo "### helix.log: the refusal"; echo '```text'; grep -o 'LSP formatting failed.*' "$log" 2>/dev/null; echo '```'; echo; } >>"$captures"
keys ':q!' Enter

echo "--- screens: $captures"
[[ -z ${HELIX_E2E_CAPTURES:-} ]] && cat "$captures"
echo "helix-e2e: $passed passed, $failed failed"
((failed == 0))
