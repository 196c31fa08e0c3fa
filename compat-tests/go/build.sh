#!/usr/bin/env bash
# Builds the Go compat driver to compat-tests/.cache/bin/go-driver.
# Module cache and GOPATH live inside the project (compat-tests/.cache/go, git-ignored),
# so a fresh machine only needs the Go toolchain and access to the Go module proxy.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="$(cd "$here/.." && pwd)/.cache"
export GOPATH="$cache/go"
export GOMODCACHE="$cache/go/pkg/mod"
export GOFLAGS="-buildvcs=false -mod=readonly"
export CGO_ENABLED=0
mkdir -p "$cache/bin"
cd "$here"
go build -trimpath -o "$cache/bin/go-driver" .
echo "$cache/bin/go-driver"
