#!/bin/sh
# Installs what onert-c needs to build and test on Debian 12 (Debian packages only).
set -eu
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
$SUDO apt-get install -y --no-install-recommends \
    build-essential cmake pkg-config libcjson-dev libcmocka-dev
