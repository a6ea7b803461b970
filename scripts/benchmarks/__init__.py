"""The benchmarks behind scripts/bench.py, one module per subject; each `main(argv, prog)` builds
what it needs, runs the Swift side and its baseline in the same run and prints their ratios."""
