#!/usr/bin/env bash
# The command-line program must never link Qt (it runs on Qt-free GPU servers).
# Args: $1 = issuebert-cli, $2 = repo root.
# Debian's libtorch_cpu itself needs libopencv_highgui, which needs Qt 5, so
# `ldd` shows Qt 5 there whatever we do; what we control is checked: no Qt in
# the program's own NEEDED entries, no Qt 6 (the app's Qt) anywhere, and any
# Qt 5 reached only through libtorch.
set -u
cli=$1
passed=0
failed=0
check() { if eval "$2"; then echo "PASS: $1"; passed=$((passed + 1)); else echo "FAIL: $1"; failed=$((failed + 1)); fi; }

needed=$(readelf -d "$cli" | grep NEEDED)
check "issuebert-cli's NEEDED entries name no Qt library" "! grep -qi 'libQt' <<<\"\$needed\""
deps=$(ldd "$cli")
check "ldd issuebert-cli names no Qt 6 library" "! grep -q 'libQt6' <<<\"\$deps\""
if grep -q 'libQt5' <<<"$deps"; then
    via=$(for lib in $(awk '/=>/ {print $3}' <<<"$deps"); do
        readelf -d "$lib" 2>/dev/null | grep -q 'NEEDED.*libopencv_highgui' && basename "$lib"
    done)
    check "Qt 5 in ldd comes only through LibTorch's OpenCV dependency ($via)" "grep -q '^libtorch' <<<\"\$via\""
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
