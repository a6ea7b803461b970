"""container: encode/decode speed of the .vtk latent encodings on one 1080p group, as ratios
against the float16 path measured in the same run, plus CRC-32 throughput (the container's
checksum; the model digest, SHA-256 by libcrypto, is not the container's and is not timed).

    .venv/bin/python scripts/bench.py container

Compiles Benchmarks/ContainerBench.swift with the VTKFormat (and SafeInput) sources in release mode with the
package's CPU target (swiftc -O -wmo -target-cpu haswell) into .build/bench/ and runs it.
"""
import argparse
import subprocess
import sys

from scripts.lib import REPO


def main(argv=None, prog=None):
    argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0]).parse_args(argv)
    out = REPO / ".build" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    binary = out / "container-bench"
    sources = sorted(str(p.relative_to(REPO)) for folder in ("SafeInput", "VTKFormat")
                     for p in (REPO / "Sources" / folder).glob("*.swift"))
    subprocess.run(["swiftc", "-O", "-wmo", "-target-cpu", "haswell", "-parse-as-library",
                    "-module-name", "VTKBench", *sources, "Benchmarks/ContainerBench.swift",
                    "-o", str(binary)], cwd=REPO, check=True)
    sys.exit(subprocess.run([str(binary)], cwd=REPO).returncode)
