#!/bin/sh
# Builds and runs every test. `scripts/test.sh --sanitize` does the same under
# AddressSanitizer + UndefinedBehaviorSanitizer in a separate build folder.
set -eu
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--sanitize" ]; then
    build=build-asan
    flags="-DOC_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo"
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
else
    build=build
    flags="-DCMAKE_BUILD_TYPE=Release"
fi
cmake -S . -B "$build" $flags
cmake --build "$build" -j"$(nproc)"
ctest --test-dir "$build" --output-on-failure -j"$(nproc)"
