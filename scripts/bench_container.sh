#!/usr/bin/env bash
# Benchmarks the .vtk latent encodings and checksums (Benchmarks/ContainerBench.swift), built
# in release mode with the same CPU target as the package.   scripts/bench_container.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=.build/bench
mkdir -p "$out"
swiftc -O -wmo -target-cpu haswell -parse-as-library -module-name VTKBench \
    Sources/VTKFormat/*.swift Benchmarks/ContainerBench.swift -o "$out/container-bench"
"$out/container-bench"
