#include "engine/pipeline/StableDiffusionModel.h"

#include "engine/io/CheckpointLoader.h"
#include "engine/io/MemoryEstimate.h"
#include "engine/nn/ModelFactory.h"
#include "engine/pipeline/DeviceSelection.h"
#include "engine/pipeline/ModelDescription.h"
#include "engine/pipeline/TokenizerLoading.h"
#include "engine/pipeline/VaeDtype.h"
#include "engine/sampling/Rng.h"

#include <stdexcept>
#include <torch/torch.h>

namespace md {

namespace {

void report(const LoadProgressFn& fn, const std::string& stage, float fraction)
{
    if (fn)
        fn(stage, fraction);
}

} // namespace

Result<std::shared_ptr<const Tokenizer>>
StableDiffusionModel::loadTokenizerOnly(const ModelOptions& options)
{
    try {
        if (options.path.empty())
            return Status::error("no model path given");
        CheckpointOptions copts;
        copts.tokenizerDir = options.tokenizerDir;
        auto ckpt = loadCheckpoint(options.path, copts);
        if (!ckpt)
            return ckpt.status();
        auto tok = loadTokenizer(ckpt->tokenizer, ckpt->config.textEncoder, options.path,
                                 ckpt->tokenizerMessage);
        if (!tok)
            return tok.status().withContext(options.path);
        return tok;
    } catch (const std::exception& e) {
        return Status::error("loading the tokenizer of " + options.path + ": " + e.what());
    }
}

Result<std::shared_ptr<StableDiffusionModel>>
StableDiffusionModel::load(const ModelOptions& options, const LoadProgressFn& onProgress)
{
    try {
        if (options.path.empty())
            return Status::error("no model path given");
        if (options.clipSkip < 0)
            return Status::error("clip skip must be 0 (the model's default) or more, got " +
                                 std::to_string(options.clipSkip));
        auto device = resolveDevice(options.device);
        if (!device)
            return device.status();
        auto dtype = resolveDtype(options.dtype, device.value());
        if (!dtype)
            return dtype.status();

        report(onProgress, "reading " + options.path, 0.0f);
        CheckpointOptions copts;
        copts.tokenizerDir = options.tokenizerDir;
        copts.variant = options.variant;
        auto ckpt = loadCheckpoint(options.path, copts);
        if (!ckpt)
            return ckpt.status();

        // Refuse before any weight is read when the model will not fit in memory (CPU: the
        // weights and the work live in RAM; on a GPU the weights only pass through).
        if (device.value().is_cpu()) {
            auto memory =
                estimateLoadMemory(ckpt.value(), dtype.value(), std::nullopt, torch::kFloat32);
            if (!memory)
                return memory.status();
        }

        std::shared_ptr<StableDiffusionModel> model(new StableDiffusionModel());
        model->m_config = ckpt->config;
        model->m_notes = ckpt->notes;
        model->m_device = device.value();
        model->m_dtype = dtype.value();
        model->m_vaeDtype = vaeDtypeFor(ckpt->config, model->m_dtype, model->m_device);

        report(onProgress, "tokenizer", 0.05f);
        auto tok = loadTokenizer(ckpt->tokenizer, ckpt->config.textEncoder, options.path,
                                 ckpt->tokenizerMessage);
        if (!tok)
            return tok.status().withContext(options.path);
        model->m_tokenizer = tok.value();
        const int vocab = model->m_tokenizer->vocabSize();
        if (vocab > model->m_config.textEncoder.vocabSize)
            return Status::error("the tokenizer in " + ckpt->tokenizer.directory + " has " +
                                 std::to_string(vocab) + " tokens but the text encoder of " +
                                 options.path + " has only " +
                                 std::to_string(model->m_config.textEncoder.vocabSize) +
                                 " embeddings: they do not belong together");

        if (model->m_config.hasTextEncoder2) {
            auto tok2 = loadTokenizer(ckpt->tokenizer2, ckpt->config.textEncoder2, options.path,
                                      ckpt->tokenizerMessage);
            if (!tok2)
                return tok2.status().withContext(options.path + " (tokenizer_2)");
            model->m_tokenizer2 = tok2.value();
            if (model->m_tokenizer2->vocabSize() > model->m_config.textEncoder2.vocabSize)
                return Status::error("the second tokenizer of " + options.path + " has " +
                                     std::to_string(model->m_tokenizer2->vocabSize()) +
                                     " tokens but text_encoder_2 has only " +
                                     std::to_string(model->m_config.textEncoder2.vocabSize) +
                                     " embeddings: they do not belong together");
        }

        torch::NoGradGuard noGrad;
        report(onProgress, "text encoder", 0.1f);
        auto text = nn::loadTextEncoder(model->m_config.textEncoder, ckpt->textEncoder,
                                        model->m_dtype, model->m_device);
        if (!text)
            return text.status().withContext(options.path);
        model->m_text = text.value();
        if (model->m_config.hasTextEncoder2) {
            report(onProgress, "text encoder 2", 0.15f);
            auto text2 = nn::loadTextEncoder(model->m_config.textEncoder2, ckpt->textEncoder2,
                                             model->m_dtype, model->m_device);
            if (!text2)
                return text2.status().withContext(options.path + " (text_encoder_2)");
            model->m_text2 = text2.value();
        }

        report(onProgress, "unet", 0.3f);
        auto unet = nn::loadUNet(model->m_config.unet, ckpt->unet, model->m_dtype, model->m_device);
        if (!unet)
            return unet.status().withContext(options.path);
        model->m_unet = unet.value();

        report(onProgress, "vae", 0.8f);
        auto vae = nn::loadVae(model->m_config.vae, ckpt->vae, model->m_vaeDtype, model->m_device);
        if (!vae)
            return vae.status().withContext(options.path);
        model->m_vae = vae.value();

        // Prediction type: the user's override, else the config / detection.
        if (options.prediction != PredictionType::Auto) {
            model->m_prediction = options.prediction;
        } else {
            const auto p = predictionFromName(model->m_config.scheduler.predictionType);
            if (!p || *p == PredictionType::Auto)
                return Status::error(options.path + ": prediction_type \"" +
                                     model->m_config.scheduler.predictionType +
                                     "\" is not supported (pass --prediction epsilon or "
                                     "v_prediction)");
            model->m_prediction = *p;
        }
        model->m_config.scheduler.predictionType = predictionName(model->m_prediction);
        model->m_clipSkip =
            options.clipSkip > 0 ? options.clipSkip : std::max(1, model->m_config.defaultClipSkip);
        const int layers = model->m_config.hasTextEncoder2
                               ? std::min(model->m_config.textEncoder.numHiddenLayers,
                                          model->m_config.textEncoder2.numHiddenLayers)
                               : model->m_config.textEncoder.numHiddenLayers;
        if (model->m_clipSkip > layers)
            return Status::error("clip skip " + std::to_string(model->m_clipSkip) +
                                 " is more than the text encoder's " + std::to_string(layers) +
                                 " layers");

        auto& info = model->m_info;
        info.path = ckpt->path;
        info.layout = ckpt->layout;
        info.family = familyName(model->m_config.family);
        info.prediction = predictionName(model->m_prediction);
        info.tokenizer = model->m_tokenizer->kindName();
        info.storedDtype = ckpt->storedDtype;
        info.variant = ckpt->variant;
        info.variants = ckpt->variants;
        info.dtype = dtypeName(model->m_dtype);
        info.device = deviceName(model->m_device);
        info.clipSkip = model->m_clipSkip;
        info.vaeScaleFactor = model->m_config.vae.scaleFactor();
        info.nativeWidth = model->m_config.unet.sampleSize * info.vaeScaleFactor;
        info.nativeHeight = info.nativeWidth;
        info.latentChannels = model->latentChannels();
        info.unetInChannels = model->unetInChannels();
        info.inpainting = model->isInpainting();
        info.unetParameters = nn::parameterCount(*model->m_unet);
        info.vaeParameters = nn::parameterCount(*model->m_vae);
        info.textEncoderParameters = nn::parameterCount(*model->m_text);
        if (model->m_config.hasTextEncoder2)
            info.textEncoder2Parameters = nn::parameterCount(*model->m_text2);
        info.textEncoders = describeTextEncoders(model->m_config);
        info.vae = describeVae(model->m_config.vae, model->m_vaeDtype, model->isSdxl());
        report(onProgress, "ready", 1.0f);
        return model;
    } catch (const c10::Error& e) {
        return Status::error("loading " + options.path + ": " + e.what_without_backtrace());
    } catch (const std::exception& e) {
        return Status::error("loading " + options.path + ": " + e.what());
    }
}

torch::Tensor StableDiffusionModel::encodeTokens(const torch::Tensor& ids)
{
    const auto tokens = ids.to(m_device, torch::kInt64);
    if (isSdxl())
        return m_text->forwardHidden(tokens, m_clipSkip, false).hidden.to(torch::kFloat32);
    return m_text->forward(tokens, m_clipSkip).to(torch::kFloat32);
}

TextEncoding StableDiffusionModel::encodeTokens2(const torch::Tensor& ids, bool withPooled)
{
    TORCH_CHECK(isSdxl(), "this model has no second text encoder");
    auto out = m_text2->forwardHidden(ids.to(m_device, torch::kInt64), m_clipSkip, withPooled);
    return TextEncoding(out.hidden.to(torch::kFloat32),
                        withPooled ? out.pooled.to(torch::kFloat32) : torch::Tensor());
}

torch::Tensor StableDiffusionModel::unet(const torch::Tensor& sample, const torch::Tensor& timestep,
                                         const UNetConditioning& c)
{
    const auto cast = [this](const torch::Tensor& t) {
        return t.defined() ? t.to(m_device, m_dtype) : t;
    };
    const int64_t channels = sample.dim() == 4 ? sample.size(1) : -1;
    if (channels != unetInChannels())
        throw std::invalid_argument(
            "the UNet takes " + std::to_string(unetInChannels()) + " input channels" +
            (isInpainting() ? " (an inpainting model: latents, mask and masked-image latents)"
                            : "") +
            " but was given " + std::to_string(channels));
    auto out =
        m_unet->forward(sample.to(m_device, m_dtype), timestep.to(m_device), cast(c.context),
                        cast(c.pooled), c.timeIds.defined() ? c.timeIds.to(m_device) : c.timeIds);
    return out.to(torch::kFloat32);
}

torch::Tensor StableDiffusionModel::decode(const torch::Tensor& latents)
{
    const auto& vae = m_config.vae;
    auto z = latents.to(m_device, torch::kFloat32) / vae.scalingFactor;
    if (vae.shiftFactor != 0.0)
        z = z + vae.shiftFactor;
    return m_vae->decode(z.to(m_vaeDtype)).to(torch::kFloat32);
}

torch::Tensor StableDiffusionModel::encodeMean(const torch::Tensor& image)
{
    return encodeDistribution(image).mean;
}

nn::LatentDistribution StableDiffusionModel::encodeDistribution(const torch::Tensor& image)
{
    const auto& vae = m_config.vae;
    auto dist = m_vae->encode(image.to(m_device, m_vaeDtype));
    auto mean = dist.mean.to(torch::kFloat32);
    if (vae.shiftFactor != 0.0)
        mean = mean - vae.shiftFactor;
    nn::LatentDistribution out;
    out.mean = mean * vae.scalingFactor;
    out.std = dist.std.to(torch::kFloat32) * vae.scalingFactor;
    return out;
}

torch::Tensor StableDiffusionModel::encodeSample(const torch::Tensor& image, Rng& rng)
{
    const auto& vae = m_config.vae;
    auto dist = m_vae->encode(image.to(m_device, m_vaeDtype));
    const auto noise = rng.randn(dist.mean.sizes()).to(m_device, m_vaeDtype);
    auto z = dist.sample(noise).to(torch::kFloat32);
    if (vae.shiftFactor != 0.0)
        z = z - vae.shiftFactor;
    return z * vae.scalingFactor;
}

} // namespace md
