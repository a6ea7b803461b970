"""The torch datasets: VTKDataset over .vtk files vtkc writes here, ShardDataset over shards
written to the spec, both through torch.utils.data.DataLoader (with worker processes)."""
import numpy as np
import pytest

from tests.vtkc_fixtures import write_y4m
from tests.shard_writer import sample, write_shard

torch = pytest.importorskip("torch", reason="torch is not installed: the dataset tests need it")
from torch.utils.data import DataLoader  # noqa: E402

from vtkc_py import ShardDataset, VTKDataset, VTKFile  # noqa: E402


@pytest.fixture(scope="module")
def vtk_dir(tmp_path_factory, run_vtkc):
    root = tmp_path_factory.mktemp("vtkds")
    (root / "sub").mkdir()
    for seed, (rel, frames) in enumerate([("a", 20), ("sub/b", 40), ("c", 16)]):
        write_y4m(root / f"{rel}.y4m", 32, 32, frames, seed)
        run_vtkc(["compress", f"{rel}.y4m", "-o", f"{rel}.vtk", "--model", "{model}", "-q"], root)
    return root


def test_vtk_dataset_per_video_and_per_group(vtk_dir):
    videos = VTKDataset(vtk_dir)
    assert videos.keys == ["a", "c", "sub/b"] and len(videos) == 3
    item = videos[2]
    assert item["key"] == "sub/b" and item["latents"].dtype == torch.float32
    assert np.array_equal(item["latents"].numpy(), VTKFile(vtk_dir / "sub" / "b.vtk").latents())

    groups = VTKDataset(vtk_dir, per_group=True, with_metadata=True)
    assert [(groups[i]["key"], groups[i]["group"]) for i in range(len(groups))] == [
        ("a", 0), ("a", 1), ("c", 0), ("sub/b", 0), ("sub/b", 1), ("sub/b", 2)]
    assert groups[4]["metadata"]["frame_count"] == "40"
    assert np.array_equal(groups[4]["latents"].numpy(), item["latents"][1].numpy())
    batch = next(iter(DataLoader(VTKDataset(vtk_dir, per_group=True), batch_size=4, num_workers=2)))
    assert batch["latents"].shape == (4, 1, 64, 16) and batch["key"] == ["a", "a", "c", "sub/b"]


def test_shard_dataset_through_a_dataloader(tmp_path):
    expected = {}
    for n in range(3):
        samples = [sample(f"s{n}/v{i}", 1 + i, 10 * n + i) for i in range(2)]
        write_shard(tmp_path / f"latents-{n:06d}.tar", samples)
        expected.update({key: array for key, array, _ in samples})
    dataset = ShardDataset(tmp_path, per_group=True)
    seen = {}
    for batch in DataLoader(dataset, batch_size=2, num_workers=2):
        assert batch["latents"].shape[1:] == (1, 64, 16)
        for key, g, latents in zip(batch["key"], batch["group"].tolist(), batch["latents"]):
            assert (key, g) not in seen
            seen[(key, g)] = latents.numpy()
    assert len(seen) == sum(a.shape[0] for a in expected.values())
    for (key, g), latents in seen.items():
        assert np.array_equal(latents, expected[key][g])


def test_shard_dataset_divides_shards_between_ranks(tmp_path):
    for n in range(4):
        write_shard(tmp_path / f"latents-{n:06d}.tar", [sample(f"k{n}", 1, n)])
    ranks = [[item["key"] for item in ShardDataset(tmp_path, rank=r, world_size=2)] for r in range(2)]
    assert ranks == [["k0", "k2"], ["k1", "k3"]]
    def order(epoch):
        dataset = ShardDataset(tmp_path, shuffle_shards=True, seed=3)
        dataset.set_epoch(epoch)
        return [item["key"] for item in dataset]

    orders = [order(epoch) for epoch in range(4)]
    assert all(sorted(o) == ["k0", "k1", "k2", "k3"] for o in orders)
    assert orders[1] == order(1) and len({tuple(o) for o in orders}) > 1
