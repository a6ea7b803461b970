"""Reading the training pack (training/pack_format.py) and assembling training batches on the device.

Clips are decoded once (H.264 through OpenCV or PyAV, a process pool) into uint8 tensors
(T, H, W, 3) that live on the training device; every batch is then cut from them there: a
16-frame window with a random temporal stride (1 or 2, as the clip allows), a random square
crop of side s in [H, 1.25 H] resized to H (a random short-side resize + crop), a random
horizontal flip; still photos become static clips for a fraction of the samples. All
randomness comes from one torch.Generator so a checkpoint can restore it exactly.
"""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import torch
import torch.nn.functional as F

from .pack_format import decode_member, read_index, read_members


def _decode(job: tuple[dict, bytes]) -> np.ndarray:
    return decode_member(*job)


def load_pack(path: str, splits: tuple[str, ...], workers: int | None = None) -> list[dict]:
    """Decode the clips of the given splits: [{"name", "split", "fps", "frames": uint8 (T,H,W,3)}]."""
    index, base = read_index(path)
    chosen = [c for c in index["clips"] if c["split"] in splits]
    jobs = list(zip(chosen, read_members(path, chosen, base)))
    workers = workers or min(16, os.cpu_count() or 1)
    if workers > 1 and len(jobs) > 1:
        with ProcessPoolExecutor(workers) as pool:
            arrays = list(pool.map(_decode, jobs, chunksize=1))
    else:
        arrays = [_decode(j) for j in jobs]
    return [{"name": c["name"], "split": c["split"], "fps": c["fps"], "frames": a}
            for c, a in zip(chosen, arrays)]


class ClipSampler:
    """Draws training batches (B, 3, T, H, W) in [-1, 1] from clips held on `device`."""

    def __init__(self, clips: list[np.ndarray], stills: list[np.ndarray], clip_shape: tuple,
                 device: torch.device, seed: int, still_fraction: float = 0.1):
        self.t, self.h, self.w = clip_shape
        self.device = device
        side = lambda a: min(a.shape[1], a.shape[2])  # noqa: E731
        self.clips = [torch.from_numpy(np.ascontiguousarray(c)).to(device)
                      for c in clips if len(c) >= self.t and side(c) >= self.h]
        self.stills = [torch.from_numpy(np.ascontiguousarray(s[:1])).to(device)
                       for s in stills if side(s) >= self.h]
        if not self.clips:
            raise ValueError(f"no clip has {self.t} frames of at least {self.h} px")
        sizes = torch.tensor([len(c) - self.t + 1 for c in self.clips], dtype=torch.float64)
        self.weights = sizes / sizes.sum()
        self.still_fraction = still_fraction if self.stills else 0.0
        self.gen = torch.Generator().manual_seed(seed)

    def _rand(self, n: int) -> int:
        return int(torch.randint(n, (1,), generator=self.gen))

    def _window(self) -> torch.Tensor:
        if float(torch.rand(1, generator=self.gen)) < self.still_fraction:
            return self.stills[self._rand(len(self.stills))].expand(self.t, -1, -1, -1)
        clip = self.clips[int(torch.multinomial(self.weights, 1, generator=self.gen))]
        stride = 2 if len(clip) >= 2 * self.t - 1 and self._rand(2) else 1
        start = self._rand(len(clip) - stride * (self.t - 1))
        return clip[start: start + stride * (self.t - 1) + 1: stride]

    def sample(self, batch: int) -> torch.Tensor:
        out = []
        for _ in range(batch):
            win = self._window()  # (T, H, W, 3) uint8
            hmax, wmax = win.shape[1], win.shape[2]
            s = self.h + self._rand(min(hmax, wmax, self.h + self.h // 4) - self.h + 1)
            y, x = self._rand(hmax - s + 1), self._rand(wmax - s + 1)
            crop = win[:, y: y + s, x: x + s].permute(0, 3, 1, 2).float()
            if s != self.h:
                crop = F.interpolate(crop, size=(self.h, self.w), mode="bilinear",
                                     antialias=True, align_corners=False)
            if self._rand(2):
                crop = crop.flip(-1)
            out.append(crop)
        clips = torch.stack(out).permute(0, 2, 1, 3, 4)  # (B, 3, T, H, W)
        return (clips / 127.5 - 1.0).clamp(-1.0, 1.0).contiguous()

    def frame_subset(self, k: int) -> torch.Tensor | None:
        """k distinct frame indices in increasing order on the device (None for k = 0 or >= T):
        the frames a step's LPIPS looks at."""
        if k <= 0 or k >= self.t:
            return None
        return torch.randperm(self.t, generator=self.gen)[:k].sort().values.to(self.device)

    def state_dict(self) -> dict:
        return {"gen": self.gen.get_state()}

    def load_state_dict(self, state: dict) -> None:
        self.gen.set_state(state["gen"])
