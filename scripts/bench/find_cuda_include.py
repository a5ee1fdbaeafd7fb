#!/usr/bin/env python3
"""Prints the folder holding cuda_runtime_api.h for the engine-only GPU builds (the CUDA
caching allocator's peak memory in app/tools/CudaMemory.cpp needs it): CUDA_HOME, then the
NVIDIA pip wheels beside PyTorch (site-packages/nvidia/*/include). Prints nothing if none."""

import glob
import os

candidates = []
if os.environ.get("CUDA_HOME"):
    candidates.append(os.path.join(os.environ["CUDA_HOME"], "include"))
candidates.append("/usr/local/cuda/include")
try:
    import torch

    site = os.path.dirname(os.path.dirname(torch.__file__))
    candidates += sorted(glob.glob(os.path.join(site, "nvidia", "*", "include")))
    candidates += sorted(glob.glob(os.path.join(site, "nvidia", "*", "*", "include")))
except ImportError:
    pass
for folder in candidates:
    if os.path.isfile(os.path.join(folder, "cuda_runtime_api.h")):
        print(folder)
        break
