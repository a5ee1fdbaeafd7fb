// Tensors in the diffusers / transformers layout. The shapes
// follow diffusers' UNet2DConditionModel, AutoencoderKL and transformers' CLIPTextModel
// (their constructors' channel arithmetic), written out here independently of the engine.

#include "engine/common/SyntheticModel.h"

#include <ATen/CPUGeneratorImpl.h>
#include <stdexcept>
#include <torch/torch.h>

namespace md::test {

namespace {

bool contains(const std::string& s, const char* part)
{
    return s.find(part) != std::string::npos;
}

bool endsWith(const std::string& s, const std::string& suffix)
{
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Random values of the scale a trained network has: norm weights near 1, small biases,
// weights ~ N(0, 1 / fan_in). Rounded to fp16-representable values.
class Generator
{
public:
    explicit Generator(uint64_t seed) : m_gen(at::detail::createCPUGenerator(seed)) {}

    void add(NamedTensors& out, const std::string& name, std::vector<int64_t> shape)
    {
        torch::Tensor t = torch::randn(shape, m_gen, torch::kFloat32);
        if (shape.size() == 1 && contains(name, "norm") && endsWith(name, ".weight"))
            t = 1.0 + 0.1 * t;
        else if (shape.size() == 1)
            t = 0.05 * t;
        else if (contains(name, "embedding"))
            t = 0.1 * t;
        else
            t = t / std::sqrt(static_cast<double>(t.numel() / shape[0]));
        out.emplace_back(name, t.to(torch::kFloat16).to(torch::kFloat32));
    }

private:
    at::Generator m_gen;
};

void addNorm(Generator& g, NamedTensors& out, const std::string& p, int64_t c)
{
    g.add(out, p + "weight", {c});
    g.add(out, p + "bias", {c});
}

void addLinear(Generator& g, NamedTensors& out, const std::string& p, int64_t in, int64_t outDim,
               bool bias = true)
{
    g.add(out, p + "weight", {outDim, in});
    if (bias)
        g.add(out, p + "bias", {outDim});
}

void addConv(Generator& g, NamedTensors& out, const std::string& p, int64_t in, int64_t outDim,
             int64_t k)
{
    g.add(out, p + "weight", {outDim, in, k, k});
    g.add(out, p + "bias", {outDim});
}

// diffusers ResnetBlock2D; temb 0: no time embedding (the VAE's).
void addResnet(Generator& g, NamedTensors& out, const std::string& p, int64_t in, int64_t c,
               int64_t temb)
{
    addNorm(g, out, p + "norm1.", in);
    addConv(g, out, p + "conv1.", in, c, 3);
    if (temb > 0)
        addLinear(g, out, p + "time_emb_proj.", temb, c);
    addNorm(g, out, p + "norm2.", c);
    addConv(g, out, p + "conv2.", c, c, 3);
    if (in != c)
        addConv(g, out, p + "conv_shortcut.", in, c, 1);
}

// diffusers Transformer2DModel with one BasicTransformerBlock (GEGLU feed-forward).
void addTransformer(Generator& g, NamedTensors& out, const std::string& p, int64_t c,
                    int64_t context, bool linear)
{
    addNorm(g, out, p + "norm.", c);
    if (linear)
        addLinear(g, out, p + "proj_in.", c, c);
    else
        addConv(g, out, p + "proj_in.", c, c, 1);
    const std::string b = p + "transformer_blocks.0.";
    addNorm(g, out, b + "norm1.", c);
    for (const char* w : {"to_q.", "to_k.", "to_v."})
        addLinear(g, out, b + "attn1." + w, c, c, false);
    addLinear(g, out, b + "attn1.to_out.0.", c, c);
    addNorm(g, out, b + "norm2.", c);
    addLinear(g, out, b + "attn2.to_q.", c, c, false);
    addLinear(g, out, b + "attn2.to_k.", context, c, false);
    addLinear(g, out, b + "attn2.to_v.", context, c, false);
    addLinear(g, out, b + "attn2.to_out.0.", c, c);
    addNorm(g, out, b + "norm3.", c);
    addLinear(g, out, b + "ff.net.0.proj.", c, 8 * c);
    addLinear(g, out, b + "ff.net.2.", 4 * c, c);
    if (linear)
        addLinear(g, out, p + "proj_out.", c, c);
    else
        addConv(g, out, p + "proj_out.", c, c, 1);
}

NamedTensors makeUNet(Generator& g, const SyntheticModelSpec& s)
{
    NamedTensors out;
    const auto& ch = s.blockOutChannels;
    const int levels = static_cast<int>(ch.size());
    const int64_t temb = 4 * ch[0];
    const int64_t ctx = s.textHiddenSize;
    addConv(g, out, "conv_in.", s.inChannels, ch[0], 3);
    addLinear(g, out, "time_embedding.linear_1.", ch[0], temb);
    addLinear(g, out, "time_embedding.linear_2.", temb, temb);
    for (int b = 0; b < levels; ++b) {
        const std::string p = "down_blocks." + std::to_string(b) + ".";
        for (int j = 0; j < s.layersPerBlock; ++j) {
            const int64_t in = j == 0 ? (b == 0 ? ch[0] : ch[b - 1]) : ch[b];
            addResnet(g, out, p + "resnets." + std::to_string(j) + ".", in, ch[b], temb);
            if (s.downBlockHasAttention[b])
                addTransformer(g, out, p + "attentions." + std::to_string(j) + ".", ch[b], ctx,
                               s.useLinearProjection);
        }
        if (b + 1 < levels)
            addConv(g, out, p + "downsamplers.0.conv.", ch[b], ch[b], 3);
    }
    const int64_t last = ch.back();
    addResnet(g, out, "mid_block.resnets.0.", last, last, temb);
    addTransformer(g, out, "mid_block.attentions.0.", last, ctx, s.useLinearProjection);
    addResnet(g, out, "mid_block.resnets.1.", last, last, temb);
    int64_t prev = last;
    for (int i = 0; i < levels; ++i) {
        const int level = levels - 1 - i;
        const int64_t c = ch[level];
        const int64_t skipIn = ch[level == 0 ? 0 : level - 1];
        const bool attention = s.downBlockHasAttention[level];
        const std::string p = "up_blocks." + std::to_string(i) + ".";
        for (int j = 0; j <= s.layersPerBlock; ++j) {
            const int64_t skip = j == s.layersPerBlock ? skipIn : c;
            const int64_t in = (j == 0 ? prev : c) + skip;
            addResnet(g, out, p + "resnets." + std::to_string(j) + ".", in, c, temb);
            if (attention)
                addTransformer(g, out, p + "attentions." + std::to_string(j) + ".", c, ctx,
                               s.useLinearProjection);
        }
        if (i + 1 < levels)
            addConv(g, out, p + "upsamplers.0.conv.", c, c, 3);
        prev = c;
    }
    addNorm(g, out, "conv_norm_out.", ch[0]);
    addConv(g, out, "conv_out.", ch[0], s.outChannels, 3);
    return out;
}

void addVaeAttention(Generator& g, NamedTensors& out, const std::string& p, int64_t c)
{
    addNorm(g, out, p + "group_norm.", c);
    for (const char* w : {"to_q.", "to_k.", "to_v.", "to_out.0."})
        addLinear(g, out, p + w, c, c);
}

void addVaeMid(Generator& g, NamedTensors& out, const std::string& p, int64_t c)
{
    addResnet(g, out, p + "mid_block.resnets.0.", c, c, 0);
    addVaeAttention(g, out, p + "mid_block.attentions.0.", c);
    addResnet(g, out, p + "mid_block.resnets.1.", c, c, 0);
}

NamedTensors makeVae(Generator& g, const SyntheticModelSpec& s)
{
    NamedTensors out;
    const auto& ch = s.vaeBlockOutChannels;
    const int levels = static_cast<int>(ch.size());
    const int64_t lat = s.latentChannels;
    addConv(g, out, "encoder.conv_in.", 3, ch[0], 3);
    for (int b = 0; b < levels; ++b) {
        const std::string p = "encoder.down_blocks." + std::to_string(b) + ".";
        for (int j = 0; j < s.vaeLayersPerBlock; ++j) {
            const int64_t in = j == 0 ? (b == 0 ? ch[0] : ch[b - 1]) : ch[b];
            addResnet(g, out, p + "resnets." + std::to_string(j) + ".", in, ch[b], 0);
        }
        if (b + 1 < levels)
            addConv(g, out, p + "downsamplers.0.conv.", ch[b], ch[b], 3);
    }
    addVaeMid(g, out, "encoder.", ch.back());
    addNorm(g, out, "encoder.conv_norm_out.", ch.back());
    addConv(g, out, "encoder.conv_out.", ch.back(), 2 * lat, 3);
    addConv(g, out, "quant_conv.", 2 * lat, 2 * lat, 1);
    addConv(g, out, "post_quant_conv.", lat, lat, 1);
    addConv(g, out, "decoder.conv_in.", lat, ch.back(), 3);
    addVaeMid(g, out, "decoder.", ch.back());
    int64_t prev = ch.back();
    for (int i = 0; i < levels; ++i) {
        const int64_t c = ch[levels - 1 - i];
        const std::string p = "decoder.up_blocks." + std::to_string(i) + ".";
        for (int j = 0; j <= s.vaeLayersPerBlock; ++j)
            addResnet(g, out, p + "resnets." + std::to_string(j) + ".", j == 0 ? prev : c, c, 0);
        if (i + 1 < levels)
            addConv(g, out, p + "upsamplers.0.conv.", c, c, 3);
        prev = c;
    }
    addNorm(g, out, "decoder.conv_norm_out.", ch[0]);
    addConv(g, out, "decoder.conv_out.", ch[0], 3, 3);
    return out;
}

void addClipLayer(Generator& g, NamedTensors& out, const std::string& p, int64_t d, int64_t inner)
{
    for (const char* w : {"q_proj.", "k_proj.", "v_proj.", "out_proj."})
        addLinear(g, out, p + "self_attn." + w, d, d);
    addNorm(g, out, p + "layer_norm1.", d);
    addLinear(g, out, p + "mlp.fc1.", d, inner);
    addLinear(g, out, p + "mlp.fc2.", inner, d);
    addNorm(g, out, p + "layer_norm2.", d);
}

NamedTensors makeTextEncoder(Generator& g, const SyntheticModelSpec& s)
{
    NamedTensors out;
    const int64_t d = s.textHiddenSize;
    g.add(out, "text_model.embeddings.token_embedding.weight", {s.vocabSize, d});
    g.add(out, "text_model.embeddings.position_embedding.weight", {77, d});
    for (int k = 0; k < s.textLayers; ++k)
        addClipLayer(g, out, "text_model.encoder.layers." + std::to_string(k) + ".", d,
                     s.textIntermediateSize);
    addNorm(g, out, "text_model.final_layer_norm.", d);
    if (s.textProjection)
        addLinear(g, out, "text_projection.", d, s.projectionDim, false);
    return out;
}

// The OpenCLIP resblock past the diffusers layers, in LDM names.
NamedTensors makeExtraOpenClipBlock(Generator& g, const SyntheticModelSpec& s)
{
    NamedTensors out;
    if (!s.openClipLayout || !s.openClipExtraBlock)
        return out;
    const int64_t d = s.textHiddenSize;
    const std::string p =
        s.openClipPrefix + "transformer.resblocks." + std::to_string(s.textLayers) + ".";
    addNorm(g, out, p + "ln_1.", d);
    g.add(out, p + "attn.in_proj_weight", {3 * d, d});
    g.add(out, p + "attn.in_proj_bias", {3 * d});
    addLinear(g, out, p + "attn.out_proj.", d, d);
    addNorm(g, out, p + "ln_2.", d);
    addLinear(g, out, p + "mlp.c_fc.", d, s.textIntermediateSize);
    addLinear(g, out, p + "mlp.c_proj.", s.textIntermediateSize, d);
    return out;
}

} // namespace

SyntheticModelSpec sd1StyleSpec()
{
    SyntheticModelSpec s;
    s.name = "sd1-style";
    s.seed = 11;
    s.blockOutChannels = {32, 64, 64};
    s.downBlockHasAttention = {true, true, false};
    s.layersPerBlock = 2;
    s.unetHeads = {8, 8, 8};
    s.sampleSize = 40;
    s.vaeBlockOutChannels = {32, 32, 64, 64};
    s.vaeLayersPerBlock = 2;
    s.textHiddenSize = 768;
    s.textHeads = 12;
    s.textIntermediateSize = 64;
    s.textLayers = 2;
    return s;
}

SyntheticModelSpec sd1SmallSpec()
{
    SyntheticModelSpec s;
    s.name = "sd1-small";
    s.seed = 12;
    s.blockOutChannels = {32, 32, 64, 64};
    s.downBlockHasAttention = {true, true, true, false};
    s.layersPerBlock = 1;
    s.unetHeads = {8, 8, 8, 8};
    s.sampleSize = 64;
    s.textHiddenSize = 32;
    s.textHeads = 4;
    s.textLayers = 3;
    return s;
}

SyntheticModelSpec sd2StyleSpec()
{
    SyntheticModelSpec s;
    s.name = "sd2-style";
    s.seed = 21;
    s.blockOutChannels = {64, 64, 128};
    s.downBlockHasAttention = {true, true, false};
    s.layersPerBlock = 1;
    s.unetHeads = {1, 1, 2}; // head_dim 64
    s.useLinearProjection = true;
    s.upcastAttention = true;
    s.sampleSize = 96;
    s.vaeBlockOutChannels = {32, 32, 64, 64};
    s.vaeLayersPerBlock = 1;
    s.textHiddenSize = 1024;
    s.textHeads = 16;
    s.textIntermediateSize = 64;
    s.textLayers = 2;
    s.hiddenAct = "gelu";
    s.openClipLayout = true;
    s.textProjection = true;
    s.projectionDim = 64;
    s.predictionType = "v_prediction";
    return s;
}

SyntheticModelSpec sd2TinySpec()
{
    SyntheticModelSpec s;
    s.name = "sd2-tiny";
    s.seed = 22;
    s.blockOutChannels = {32, 64};
    s.downBlockHasAttention = {true, true};
    s.layersPerBlock = 2;
    s.unetHeads = {8, 8};
    s.useLinearProjection = true;
    s.sampleSize = 96;
    s.textHiddenSize = 32;
    s.textHeads = 4;
    s.textLayers = 2;
    s.hiddenAct = "gelu";
    s.predictionType = "v_prediction";
    return s;
}

SyntheticModel makeSyntheticModel(const SyntheticModelSpec& spec)
{
    const size_t levels = spec.blockOutChannels.size();
    if (levels == 0 || spec.downBlockHasAttention.size() != levels ||
        spec.unetHeads.size() != levels)
        throw std::runtime_error(spec.name + ": one attention flag and head count per level");
    torch::NoGradGuard noGrad;
    Generator g(spec.seed);
    SyntheticModel m;
    m.spec = spec;
    m.unet = makeUNet(g, spec);
    m.vae = makeVae(g, spec);
    m.textEncoder = makeTextEncoder(g, spec);
    m.extraOpenClipBlock = makeExtraOpenClipBlock(g, spec);
    return m;
}

const torch::Tensor& findTensor(const NamedTensors& tensors, const std::string& name)
{
    for (const auto& [n, t] : tensors)
        if (n == name)
            return t;
    throw std::runtime_error("synthetic model: no tensor named " + name);
}

} // namespace md::test
