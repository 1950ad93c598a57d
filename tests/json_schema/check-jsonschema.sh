#!/usr/bin/env bash
# Runs PyPI's check-jsonschema (a real validator, as CI systems and pre-commit use it) with a
# schema on files, printing its JSON report. Without one on PATH it is installed into a virtual
# environment under the target directory on first use (the system Python may refuse `pip install`).
# Usage: check-jsonschema.sh VENV_DIR SCHEMA FILE...
set -euo pipefail
venv="$1"; schema="$2"; shift 2
# One on PATH first (CI's virtual environment has it).
tool=$(command -v check-jsonschema || true)
if [ -z "$tool" ]; then
  if [ ! -x "$venv/bin/check-jsonschema" ]; then
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install -q 'check-jsonschema>=0.29' >&2
  fi
  tool="$venv/bin/check-jsonschema"
fi
# Exit 1 means "some file failed": the report says which.
"$tool" --schemafile "$schema" -o json "$@" || [ $? -eq 1 ]
