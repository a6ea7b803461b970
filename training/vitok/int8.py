"""The int8 engine's arithmetic in PyTorch: the reference the Swift int8 path is tested against.

Same scheme as Sources/ViTok/Int8Kernels.swift (docs/MODEL.md, "int8 engine"). Each Linear of
the transformer blocks (qkv, proj, fc1, fc2, fc3) runs on int8 weights with one scale per output
row, and its input is quantized per token to 7-bit unsigned codes with a zero point:

    lo = min(0, min x), hi = max(0, max x), scale = (hi - lo) / 127 (1 when hi == lo)
    zero = clamp(round(-lo * (1/scale)), 0, 127), q = clamp(round(x * (1/scale)) + zero, 0, 127)
    y = float32(q W^T - zero * rowsum(W)) * (scale * wscale) + bias

with round-half-even and every float operation in float32, in this order. The integer product
is computed exactly (float32 products of 1024-wide chunks, each below 2**24, summed in
float64). Everything else (attention, LayerNorm, the gate, the input and output projections)
stays float32, as in the Swift engine, unless `to_int8(..., attention="bf16")` also models the
bf16 attention the engine runs by default where oneDNN has native bf16 kernels (docs/MODEL.md,
"Attention in bf16"): q/8, k and v rounded to bf16, float32 scores, the numerators
exp(s - rowmax) rounded to bf16 for the product with v, and their float32 sum (before rounding)
dividing the result.
"""
from __future__ import annotations

import torch
from torch import nn

from .model import Attention


def quantize_rows(x: torch.Tensor):
    """Codes (float tensor of integers 0..127), scales and zero points per row of x (float32)."""
    lo = torch.clamp(x.amin(dim=-1, keepdim=True), max=0.0)
    hi = torch.clamp(x.amax(dim=-1, keepdim=True), min=0.0)
    scale = (hi - lo) / 127
    scale = torch.where(scale > 0, scale, torch.ones_like(scale))
    inverse = 1.0 / scale
    zero = torch.clamp(torch.round(-lo * inverse), 0, 127)
    codes = torch.clamp(torch.round(x * inverse) + zero, 0, 127)
    return codes, scale, zero


def weight_int8(weight: torch.Tensor):
    """int8 rows and row scales of a float weight, as the shipped files and the engine make them:
    scale = max|w| / 127 (at least 1e-12), q = clamp(round(w / scale), -127, 127)."""
    scale = (weight.abs().amax(dim=1) / 127).clamp_min(1e-12)
    q = torch.clamp(torch.round(weight / scale[:, None]), -127, 127)
    return q, scale


class Int8Linear(nn.Module):
    """A Linear computed as the int8 engine computes it."""

    CHUNK = 1024  # 127 * 127 * 1024 < 2**24: every float32 partial sum of a chunk is exact

    def __init__(self, linear: nn.Linear, q: torch.Tensor | None = None,
                 scale: torch.Tensor | None = None):
        super().__init__()
        if q is None:
            q, scale = weight_int8(linear.weight.detach().float())
        self.register_buffer("q", q.float(), persistent=False)
        self.register_buffer("scale", scale.float(), persistent=False)
        self.register_buffer("row_sums", q.double().sum(dim=1), persistent=False)
        bias = None if linear.bias is None else linear.bias.detach().float()
        self.register_buffer("bias", bias, persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        codes, scale, zero = quantize_rows(x.float())
        # the integer product, exact: float32 products of chunks of 1024 (needs TF32 off on
        # CUDA), summed in float64
        acc = sum((codes[..., k:k + self.CHUNK] @ self.q[:, k:k + self.CHUNK].T).double()
                  for k in range(0, codes.shape[-1], self.CHUNK))
        acc = acc - zero.double() * self.row_sums
        y = acc.float() * (scale * self.scale)
        return y if self.bias is None else y + self.bias


def bf16(x: torch.Tensor) -> torch.Tensor:
    """x rounded to bf16 (to nearest, ties to even), back in float32."""
    return x.to(torch.bfloat16).float()


class BF16Attention(Attention):
    """An `Attention` whose softmax(q k^T) v is computed as the engine's bf16 attention."""

    def __init__(self, attention: Attention):
        nn.Module.__init__(self)   # the layers are `attention`'s own, not new ones
        self.heads, self.qkv, self.proj = attention.heads, attention.qkv, attention.proj

    def attend(self, q, k, v):
        q, k, v = bf16(q * 0.125), bf16(k), bf16(v)
        scores = q @ k.transpose(-1, -2)
        numerators = torch.exp(scores - scores.amax(dim=-1, keepdim=True))
        return (bf16(numerators) @ v) / numerators.sum(dim=-1, keepdim=True)


def to_int8(model: nn.Module, quantized: dict | None = None, attention: str = "float32") -> nn.Module:
    """Replaces the Linear layers of every transformer block of `model` (a ViTok) in place,
    and with `attention="bf16"` its attention too (`BF16Attention`). `quantized` maps a weight
    name to its (int8 values, row scales) where they are known (the shipped int8 shards);
    other weights are quantized with `weight_int8`."""
    assert attention in ("float32", "bf16"), attention
    quantized = quantized or {}
    for tower in (model.encoder, model.decoder):
        prefix = "encoder" if tower is model.encoder else "decoder"
        for i, block in enumerate(tower.blocks):
            for owner, attr, name in ((block.attn, "qkv", "attn.qkv"), (block.attn, "proj", "attn.proj"),
                                      (block.mlp, "fc1", "mlp.fc1"), (block.mlp, "fc2", "mlp.fc2"),
                                      (block.mlp, "fc3", "mlp.fc3")):
                key = f"{prefix}.blocks.{i}.{name}.weight"
                q, scale = quantized.get(key, (None, None))
                layer = getattr(owner, attr)
                setattr(owner, attr, Int8Linear(layer, None if q is None else q.double(), scale))
            if attention == "bf16":
                block.attn = BF16Attention(block.attn)
    return model
