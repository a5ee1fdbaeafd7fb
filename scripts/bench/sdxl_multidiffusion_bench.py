#!/usr/bin/env python3
"""The diffusers side of the SDXL MultiDiffusion GPU benchmark (docs/benchmarks-gpu.md).

Two jobs, on the GPU machine:

  --make DIR   writes a random-weight SDXL base model as a diffusers folder in float16: the
               real SDXL base shapes (UNet 2.567 B, CLIP-L + OpenCLIP bigG with projection,
               the SD VAE with SDXL's scaling factor), the tokenizers of the tiny fixture
               (--tokenizers, their vocabulary size is given to both encoders) and a DDIM
               scheduler. Speed does not depend on the weights' values.
  --time       times the same two workloads as app/tools/mdfusionbench.cpp through diffusers'
               UNet2DConditionModel in the MultiDiffusion loops of the paper's reference code
               (region-based generation with bootstrapping, and the panorama), written here
               from their description: every view of every step runs the UNet on all prompts
               of the view at once with classifier-free guidance, takes a DDIM step per view,
               and the canvas is the (mask-)weighted mean of the views' results.

diffusers is imported from --diffusers (a source checkout's src/ folder: the GPU machine has
none installed); torch and transformers come from the machine.
"""

import argparse
import json
import os
import shutil
import sys
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--diffusers", required=True, help="diffusers' src/ folder")
    p.add_argument("--model", required=True, help="the SDXL diffusers folder (made by --make)")
    p.add_argument("--make", action="store_true", help="write a random-weight SDXL base folder")
    p.add_argument("--template", help="a tiny SDXL diffusers folder: configs and tokenizers")
    p.add_argument("--time", action="store_true", help="time the MultiDiffusion workloads")
    p.add_argument("--unet-calls", type=int, default=0,
                   help="also time N UNet calls at batch 2 and 8 (0: skip)")
    p.add_argument("--trace", help="profile one UNet call at batch 8 into this Chrome trace")
    p.add_argument("--cases", default="regions,pano")
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--size", type=int, default=1024)
    p.add_argument("--repeats", type=int, default=1, help="timed images of the regions case")
    p.add_argument("--pano-repeats", type=int, default=1, help="timed images of the panorama")
    p.add_argument("--warmup-steps", type=int, default=2)
    p.add_argument("--bootstrap", type=int, default=8)
    p.add_argument("--stride", type=int, default=8, help="view stride in latent pixels")
    p.add_argument("--device", default="cuda")
    return p.parse_args()


# ---- the random-weight SDXL base folder ---------------------------------------------------

SDXL_UNET = {
    "sample_size": 128,
    "block_out_channels": [320, 640, 1280],
    "layers_per_block": 2,
    "attention_head_dim": [5, 10, 20],
    "transformer_layers_per_block": [1, 2, 10],
    "cross_attention_dim": 2048,
    "use_linear_projection": True,
    "addition_embed_type": "text_time",
    "addition_time_embed_dim": 256,
    "projection_class_embeddings_input_dim": 2816,
}
SDXL_VAE = {"block_out_channels": [128, 256, 512, 512], "scaling_factor": 0.13025,
            "force_upcast": True, "sample_size": 1024}
CLIP_L = {"hidden_size": 768, "intermediate_size": 3072, "num_hidden_layers": 12,
          "num_attention_heads": 12, "hidden_act": "quick_gelu", "projection_dim": 768}
CLIP_BIGG = {"hidden_size": 1280, "intermediate_size": 5120, "num_hidden_layers": 32,
             "num_attention_heads": 20, "hidden_act": "gelu", "projection_dim": 1280}
DDIM = {"_class_name": "DDIMScheduler", "num_train_timesteps": 1000, "beta_start": 0.00085,
        "beta_end": 0.012, "beta_schedule": "scaled_linear", "prediction_type": "epsilon",
        "timestep_spacing": "leading", "steps_offset": 1, "clip_sample": False,
        "set_alpha_to_one": False}


def read_json(path):
    with open(path) as f:
        return json.load(f)


