# Reference outputs of diffusers' img2img and inpaint pipelines on the fixture models
# (CPU, float32). Writes $OUT/img2img-reference.safetensors, the input PNGs and cases JSON.
import json, os, sys, time
import numpy as np, torch
from PIL import Image
sys.path.insert(0, "/tmp/dsrc/src")
import diffusers
from diffusers import (DDIMScheduler, DPMSolverMultistepScheduler, EulerAncestralDiscreteScheduler,
                       EulerDiscreteScheduler, StableDiffusionImg2ImgPipeline,
                       StableDiffusionInpaintPipeline, StableDiffusionXLImg2ImgPipeline,
                       UNet2DConditionModel)
from safetensors.torch import save_file

OUT = os.environ["OUT"]; HERE = os.path.dirname(os.path.abspath(__file__))
torch.set_num_threads(16)
print("diffusers", diffusers.__version__, "torch", torch.__version__, flush=True)
H = W = 256
y, x = np.mgrid[0:H, 0:W].astype(np.float64)
img = np.stack([x / W * 255, y / H * 200, 255 - x / W * 128], -1)
img[(x - 96) ** 2 + (y - 112) ** 2 < 50 ** 2] = (230, 40, 30)
img[(y > 180) & (y < 210)] = (40, 200, 60)
init = Image.fromarray(img.round().clip(0, 255).astype(np.uint8))
init.save(f"{OUT}/img2img-init.png")
m = np.zeros((H, W), np.uint8); m[48:176, 128:224] = 255
mask = Image.fromarray(m, "L"); mask.save(f"{OUT}/img2img-mask.png")

def samplers(base):
    return {
        "ddim": lambda: DDIMScheduler.from_config(base),
        "euler": lambda: EulerDiscreteScheduler.from_config(base),
        "euler_a": lambda: EulerAncestralDiscreteScheduler.from_config(base),
        "dpmpp_2m": lambda: DPMSolverMultistepScheduler.from_config(base, algorithm_type="dpmsolver++", solver_order=2),
        "dpmpp_2m_karras": lambda: DPMSolverMultistepScheduler.from_config(base, algorithm_type="dpmsolver++", solver_order=2, use_karras_sigmas=True),
    }

refs = {}; cases = {"init_image": "img2img-init.png", "mask_image": "img2img-mask.png",
                    "diffusers": diffusers.__version__, "cases": []}

def run(pipe, name, sched, **kw):
    pipe.scheduler = sched
    used = []; starts = {}
    orig = pipe.prepare_latents
    def wrap(*a, **k):
        r = orig(*a, **k); starts["v"] = r; return r
    pipe.prepare_latents = wrap
    def cb(p, i, t, kwargs):
        used.append(float(t)); return kwargs
    g = torch.Generator("cpu").manual_seed(kw.pop("seed"))
    t0 = time.time()
    lat = pipe(generator=g, output_type="latent", callback_on_step_end=cb, **kw).images
    pipe.prepare_latents = orig
    sf = pipe.vae.config.scaling_factor
    with torch.no_grad():
        dec = pipe.vae.decode(lat / sf, return_dict=False)[0]
    im = pipe.image_processor.postprocess(dec, output_type="np")[0]
    refs[f"{name}.latents"] = lat.contiguous()
    refs[f"{name}.image"] = torch.from_numpy((im * 255).round().astype(np.uint8)).contiguous()
    refs[f"{name}.timesteps"] = torch.tensor(used, dtype=torch.float64)
    s = starts["v"]
    if isinstance(s, tuple):
        refs[f"{name}.start_latents"] = s[0].contiguous()
        if len(s) > 1: refs[f"{name}.noise"] = s[1].contiguous()
        if len(s) > 2: refs[f"{name}.image_latents"] = s[2].contiguous()
    else:
        refs[f"{name}.start_latents"] = s.contiguous()
    print(name, "steps", len(used), "t", used[:3], "max|lat|", float(lat.abs().max()), f"{time.time()-t0:.1f}s", flush=True)

common = dict(prompt="a red ball on a blue table", negative_prompt="blurry", num_inference_steps=10,
              guidance_scale=7.5)
