"""PyTorch datasets over vtkc latents (the only module of vtkc_py that imports torch).

Items are dicts: {"key": str, "latents": float32 tensor} with the latents of a whole video,
shape (groups, tiles, tokens, channels), or with `per_group=True` one item per 16-frame group:
{"key", "group": int, "latents": (tiles, tokens, channels)}, which batch with the default
collate when every video has the same tile count (e.g. compressed with --resize 128 --crop
center). `with_metadata=True` adds "metadata" (the sidecar's string dictionary; give the
DataLoader a collate_fn, as keys differ between sources). `transform` maps each item.
"""
import random
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset, IterableDataset, get_worker_info

from vtkc_py.shards import find_shards, iter_shard
from vtkc_py.vtkfile import VTKFile, find_vtk_files


def _tensor(array):
    return torch.from_numpy(array if array.flags.writeable else array.copy())


def _paths(source, find):
    """Files from a directory or file (`find`), or an explicit list of paths."""
    if isinstance(source, (str, Path)):
        return find(source)
    return [Path(p) for p in source]


class VTKDataset(Dataset):
    """Map-style dataset over .vtk files (a directory walked for *.vtk, a file, or a list).
    Keys are paths relative to the directory without ".vtk" (file stems for a list). Every
    file is read and checked once here (group counts for `per_group`); latents are decoded
    per item by the Swift coder (libvtkformat.so, `vtkc_py.native`; pure Python where it is
    absent), well over 1,000 tiles a second with two DataLoader workers (`scripts/bench.py
    native`)."""

    def __init__(self, source, per_group=False, with_metadata=False, transform=None):
        self.paths = _paths(source, find_vtk_files)
        root = Path(source) if isinstance(source, (str, Path)) and Path(source).is_dir() else None
        self.keys = [str(p.relative_to(root).with_suffix("").as_posix()) if root else p.stem for p in self.paths]
        self.per_group, self.with_metadata, self.transform = per_group, with_metadata, transform
        self._open = None
        self.index = [(i, g) for i, p in enumerate(self.paths)
                      for g in range(VTKFile(p).group_count if per_group else 1)]

    def __len__(self):
        return len(self.index)

    def metadata(self, index):
        """The sidecar dictionary of item `index`'s file."""
        return VTKFile(self.paths[self.index[index][0]]).metadata()

    def __getstate__(self):
        # An open file holds a native handle, which does not travel to spawned workers.
        return {**self.__dict__, "_open": None}

    def _file(self, i):
        """File `i`, kept open while consecutive items come from it (a worker reading one
        file's groups in turn parses and checks it once)."""
        if self._open is None or self._open[0] != i:
            self._open = (i, VTKFile(self.paths[i]))
        return self._open[1]

    def __getitem__(self, index):
        i, g = self.index[index]
        vtk = self._file(i)
        item = {"key": self.keys[i]}
        if self.per_group:
            item.update(group=g, latents=_tensor(vtk.group(g)))
        else:
            item["latents"] = _tensor(vtk.latents())
        if self.with_metadata:
            item["metadata"] = vtk.metadata()
        return self.transform(item) if self.transform else item


class ShardDataset(IterableDataset):
    """Iterable dataset over webdataset latent shards (a directory of latents-NNNNNN.tar, a
    shard, or a list). Shards are divided between distributed ranks (rank::world_size; by
    default torch.distributed's when initialised) and then between DataLoader workers
    (worker::workers), so each sample is seen once per epoch; a rank or worker without a
    shard yields nothing (use at least ranks x workers shards). `shuffle_shards` permutes the
    shard order with `seed` + the epoch (`set_epoch`); samples keep their order in a shard."""

    def __init__(self, source, per_group=False, with_metadata=False, transform=None,
                 shuffle_shards=False, seed=0, rank=None, world_size=None):
        self.shards = _paths(source, find_shards)
        self.per_group, self.with_metadata, self.transform = per_group, with_metadata, transform
        self.shuffle_shards, self.seed, self.epoch = shuffle_shards, seed, 0
        distributed = torch.distributed.is_available() and torch.distributed.is_initialized()
        self.rank = rank if rank is not None else (torch.distributed.get_rank() if distributed else 0)
        self.world_size = world_size if world_size is not None else (
            torch.distributed.get_world_size() if distributed else 1)

    def set_epoch(self, epoch):
        self.epoch = epoch

    def my_shards(self):
        """The shards this rank and DataLoader worker read, in reading order."""
        shards = list(self.shards)
        if self.shuffle_shards:
            random.Random(self.seed + self.epoch).shuffle(shards)
        shards = shards[self.rank::self.world_size]
        worker = get_worker_info()
        return shards[worker.id::worker.num_workers] if worker else shards

    def __iter__(self):
        for shard in self.my_shards():
            for sample in iter_shard(shard):
                for item in self._items(sample):
                    yield self.transform(item) if self.transform else item

    def _items(self, sample):
        extra = {"metadata": sample.metadata} if self.with_metadata else {}
        if not self.per_group:
            yield {"key": sample.key, "latents": _tensor(sample.latents), **extra}
            return
        for g in range(sample.latents.shape[0]):
            yield {"key": sample.key, "group": g, "latents": _tensor(np.ascontiguousarray(sample.latents[g])), **extra}
