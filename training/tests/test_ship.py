"""Parts written by training/ship.py reassemble byte-exactly; corruption is refused."""
import os

import pytest

from training.reassemble import main as reassemble
from training.ship import ship


def test_ship_and_reassemble(tmp_path):
    model = tmp_path / "int8"
    model.mkdir()
    payload = {f"model-0000{i}-of-00002.safetensors": os.urandom(300_000) for i in (1, 2)}
    for name, data in payload.items():
        (model / name).write_bytes(data)
    log = tmp_path / "train.jsonl"
    log.write_text('{"step": 1}\n')
    manifest = ship(str(model), str(tmp_path / "parts"), [str(log)], part_mib=0.2, workers=1)
    assert len(manifest["parts"]) >= 3 and all(p["bytes"] <= 0.2 * 2**20 for p in manifest["parts"])
    dest = tmp_path / "models" / "m"
    assert reassemble([str(tmp_path / "parts"), "--install", str(dest), "--extras", str(tmp_path / "x")]) == 0
    assert {n: (dest / n).read_bytes() for n in payload} == payload
    assert (tmp_path / "x" / "train.jsonl").read_text() == '{"step": 1}\n'
    part = tmp_path / "parts" / "part-01"
    data = bytearray(part.read_bytes())
    data[10] ^= 1
    part.write_bytes(bytes(data))
    assert reassemble([str(tmp_path / "parts"), "--install", str(tmp_path / "other")]) == 1
    assert not (tmp_path / "other").exists()


def test_missing_part_is_reported(tmp_path, capsys):
    model = tmp_path / "int8"
    model.mkdir()
    (model / "a.safetensors").write_bytes(os.urandom(400_000))
    ship(str(model), str(tmp_path / "parts"), [], part_mib=0.2, workers=1)
    os.remove(tmp_path / "parts" / "part-01")
    assert reassemble([str(tmp_path / "parts"), "--install", str(tmp_path / "m")]) == 1
    assert "part-01 not found" in capsys.readouterr().err
