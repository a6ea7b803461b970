"""safetensors export/import with the `vitok_config` metadata of docs/MODEL.md."""
from __future__ import annotations

import torch
from safetensors import safe_open
from safetensors.torch import save_file

from .config import ViTokConfig
from .model import ViTok


def export(model: ViTok, path: str, dtype: torch.dtype = torch.float32, extra: dict | None = None):
    tensors = {k: v.detach().to("cpu", dtype).contiguous() for k, v in model.state_dict().items()}
    meta = {"vitok_config": model.cfg.to_json(), **(extra or {})}
    save_file(tensors, path, metadata=meta)


def load(path: str) -> ViTok:
    with safe_open(path, framework="pt") as f:
        meta = f.metadata() or {}
        if "vitok_config" not in meta:
            raise ValueError(f"{path}: no vitok_config in the safetensors metadata")
        model = ViTok(ViTokConfig.from_json(meta["vitok_config"]))
        state = {k: f.get_tensor(k).float() for k in f.keys()}
    model.load_state_dict(state, strict=True)
    return model