def write_json(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(data, f, indent=1)


def make_model(args):
    import torch
    from diffusers import AutoencoderKL, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection

    t0 = time.time()
    out, tpl = args.model, args.template
    os.makedirs(out, exist_ok=True)
    for sub in ("tokenizer", "tokenizer_2"):
        shutil.copytree(os.path.join(tpl, sub), os.path.join(out, sub), dirs_exist_ok=True)
    index = read_json(os.path.join(tpl, "model_index.json"))
    index["scheduler"] = ["diffusers", "DDIMScheduler"]
    write_json(os.path.join(out, "model_index.json"), index)
    write_json(os.path.join(out, "scheduler", "scheduler_config.json"), DDIM)

    torch.manual_seed(0)
    dev = torch.device(args.device)

    def unet_config():
        c = {k: v for k, v in read_json(os.path.join(tpl, "unet", "config.json")).items()
             if not k.startswith("_")}
        c.update(SDXL_UNET)
        return c

    def vae_config():
        c = {k: v for k, v in read_json(os.path.join(tpl, "vae", "config.json")).items()
             if not k.startswith("_")}
        c.update(SDXL_VAE)
        return c

    with dev:  # initialise on the GPU (2.6 B parameters take minutes on the host)
        unet = UNet2DConditionModel(**unet_config())
        unet.to(torch.float16).save_pretrained(os.path.join(out, "unet"))
        print(f"unet {sum(p.numel() for p in unet.parameters()) / 1e9:.3f} B parameters",
              flush=True)
        del unet
        vae = AutoencoderKL(**vae_config())
        vae.to(torch.float16).save_pretrained(os.path.join(out, "vae"))
        del vae
        for sub, cls, shape in (("text_encoder", CLIPTextModel, CLIP_L),
                                ("text_encoder_2", CLIPTextModelWithProjection, CLIP_BIGG)):
            c = read_json(os.path.join(tpl, sub, "config.json"))
            c.update(shape)
            config = CLIPTextConfig.from_dict(c)
            model = cls(config)
            model.to(torch.float16).save_pretrained(os.path.join(out, sub))
            del model
    torch.cuda.empty_cache()
    print(f"made {out} in {time.time() - t0:.1f} s", flush=True)


# ---- the MultiDiffusion loops -------------------------------------------------------------


class Sdxl:
    """The loaded parts: fp16 UNet and encoders, the VAE in float32 (force_upcast: SDXL's VAE
    overflows in float16, so diffusers' SDXL pipeline decodes in float32 too)."""

    def __init__(self, folder, device):
        import torch
        from diffusers import AutoencoderKL, DDIMScheduler, UNet2DConditionModel
        from transformers import CLIPTextModel, CLIPTextModelWithProjection, CLIPTokenizer

        t0 = time.time()
        self.torch = torch
        self.device = torch.device(device)
        fp16 = torch.float16
        self.unet = UNet2DConditionModel.from_pretrained(
            os.path.join(folder, "unet"), torch_dtype=fp16).to(self.device).eval()
        self.vae = AutoencoderKL.from_pretrained(
            os.path.join(folder, "vae"), torch_dtype=torch.float32).to(self.device).eval()
        self.tokenizers = [CLIPTokenizer.from_pretrained(os.path.join(folder, s))
                           for s in ("tokenizer", "tokenizer_2")]
        self.encoders = [
            CLIPTextModel.from_pretrained(os.path.join(folder, "text_encoder"),
                                          torch_dtype=fp16).to(self.device).eval(),
            CLIPTextModelWithProjection.from_pretrained(os.path.join(folder, "text_encoder_2"),
                                                        torch_dtype=fp16).to(self.device).eval(),
        ]
        self.scheduler = DDIMScheduler.from_pretrained(folder, subfolder="scheduler")
        self.scale = 2 ** (len(self.vae.config.block_out_channels) - 1)
        self.window = self.unet.config.sample_size
        n = sum(p.numel() for p in self.unet.parameters())
        print(f"diffusers loaded {folder} in {time.time() - t0:.1f} s: unet {n / 1e9:.3f} B "
              f"parameters, float16, vae float32", flush=True)

    def encode(self, prompts):
        """SDXL conditioning: both encoders' penultimate states side by side, and the
        second encoder's projected EOS state."""
        states, pooled = [], None
        for tok, enc in zip(self.tokenizers, self.encoders):
            ids = tok(prompts, padding="max_length", max_length=tok.model_max_length,
                      truncation=True, return_tensors="pt").input_ids.to(self.device)
            out = enc(ids, output_hidden_states=True)
            states.append(out.hidden_states[-2])
            if hasattr(out, "text_embeds"):
                pooled = out.text_embeds
        return self.torch.cat(states, dim=-1), pooled

    def guided_conditioning(self, prompts, negatives, view_px):
        """[uncond; cond] rows for one view (its own add_time_ids: its size, no crop)."""
        torch = self.torch
        cond, cond_pooled = self.encode(prompts)
        uncond, uncond_pooled = self.encode(negatives)
        h, w = view_px
        ids = torch.tensor([[h, w, 0, 0, h, w]], device=self.device, dtype=torch.float16)
        ids = ids.repeat(2 * len(prompts), 1)
        return (torch.cat([uncond, cond]), torch.cat([uncond_pooled, cond_pooled]), ids)

    def views(self, height, width, stride):
        win = self.window
        rows = (height - win) // stride + 1
        cols = (width - win) // stride + 1
        return [(r * stride, r * stride + win, c * stride, c * stride + win)
                for r in range(rows) for c in range(cols)]

    def unet_guided(self, latents, t, cond, cfg):
        states, pooled, ids = cond
        x = self.torch.cat([latents] * 2)
        eps = self.unet(x, t, encoder_hidden_states=states,
                        added_cond_kwargs={"text_embeds": pooled, "time_ids": ids}).sample
        uncond, text = eps.chunk(2)
        return uncond + cfg * (text - uncond)

    def decode(self, latents):
        img = self.vae.decode(latents.float() / self.vae.config.scaling_factor).sample
        img = (img / 2 + 0.5).clamp(0, 1)
        return (img[0].permute(1, 2, 0) * 255).round().to(self.torch.uint8).cpu()

    def finish(self, latent, marks):
        """Marks the end of the steps, decodes, marks the end of the image."""
        self.torch.cuda.synchronize()
        marks.append(time.time())
        self.decode(latent)
        marks.append(time.time())
        return marks

    def random_backgrounds(self, n, px):
        """Bootstrapping: n constant-colour images of one view, VAE-encoded."""
        torch = self.torch
        colours = torch.rand(n, 3, device=self.device)[:, :, None, None]
        imgs = colours.repeat(1, 1, px[0], px[1]) * 2 - 1
        return torch.cat([self.vae.encode(im[None]).latent_dist.sample() for im in imgs]) \
            * self.vae.config.scaling_factor

    def regions(self, size, boxes, prompts, negatives, steps, bootstrap, stride, cfg=7.5):
        """Region-based MultiDiffusion: prompts[0] is the background; boxes in pixels."""
        torch, f = self.torch, self.scale
        h, w = size // f, size // f
        masks = torch.zeros(len(boxes), 1, h, w, device=self.device)
        for i, (x, y, bw, bh) in enumerate(boxes):
            masks[i, :, y // f:(y + bh) // f, x // f:(x + bw) // f] = 1
        bg = (1 - masks.sum(0, keepdim=True)).clamp(min=0)
        masks = torch.cat([bg, masks]).to(torch.float16)
        n = len(prompts)
        marks = [time.time()]
        views = self.views(h, w, stride)
        cond = self.guided_conditioning(prompts, negatives, (self.window * f, self.window * f))
        backgrounds = self.random_backgrounds(bootstrap, (self.window * f,) * 2).half() \
            if bootstrap > 0 else None
        latent = torch.randn(1, 4, h, w, device=self.device, dtype=torch.float16)
        noise = latent.clone().repeat(n - 1, 1, 1, 1)
        count, value = torch.zeros_like(latent), torch.zeros_like(latent)
        self.scheduler.set_timesteps(steps)
        torch.cuda.synchronize()
        marks.append(time.time())
        for i, t in enumerate(self.scheduler.timesteps):
            count.zero_()
            value.zero_()
            for h0, h1, w0, w1 in views:
                m = masks[:, :, h0:h1, w0:w1]
                lv = latent[:, :, h0:h1, w0:w1].repeat(n, 1, 1, 1)
                if i < bootstrap:
                    pick = backgrounds[torch.randint(0, bootstrap, (n - 1,))]
                    pick = self.scheduler.add_noise(pick, noise[:, :, h0:h1, w0:w1], t)
                    lv[1:] = lv[1:] * m[1:] + pick * (1 - m[1:])
                eps = self.unet_guided(lv, t, cond, cfg)
                den = self.scheduler.step(eps, t, lv).prev_sample
                value[:, :, h0:h1, w0:w1] += (den * m).sum(dim=0, keepdim=True)
                count[:, :, h0:h1, w0:w1] += m.sum(dim=0, keepdim=True)
            latent = torch.where(count > 0, value / count, value)
        return self.finish(latent, marks)

    def panorama(self, height, width, prompt, negative, steps, stride, cfg=7.5):
        torch, f = self.torch, self.scale
        h, w = height // f, width // f
        marks = [time.time()]
        views = self.views(h, w, stride)
        cond = self.guided_conditioning([prompt], [negative], (self.window * f,) * 2)
        latent = torch.randn(1, 4, h, w, device=self.device, dtype=torch.float16)
        count, value = torch.zeros_like(latent), torch.zeros_like(latent)
        self.scheduler.set_timesteps(steps)
        torch.cuda.synchronize()
        marks.append(time.time())
        for t in self.scheduler.timesteps:
            count.zero_()
            value.zero_()
            for h0, h1, w0, w1 in views:
                lv = latent[:, :, h0:h1, w0:w1]
                eps = self.unet_guided(lv, t, cond, cfg)
                value[:, :, h0:h1, w0:w1] += self.scheduler.step(eps, t, lv).prev_sample
                count[:, :, h0:h1, w0:w1] += 1
            latent = torch.where(count > 0, value / count, value)
        return self.finish(latent, marks)


# Same prompts, boxes and sizes as app/tools/mdfusionbench.cpp.
BACKGROUND = "a wide landscape with mountains, a lake and a forest, golden hour"
NEGATIVE = "blurry, low quality"
REGION_PROMPTS = ["a red house", "a white boat on the water", "a tall green tree"]


def region_boxes(size):
    w = size // 3
    return [(i * w + size // 32, size // 3, w - size // 16, size // 2) for i in range(3)]


def time_cases(args):
    torch = __import__("torch")
    model = Sdxl(args.model, args.device)
    torch.manual_seed(7)
    for case in args.cases.split(","):
        if case == "regions":
            n_views = len(model.views(args.size // model.scale, args.size // model.scale,
                                      args.stride))
            print(f"regions: {args.size}x{args.size}, {n_views} views x 4 prompts, "
                  f"UNet batch 8, {args.bootstrap} bootstrap steps", flush=True)

            def run(steps):
                return model.regions(args.size, region_boxes(args.size),
                                     [BACKGROUND] + REGION_PROMPTS, [NEGATIVE] * 4, steps,
                                     min(args.bootstrap, steps), args.stride)
        elif case == "pano":
            n_views = len(model.views(args.size // model.scale, 4 * args.size // model.scale,
                                      args.stride))
            print(f"pano: {4 * args.size}x{args.size}, {n_views} views x 1 prompt, "
                  f"UNet batch 2", flush=True)

            def run(steps):
                return model.panorama(args.size, 4 * args.size, BACKGROUND, NEGATIVE, steps,
                                      args.stride)
        else:
            sys.exit(f"unknown case {case} (regions, pano)")
        with torch.inference_mode():
            m = run(max(1, args.warmup_steps))
            print(f"  warm-up ({max(1, args.warmup_steps)} steps): {m[-1] - m[0]:.2f} s",
                  flush=True)
            for _ in range(max(1, args.pano_repeats if case == "pano" else args.repeats)):
                m = run(args.steps)
                print(f"  RESULT diffusers {case} {args.steps} steps: {m[3] - m[0]:.2f} s/image "
                      f"(before the steps {m[1] - m[0]:.2f} s, steps {m[2] - m[1]:.2f} s = "
                      f"{(m[2] - m[1]) / args.steps:.3f} s/step, after the steps "
                      f"{m[3] - m[2]:.2f} s)", flush=True)
        print(f"  peak GPU memory {torch.cuda.max_memory_allocated() / 2**30:.1f} GiB",
              flush=True)
        torch.cuda.reset_peak_memory_stats()
    return model


def time_unet(model, calls, trace=None):
    """Seconds per UNet call at the native latent size, batch 2 and 8 (and a profiler trace
    of one call at batch 8)."""
    torch = model.torch
    win = model.window
    c = model.unet.config
    dim = c.cross_attention_dim
    pooled_dim = c.projection_class_embeddings_input_dim - 6 * c.addition_time_embed_dim
    with torch.inference_mode():
        for batch in (2, 8):
            x = torch.randn(batch, 4, win, win, device=model.device, dtype=torch.float16)
            states = torch.randn(batch, 77, dim, device=model.device, dtype=torch.float16)
            pooled = torch.randn(batch, pooled_dim, device=model.device, dtype=torch.float16)
            ids = torch.tensor([[1024, 1024, 0, 0, 1024, 1024]], device=model.device,
                               dtype=torch.float16).repeat(batch, 1)
            t = torch.tensor(500, device=model.device)
            kw = {"encoder_hidden_states": states,
                  "added_cond_kwargs": {"text_embeds": pooled, "time_ids": ids}}
            for _ in range(2):
                model.unet(x, t, **kw)
            torch.cuda.synchronize()
            t0 = time.time()
            for _ in range(calls):
                model.unet(x, t, **kw)
            torch.cuda.synchronize()
            print(f"  RESULT diffusers unet batch {batch} at {win}x{win}: "
                  f"{(time.time() - t0) / calls * 1000:.1f} ms/call", flush=True)
            if trace and batch == 8:
                from torch.profiler import ProfilerActivity, profile
                with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
                    model.unet(x, t, **kw)
                    torch.cuda.synchronize()
                prof.export_chrome_trace(trace)


def main():
    args = parse_args()
    sys.path.insert(0, os.path.abspath(args.diffusers))
    if args.make:
        if not args.template:
            sys.exit("--make needs --template (a tiny SDXL folder with tokenizers)")
        make_model(args)
    if args.time or args.unet_calls > 0:
        model = time_cases(args) if args.cases else Sdxl(args.model, args.device)
        if args.unet_calls > 0:
            time_unet(model, args.unet_calls, args.trace)


if __name__ == "__main__":
    main()
