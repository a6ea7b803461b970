"""The shard reader on tars written to the spec here (shard_writer.py), and its errors."""
import io
import tarfile

import numpy as np
import pytest

from tests.shard_writer import member, sample, write_shard
from vtkc_py import ShardError, find_shards, iter_shard


def test_samples_come_back_in_order(tmp_path):
    samples = [sample("clips/a", 2, 0), sample("clips/b_c", 1, 1), sample("d-e", 3, 2, tiles=2)]
    write_shard(tmp_path / "latents-000000.tar", samples)
    got = list(iter_shard(tmp_path / "latents-000000.tar"))
    assert [s.key for s in got] == ["clips/a", "clips/b_c", "d-e"]
    for s, (key, array, meta) in zip(got, samples):
        assert s.latents.dtype == np.float32 and np.array_equal(s.latents, array)
        assert s.metadata == dict(meta, key=key)


def test_find_shards_orders_by_number(tmp_path):
    for n in [10, 2, 0]:
        write_shard(tmp_path / f"latents-{n:06d}.tar", [sample(f"k{n}", 1, n)])
    (tmp_path / "notes.txt").write_text("not a shard")
    assert [p.name for p in find_shards(tmp_path)] == ["latents-000000.tar", "latents-000002.tar", "latents-000010.tar"]
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="no latents-NNNNNN.tar shards"):
        find_shards(tmp_path / "empty")


def test_layout_errors(tmp_path):
    swapped = tmp_path / "swapped.tar"
    write_shard(swapped, [sample("a", 1, 0)], order=("json", "latents.npy"))
    with pytest.raises(ShardError, match="'a.json' where 'KEY.latents.npy' was expected"):
        list(iter_shard(swapped))
    lonely = tmp_path / "lonely.tar"
    write_shard(lonely, [sample("a", 1, 0)], order=("latents.npy",))
    with pytest.raises(ShardError, match="a.latents.npy has no a.json after it"):
        list(iter_shard(lonely))
    wrong_dtype = tmp_path / "f64.tar"
    with tarfile.open(wrong_dtype, "w", format=tarfile.USTAR_FORMAT) as tar:
        buf = io.BytesIO()
        np.save(buf, np.zeros((1, 1, 2, 2)))
        member(tar, "a.latents.npy", buf.getvalue())
    with pytest.raises(ShardError, match="expected float32"):
        list(iter_shard(wrong_dtype))
    garbage = tmp_path / "garbage.tar"
    garbage.write_bytes(b"x" * 700)
    with pytest.raises(ShardError, match="not a readable tar file"):
        list(iter_shard(garbage))
