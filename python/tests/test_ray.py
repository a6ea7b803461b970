"""The Ray driver: argument checks (no Ray needed); on a local 2-CPU Ray cluster, a retried
crash and a reported input failure with a stand-in vtkc, and byte-identical outputs to a
sequential `vtkc compress` batch with the real one."""
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.vtkc_fixtures import REPO, TINY_MODEL, write_y4m
from vtkc_py.batch import output_directory, report_refusal, shard_command

ENV = dict(os.environ, PYTHONPATH=str(REPO / "python"), RAY_ADDRESS="", RAY_AUTH_MODE="disabled")


def driver(args, cwd):
    return subprocess.run([sys.executable, "-m", "vtkc_py.ray", "--num-cpus", "2", *args], cwd=cwd, env=ENV,
                          capture_output=True, text=True, timeout=120)


def test_arguments():
    assert output_directory(["a.mp4", "b/", "-o", "out", "--bits", "6"]) == "out"
    assert output_directory(["--output=out", "a.mp4"]) == "out"
    for bad, message in [(["a.mp4"], "need -o DIR"), (["a.mp4", "-o", "x.vtk"], "a batch writes a directory"),
                         (["a.mp4", "-o", "d", "--shard", "0/2"], "--shard is set by the driver"),
                         (["a.mp4", "-o", "d", "--report=r.jsonl"], "--report is set by the driver")]:
        with pytest.raises(ValueError, match=message):
            output_directory(bad)
    assert shard_command("vtkc", ["in", "-o", "d"], 1, 4, "r.jsonl", threads=2) == [
        "vtkc", "compress", "in", "-o", "d", "--threads", "2", "--shard", "1/4", "--report", "r.jsonl"]
    assert shard_command("vtkc", ["in", "-o", "d", "--threads", "8"], 0, 1, "r", threads=2).count("--threads") == 1
    done = subprocess.run([sys.executable, "-m", "vtkc_py.ray", "a.mp4", "-o", "d"], env=ENV, capture_output=True,
                          text=True)
    assert done.returncode == 2 and "give the vtkc compress arguments after --" in done.stderr


def test_report_refusal(tmp_path):
    """The merged report replaces an earlier report, never another file unless -y."""
    report = tmp_path / "r.jsonl"
    assert report_refusal(report, overwrite=False) is None
    report.write_text("")
    assert report_refusal(report, overwrite=False) is None
    report.write_text(json.dumps(dict.fromkeys(["path", "output", "status", "error", "frames", "groups", "bytes",
                                                "seconds"])) + "\n")
    assert report_refusal(report, overwrite=False) is None
    video = tmp_path / "a.mp4"
    video.write_bytes(b"\x00\x00\x00\x18ftypisom" + bytes(100))
    assert "not a vtkc batch report" in report_refusal(video, overwrite=False)
    assert report_refusal(video, overwrite=True) is None
    done = driver(["--report", str(video), "--", "x.mp4", "-o", "d"], cwd=tmp_path)
    assert done.returncode == 2 and "not a vtkc batch report" in done.stderr
    assert video.read_bytes().startswith(b"\x00\x00\x00\x18ftyp")


STAND_IN = """\
    #!{python}
    # Stand-in vtkc: shard 0 is killed on its first attempt; shard 1 reports one failed input.
    import json, os, signal, sys
    args = sys.argv[1:]
    shard = args[args.index("--shard") + 1].split("/")[0]
    attempts = os.path.join({log!r}, "attempts-" + shard)
    with open(attempts, "a") as f:
        f.write("x")
    if shard == "0" and os.path.getsize(attempts) == 1:
        os.kill(os.getpid(), signal.SIGKILL)
    status = "failed" if shard == "1" else "ok"
    record = dict(path="in" + shard + ".mp4", output="out/in" + shard + ".vtk", status=status,
                  error="unreadable" if status == "failed" else None, frames=16, groups=1, bytes=10, seconds=0.1)
    with open(args[args.index("--report") + 1], "w") as f:
        f.write(json.dumps(record) + "\\n")
    sys.exit(1 if status == "failed" else 0)
"""


def test_crashed_shard_is_retried_and_failed_input_reported(tmp_path):
    pytest.importorskip("ray", reason="ray is not installed: pip install ray (scripts/install.sh does)")
    fake = tmp_path / "vtkc"
    fake.write_text(textwrap.dedent(STAND_IN).format(python=sys.executable, log=str(tmp_path)))
    fake.chmod(0o755)
    done = driver(["--tasks", "2", "--vtkc", str(fake), "--report", "all.jsonl", "--", "in", "-o", "out"], tmp_path)
    assert done.returncode == 1, done.stderr
    assert (tmp_path / "attempts-0").read_text() == "xx" and (tmp_path / "attempts-1").read_text() == "x"
    records = [json.loads(line) for line in (tmp_path / "all.jsonl").read_text().splitlines()]
    assert [(r["path"], r["status"]) for r in records] == [("in0.mp4", "ok"), ("in1.mp4", "failed")]
    assert "vtkc: 1 of 2 inputs failed" in done.stderr and "vtkc: in1.mp4: unreadable" in done.stderr


def tree(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(Path(root).rglob("*")) if p.is_file()}


def test_ray_outputs_equal_a_sequential_run(tmp_path, vtkc):
    pytest.importorskip("ray", reason="ray is not installed: pip install ray (scripts/install.sh does)")
    videos = tmp_path / "videos"
    (videos / "sub").mkdir(parents=True)
    for seed, rel in enumerate(["a", "b", "sub/c", "sub/d", "e"]):
        write_y4m(videos / f"{rel}.y4m", 40, 32, 18, seed)
    (videos / "sub" / "broken.mp4").write_bytes(b"not a video")
    common = ["videos", "--model", str(TINY_MODEL)]
    sequential = subprocess.run([str(vtkc), "compress", *common, "-o", "seq", "--report", "seq.jsonl"], cwd=tmp_path,
                                capture_output=True, text=True)
    assert sequential.returncode == 1 and "1 of 6 inputs failed" in sequential.stderr, sequential.stderr
    done = driver(["--vtkc", str(vtkc), "--report", "ray.jsonl", "--", *common, "-o", "par"], tmp_path)
    assert done.returncode == 1 and "vtkc: 1 of 6 inputs failed" in done.stderr, done.stderr
    assert "vtkc_py.ray: 2 tasks, 6 inputs: 5 ok, 0 skipped, 1 failed" in done.stderr
    assert tree(tmp_path / "par") == tree(tmp_path / "seq") and len(tree(tmp_path / "seq")) == 5

    def statuses(name):
        lines = (tmp_path / name).read_text().splitlines()
        return sorted((Path(r["output"]).name, r["status"]) for r in map(json.loads, lines))
    assert statuses("ray.jsonl") == statuses("seq.jsonl")
    assert ("broken.vtk", "failed") in statuses("ray.jsonl")
