"""The trainer learns on generated clips, and a resumed run continues the same loss curve."""
import torch

from training.data import ClipSampler
from training.train import build_model, parse_args, step_scalars, train

BASE = ["--config", "tiny", "--device", "cpu", "--batch", "2", "--lr", "2e-3", "--warmup", "0.1",
        "--lpips-weight", "0", "--log-every", "1000", "--still-fraction", "0"]


def run(clips, extra, ckpt=None):
    args = parse_args(BASE + extra + (["--ckpt", ckpt] if ckpt else []))
    sampler = ClipSampler(clips, [], (16, 32, 32), torch.device("cpu"), seed=args.seed)
    model = build_model(args)
    return model, train(args, model, sampler, lpips=None, log=lambda r: None)


def test_loss_falls(clips):
    torch.set_num_threads(1)
    _, history = run(clips, ["--steps", "40"])
    losses = [r["loss"] for r in history]
    assert len(losses) == 40 and not any(r["skipped"] for r in history)
    first, last = sum(losses[:5]) / 5, sum(losses[-5:]) / 5
    assert last < 0.6 * first, (first, last)


def test_resume_continues_the_same_curve(clips, tmp_path):
    torch.set_num_threads(1)
    _, straight = run(clips, ["--steps", "12"])
    ckpt = str(tmp_path / "tiny.ckpt")
    _, part1 = run(clips, ["--steps", "12", "--stop-after", "6"], ckpt)
    _, part2 = run(clips, ["--steps", "12", "--resume"], ckpt)
    assert [r["step"] for r in part1 + part2] == list(range(1, 13))
    # same process, same ops, same order: the CPU curve is bitwise identical
    assert [r["loss"] for r in part1 + part2] == [r["loss"] for r in straight]


def test_step_scalars_do_not_keep_batch_buffers():
    # F.mse_loss returns a 0-dim view of its elementwise buffer; the trainer must copy it
    recon, target = torch.rand(2, 3, 16, 32, 32), torch.rand(2, 3, 16, 32, 32)
    mse = torch.nn.functional.mse_loss(recon, target)
    assert mse.untyped_storage().nbytes() > 4  # the trap this test guards against
    rec = step_scalars({"loss": mse, "mse": mse}, recon, target, torch.tensor(1.0))
    assert all(v.untyped_storage().nbytes() == 4 for v in rec.values())


def test_compiled_step_rehearsal(clips, lpips_path):
    # the GPU run's default path (--compile model, LPIPS on 4 random frames) on the CPU, so that
    # a first GPU call does not fail on it: it trains, and its first loss equals the eager one
    # (fallback_random: the compiled graph draws the latent noise as eager does)
    from training.vitok.lpips import LPIPS
    torch.set_num_threads(1)
    torch._inductor.config.fallback_random = True
    lpips = LPIPS(lpips_path)

    def losses(mode):
        args = parse_args(BASE + ["--steps", "3", "--lpips-weight", "1", "--lpips-frames", "4",
                                  "--compile", mode])
        sampler = ClipSampler(clips, [], (16, 32, 32), torch.device("cpu"), seed=args.seed)
        return train(args, build_model(args), sampler, lpips=lpips, log=lambda r: None)

    try:
        eager, compiled = losses("none"), losses("model")
    finally:
        torch._inductor.config.fallback_random = False
    assert [r["step"] for r in compiled] == [1, 2, 3] and not any(r["skipped"] for r in compiled)
    assert compiled[0]["lpips"] > 0
    assert abs(compiled[0]["loss"] - eager[0]["loss"]) < 1e-4 * eager[0]["loss"]
