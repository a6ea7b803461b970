"""ViTok S-B/4x8 reference implementation, trainer and exporters (see ../README.md)."""