sd = f"{HERE}/tiny-sd15"
pipe = StableDiffusionImg2ImgPipeline.from_pretrained(sd, torch_dtype=torch.float32, safety_checker=None,
                                                      feature_extractor=None, requires_safety_checker=False)
base = pipe.scheduler.config
for sname, mk in samplers(base).items():
    for st in (0.3, 0.6, 1.0):
        name = f"img2img.{sname}.s{int(st*10):02d}"
        run(pipe, name, mk(), image=init, strength=st, seed=11, **common)
        cases["cases"].append(dict(name=name, pipeline="StableDiffusionImg2ImgPipeline", sampler=sname,
                                   strength=st, seed=11, width=W, height=H, **common))

# Inpainting with the 4-channel model (the latents outside the mask follow the image).
ip = StableDiffusionInpaintPipeline(vae=pipe.vae, text_encoder=pipe.text_encoder, tokenizer=pipe.tokenizer,
                                    unet=pipe.unet, scheduler=pipe.scheduler, safety_checker=None,
                                    feature_extractor=None, requires_safety_checker=False)
for sname in ("ddim", "euler_a", "dpmpp_2m_karras"):
    for st in (1.0, 0.6):
        name = f"inpaint4.{sname}.s{int(st*10):02d}"
        run(ip, name, samplers(base)[sname](), image=init, mask_image=mask, strength=st, seed=13,
            height=H, width=W, **common)
        cases["cases"].append(dict(name=name, pipeline="StableDiffusionInpaintPipeline (4-channel UNet)",
                                   sampler=sname, strength=st, seed=13, width=W, height=H, **common))

# Inpainting with a 9-channel UNet: tiny-sd15's UNet with conv_in widened (mask + masked-image
# channels), the extra input weights drawn from torch.manual_seed(1234) * 0.05.
cfg = dict(pipe.unet.config); cfg["in_channels"] = 9
u9 = UNet2DConditionModel.from_config(cfg)
sdict = pipe.unet.state_dict()
w = sdict["conv_in.weight"]
gen = torch.Generator("cpu").manual_seed(1234)
extra = torch.randn((w.shape[0], 5, w.shape[2], w.shape[3]), generator=gen) * 0.05
extra = extra.half().float()  # exactly representable in fp16, like the fixture's weights
sdict["conv_in.weight"] = torch.cat([w, extra], 1)
u9.load_state_dict(sdict); u9.eval()
refs["inpaint9.conv_in.weight"] = sdict["conv_in.weight"].contiguous()
ip9 = StableDiffusionInpaintPipeline(vae=pipe.vae, text_encoder=pipe.text_encoder, tokenizer=pipe.tokenizer,
                                     unet=u9, scheduler=pipe.scheduler, safety_checker=None,
                                     feature_extractor=None, requires_safety_checker=False)
for sname in ("ddim", "euler_a"):
    for st in (1.0, 0.6):
        name = f"inpaint9.{sname}.s{int(st*10):02d}"
        run(ip9, name, samplers(base)[sname](), image=init, mask_image=mask, strength=st, seed=17,
            height=H, width=W, **common)
        cases["cases"].append(dict(name=name, pipeline="StableDiffusionInpaintPipeline (9-channel UNet)",
                                   sampler=sname, strength=st, seed=17, width=W, height=H, **common))

# SDXL img2img on tiny-sdxl.
try:
    xl = StableDiffusionXLImg2ImgPipeline.from_pretrained(f"{HERE}/tiny-sdxl", torch_dtype=torch.float32)
    xbase = xl.scheduler.config
    for sname in ("euler", "dpmpp_2m_karras"):
        for st in (0.6, 1.0):
            name = f"sdxl_img2img.{sname}.s{int(st*10):02d}"
            run(xl, name, samplers(xbase)[sname](), image=init, strength=st, seed=19, **common)
            cases["cases"].append(dict(name=name, pipeline="StableDiffusionXLImg2ImgPipeline", sampler=sname,
                                       strength=st, seed=19, width=W, height=H, **common))
except Exception as e:
    import traceback; traceback.print_exc()

save_file({k: v.detach().cpu() for k, v in refs.items()}, f"{OUT}/img2img-reference.safetensors")
json.dump(cases, open(f"{OUT}/img2img-cases.json", "w"), indent=1)
print("wrote", len(refs), "tensors", flush=True)
