#!/usr/bin/env python3
"""Writes random kohya-format LoRA files for a diffusers UNet (the GPU benchmarks of LoRA per
region, issue 14: docs/benchmarks.md). The modules are the ones kohya's sd-scripts train on
a UNet: the attention projections (to_q, to_k, to_v, to_out.0), the feed-forward (ff.net.0.proj,
ff.net.2) and the transformers' proj_in / proj_out. Speed does not depend on the values.

  make_random_loras.py --model DIR --out DIR --names a,b,c [--rank 16]
"""

import argparse
import os
import re

import torch
from safetensors import safe_open
from safetensors.torch import save_file

TARGET = re.compile(
    r"(attentions\.\d+\.transformer_blocks\.\d+\.(attn1|attn2)\.(to_q|to_k|to_v|to_out\.0)"
    r"|attentions\.\d+\.transformer_blocks\.\d+\.ff\.net\.(0\.proj|2)"
    r"|attentions\.\d+\.(proj_in|proj_out))\.weight$")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True, help="a diffusers folder")
    p.add_argument("--out", required=True)
    p.add_argument("--names", default="a,b,c")
    p.add_argument("--rank", type=int, default=16)
    args = p.parse_args()
    unet = os.path.join(args.model, "unet", "diffusion_pytorch_model.safetensors")
    shapes = {}
    with safe_open(unet, "pt") as f:
        for key in f.keys():
            if TARGET.search(key):
                shapes[key[: -len(".weight")]] = tuple(f.get_slice(key).get_shape())
    os.makedirs(args.out, exist_ok=True)
    for i, name in enumerate(args.names.split(",")):
        g = torch.Generator().manual_seed(1000 + i)
        tensors = {}
        for module, shape in shapes.items():
            out_f, in_f = shape[0], shape[1]
            tail = tuple(shape[2:])  # 1x1 convolutions keep their kernel dims
            prefix = "lora_unet_" + module.replace(".", "_")
            down = torch.randn((args.rank, in_f) + tail, generator=g) * 0.02
            up = torch.randn((out_f, args.rank) + tuple(1 for _ in tail), generator=g) * 0.02
            tensors[prefix + ".lora_down.weight"] = down.half()
            tensors[prefix + ".lora_up.weight"] = up.half()
            tensors[prefix + ".alpha"] = torch.tensor(float(args.rank)).half()
        path = os.path.join(args.out, name + ".safetensors")
        save_file(tensors, path, metadata={"ss_network_dim": str(args.rank)})
        print(f"{path}: {len(shapes)} modules, rank {args.rank}")


if __name__ == "__main__":
    main()
