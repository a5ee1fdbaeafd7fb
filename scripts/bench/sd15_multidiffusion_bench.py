#!/usr/bin/env python3
"""The reference side of issue 13's GPU benchmark at SD 1.5 sizes (docs/performance.md).

Jobs, on the GPU machine:

  --make       writes a random-weight SD 1.5 model as a diffusers folder in float16 (--model):
               the real SD 1.5 shapes (UNet 0.860 B, CLIP ViT-L/14 text encoder with the real
               vocabulary size, the SD VAE), the tokenizer of the tiny fixture (--template) and
               a DDIM scheduler. Speed does not depend on the weights' values.
  --time       times cases a-d (the same prompts, boxes and sizes as app/tools/BenchCases.cpp)
               through diffusers, float16 throughout (the VAE too, as diffusers' SD pipelines
               run it), DDIM, cfg 7.5, one negative prompt per prompt:
                 a txt2img    StableDiffusionPipeline, 512x512
                 b regions    the official MultiDiffusion region loop (written here from the
                              paper's reference code, as in sdxl_multidiffusion_bench.py),
                              background + 3 regions, 512x512, bootstrap 4
                 c pano       StableDiffusionPanoramaPipeline, 512x2048, view_batch_size 8
                 d regions6   the region loop, background + 6 regions, 1024x1024, bootstrap 4
               each once with --warmup-steps steps, then --repeats times; the median and the
               peak GPU memory (torch.cuda.max_memory_allocated) of each case.
  --table OURS REF
               one table from mdfusionbench's output and this script's: both sides, ratios,
               the fraction of the FLOP floor and peak memory.

diffusers is imported from --diffusers (a source checkout's src/ folder: the GPU machine has
none installed); torch and transformers come from the machine.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import sys
import time

# Same as app/tools/BenchCases.cpp.
BACKGROUND = "a wide landscape with mountains, a lake and a forest, golden hour"
NEGATIVE = "blurry, low quality"
REGION_PROMPTS = ["a red house", "a white boat on the water", "a tall green tree",
                  "a yellow hot air balloon", "a flock of white birds", "a small wooden bridge"]
CASES = {"txt2img": "a", "regions": "b", "pano": "c", "regions6": "d"}
REFERENCE = {"txt2img": "diffusers StableDiffusionPipeline",
             "regions": "MultiDiffusion region loop",
             "pano": "diffusers StableDiffusionPanoramaPipeline, view batch 8",
             "regions6": "MultiDiffusion region loop"}
GOALS = {"txt2img": 0.20, "regions": 0.35, "pano": 1.8, "regions6": 15.0}
# One UNet sample at a 64x64 latent (half a CFG step at 512x512: 1.607 TFLOP), and the card.
SAMPLE_TFLOP = 1.607 / 2
CARD_TFLOPS = 790.0


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--diffusers", help="diffusers' src/ folder")
    p.add_argument("--model", help="the SD 1.5 diffusers folder (made by --make)")
    p.add_argument("--make", action="store_true", help="write a random-weight SD 1.5 folder")
    p.add_argument("--template", help="a tiny SD 1.5 diffusers folder: configs and tokenizer")
    p.add_argument("--time", action="store_true", help="time the cases")
    p.add_argument("--table", nargs=2, metavar=("OURS_LOG", "REF_LOG"))
    p.add_argument("--cases", default="txt2img,regions,pano,regions6")
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--size", type=int, default=512)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--warmup-steps", type=int, default=2)
    p.add_argument("--bootstrap", type=int, default=4)
    p.add_argument("--stride", type=int, default=8, help="view stride in latent pixels")
    p.add_argument("--trace", help="profile one more image of the first case (Chrome trace)")
    p.add_argument("--unet-probe", action="store_true",
                   help="diffusers' UNet alone: ms per call at batch 2-64, eager, channels-last "
                        "and (batch 2) replayed as a CUDA graph: what those would win")
    p.add_argument("--device", default="cuda")
    return p.parse_args()


# ---- the random-weight SD 1.5 folder ------------------------------------------------------

SD15_UNET = {"sample_size": 64, "block_out_channels": [320, 640, 1280, 1280],
             "layers_per_block": 2, "attention_head_dim": 8, "cross_attention_dim": 768,
             "norm_num_groups": 32}
SD15_VAE = {"block_out_channels": [128, 256, 512, 512], "scaling_factor": 0.18215,
            "sample_size": 512, "norm_num_groups": 32}
CLIP_L = {"hidden_size": 768, "intermediate_size": 3072, "num_hidden_layers": 12,
          "num_attention_heads": 12, "hidden_act": "quick_gelu", "projection_dim": 768,
          "vocab_size": 49408, "max_position_embeddings": 77}


def read_json(path):
    with open(path) as f:
        return json.load(f)


def write_json(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(data, f, indent=1)


def config_of(tpl, sub, update):
    c = {k: v for k, v in read_json(os.path.join(tpl, sub, "config.json")).items()
         if not k.startswith("_")}
    c.update(update)
    return c


def make_model(args):
    import torch
    from diffusers import AutoencoderKL, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel

    t0 = time.time()
    out, tpl = args.model, args.template
    os.makedirs(out, exist_ok=True)
    shutil.copytree(os.path.join(tpl, "tokenizer"), os.path.join(out, "tokenizer"),
                    dirs_exist_ok=True)
    shutil.copytree(os.path.join(tpl, "scheduler"), os.path.join(out, "scheduler"),
                    dirs_exist_ok=True)
    shutil.copy(os.path.join(tpl, "model_index.json"), os.path.join(out, "model_index.json"))
    torch.manual_seed(0)
    with torch.device(args.device):
        unet = UNet2DConditionModel(**config_of(tpl, "unet", SD15_UNET))
        n = sum(p.numel() for p in unet.parameters())
        unet.to(torch.float16).save_pretrained(os.path.join(out, "unet"))
        del unet
        vae = AutoencoderKL(**config_of(tpl, "vae", SD15_VAE))
        vae.to(torch.float16).save_pretrained(os.path.join(out, "vae"))
        del vae
        c = read_json(os.path.join(tpl, "text_encoder", "config.json"))
        c.update(CLIP_L)
        text = CLIPTextModel(CLIPTextConfig.from_dict(c))
        text.to(torch.float16).save_pretrained(os.path.join(out, "text_encoder"))
        del text
    torch.cuda.empty_cache()
    print(f"made {out} in {time.time() - t0:.1f} s: unet {n / 1e9:.3f} B parameters", flush=True)


# ---- the reference implementations --------------------------------------------------------


def region_boxes(count, side):
    """(x, y, w, h) in pixels, as BenchCases.cpp's addBoxes."""
    w = side // 3
    if count <= 3:
        return [(i * w + side // 32, side // 3, w - side // 16, side // 2) for i in range(count)]
    h = side // 2
    return [((i % 3) * w + side // 32, (i // 3) * h + side // 16, w - side // 16, h - side // 8)
            for i in range(count)]


def views(h, w, window, stride):
    rows = (h - window) // stride + 1 if h > window else 1
    cols = (w - window) // stride + 1 if w > window else 1
    return [(r * stride, r * stride + window, c * stride, c * stride + window)
            for r in range(rows) for c in range(cols)]


class Sd15:
    def __init__(self, folder, device):
        import torch
        from diffusers import (AutoencoderKL, DDIMScheduler, StableDiffusionPanoramaPipeline,
                               StableDiffusionPipeline, UNet2DConditionModel)
        from transformers import CLIPTextModel, CLIPTokenizer

        t0 = time.time()
        self.torch = torch
        self.device = torch.device(device)
        fp16 = torch.float16
        self.unet = UNet2DConditionModel.from_pretrained(
            os.path.join(folder, "unet"), torch_dtype=fp16).to(self.device).eval()
        self.vae = AutoencoderKL.from_pretrained(
            os.path.join(folder, "vae"), torch_dtype=fp16).to(self.device).eval()
        self.tokenizer = CLIPTokenizer.from_pretrained(os.path.join(folder, "tokenizer"))
        self.text = CLIPTextModel.from_pretrained(
            os.path.join(folder, "text_encoder"), torch_dtype=fp16).to(self.device).eval()
        self.scheduler = DDIMScheduler.from_pretrained(folder, subfolder="scheduler")
        parts = dict(vae=self.vae, text_encoder=self.text, tokenizer=self.tokenizer,
                     unet=self.unet, scheduler=self.scheduler, safety_checker=None,
                     feature_extractor=None, requires_safety_checker=False)
        self.pipe = StableDiffusionPipeline(**parts)
        self.pipe.set_progress_bar_config(disable=True)
        self.pano = StableDiffusionPanoramaPipeline(**parts)
        self.pano.set_progress_bar_config(disable=True)
        self.scale = 2 ** (len(self.vae.config.block_out_channels) - 1)
        self.window = self.unet.config.sample_size
        n = sum(p.numel() for p in self.unet.parameters())
        print(f"diffusers loaded {folder} in {time.time() - t0:.1f} s: unet {n / 1e9:.3f} B "
              f"parameters, float16, vae float16", flush=True)

    def txt2img(self, size, steps):
        g = self.torch.Generator(self.device).manual_seed(7)
        return self.pipe(BACKGROUND, negative_prompt=NEGATIVE, height=size, width=size,
                         num_inference_steps=steps, guidance_scale=7.5, generator=g,
                         output_type="np").images

    def panorama(self, size, steps):
        g = self.torch.Generator(self.device).manual_seed(7)
        return self.pano(BACKGROUND, negative_prompt=NEGATIVE, height=size, width=4 * size,
                         num_inference_steps=steps, guidance_scale=7.5, view_batch_size=8,
                         generator=g, output_type="np").images

    def encode(self, prompts):
        ids = self.tokenizer(prompts, padding="max_length",
                             max_length=self.tokenizer.model_max_length, truncation=True,
                             return_tensors="pt").input_ids.to(self.device)
        return self.text(ids)[0]

    def random_backgrounds(self, n, px):
        """Bootstrapping: n constant-colour images of one view, VAE-encoded."""
        torch = self.torch
        colours = torch.rand(n, 3, device=self.device)[:, :, None, None]
        imgs = (colours.repeat(1, 1, px, px) * 2 - 1).half()
        return torch.cat([self.vae.encode(im[None]).latent_dist.sample() for im in imgs]) \
            * self.vae.config.scaling_factor

    def regions(self, side, count, steps, bootstrap, stride, cfg=7.5):
        """Region-based MultiDiffusion as in the paper's reference code (region_based.py)."""
        torch, f = self.torch, self.scale
        prompts = [BACKGROUND] + REGION_PROMPTS[:count]
        h = w = side // f
        masks = torch.zeros(count, 1, h, w, device=self.device)
        for i, (x, y, bw, bh) in enumerate(region_boxes(count, side)):
            masks[i, :, y // f:(y + bh) // f, x // f:(x + bw) // f] = 1
        bg = (1 - masks.sum(0, keepdim=True)).clamp(min=0)
        masks = torch.cat([bg, masks]).half()
        n = len(prompts)
        text = torch.cat([self.encode([NEGATIVE] * n), self.encode(prompts)])
        backgrounds = self.random_backgrounds(bootstrap, self.window * f) \
            if bootstrap > 0 else None
        latent = torch.randn(1, 4, h, w, device=self.device, dtype=torch.float16)
        noise = latent.clone().repeat(n - 1, 1, 1, 1)
        count_, value = torch.zeros_like(latent), torch.zeros_like(latent)
        self.scheduler.set_timesteps(steps)
        for i, t in enumerate(self.scheduler.timesteps):
            count_.zero_()
            value.zero_()
            for h0, h1, w0, w1 in views(h, w, self.window, stride):
                m = masks[:, :, h0:h1, w0:w1]
                lv = latent[:, :, h0:h1, w0:w1].repeat(n, 1, 1, 1)
                if i < bootstrap:
                    pick = backgrounds[torch.randint(0, bootstrap, (n - 1,))]
                    pick = self.scheduler.add_noise(pick, noise[:, :, h0:h1, w0:w1], t)
                    lv[1:] = lv[1:] * m[1:] + pick * (1 - m[1:])
                x = torch.cat([lv] * 2)
                eps = self.unet(x, t, encoder_hidden_states=text).sample
                uncond, cond = eps.chunk(2)
                eps = uncond + cfg * (cond - uncond)
                den = self.scheduler.step(eps, t, lv).prev_sample
                value[:, :, h0:h1, w0:w1] += (den * m).sum(dim=0, keepdim=True)
                count_[:, :, h0:h1, w0:w1] += m.sum(dim=0, keepdim=True)
            latent = torch.where(count_ > 0, value / count_, value)
        img = self.vae.decode(latent / self.vae.config.scaling_factor).sample
        img = (img / 2 + 0.5).clamp(0, 1)
        return img.permute(0, 2, 3, 1).float().cpu().numpy()

    def run(self, case, args, steps):
        if case == "txt2img":
            return self.txt2img(args.size, steps)
        if case == "pano":
            return self.panorama(args.size, steps)
        if case == "regions":
            return self.regions(args.size, 3, steps, min(args.bootstrap, steps), args.stride)
        if case == "regions6":
            return self.regions(2 * args.size, 6, steps, min(args.bootstrap, steps), args.stride)
        sys.exit(f"unknown case {case} ({', '.join(CASES)})")


def time_cases(args):
    torch = __import__("torch")
    model = Sd15(args.model, args.device)
    torch.manual_seed(7)
    for k, case in enumerate(args.cases.split(",")):
        with torch.inference_mode():
            t0 = time.time()
            model.run(case, args, max(1, args.warmup_steps))
            torch.cuda.synchronize()
            print(f"{case}: warm-up ({args.warmup_steps} steps) {time.time() - t0:.2f} s",
                  flush=True)
            torch.cuda.reset_peak_memory_stats()
            totals = []
            for _ in range(max(1, args.repeats)):
                torch.cuda.synchronize()
                t0 = time.time()
                model.run(case, args, args.steps)
                torch.cuda.synchronize()
                totals.append(time.time() - t0)
                print(f"  RESULT diffusers {case} {args.steps} steps: {totals[-1]:.3f} s/image",
                      flush=True)
            peak = torch.cuda.max_memory_allocated() / 2**30
            if args.trace and k == 0:
                from torch.profiler import ProfilerActivity, profile
                with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
                    model.run(case, args, args.steps)
                    torch.cuda.synchronize()
                prof.export_chrome_trace(args.trace)
                print(f"  traced one more image into {args.trace}", flush=True)
            print(f"  MEDIAN diffusers {case} {statistics.median(totals):.3f} s/image over "
                  f"{len(totals)}, peak GPU memory {peak:.2f} GiB", flush=True)
    return model


def unet_probe(model, calls=20):
    torch = model.torch
    unet, dev = model.unet, model.device

    def timed(fn):
        for _ in range(3):
            fn()
        torch.cuda.synchronize()
        t0 = time.time()
        for _ in range(calls):
            fn()
        torch.cuda.synchronize()
        return (time.time() - t0) / calls * 1000

    with torch.inference_mode():
        for batch in (2, 8, 16, 32, 64):
            x = torch.randn(batch, 4, 64, 64, device=dev, dtype=torch.float16)
            ctx = torch.randn(batch, 77, 768, device=dev, dtype=torch.float16)
            t = torch.full((batch,), 500.0, device=dev)
            eager = timed(lambda: unet(x, t, encoder_hidden_states=ctx))
            unet.to(memory_format=torch.channels_last)
            xl = x.contiguous(memory_format=torch.channels_last)
            last = timed(lambda: unet(xl, t, encoder_hidden_states=ctx))
            unet.to(memory_format=torch.contiguous_format)
            line = (f"  PROBE unet batch {batch}: eager {eager:.2f} ms ({eager / batch:.3f} "
                    f"ms/sample), channels-last {last:.2f} ms")
            if batch == 2:
                s = torch.cuda.Stream()
                s.wait_stream(torch.cuda.current_stream())
                with torch.cuda.stream(s):
                    for _ in range(3):
                        unet(x, t, encoder_hidden_states=ctx)
                torch.cuda.current_stream().wait_stream(s)
                g = torch.cuda.CUDAGraph()
                with torch.cuda.graph(g):
                    unet(x, t, encoder_hidden_states=ctx)
                line += f", CUDA graph replay {timed(g.replay):.2f} ms"
            print(line, flush=True)


# ---- the table ----------------------------------------------------------------------------

MEDIAN = re.compile(r"MEDIAN (\w+) (\w+) ([0-9.]+) s/image over \d+, peak GPU memory "
                    r"(-?[0-9.]+) GiB")


def medians(path):
    out = {}
    with open(path) as f:
        for line in f:
            m = MEDIAN.search(line)
            if m:
                out[m.group(2)] = (float(m.group(3)), float(m.group(4)))
    return out


def floor_seconds(case, size, steps, stride=8, window=64):
    """The reference workload's UNet FLOPs at the card's peak: every (view, prompt) pair."""
    lat = size // 8
    prompts, h, w = {"txt2img": (1, lat, lat), "regions": (4, lat, lat),
                     "pano": (1, lat, 4 * lat), "regions6": (7, 2 * lat, 2 * lat)}[case]
    samples = 2 * prompts * len(views(h, w, window, stride))
    return samples * steps * SAMPLE_TFLOP / CARD_TFLOPS


def table(args):
    ours, ref = medians(args.table[0]), medians(args.table[1])
    print("| case | reference | reference s | ours s | ours / reference | speed-up | "
          "FLOP floor s | floor / ours | floor / reference | peak GiB ref / ours | goal | met |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for case in args.cases.split(","):
        if case not in ours or case not in ref:
            continue
        (o, om), (r, rm) = ours[case], ref[case]
        fl = floor_seconds(case, args.size, args.steps)
        goal = GOALS[case]
        print(f"| {CASES[case]} {case} | {REFERENCE[case]} | {r:.3f} | {o:.3f} | {o / r:.2f} | "
              f"{r / o:.2f}x | {fl:.3f} | {fl / o:.1%} | {fl / r:.1%} | {rm:.2f} / {om:.2f} | "
              f"<= {goal:g} s | {'yes' if o <= goal else 'no'} |")


def main():
    args = parse_args()
    if args.table:
        table(args)
        return
    sys.path.insert(0, os.path.abspath(args.diffusers))
    if args.make:
        if not args.template:
            sys.exit("--make needs --template (the tiny SD 1.5 fixture folder)")
        make_model(args)
    model = time_cases(args) if args.time else None
    if args.unet_probe:
        unet_probe(model or Sd15(args.model, args.device))


if __name__ == "__main__":
    main()
