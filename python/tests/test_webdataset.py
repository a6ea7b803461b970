"""The shards `vtkc latents --format webdataset` writes load through the Python reader and
ShardDataset: each sample's latents and JSON equal the Python reader's view of its .vtk file
(and the .npy member the bytes of `vtkc latents X.vtk -o X.npy`); the tars follow the
deterministic ustar layout of docs/DATASETS.md."""
import json
import tarfile

import numpy as np
import pytest

from tests.vtkc_fixtures import write_y4m
from vtkc_py import VTKFile, find_shards, iter_shard

SOURCES = {"a": 20, "sub/b.v2": 40, "sub/c": 16, "d": 33}  # name (no extension): frames


@pytest.fixture(scope="module")
def exported(tmp_path_factory, run_vtkc):
    root = tmp_path_factory.mktemp("wds")
    (root / "videos" / "sub").mkdir(parents=True)
    for seed, (name, frames) in enumerate(SOURCES.items()):
        write_y4m(root / "videos" / f"{name}.y4m", 32, 32, frames, seed)
    run_vtkc(["compress", "videos", "-o", "vtk", "--model", "{model}", "-q"], root)
    run_vtkc(["latents", "vtk", "-o", "shards", "--format", "webdataset", "--shard-size", "12KB"], root)
    return root


def test_samples_equal_the_vtk_files(exported, run_vtkc):
    shards = find_shards(exported / "shards")
    assert len(shards) >= 2
    samples = [s for shard in shards for s in iter_shard(shard)]
    assert [s.key for s in samples] == ["a", "d", "sub/b_v2", "sub/c"]
    for s in samples:
        source = s.metadata["source"]
        vtk = VTKFile(exported / "vtk" / source)
        assert np.array_equal(s.latents, vtk.latents())
        assert s.metadata == dict(vtk.metadata(), key=s.key, source=source)
    run_vtkc(["latents", "vtk/sub/b.v2.vtk", "-o", "b.npy"], exported)
    members = {}
    for shard in shards:
        with tarfile.open(shard) as tar:
            members.update({m.name: tar.extractfile(m).read() for m in tar.getmembers()})
    assert list(members)[:2] == ["a.latents.npy", "a.json"]
    assert members["sub/b_v2.latents.npy"] == (exported / "b.npy").read_bytes()


def test_tar_layout_is_deterministic(exported):
    for shard in find_shards(exported / "shards"):
        data = shard.read_bytes()
        assert len(data) <= 12_000 or len(list(iter_shard(shard))) == 1
        assert data[-1024:] == bytes(1024) and len(data) % 512 == 0
        with tarfile.open(shard) as tar:
            for m in tar.getmembers():
                assert (m.mtime, m.uid, m.gid, m.mode, m.uname, m.gname) == (0, 0, 0, 0o644, "", "")
                assert m.isfile() and (m.name.endswith(".latents.npy") or m.name.endswith(".json"))
                if m.name.endswith(".json"):
                    assert isinstance(json.loads(tar.extractfile(m).read()), dict)


def test_shards_through_a_dataloader(exported):
    torch = pytest.importorskip("torch", reason="torch is not installed: the dataset tests need it")
    from torch.utils.data import DataLoader
    from vtkc_py import ShardDataset

    seen = []
    for batch in DataLoader(ShardDataset(exported / "shards", per_group=True), batch_size=3, num_workers=2):
        assert batch["latents"].dtype == torch.float32 and batch["latents"].shape[1:] == (1, 64, 16)
        seen += list(zip(batch["key"], batch["group"].tolist()))
    groups = {"a": 2, "sub/b_v2": 3, "sub/c": 1, "d": 3}
    assert sorted(seen) == sorted((k, g) for k, n in groups.items() for g in range(n))
