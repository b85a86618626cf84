#!/usr/bin/env bash
# The command-line program must never link Qt (it runs on Qt-free GPU servers).
# Args: $1 = issuebert-cli, $2 = repo root.
set -u
cli=$1
if ldd "$cli" | grep -i 'libQt'; then
    echo "FAIL: issuebert-cli links Qt (above)"
    echo "0 passed, 1 failed"
    exit 1
fi
echo "PASS: ldd issuebert-cli names no Qt library"
echo "1 passed, 0 failed"
