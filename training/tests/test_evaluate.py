"""The val report: one command gives PSNR/SSIM/LPIPS at float32 and int8 for a model directory."""
import json

import numpy as np
import torch

from conftest import moving_clip
from training import evaluate
from training.export import write_int8
from training.pack_format import encode_h264, write_pack
from training.vitok.config import TINY
from training.vitok.model import ViTok


def test_val_report_of_an_int8_directory(tmp_path, lpips_path, monkeypatch):
    monkeypatch.setenv("VTKC_LPIPS", lpips_path)
    clip = moving_clip(np.random.default_rng(3), frames=32, size=48)
    pack = str(tmp_path / "p.vtp")
    write_pack(pack, [{"name": "v", "split": "val", "width": 48, "height": 48, "fps": 25.0,
                       "frames": 32, "codec": "h264"}], [encode_h264(clip, 25.0, 10)], {})
    torch.manual_seed(0)
    write_int8(ViTok(TINY), str(tmp_path / "m"), name="tiny")
    out_json, out_md = tmp_path / "r.jsonl", tmp_path / "r.md"
    assert evaluate.main([str(tmp_path / "m"), "--pack", pack, "--baseline", "--device", "cpu",
                          "--json", str(out_json), "--markdown", str(out_md)]) == 0
    rows = [json.loads(line) for line in out_json.read_text().splitlines()]
    assert [r["precision"] for r in rows] == ["float32", "int8", ""]
    assert all(r["frames"] == 32 and "lpips" in r for r in rows)
    f32, i8, bicubic = rows
    assert abs(f32["psnr_pooled"] - i8["psnr_pooled"]) < 0.5  # an untrained tiny model: near, not equal
    assert bicubic["psnr_pooled"] > f32["psnr_pooled"]  # an untrained model loses to bicubic
    table = out_md.read_text()
    assert table.count("\n| ") == 4 and "| int8 | 32 |" in table
