#!/usr/bin/env bash
# Runs PyPI's check-jsonschema (a real validator, as CI systems and pre-commit use it) with a
# schema on files, printing its JSON report. It is installed into a virtual environment under the
# target directory on first use (the system Python may refuse `pip install`).
# Usage: check-jsonschema.sh VENV_DIR SCHEMA FILE...
set -euo pipefail
venv="$1"; schema="$2"; shift 2
if [ ! -x "$venv/bin/check-jsonschema" ]; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install -q 'check-jsonschema>=0.29' >&2
fi
# Exit 1 means "some file failed": the report says which.
"$venv/bin/check-jsonschema" --schemafile "$schema" -o json "$@" || [ $? -eq 1 ]
