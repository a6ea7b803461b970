"""scripts/install.sh --prefix and scripts/uninstall.sh (issue 33.1): an installed vtkc runs
compress, expand and score from another folder with only PATH pointing at it and no VTKC_*
variables (the default model and the metric weights found under the prefix), its man page and
completions are where a system looks, vtkc_py finds its libvtkformat.so, and the uninstall
removes exactly what was installed. The debug build is installed (VTKC_INSTALL_BUILD=debug)
to keep CI short; a real install builds release with the Swift runtime linked in."""
import os
import subprocess
import sys

from tests.vtkc_fixtures import REPO, write_y4m


def run(args, cwd, env):
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"{args}: {done.stderr}"
    return done


def test_prefix_install_runs_from_anywhere_and_uninstalls_cleanly(tmp_path):
    prefix, elsewhere = tmp_path / "usr local", tmp_path / "work"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("VTKC_")}
    run(["bash", "scripts/install_prefix.sh", str(prefix)], REPO, {**env, "VTKC_INSTALL_BUILD": "debug"})
    expected = {"bin/vtkc", "lib/vtkc/libvtkformat.so", "share/man/man1/vtkc.1",
                "share/bash-completion/completions/vtkc", "share/zsh/site-functions/_vtkc",
                "share/fish/vendor_completions.d/vtkc.fish", "share/vtkc/install-manifest"}
    expected |= {f"share/vtkc/models/vitok-sb4x8/{p.name}" for p in (REPO / "models" / "vitok-sb4x8").iterdir()}
    expected |= {f"share/vtkc/weights/{p.name}" for p in (REPO / "weights").glob("*.safetensors")}
    installed = {str(p.relative_to(prefix)) for p in prefix.rglob("*") if p.is_file()}
    assert installed == expected
    assert "complete" in (prefix / "share/bash-completion/completions/vtkc").read_text()
    env["PATH"] = f"{prefix / 'bin'}{os.pathsep}{env['PATH']}"
    write_y4m(elsewhere / "clip.y4m", 128, 128, 16)
    run(["vtkc", "compress", "clip.y4m", "-o", "clip.vtk", "-q"], elsewhere, env)
    run(["vtkc", "expand", "clip.vtk", "-o", "out.mkv", "-q"], elsewhere, env)
    metrics = "psnr,ssim,lpips" if (REPO / "weights" / "lpips_alexnet.safetensors").is_file() else "psnr,ssim"
    score = run(["vtkc", "score", "clip.y4m", "out.mkv", "--metrics", metrics, "--json"], elsewhere, env)
    assert '"psnr_mean"' in score.stdout
    found = run([sys.executable, "-c", "from vtkc_py import native; print(native.library().path)"], elsewhere,
                {**env, "PYTHONPATH": str(REPO / "python")})
    assert found.stdout.strip() == str(prefix / "lib/vtkc/libvtkformat.so")
    again = subprocess.run(["bash", "scripts/install_prefix.sh", str(prefix)], cwd=REPO, capture_output=True,
                           text=True, env={**env, "VTKC_INSTALL_BUILD": "debug"})
    assert again.returncode == 1 and "already holds a vtkc install" in again.stderr
    (prefix / "bin" / "mine").write_text("not vtkc's")
    run(["bash", "scripts/uninstall.sh", "--prefix", str(prefix)], REPO, env)
    left = sorted(str(p.relative_to(prefix)) for p in prefix.rglob("*"))
    assert left == ["bin", "bin/mine"], "only what the install did not make is left"
