"""Trainer checkpoints: everything an exact resume needs, written atomically."""
from __future__ import annotations

import os
import random

import numpy as np
import torch


def save_checkpoint(path, model, opt, sampler_state: dict, step, args, trained_seconds: float = 0.0) -> None:
    """Everything for an exact resume; sampler_state is the generator before the pending batch;
    trained_seconds is the training time so far, over every part (the time schedule's clock)."""
    state = {"model": model.state_dict(), "optim": opt.state_dict(), "step": step,
             "trained_seconds": trained_seconds,
             "sampler": sampler_state, "torch_rng": torch.get_rng_state(),
             "cuda_rng": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None,
             "py_rng": random.getstate(), "np_rng": np.random.get_state(),
             "config": model.cfg.to_json(), "args": vars(args)}
    tmp = path + ".tmp"
    torch.save(state, tmp)
    os.replace(tmp, path)


def load_checkpoint(path, model, opt, sampler) -> tuple[int, float]:
    """Restores everything save_checkpoint wrote; returns (step, trained_seconds)."""
    state = torch.load(path, map_location="cpu", weights_only=False)
    if state["config"] != model.cfg.to_json():
        raise SystemExit(f"error: {path} holds a different model config; pass the matching --config")
    model.load_state_dict(state["model"])
    opt.load_state_dict(state["optim"])
    sampler.load_state_dict(state["sampler"])
    torch.set_rng_state(state["torch_rng"])
    if state["cuda_rng"] is not None and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda_rng"])
    random.setstate(state["py_rng"])
    np.random.set_state(state["np_rng"])
    return int(state["step"]), float(state.get("trained_seconds", 0.0))
