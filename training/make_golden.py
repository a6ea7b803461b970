"""Golden fixtures for the Swift ViTok engine (Tests/ViTokTests/Fixtures/golden).

    cd training && /work/venv/bin/python make_golden.py ../Tests/ViTokTests/Fixtures/golden

Builds the tiny config (width 128, 2 heads, 2+2 blocks, MLP 64, tubelet 4x8x8, clip 16x32x32,
c 16) with seeded random weights that are exactly representable in float32, float16, bfloat16
and in the int8 format (every Linear weight is an int8 value times a power-of-two row scale;
biases and LayerNorm parameters have 8 significant bits). So one PyTorch reference output
serves every storage format: the int8 shards are written here, and the Swift tests convert
them to F32, F16 and BF16 files of the very same values. Writes:

    tiny-int8/model-0000{1,2}.safetensors   int8 shards ("format": "vitok-int8")
    io.safetensors   clip (T,H,W,3, channel-last, F16-exact values k/128 - 1),
                     latents (L, c) and reconstruction (T,H,W,3) from PyTorch float32
"""
from __future__ import annotations

import dataclasses
import math
import os
import sys

import torch
from safetensors.torch import save_file

from vitok.config import TINY
from vitok.model import ViTok

CONFIG = dataclasses.replace(TINY, encoder_mlp_hidden=64, decoder_mlp_hidden=64)
SHARD_BYTES = 210_000


def exact_linear(gen: torch.Generator, out_features: int, in_features: int, gain: float):
    """int8 values q and power-of-two row scales with q * scale of std about gain/sqrt(in)."""
    q = torch.randint(-127, 128, (out_features, in_features), generator=gen, dtype=torch.int8)
    base = round(math.log2(73.3 * math.sqrt(in_features) / gain))
    exponents = base + torch.randint(0, 2, (out_features,), generator=gen)
    return q, torch.pow(2.0, -exponents.double()).float()


def exact_vector(gen: torch.Generator, n: int, center: float, step: float):
    """center + k * step with |k| <= 63: 8 significant bits, exact in bfloat16."""
    return center + torch.randint(-63, 64, (n,), generator=gen).float() * step


def build(seed: int = 1234):
    gen = torch.Generator().manual_seed(seed)
    model = ViTok(CONFIG).eval()
    quantized = {}
    with torch.no_grad():
        for name, module in model.named_modules():
            if isinstance(module, torch.nn.Linear):
                gain = 0.5 if name.endswith("to_pixels") else 1.0
                q, scale = exact_linear(gen, module.out_features, module.in_features, gain)
                module.weight.copy_(q.float() * scale[:, None])
                quantized[name + ".weight"] = (q, scale)
                if module.bias is not None:
                    module.bias.copy_(exact_vector(gen, module.out_features, 0.0, 2.0 ** -8))
            elif isinstance(module, torch.nn.LayerNorm):
                module.weight.copy_(exact_vector(gen, module.normalized_shape[0], 1.0, 2.0 ** -7))
                module.bias.copy_(exact_vector(gen, module.normalized_shape[0], 0.0, 2.0 ** -8))
    for key, value in model.state_dict().items():
        for dtype in (torch.float16, torch.bfloat16):
            if not torch.equal(value.to(dtype).float(), value):
                raise AssertionError(f"{key} is not exact in {dtype}")
    return model, quantized


def write_int8_shards(model: ViTok, quantized: dict, directory: str):
    tensors = {}
    for key, value in model.state_dict().items():
        if key in quantized:
            q, scale = quantized[key]
            tensors[key], tensors[key + "_scale"] = q.contiguous(), scale.contiguous()
        else:
            tensors[key] = value.contiguous()
    shards, current, size = [], {}, 0
    for key in sorted(tensors):
        nbytes = tensors[key].numel() * tensors[key].element_size()
        if current and size + nbytes > SHARD_BYTES:
            shards.append(current)
            current, size = {}, 0
        current[key], size = tensors[key], size + nbytes
    shards.append(current)
    os.makedirs(directory, exist_ok=True)
    meta = {"vitok_config": CONFIG.to_json(), "format": "vitok-int8",
            "model_name": "vitok-tiny-golden"}
    for i, shard in enumerate(shards, 1):
        save_file(shard, os.path.join(directory, f"model-{i:05d}.safetensors"), metadata=meta)
    return len(shards)


def main(out_dir: str):
    torch.manual_seed(0)
    model, quantized = build()
    shards = write_int8_shards(model, quantized, os.path.join(out_dir, "tiny-int8"))
    gen = torch.Generator().manual_seed(99)
    t, h, w = CONFIG.clip
    levels = torch.randint(0, 256, (t, h, w, 3), generator=gen)
    clip = levels.float() / 128 - 1                      # exact in float16
    with torch.no_grad():
        mean, _ = model.encode(clip.permute(3, 0, 1, 2)[None])
        recon = model.decode(mean)[0].permute(1, 2, 3, 0).contiguous()
    save_file({"clip": clip.half().contiguous(), "latents": mean[0].contiguous(),
               "reconstruction": recon},
              os.path.join(out_dir, "io.safetensors"), metadata={"vitok_config": CONFIG.to_json()})
    clamped = (recon.abs() == 1).float().mean().item()
    print(f"{shards} shards; latents std {mean.std():.3f}; recon std {recon.std():.3f}, "
          f"clamped {clamped:.1%}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../Tests/ViTokTests/Fixtures/golden")
