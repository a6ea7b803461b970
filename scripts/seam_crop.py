r"""Before/after crop of a tile seam, for docs/TILING.md.

Reads one frame of a reference video and of two expansions of it (lossless FFV1 .mkv from
`vtkc expand -o x.mkv`, so no video codec blurs or adds a seam), cuts the same window out of
each and writes them side by side, enlarged with nearest-neighbour pixels, with a label above
each panel:

    vtkc reencode samples/tree.mp4 -o tree.mkv              # the source as vtkc decodes it
    vtkc compress samples/tree.mp4 -o none.vtk --tiling none
    vtkc expand none.vtk -o none.mkv
    vtkc compress samples/tree.mp4 -o overlap.vtk --tiling overlap --overlap 16 --blend cosine
    vtkc expand overlap.vtk -o overlap.mkv
    .venv/bin/python scripts/seam_crop.py tree.mkv none.mkv overlap.mkv --frame 8 \
        --labels "source (frame 8)" "--tiling none" "overlap 16, cosine" \
        --x 224 --y 96 --size 64 --scale 3 --mark 256 --out docs/images/seam_tree_x256.png

(docs/images/seam_tree_x256.png was made from the first 16 frames only, which is the same
first group: groups are coded independently.)
"""
from __future__ import annotations

import argparse

import av
import numpy as np
from PIL import Image, ImageDraw


def frame(path: str, index: int) -> np.ndarray:
    """Frame `index` (0-based, decoding order) of a video as uint8 RGB (H, W, 3)."""
    with av.open(path) as container:
        for n, picture in enumerate(container.decode(video=0)):
            if n == index:
                return picture.to_ndarray(format="rgb24")
    raise SystemExit(f"{path} has no frame {index}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("videos", nargs="+", help="reference first, then the expansions")
    parser.add_argument("--labels", nargs="+", help="one label per video")
    parser.add_argument("--frame", type=int, default=0)
    parser.add_argument("--x", type=int, required=True, help="left edge of the window")
    parser.add_argument("--y", type=int, required=True, help="top edge of the window")
    parser.add_argument("--size", type=int, default=64, help="window width and height in pixels")
    parser.add_argument("--scale", type=int, default=4, help="nearest-neighbour enlargement")
    parser.add_argument("--mark", type=int, help="frame x coordinate of the seam to mark with ticks")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    labels = args.labels or args.videos
    if len(labels) != len(args.videos):
        raise SystemExit("give one label per video")
    s, k, gap, top = args.size, args.scale, 8, 18
    panels = []
    for path in args.videos:
        crop = frame(path, args.frame)[args.y:args.y + s, args.x:args.x + s]
        if crop.shape[:2] != (s, s):
            raise SystemExit(f"the window does not fit inside {path}")
        panels.append(Image.fromarray(crop).resize((s * k, s * k), Image.NEAREST))
    sheet = Image.new("RGB", (len(panels) * (s * k + gap) - gap, s * k + top + 6), "white")
    draw = ImageDraw.Draw(sheet)
    for n, (panel, label) in enumerate(zip(panels, labels)):
        left = n * (s * k + gap)
        sheet.paste(panel, (left, top))
        draw.text((left + 2, 3), label, fill="black")
        if args.mark is not None:
            tick = left + (args.mark - args.x) * k
            draw.line([(tick, top + s * k), (tick, top + s * k + 5)], fill="red", width=2)
    sheet.save(args.out, optimize=True)


if __name__ == "__main__":
    main()
