"""The lease payload: call folders fit the limit beside the tree, and stage + unpack restore it."""
import hashlib
import os
import subprocess

import pytest

from training import lease


def git_repo(tmp_path):
    root = tmp_path / "repo"
    (root / "models").mkdir(parents=True)
    (root / "models" / "big.bin").write_bytes(os.urandom(3 * 2**20))
    (root / "code.py").write_text("print(1)\n")
    (root / ".gitignore").write_text("/.gpu/\n")
    for cmd in (["init", "-q"], ["add", "-A"], ["-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "x"]):
        subprocess.run(["git", *cmd], cwd=root, check=True)
    return root


def test_tree_off_leaves_models_out_and_on_brings_it_back(tmp_path):
    root = git_repo(tmp_path)
    (root / "notes.txt").write_text("untracked, not ignored: travels\n")
    (root / ".gpu").mkdir()
    (root / ".gpu" / "pack.vtp").write_bytes(b"x" * 1000)
    full = lease.travelling_bytes(str(root))
    assert full > 3 * 2**20
    lease.set_tree(False, str(root))
    assert not (root / "models" / "big.bin").exists()
    small = lease.travelling_bytes(str(root))
    assert small == full - 3 * 2**20
    assert lease.travelling_bytes(str(root), (".gpu",)) == small + 1000
    status = subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True)
    assert status.stdout.strip() == "?? notes.txt"  # nothing shows as deleted
    lease.set_tree(True, str(root))
    assert (root / "models" / "big.bin").stat().st_size == 3 * 2**20


def test_plan_stage_unpack_round_trip(tmp_path):
    src = tmp_path / "src"
    (src / "init").mkdir(parents=True)
    files = {"pack.vtp": os.urandom(9 * 2**20), "init/model-1.safetensors": os.urandom(7 * 2**20)}
    for name, data in files.items():
        (src / name).write_bytes(data)
    out = tmp_path / "lease"
    limit = 8 * 2**20  # a small limit: 8 MiB per call, 1 MiB of tree, 2 MiB margin
    manifest = lease.plan({"pack.vtp": str(src / "pack.vtp"), "init": str(src / "init")}, str(out),
                          2**20, limit)
    assert manifest["calls"] == 4 and manifest["room_per_call"] == 5 * 2**20
    for k in range(1, 5):
        folder = out / f"call-{k}"
        assert sum(f.stat().st_size for f in folder.iterdir()) + 2**20 <= limit
    stage = tmp_path / "stage"
    for k in (1, 2, 3):
        lease.stage(str(out / f"call-{k}"), str(stage))
    with pytest.raises(SystemExit, match="piece-04 .call 4. was never staged"):
        lease.unpack(str(stage))
    lease.stage(str(out / "call-4"), str(stage))
    payload = lease.unpack(str(stage))
    for name, data in files.items():
        got = open(os.path.join(payload, name), "rb").read()
        assert hashlib.sha256(got).digest() == hashlib.sha256(data).digest()
    piece = stage / "piece-02"
    piece.write_bytes(b"\0" + piece.read_bytes()[1:])
    with pytest.raises(SystemExit, match="piece-02 does not match"):
        lease.unpack(str(stage))


def test_plan_refuses_a_tree_that_leaves_no_room(tmp_path):
    with pytest.raises(SystemExit, match="tree off"):
        lease.plan({}, str(tmp_path / "l"), 62 * 2**20)
