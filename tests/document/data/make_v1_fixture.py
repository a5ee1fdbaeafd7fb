#!/usr/bin/env python3
"""Writes v1-project.mdsp: a version-1 MultiDiffusion Studio project (the old flat layout),
zipped by Python's zipfile, so the loader is tested against an archive our own ZipWriter did
not make. Masks: region 0 a horizontal gradient (soft values), region 2 the left half.
Run from this folder; the output is committed, this script documents how it was made."""
import json
import struct
import zipfile
import zlib

W, H = 128, 96


def gray_png(width, height, pixel):
    rows = b"".join(b"\x00" + bytes(pixel(x, y) for x in range(width)) for y in range(height))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


project = {
    "format": "mdstudio-project",
    "version": 1,
    "width": W,
    "height": H,
    "model": "models/dreamy-v2.safetensors",
    "prompt": "a quiet harbour at dawn",
    "negative": "blurry",
    "sampler": "euler_a",
    "steps": 30,
    "cfg": 6.5,
    "seed": 1234,
    "regions": [
        {"name": "sky", "prompt": "pink clouds", "negative": "birds", "strength": 0.8,
         "mask": "masks/0.png"},
        {"name": "boat", "prompt": "a red sailing boat", "box": [16, 40, 48, 32]},
        {"prompt": "a lighthouse", "mask": "masks/2.png"},
    ],
}

with zipfile.ZipFile("v1-project.mdsp", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("project.json", json.dumps(project, indent=2))
    z.writestr("masks/0.png", gray_png(W, H, lambda x, y: x * 2))
    z.writestr("masks/2.png", gray_png(W, H, lambda x, y: 255 if x < W // 2 else 0))
