#!/usr/bin/env python3
"""Where a GPU call's time goes: sums the GPU kernels of Chrome traces (PyTorch's profiler,
or libtorch's through mdtrain bench --trace) by kind and by kernel, side by side.

    kernel_summary.py ours.json diffusers.json [--top 15]
"""

import argparse
import json
import re
from collections import defaultdict

KINDS = [  # first match wins; matched against the lower-case kernel name
    ("attention", r"flash|fmha|attention|sdpa|efficient_attention"),
    ("conv", r"conv|fprop|dgrad|implicit|winograd|cudnn"),
    ("gemm", r"gemm|nvjet|cutlass|xmma|sm90_|kernel2|matmul|cublas"),
    ("group_norm", r"group_?norm|groupnorm"),
    ("layer_norm", r"layer_?norm|layernorm"),
    ("cat/copy", r"cat|copy|transpose|permute|contiguous"),
    ("elementwise", r"elementwise|vectorized|unrolled|reduce"),
]


def kind_of(name):
    low = name.lower()
    for kind, pattern in KINDS:
        if re.search(pattern, low):
            return kind
    return "other"


def load(path):
    with open(path) as f:
        events = json.load(f)
    events = events["traceEvents"] if isinstance(events, dict) else events
    kernels = [e for e in events if e.get("cat") in ("kernel", "Kernel") and "dur" in e]
    if not kernels:
        return None
    start = min(e["ts"] for e in kernels)
    end = max(e["ts"] + e["dur"] for e in kernels)
    by_kind, by_name = defaultdict(float), defaultdict(lambda: [0.0, 0])
    for e in kernels:
        by_kind[kind_of(e["name"])] += e["dur"]
        by_name[e["name"]][0] += e["dur"]
        by_name[e["name"]][1] += 1
    return {"count": len(kernels), "busy": sum(e["dur"] for e in kernels),
            "span": end - start, "kinds": by_kind, "names": by_name}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("traces", nargs="+")
    p.add_argument("--top", type=int, default=15)
    args = p.parse_args()
    runs = [(t, load(t)) for t in args.traces]
    for path, r in runs:
        if r is None:
            print(f"{path}: no GPU kernels in the trace")
    runs = [(t, r) for t, r in runs if r]
    if not runs:
        return
    print("| | " + " | ".join(t for t, _ in runs) + " |")
    print("|---|" + "---|" * len(runs))
    print("| kernels | " + " | ".join(str(r["count"]) for _, r in runs) + " |")
    print("| first to last kernel, ms | " +
          " | ".join(f"{r['span'] / 1000:.1f}" for _, r in runs) + " |")
    print("| GPU busy, ms | " + " | ".join(f"{r['busy'] / 1000:.1f}" for _, r in runs) + " |")
    for kind in [k for k, _ in KINDS] + ["other"]:
        print(f"| {kind}, ms | " +
              " | ".join(f"{r['kinds'].get(kind, 0) / 1000:.1f}" for _, r in runs) + " |")
    for path, r in runs:
        print(f"\ntop kernels of {path} (ms, calls):")
        top = sorted(r["names"].items(), key=lambda kv: -kv[1][0])[:args.top]
        for name, (dur, n) in top:
            print(f"  {dur / 1000:8.2f} {n:5d}  {kind_of(name):11s} {name[:110]}")


if __name__ == "__main__":
    main()
