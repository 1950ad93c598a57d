#!/bin/sh
# Builds yaml-v2-verdict with Debian's golang-go and golang-gopkg-yaml.v2-dev (gopkg.in/yaml.v2
# 2.4.0, the version Convox vendors): GOPATH mode, no module proxy, no network.
#   sh tests/yaml_v2/build.sh [OUT]        (default: target/yaml-v2-verdict)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../../target/yaml-v2-verdict}
GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE=${GOCACHE:-${TMPDIR:-/tmp}/yaml-v2-gocache} \
    go build -o "$out" "$here/main.go"
echo "$out"
