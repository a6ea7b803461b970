"""CPU rehearsal of a whole lease with the tiny config: staging calls, a train call that continues
from the staged int8 model, a second train call that resumes its checkpoint, the fetch call,
and the reassembly of what came back."""
import json
import os
import subprocess

import numpy as np
import torch

from conftest import REPO, moving_clip
from training import lease
from training.export import write_int8
from training.pack_format import encode_h264, encode_jpeg, write_pack
from training.vitok.config import TINY
from training.vitok.model import ViTok


def tiny_pack(path: str) -> None:
    rng = np.random.default_rng(5)
    clips = [moving_clip(rng, frames=40, size=48) for _ in range(3)]
    entries = [{"name": f"c{i}", "split": split, "width": 48, "height": 48, "fps": 25.0,
                "frames": 40, "codec": "h264"} for i, split in enumerate(("train", "train", "val"))]
    entries.append({"name": "s", "split": "still", "width": 48, "height": 48, "fps": 0.0,
                    "frames": 1, "codec": "jpeg"})
    write_pack(path, entries, [encode_h264(c, 25.0, 16) for c in clips] + [encode_jpeg(clips[0][0], 90)], {})


def test_lease_rehearsal(tmp_path, lpips_path):
    src = tmp_path / "src"
    src.mkdir()
    tiny_pack(str(src / "pack.vtp"))
    torch.manual_seed(1)
    write_int8(ViTok(TINY), str(src / "init"), name="tiny")
    files = {"pack.vtp": str(src / "pack.vtp"), "lpips_alexnet.safetensors": lpips_path,
             "init": str(src / "init")}
    manifest = lease.plan(files, str(tmp_path / "lease"), 2**20, 8 * 2**20)  # 5 MiB per call
    calls = manifest["calls"]
    assert calls >= 2
    run_dir, out = tmp_path / "run", tmp_path / "out"
    env = {**os.environ, "VTKC_CONFIG": "tiny", "VTKC_RUN": str(run_dir), "VTKC_STAGE": str(tmp_path / "stage"),
           "OUT": str(out), "PYTHON": os.path.join(REPO, ".venv", "bin", "python"), "VTKC_SCHEDULE_MINUTES": "0.6",
           "VTKC_TRAIN_ARGS": "--device cpu --batch 2 --log-every 5 --threads 1 --workers 1 --lr 1e-3"}
    if not os.path.exists(env["PYTHON"]):
        env["PYTHON"] = "python3"

    def job(*args):
        r = subprocess.run(["bash", "training/gpu_job.sh", *args], cwd=REPO, env=env,
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
        return r.stdout

    for k in range(1, calls):
        assert "staged" in job("stage", str(tmp_path / "lease" / f"call-{k}"))
    first = job("train", "0.35", str(tmp_path / "lease" / f"call-{calls}"))
    assert "continue from the staged model" in first and "trainer exit status 0" in first
    rows = [json.loads(line) for line in (out / "eval.jsonl").read_text().splitlines()]
    assert [(os.path.basename(r["model"]), r["precision"]) for r in rows] == [
        ("model.safetensors", "float32"), ("int8", "int8"), ("init", "int8"), ("bicubic 18x18 (equal floats)", "")]
    assert all("lpips" in r for r in rows)
    second = job("train", "0.35")
    assert "resume from" in second
    starts = [json.loads(line) for line in (run_dir / "train.jsonl").read_text().splitlines()
              if '"event": "start"' in line]
    assert len(starts) == 2 and starts[1]["step"] > 0 and starts[1]["trained_seconds"] > 0
    job("fetch")
    install = tmp_path / "installed"
    subprocess.run([env["PYTHON"], "-m", "training.reassemble", str(out), "--install", str(install)],
                   cwd=REPO, check=True, capture_output=True)
    for name in os.listdir(run_dir / "int8"):
        assert (install / name).read_bytes() == (run_dir / "int8" / name).read_bytes()
