"""Where the tiles of a .vtk file's frames lie, recomputed from its header exactly as vtkc's
Codec does (Sources/Codec/TileLayout.swift, Tiling.swift, TilingCoding.swift): the tiling
mode byte's meaning and the tile origins along each axis. Tile i of a group has origin
(x_origins[i % columns], y_origins[i // columns]).
"""
from dataclasses import dataclass

# Container mode byte -> (tiling mode name, blend ramp name) as vtkc's TilingOptions reads it
# (modes without overlap report the default ramp, cosine).
MODES = {0: ("none", "cosine"), 1: ("overlap", "linear"), 2: ("reflect", "cosine"),
         3: ("overlap", "cosine"), 4: ("overlap-reflect", "linear"), 5: ("overlap-reflect", "cosine")}


def axis_origins(size, tile, overlap, overlapping):
    """Origins (first pixel of each tile) along an axis of `size` pixels (TileAxis.origins)."""
    if size <= tile:
        return [0]
    if not overlapping:
        return list(range(0, size, tile))
    span, step = size - tile, tile - overlap
    gaps = (span + step - 1) // step
    return [(i * span * 2 + gaps) // (gaps * 2) for i in range(gaps + 1)]


@dataclass(frozen=True)
class TileLayout:
    mode: str
    blend: str
    overlap: int
    tile_width: int
    tile_height: int
    x_origins: tuple
    y_origins: tuple

    @property
    def columns(self):
        return len(self.x_origins)

    @property
    def rows(self):
        return len(self.y_origins)

    @classmethod
    def from_header(cls, h, name="<bytes>"):
        """The layout a header describes; ValueError for a tiling vtkc does not know or a
        tile grid that disagrees with the frame size (as `vtkc latents` refuses them)."""
        t = h["tiling"]
        if t["mode"] not in MODES or t["overlap_x"] != t["overlap_y"]:
            raise ValueError(f"{name}: tiling mode {t['mode']} with overlap {t['overlap_x']}x{t['overlap_y']} "
                             "is not known to this version of vtkc_py")
        if h["width"] > 16384 or h["height"] > 16384:
            raise ValueError(f"{name}: frame size {h['width']}x{h['height']} is outside 1...16384 per side")
        mode, blend = MODES[t["mode"]]
        overlapping = mode.startswith("overlap")
        overlap = t["overlap_x"] if overlapping else 0
        if overlap > min(t["tile_w"], t["tile_h"]) // 2:
            raise ValueError(f"{name}: overlap {overlap} is more than half a tile")
        layout = cls(mode, blend, overlap, t["tile_w"], t["tile_h"],
                     tuple(axis_origins(h["width"], t["tile_w"], overlap, overlapping)),
                     tuple(axis_origins(h["height"], t["tile_h"], overlap, overlapping)))
        if (layout.columns, layout.rows) != (t["columns"], t["rows"]):
            raise ValueError(f"{name}: header says {t['columns']}x{t['rows']} tiles but a {h['width']}x{h['height']} "
                             f"frame with this tiling has {layout.columns}x{layout.rows}")
        return layout
