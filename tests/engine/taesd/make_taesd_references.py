#!/usr/bin/env python3
"""Parity data for the tiny preview decoder (TAESD) against diffusers' AutoencoderTiny.

Builds AutoencoderTiny with seeded random weights in two configs, rounds the weights to
float16 (as they are stored), and decodes fixed seeded latents on the CPU in float32:
  - "default": TAESD's own layout (4 levels of 64 channels, blocks 3/3/3/1, 8x), saved as
    madebyollin's single file  OUT/default/taesd_decoder.safetensors  (the decoder
    Sequential's keys: diffusers' decoder.layers.N -> N + 1, index 0 being the clamp);
  - "small": diffusers' test config (2 levels of 32 channels, one block each, 2x), saved by
    save_pretrained as a diffusers folder  OUT/small/  (config.json +
    diffusion_pytorch_model.safetensors).
The C++ test (TaesdParityTest.cpp) also writes each one in the other form and loads both.
OUT/taesd-reference.safetensors holds, for each config and latent shape (a: 1x4x32x32,
b: 1x4x24x40): "<config>.<case>.latents", "<config>.<case>.image" (AutoencoderTiny.decode,
in [-1, 1] units, unclamped; every 4th ("default") or 2nd ("small") pixel in both
directions, to keep the data small) and "<config>.<case>.mean" (the full image's mean per
channel). About 2.9 MB in all.

Needs torch, safetensors and diffusers from source (with transformers installed):
  python3 tests/engine/taesd/make_taesd_references.py --diffusers /tmp/diffusers/src \\
      --out tests/engine/taesd/data
"""
import argparse
import json
import os
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--diffusers", required=True, help="diffusers' src folder")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "data"))
    args = parser.parse_args()
    sys.path.insert(0, os.path.abspath(args.diffusers))

    import torch
    import diffusers
    from diffusers import AutoencoderTiny
    from safetensors.torch import save_file

    torch.set_grad_enabled(False)
    torch.set_num_threads(8)
    configs = {
        "default": {},
        "small": dict(encoder_block_out_channels=(32, 32), decoder_block_out_channels=(32, 32),
                      num_encoder_blocks=(1, 1), num_decoder_blocks=(1, 1)),
    }
    shapes = {"a": (1, 4, 32, 32), "b": (1, 4, 24, 40)}
    strides = {"default": 4, "small": 2}
    refs = {}
    for index, (name, kwargs) in enumerate(configs.items()):
        torch.manual_seed(20261203 + index)
        model = AutoencoderTiny(**kwargs).eval()
        model.to(torch.float16)  # the stored weights; both sides decode these values
        folder = os.path.join(args.out, name)
        os.makedirs(folder, exist_ok=True)
        if name == "small":
            model.save_pretrained(folder, safe_serialization=True)
        else:
            renamed = {}
            for key, value in model.decoder.state_dict().items():
                layer, rest = key.split(".", 2)[1:]  # "layers.N.rest"
                renamed[f"{int(layer) + 1}.{rest}"] = value.contiguous()
            save_file(renamed, os.path.join(folder, "taesd_decoder.safetensors"))
        model.to(torch.float32)
        for case, shape in shapes.items():
            generator = torch.Generator("cpu").manual_seed(100 * index + ord(case))
            latents = torch.randn(shape, generator=generator) * 2.0
            image = model.decode(latents).sample
            s = strides[name]
            refs[f"{name}.{case}.latents"] = latents.contiguous()
            refs[f"{name}.{case}.image"] = image[:, :, ::s, ::s].contiguous()
            refs[f"{name}.{case}.mean"] = image.double().mean(dim=(0, 2, 3)).float()
            print(name, case, tuple(image.shape), "min/max %.4f %.4f" % (image.min(), image.max()),
                  flush=True)
    metadata = {"diffusers": diffusers.__version__, "torch": torch.__version__,
                "strides": json.dumps(strides)}
    save_file(refs, os.path.join(args.out, "taesd-reference.safetensors"), metadata=metadata)
    total = 0
    for root, _, files in os.walk(args.out):
        total += sum(os.path.getsize(os.path.join(root, f)) for f in files)
    print("wrote", len(refs), "tensors;", "%.2f MB in %s" % (total / 1e6, args.out))


if __name__ == "__main__":
    main()
