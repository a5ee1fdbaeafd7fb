# Copies a diffusers folder, storing F32 safetensors tensors as F16 (exact for the fixtures).
import json, os, shutil, struct, sys, array
src, dst = sys.argv[1], sys.argv[2]
for root, dirs, files in os.walk(src):
    rel = os.path.relpath(root, src)
    os.makedirs(os.path.join(dst, rel), exist_ok=True)
    for f in files:
        s, d = os.path.join(root, f), os.path.join(dst, rel, f)
        if not f.endswith('.safetensors'):
            shutil.copy(s, d); continue
        raw = open(s, 'rb').read()
        n = struct.unpack('<Q', raw[:8])[0]
        hdr = json.loads(raw[8:8+n]); body = raw[8+n:]
        out = {}; chunks = []; off = 0
        for k, v in hdr.items():
            if k == '__metadata__': out[k] = v; continue
            b = body[v['data_offsets'][0]:v['data_offsets'][1]]
            if v['dtype'] == 'F32':
                a = array.array('f'); a.frombytes(b)
                h = struct.pack('<%de' % len(a), *a)
                back = struct.unpack('<%de' % len(a), h)
                assert all(x == y for x, y in zip(a, back)), (s, k)
                b = h; dt = 'F16'
            else:
                dt = v['dtype']
            out[k] = {'dtype': dt, 'shape': v['shape'], 'data_offsets': [off, off + len(b)]}
            chunks.append(b); off += len(b)
        h = json.dumps(out).encode(); h += b' ' * (-len(h) % 8)
        with open(d, 'wb') as fo:
            fo.write(struct.pack('<Q', len(h))); fo.write(h)
            for c in chunks: fo.write(c)
