#!/usr/bin/env python3
"""Command line of the independent Python implementation of the .vtk container (docs/FORMAT.md),
written from the spec, not from the Swift code: the package vtkc_py in python/ (the coder in
vtkc_py/coder.py, the reader in container.py, the writer in writer.py). A cross-check that the spec suffices, a fixture
generator, and the entropy-coder baseline measurement.

Commands:
  vtk_reference.py fixtures DIR
      Writes the cross-implementation fixtures Tests/VTKFormatTests/Fixtures/ uses:
      ref-f16.vtk, ref-q6.vtk, ref-q5-temporal.vtk (coder scheme 2, stride 2) (+ .input.f32
      latents fed to the writer, .decoded.f32 what a reader must return); the same as
      `python scripts/make_fixtures.py vtk` (scripts/fixtures/vtk.py).
  vtk_reference.py dump FILE.vtk
      Prints the header and per-record sizes, decoding (and so CRC-checking) every group.
  vtk_reference.py baseline FILE.vtk|Z.npy [--bits N ...] [--groups K] [--stride S]
      For each N: quantizes each group per channel exactly as the format does, codes it with
      the scheme-1 range coder and the scheme-2 coder (temporal residuals, stride S tokens,
      default 256 = one time step of S-B/4x8), and prints bits/symbol against the per-group,
      per-channel order-0 empirical entropy and zstd -19 on the raw symbols (token-major and
      channel-planar). Both coders' outputs are decoded back and checked.
"""
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root (scripts/__init__.py)
from scripts.fixtures import vtk as vtk_fixtures  # noqa: E402
from vtkc_py.coder import code_symbols, decode_symbols  # noqa: E402  (python/, put on sys.path by scripts/)
from vtkc_py.container import AUDIO, END, GROUP, Reader  # noqa: E402
from vtkc_py.writer import quantize  # noqa: E402


def dump(path):
    with open(path, "rb") as f:
        r = Reader(f.read(), name=path)
    h = dict(r.header, model_sha256=r.header["model_sha256"].hex())
    print(h)
    for i, g in enumerate(r.groups()):
        print(f"group {i}: {g.size} values, mean {g.mean():.4f}, std {g.std():.4f}")
    print({t: sum(len(p) + 16 for rt, _, p in r.records if rt == t) for t in (GROUP, AUDIO, END)})


def order0_bits(q, channels):
    total = 0.0
    for k in range(channels):
        _, counts = np.unique(q[k::channels], return_counts=True)
        p = counts / counts.sum()
        total -= (counts * np.log2(p)).sum()
    return total


def baseline(path, bits_list, max_groups, stride):
    import zstandard

    if path.endswith(".npy"):
        z = np.load(path).astype(np.float32)
        channels, tokens = z.shape[-1], z.shape[-2]
        groups = [z[i].reshape(-1) for i in range(z.shape[0])]
    else:
        with open(path, "rb") as f:
            r = Reader(f.read(), name=path)
        channels, tokens = r.header["channels"], r.header["tokens"]
        groups = list(r.groups())
    groups = groups[:max_groups]
    print(f"{path}: {len(groups)} groups of {groups[0].size} values, {channels} channels")
    print(f"scheme 2 stride: {stride} tokens")
    print("bits  scheme1 b/sym  scheme2 b/sym  order0 b/sym  scheme1/order0  zstd-19 b/sym  zstd-19 planar b/sym")
    for bits in bits_list:
        n = coded = ent = zs = zp = pc = 0
        for g in groups:
            lo, hi, q = quantize(g, bits, channels)
            stream = code_symbols(q, bits, channels)
            assert np.array_equal(decode_symbols(stream, q.size, bits, channels), q)
            dtype = np.uint8 if bits <= 8 else np.dtype("<u2")
            cctx = zstandard.ZstdCompressor(level=19)
            n += q.size
            coded += 8 * len(stream)
            ent += order0_bits(q, channels)
            zs += 8 * len(cctx.compress(q.astype(dtype).tobytes()))
            zp += 8 * len(cctx.compress(q.reshape(-1, channels).T.astype(dtype).tobytes()))
            temporal = code_symbols(q, bits, channels, tokens, stride)
            assert np.array_equal(decode_symbols(temporal, q.size, bits, channels, tokens, stride), q)
            pc += 8 * len(temporal)
        print(f"{bits:4d}  {coded / n:13.3f}  {pc / n:13.3f}  {ent / n:12.3f}  {coded / ent:14.3f}  {zs / n:13.3f}"
              f"  {zp / n:20.3f}")


def main(argv):
    if len(argv) >= 2 and argv[0] == "fixtures":
        vtk_fixtures.generate(argv[1])
    elif len(argv) >= 2 and argv[0] == "dump":
        dump(argv[1])
    elif len(argv) >= 2 and argv[0] == "baseline":
        bits = [int(b) for i, b in enumerate(argv) if i > 0 and argv[i - 1] == "--bits"] or [4, 6, 8]
        groups = int(argv[argv.index("--groups") + 1]) if "--groups" in argv else 4
        stride = int(argv[argv.index("--stride") + 1]) if "--stride" in argv else 256
        baseline(argv[1], bits, groups, stride)
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
