"""Test helper: a webdataset latent shard written to the spec in docs/DATASETS.md with the
standard library (POSIX ustar, mtime 0, uid/gid 0, mode 0644, empty user and group names;
KEY.latents.npy then KEY.json per sample), independent of vtkc's writer."""
import io
import json
import tarfile

import numpy as np


def member(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode, info.uid, info.gid, info.uname, info.gname = len(data), 0, 0o644, 0, 0, "", ""
    tar.addfile(info, io.BytesIO(data))


def write_shard(path, samples, order=("latents.npy", "json")):
    """samples: (key, float32 array, metadata dict) triples."""
    with tarfile.open(path, "w", format=tarfile.USTAR_FORMAT) as tar:
        for key, array, meta in samples:
            npy = io.BytesIO()
            np.save(npy, array.astype("<f4"))
            parts = {"latents.npy": npy.getvalue(), "json": json.dumps(dict(meta, key=key)).encode()}
            for ext in order:
                member(tar, f"{key}.{ext}", parts[ext])


def sample(key, groups, seed, tiles=1, tokens=64, channels=16):
    rng = np.random.default_rng(seed)
    array = rng.standard_normal((groups, tiles, tokens, channels)).astype(np.float32)
    return key, array, {"source": key + ".vtk", "frame_count": str(16 * groups)}
