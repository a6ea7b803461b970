"""Export a trained ViTok to the engine's formats and load either back into PyTorch.

fp32: one safetensors file with the tensor names of docs/MODEL.md and the metadata "vitok_config",
"format": "vitok-fp32", "model_name" (plus any extra string entries).
int8: a directory of safetensors shards (each <= 50 MiB, each with "vitok_config",
"format": "vitok-int8", "model_name"); every Linear weight except the tiny latent
projections is stored as I8 (out, in) with an F32 `X.weight_scale` (out,) so that
w = q * scale[row] (symmetric, per output channel, scale = max|w_row| / 127); the rest F32.

    python -m training.export IN.safetensors --int8 models/vitok-sb4x8 [--name vitok-sb4x8]
"""
from __future__ import annotations

import argparse
import os
import shutil
import tempfile

import torch
from safetensors import safe_open
from safetensors.torch import save_file

from .vitok.config import ViTokConfig
from .vitok.model import ViTok

SHARD_LIMIT = 50 * 2**20
FP32_KEEP = ("encoder.to_latent.weight", "decoder.from_latent.weight")


def _state(model_or_state) -> dict[str, torch.Tensor]:
    state = model_or_state.state_dict() if isinstance(model_or_state, torch.nn.Module) else model_or_state
    return {k: v.detach().to("cpu", torch.float32).contiguous() for k, v in state.items()}


def _metadata(cfg: ViTokConfig, fmt: str, name: str, extra: dict | None) -> dict[str, str]:
    return {**(extra or {}), "vitok_config": cfg.to_json(), "format": fmt, "model_name": name}


def write_fp32(model: ViTok, path: str, name: str = "vitok-sb4x8", extra: dict | None = None) -> None:
    """One float32 safetensors file, written to a temporary name and renamed."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    os.close(fd)
    save_file(_state(model), tmp, metadata=_metadata(model.cfg, "vitok-fp32", name, extra))
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def quantize_rows(w: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Symmetric per-row int8: (q int8 (out, in), scale float32 (out,)) with w ~ q * scale[:, None]."""
    amax = w.abs().amax(dim=1)
    scale = torch.where(amax > 0, amax / 127.0, torch.ones_like(amax))
    q = torch.round(w / scale[:, None]).clamp(-127, 127).to(torch.int8)
    return q, scale.float()


def int8_tensors(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    out = {}
    for key, value in state.items():
        if key.endswith(".weight") and value.ndim == 2 and key not in FP32_KEEP:
            out[key], out[key + "_scale"] = quantize_rows(value)
        else:
            out[key] = value
    return out


def write_int8(model: ViTok, directory: str, name: str = "vitok-sb4x8", extra: dict | None = None,
               shard_limit: int = SHARD_LIMIT) -> list[str]:
    """Sharded int8 directory (replaced as a whole); returns the shard file names."""
    tensors = int8_tensors(_state(model))
    shards, current, size = [], {}, 0
    for key in sorted(tensors):  # a weight and its scale sort next to each other
        nbytes = tensors[key].numel() * tensors[key].element_size()
        if current and size + nbytes > shard_limit - min(2**20, shard_limit // 4):  # header room
            shards.append(current)
            current, size = {}, 0
        current[key] = tensors[key]
        size += nbytes
    shards.append(current)
    directory = os.path.abspath(directory)
    parent = os.path.dirname(directory)
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(dir=parent, prefix=".int8-")
    meta = _metadata(model.cfg, "vitok-int8", name, extra)
    names = [f"model-{i + 1:05d}-of-{len(shards):05d}.safetensors" for i in range(len(shards))]
    for shard, fname in zip(shards, names):
        save_file(shard, os.path.join(tmp, fname), metadata=meta)
    os.chmod(tmp, 0o755)
    if os.path.exists(directory):
        shutil.rmtree(directory)
    os.replace(tmp, directory)
    return names


def weight_files(path: str) -> list[str]:
    if os.path.isdir(path):
        files = sorted(os.path.join(path, f) for f in os.listdir(path) if f.endswith(".safetensors"))
        if not files:
            raise ValueError(f"{path}: no .safetensors shards in this directory")
        return files
    return [path]


def load_state(path: str) -> tuple[ViTokConfig, dict[str, torch.Tensor], dict[str, str]]:
    """Config, float32 state dict (int8 weights dequantized) and metadata of a file or shard dir."""
    raw, meta = {}, {}
    for file in weight_files(path):
        with safe_open(file, framework="pt") as f:
            meta = f.metadata() or {}
            if "vitok_config" not in meta:
                raise ValueError(f"{file}: no vitok_config in the safetensors metadata")
            raw.update({k: f.get_tensor(k) for k in f.keys()})
    state = {}
    for key, value in raw.items():
        if key.endswith("_scale"):
            continue
        if value.dtype == torch.int8:
            scale = raw.get(key + "_scale")
            if scale is None:
                raise ValueError(f"{path}: int8 tensor {key} lacks {key}_scale")
            value = value.float() * scale.float()[:, None]
        state[key] = value.float()
    return ViTokConfig.from_json(meta["vitok_config"]), state, meta


def load_model(path: str) -> ViTok:
    """A ViTok with the weights of an fp32/fp16 file or an int8 shard directory (strict)."""
    cfg, state, _ = load_state(path)
    model = ViTok(cfg)
    model.load_state_dict(state, strict=True)
    return model.eval()


def main() -> None:
    ap = argparse.ArgumentParser(description="Convert a ViTok export to the int8 shard directory.")
    ap.add_argument("source", help="fp32 safetensors (or an int8 directory)")
    ap.add_argument("--int8", required=True, help="output directory of int8 shards")
    ap.add_argument("--name", default="", help="model_name metadata (default: the source's)")
    args = ap.parse_args()
    _, _, meta = load_state(args.source)
    model = load_model(args.source)
    name = args.name or meta.get("model_name", "vitok-sb4x8")
    extra = {k: v for k, v in meta.items() if k not in ("vitok_config", "format", "model_name")}
    names = write_int8(model, args.int8, name=name, extra=extra)
    print(f"wrote {len(names)} shards to {args.int8}")


if __name__ == "__main__":
    main()
