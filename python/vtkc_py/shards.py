"""The webdataset latent shards `vtkc latents IN... -o DIR --format webdataset` writes
(docs/DATASETS.md): DIR/latents-000000.tar, latents-000001.tar, ... Each sample is two tar
members in this order: KEY.latents.npy (float32, shape (groups, tiles, tokens, channels),
the bytes `vtkc latents X.vtk -o X.npy` writes) and KEY.json (the .npy sidecar's string
dictionary plus "key" and "source", the relative .vtk path). numpy and the standard library
only; the files also load with the `webdataset` package.
"""
import io
import json
import re
import tarfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SHARD_NAME = re.compile(r"latents-(\d{6,})\.tar")


class ShardError(ValueError):
    """A shard that does not follow the layout above; the message names the shard and member."""


@dataclass
class Sample:
    key: str
    latents: np.ndarray  # float32 (groups, tiles, tokens, channels)
    metadata: dict  # strings: the sidecar's keys, "key" and "source"


def find_shards(root):
    """The shard files of a directory (latents-NNNNNN.tar, in number order), or [root] for a file."""
    root = Path(root)
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: no such file or directory")
    shards = sorted((p for p in root.iterdir() if SHARD_NAME.fullmatch(p.name)),
                    key=lambda p: int(SHARD_NAME.fullmatch(p.name).group(1)))
    if not shards:
        raise FileNotFoundError(f"{root}: no latents-NNNNNN.tar shards")
    return shards


def _split(name):
    """(key, extension) as webdataset splits a member name: at the first dot of the basename."""
    slash = name.rfind("/") + 1
    dot = name.find(".", slash)
    return (name, "") if dot < 0 else (name[:dot], name[dot + 1:])


def iter_shard(path):
    """The samples of one shard, in order (streams the tar; one sample in memory at a time)."""
    path = str(path)
    try:
        with tarfile.open(path, mode="r|") as tar:
            pending = None
            for member in tar:
                key, ext = _split(member.name)
                if not member.isfile():
                    raise ShardError(f"{path}: member {member.name!r} is not a regular file")
                data = tar.extractfile(member).read()
                if ext == "latents.npy" and pending is None:
                    pending = (key, _load_npy(data, path, member.name))
                elif ext == "json" and pending is not None and pending[0] == key:
                    yield Sample(key, pending[1], _load_json(data, path, member.name, key))
                    pending = None
                else:
                    expected = f"{pending[0]}.json" if pending else "KEY.latents.npy"
                    raise ShardError(f"{path}: member {member.name!r} where {expected!r} was expected")
            if pending is not None:
                raise ShardError(f"{path}: {pending[0]}.latents.npy has no {pending[0]}.json after it")
    except (tarfile.TarError, EOFError) as e:
        raise ShardError(f"{path}: not a readable tar file ({e})") from None


def _load_npy(data, path, name):
    try:
        array = np.load(io.BytesIO(data), allow_pickle=False)
    except ValueError as e:
        raise ShardError(f"{path}: {name}: not an NPY array ({e})") from None
    if array.dtype != np.dtype("<f4") or array.ndim != 4:
        raise ShardError(f"{path}: {name}: expected float32 (groups, tiles, tokens, channels), "
                         f"got {array.dtype} {array.shape}")
    return array


def _load_json(data, path, name, key):
    try:
        meta = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ShardError(f"{path}: {name}: not JSON ({e})") from None
    if not isinstance(meta, dict) or meta.get("key") != key:
        raise ShardError(f"{path}: {name}: expected a JSON object with \"key\": {key!r}")
    return meta
