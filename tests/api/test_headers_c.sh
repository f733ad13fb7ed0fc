#!/bin/sh
# The public headers are strict C11 and C++11 (pedantic, all warnings as errors) on their own.
set -u
SRC="${ONERT_C_SOURCE:-.}"
INC="$SRC/include"
TMP=$(mktemp -d /tmp/onert_c_headers.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
cat > "$TMP/all.c" <<'EOT'
#include <nnfw/nnfw.h>
#include <nnfw/nnfw_experimental.h>
#include <nnfw/nnfw_internal.h>
#include <nnfw/nnfw_version.h>
int main(void)
{
    nnfw_train_info info = NNFW_TRAIN_INFO_DEFAULT;
    nnfw_session *s = 0;
    (void)info;
    (void)nnfw_train;
    return nnfw_create_session(&s) == NNFW_STATUS_NO_ERROR ? 0 : 1;
}
EOT
cp "$TMP/all.c" "$TMP/all.cc"
FAILS=0
for std in c99 c11 c17; do
    ${CC:-cc} -std=$std -pedantic -Wall -Wextra -Werror -fsyntax-only -I"$INC" "$TMP/all.c" ||
        { echo "FAIL: headers are not valid $std"; FAILS=1; }
done
if command -v "${CXX:-c++}" >/dev/null 2>&1; then
    for std in c++11 c++17; do
        ${CXX:-c++} -std=$std -pedantic -Wall -Wextra -Werror -fsyntax-only -I"$INC" \
            "$TMP/all.cc" || { echo "FAIL: headers are not valid $std"; FAILS=1; }
    done
fi
[ "$FAILS" -eq 0 ] && echo "headers OK"
exit "$FAILS"
