# Reference outputs of diffusers' StableDiffusionPipeline with few-step schedules on the
# fixture model tiny-sd15 (CPU, float32): LCMScheduler (1, 2, 4, 8 steps; cfg 1 = no
# unconditional pass, and cfg 1.5), and DDIM / Euler with timestep_spacing "trailing"
# (4 steps). Writes $OUT/live-reference.safetensors and $OUT/live-cases.json.
# Usage: OUT=dir python3 make_live_references.py DIFFUSERS_SRC TINY_SD15_FOLDER
import json, os, sys, time
import numpy as np, torch
sys.path.insert(0, sys.argv[1])
import diffusers
from diffusers import (DDIMScheduler, EulerDiscreteScheduler, LCMScheduler,
                       StableDiffusionPipeline)
from safetensors.torch import save_file

OUT = os.environ["OUT"]
torch.set_num_threads(16)
print("diffusers", diffusers.__version__, "torch", torch.__version__, flush=True)
pipe = StableDiffusionPipeline.from_pretrained(sys.argv[2], torch_dtype=torch.float32,
                                               safety_checker=None, feature_extractor=None,
                                               requires_safety_checker=False)
base = pipe.scheduler.config
refs = {}
cases = {"diffusers": diffusers.__version__, "torch": torch.__version__, "cases": []}

def run(name, sched, sampler, spacing, steps, cfg, seed=5, H=128, W=128,
        prompt="a red apple on green grass", negative=""):
    pipe.scheduler = sched
    used = []
    def cb(p, i, t, kwargs):
        used.append(float(t)); return kwargs
    g = torch.Generator("cpu").manual_seed(seed)
    t0 = time.time()
    lat = pipe(prompt=prompt, negative_prompt=negative if cfg > 1 else None,
               num_inference_steps=steps, guidance_scale=cfg, height=H, width=W,
               generator=g, output_type="latent", callback_on_step_end=cb).images
    sf = pipe.vae.config.scaling_factor
    with torch.no_grad():
        dec = pipe.vae.decode(lat / sf, return_dict=False)[0]
    im = pipe.image_processor.postprocess(dec, output_type="np")[0]
    refs[f"{name}.latents"] = lat.contiguous()
    refs[f"{name}.image"] = torch.from_numpy((im * 255).round().astype(np.uint8)).contiguous()
    refs[f"{name}.timesteps"] = torch.tensor(used, dtype=torch.float64)
    cases["cases"].append(dict(name=name, sampler=sampler, spacing=spacing, steps=steps, cfg=cfg,
                               seed=seed, width=W, height=H, prompt=prompt,
                               negative_prompt=negative))
    print(name, "t", used, "max|lat|", float(lat.abs().max()), f"{time.time()-t0:.1f}s", flush=True)

for steps in (1, 2, 4, 8):
    run(f"lcm.s{steps}.cfg1", LCMScheduler.from_config(base), "lcm", "", steps, 1.0)
run("lcm.s4.cfg15", LCMScheduler.from_config(base), "lcm", "", 4, 1.5, negative="blurry")
run("ddim.trailing.s4", DDIMScheduler.from_config(base, timestep_spacing="trailing"), "ddim",
    "trailing", 4, 1.0)
run("euler.trailing.s4", EulerDiscreteScheduler.from_config(base, timestep_spacing="trailing"),
    "euler", "trailing", 4, 1.0)
run("ddim.trailing.s4.cfg7", DDIMScheduler.from_config(base, timestep_spacing="trailing"), "ddim",
    "trailing", 4, 7.5, negative="blurry")
save_file(refs, f"{OUT}/live-reference.safetensors")
json.dump(cases, open(f"{OUT}/live-cases.json", "w"), indent=1)
print("wrote", len(refs), "tensors")
