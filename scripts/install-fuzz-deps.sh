#!/bin/sh
# Installs the Debian packages of the longer checks when missing: clang and its
# libFuzzer/sanitizer runtime for `make fuzz` (the default), valgrind for
# `make test-valgrind` (passed as arguments). `make test` never needs them.
# Usage: scripts/install-fuzz-deps.sh [PACKAGE...]
set -eu
# shellcheck disable=SC2086
exec sh "$(dirname "$0")/install-deps.sh" ${*:-clang libclang-rt-14-dev}
