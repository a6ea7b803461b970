#!/usr/bin/env bash
# Fuzzes the .vtk container parser and latent decoders with libFuzzer.
#   scripts/fuzz_container.sh [SECONDS]        (default 300)
# Builds Fuzz/VTKFuzz.swift with the VTKFormat sources (swiftc -sanitize=fuzzer,address),
# seeds a corpus with valid files (Fuzz/MakeSeeds.swift), runs at low priority on one core,
# and prints libFuzzer's summary. Crash inputs land in .build/fuzz/ (crash-*).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-300}"
out=.build/fuzz
mkdir -p "$out/corpus" "$out/seeds"
sources=(Sources/VTKFormat/*.swift)

swiftc -O -parse-as-library -module-name VTKSeeds "${sources[@]}" Fuzz/MakeSeeds.swift -o "$out/make-seeds"
"$out/make-seeds" "$out/seeds"

swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name VTKFuzz \
    "${sources[@]}" Fuzz/VTKFuzz.swift -o "$out/vtk-fuzz"

cd "$out"
nice -n 19 ./vtk-fuzz -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=4096 \
    -print_final_stats=1 corpus seeds 2>&1 | tail -25
