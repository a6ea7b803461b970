"""The Swift .vtk reader (Sources/VTKFormatABI, `libvtkformat.so`) through ctypes: the one
implementation of the format's coder, at native speed. `vtkc_py.container` stays as the
reference written from docs/FORMAT.md and as the fallback where the library is absent.

The library is looked for, in order: $VTKC_FORMAT_LIB (a path; "none" turns the native path
off), next to an installed `vtkc` (<prefix>/lib/vtkc/libvtkformat.so, as scripts/install.sh
--prefix puts it), and in this source tree's .build/release, then .build/debug.
"""
import ctypes
import os
import shutil
import warnings
from pathlib import Path

import numpy as np

from vtkc_py.container import VTKError

ABI_VERSION = 1
_NAME = "libvtkformat.so"
_ERROR_BYTES = 1024
_library = None
_looked = False


def candidates():
    """The places the library is looked for, in order."""
    explicit = os.environ.get("VTKC_FORMAT_LIB")
    if explicit:
        return [] if explicit == "none" else [Path(explicit)]
    places = []
    vtkc = shutil.which("vtkc")
    if vtkc:
        places.append(Path(vtkc).resolve().parent.parent / "lib" / "vtkc" / _NAME)
    root = Path(__file__).resolve().parents[2]
    places += [root / ".build" / "release" / _NAME, root / ".build" / "debug" / _NAME]
    return places


def library():
    """The loaded library, or None when none is found (the pure-Python coder is used then).
    A library of another ABI version is an error, not a silent fallback."""
    global _library, _looked
    if _looked:
        return _library
    _looked = True
    for path in candidates():
        if not path.is_file():
            continue
        try:
            lib = ctypes.CDLL(str(path))
        except OSError as e:  # e.g. the Swift runtime it links is not on this machine
            warnings.warn(f"{path} cannot be loaded ({e}); decoding .vtk latents in pure Python, about 100x slower")
            continue
        lib.vtkformat_abi_version.restype = ctypes.c_int32
        if lib.vtkformat_abi_version() != ABI_VERSION:
            raise RuntimeError(f"{path}: ABI version {lib.vtkformat_abi_version()}, this vtkc_py needs {ABI_VERSION}")
        lib.vtkformat_open.restype = ctypes.c_void_p
        lib.vtkformat_open.argtypes = [ctypes.c_char_p, ctypes.c_ssize_t, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ssize_t]
        lib.vtkformat_values_per_group.restype = ctypes.c_int64
        lib.vtkformat_values_per_group.argtypes = [ctypes.c_void_p]
        lib.vtkformat_group_count.restype = ctypes.c_int64
        lib.vtkformat_group_count.argtypes = [ctypes.c_void_p]
        lib.vtkformat_decode_group.restype = ctypes.c_int32
        lib.vtkformat_decode_group.argtypes = [ctypes.c_void_p, ctypes.c_int64, ctypes.c_void_p, ctypes.c_int64,
                                               ctypes.c_char_p, ctypes.c_ssize_t]
        lib.vtkformat_close.argtypes = [ctypes.c_void_p]
        lib.path = path
        _library = lib
        break
    return _library


class NativeReader:
    """A whole file parsed and checked by the Swift reader; groups decoded on demand."""

    def __init__(self, data, name):
        self.lib = library()
        if self.lib is None:
            raise RuntimeError("libvtkformat.so was not found (build it with `swift build`)")
        message = ctypes.create_string_buffer(_ERROR_BYTES)
        self.handle = self.lib.vtkformat_open(data, len(data), name.encode(), message, _ERROR_BYTES)
        if not self.handle:
            raise VTKError(message.value.decode(errors="replace"))
        self.values = self.lib.vtkformat_values_per_group(self.handle)
        self.count = self.lib.vtkformat_group_count(self.handle)

    def group(self, index, out=None):
        """Group `index` as float32 values (into `out`, a C-contiguous float32 array of
        values_per_group elements, when given)."""
        if out is None:
            out = np.empty(self.values, dtype=np.float32)
        if out.dtype != np.float32 or not out.flags.c_contiguous or out.size < self.values:
            raise ValueError("out must be a C-contiguous float32 array of values_per_group() elements")
        message = ctypes.create_string_buffer(_ERROR_BYTES)
        if self.lib.vtkformat_decode_group(self.handle, index, out.ctypes.data, out.size, message, _ERROR_BYTES) != 0:
            raise VTKError(message.value.decode(errors="replace"))
        return out

    def __del__(self):
        handle, self.handle = getattr(self, "handle", None), None
        if handle:
            self.lib.vtkformat_close(handle)
