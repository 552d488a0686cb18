#!/usr/bin/env bash
# Installs the system libraries omics builds against (Debian/Ubuntu), only those missing.
# Swift 6.x must already be on PATH (https://www.swift.org/install/linux/).
set -euo pipefail
packages=(libhdf5-dev libopenblas-dev zlib1g-dev pkg-config)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "error: swift not found; install a Swift 6 toolchain first" >&2; exit 1; }
