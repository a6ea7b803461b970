#!/usr/bin/env bash
# Benchmarks the .vtk latent encodings and checksums (Benchmarks/ContainerBench.swift), built
# in release mode with the same CPU target as the package; the SHA-256 timed is the tests'
# portable oracle (Tests/SHA256Oracle), the production digest uses libcrypto.
#   scripts/bench_container.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=.build/bench
mkdir -p "$out"
swiftc -O -wmo -target-cpu haswell -parse-as-library -module-name VTKBench \
    Sources/VTKFormat/*.swift Tests/SHA256Oracle/SHA256.swift Benchmarks/ContainerBench.swift -o "$out/container-bench"
"$out/container-bench"
