"""A .vtk file as a researcher wants it: the header, the source geometry, the tile layout and
the latents as one float32 array of shape (groups, tiles, tokens, channels), the array
`vtkc latents X.vtk -o X.npy` writes, with the same metadata dictionary as its .json sidecar.
"""
from fractions import Fraction
from pathlib import Path

import numpy as np

from vtkc_py.container import Reader
from vtkc_py.native import NativeReader, library
from vtkc_py.layout import TileLayout


class VTKFile:
    """Reads and checks a whole .vtk file (every CRC, the framing) on construction; latents
    are decoded on demand, by the Swift coder (`vtkc_py.native`, libvtkformat.so) where it is
    found, else by the pure-Python reference; both give the same bits. `native=False` forces
    the pure-Python coder. Raises `VTKError` (a ValueError) for a malformed file."""

    def __init__(self, path, native=None):
        self.path = Path(path)
        data = self.path.read_bytes()
        self.reader = Reader(data, name=str(path))
        self.header = self.reader.header
        use_native = native if native is not None else library() is not None
        self.native = NativeReader(data, str(path)) if use_native else None

    @property
    def width(self):
        return self.header["width"]

    @property
    def height(self):
        return self.header["height"]

    @property
    def frame_count(self):
        return self.header["frames"]

    @property
    def frame_rate(self):
        """Frames per second as stored (a Fraction; e.g. 30000/1001)."""
        return Fraction(*self.header["rate"])

    @property
    def group_count(self):
        return self.reader.group_count()

    @property
    def shape(self):
        """(groups, tiles, tokens, channels)."""
        h = self.header
        return (self.group_count, h["tiling"]["columns"] * h["tiling"]["rows"], h["tokens"], h["channels"])

    @property
    def layout(self):
        return TileLayout.from_header(self.header, name=str(self.path))

    def group(self, index):
        """The latents of group `index` (random access): float32 (tiles, tokens, channels)."""
        if not 0 <= index < self.group_count:
            raise IndexError(f"group {index} is outside 0..{self.group_count - 1}")
        if self.native is not None:
            return self.native.group(index).reshape(self.shape[1:])
        records = [(pos, p) for t, pos, p in self.reader.records if t == 1]
        pos, payload = records[index]
        return self.reader.decode_group(pos, payload).reshape(self.shape[1:])

    def latents(self):
        """Every group's latents: float32 (groups, tiles, tokens, channels), C order."""
        out = np.empty(self.shape, dtype=np.float32)
        if self.native is not None:
            for i in range(self.group_count):
                self.native.group(i, out[i].reshape(-1))
            return out
        for i, values in enumerate(self.reader.groups()):
            out[i] = values.reshape(self.shape[1:])
        return out

    def audio(self):
        """The source's audio packets as vtkc stored them (opaque bytes), or None."""
        return self.reader.audio()

    def metadata(self):
        """The geometry and provenance as strings: the dictionary of the .npy sidecar that
        `vtkc latents` writes (Sources/Codec/LatentExport.swift), "shape" included."""
        h, layout = self.header, self.layout

        def ints(values):
            return "[" + ",".join(str(v) for v in values) + "]"

        meta = {f"source_{k}": v for k, v in h["metadata"].items()}
        meta.update({
            "format": "vtkc-latents", "layout": "groups,tiles,tokens,channels",
            "width": str(h["width"]), "height": str(h["height"]), "frame_count": str(h["frames"]),
            "frame_rate": "%d/%d" % h["rate"], "pixel_aspect": "%d/%d" % h["aspect"],
            "group_length": str(h["group_length"]),
            "tile_width": str(layout.tile_width), "tile_height": str(layout.tile_height),
            "tile_columns": str(layout.columns), "tile_rows": str(layout.rows),
            "tile_x_origins": ints(layout.x_origins), "tile_y_origins": ints(layout.y_origins),
            "tiling": layout.mode, "overlap": str(layout.overlap), "blend": layout.blend,
            "model_name": h["model_name"], "model_sha256": h["model_sha256"].hex(),
            "vitok_config": h["config"],
            "latent_encoding": f"quantized {h['bits']}-bit, range-coded" if h["bits"] else "float16",
            "shape": "[" + ", ".join(str(v) for v in self.shape) + "]",
        })
        return meta


def find_vtk_files(root):
    """The .vtk files under a directory (recursively), sorted by relative path (byte order),
    or [root] for a file."""
    root = Path(root)
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: no such file or directory")
    found = [p for p in root.rglob("*") if p.is_file() and p.suffix.lower() == ".vtk"]
    return sorted(found, key=lambda p: p.relative_to(root).as_posix().encode())
