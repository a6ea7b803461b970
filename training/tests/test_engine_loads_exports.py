"""The Swift engine (the built `vtkc`) loads the trainer's fp32 and int8 exports and encodes
like PyTorch. Skipped unless `swift build` has produced .build/debug/vtkc and PyAV is present."""
import os
import subprocess

import numpy as np
import pytest
import torch

from conftest import REPO, moving_clip
from training.export import load_model, write_fp32, write_int8
from training.vitok.config import TINY
from training.vitok.model import ViTok

VTKC = os.path.join(REPO, ".build", "debug", "vtkc")


def lossless_video(path, frames):
    av = pytest.importorskip("av", reason="PyAV writes the lossless test video")
    with av.open(path, "w") as out:
        stream = out.add_stream("ffv1", rate=25)
        stream.width, stream.height, stream.pix_fmt = frames.shape[2], frames.shape[1], "bgr0"
        for f in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(f, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)


@pytest.mark.skipif(not os.access(VTKC, os.X_OK), reason="run `swift build` first (.build/debug/vtkc)")
def test_vtkc_encodes_exports_like_pytorch(tmp_path):
    # --precision float32: the reference is PyTorch's float32 model (the int8 engine is pinned
    # to its own PyTorch reference by the Swift Int8EngineTests).
    frames = moving_clip(np.random.default_rng(5), frames=16, size=32)
    video = str(tmp_path / "in.mkv")
    lossless_video(video, frames)
    torch.manual_seed(3)
    model = ViTok(TINY).eval()
    write_fp32(model, str(tmp_path / "m.safetensors"), name="tiny-fp32")
    write_int8(model, str(tmp_path / "m-int8"), name="tiny-int8", shard_limit=2**18)
    clip = torch.from_numpy(frames).float().permute(3, 0, 1, 2)[None] / 127.5 - 1
    for export in ("m.safetensors", "m-int8"):
        path = str(tmp_path / export)
        vtk, npy = str(tmp_path / f"{export}.vtk"), str(tmp_path / f"{export}.npy")
        subprocess.run([VTKC, "compress", video, "-o", vtk, "--model", path, "--latent-encoding",
                        "float16", "--precision", "float32", "-q", "-y"], check=True, capture_output=True)
        subprocess.run([VTKC, "latents", vtk, "-o", npy, "-y"], check=True, capture_output=True)
        with torch.no_grad():
            want = load_model(path).encode(clip)[0][0].numpy()
        got = np.load(npy).reshape(want.shape)
        # float16 latent storage: relative step 2^-11 of values below 4
        assert np.abs(got - want).max() < 2e-3, export
