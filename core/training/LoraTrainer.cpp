#include "training/LoraTrainer.h"

#include "engine/io/CheckpointLoader.h"
#include "engine/nn/LowRankAdapter.h"
#include "engine/nn/ModelFactory.h"
#include "training/PngWriter.h"
#include "training/PreviewSampler.h"

#include <ATen/CPUGeneratorImpl.h>
#include <chrono>
#include <cmath>
#include <sstream>

namespace md {

namespace {
constexpr int kSlot = 0;
} // namespace

LoraTrainer::LoraTrainer(LoraTrainOptions options, Log log)
    : m_opt(std::move(options)), m_log(std::move(log))
{
}

void LoraTrainer::log(const std::string& line) const
{
    if (m_log)
        m_log(line);
}

int64_t LoraTrainer::trainableParameters() const
{
    int64_t n = 0;
    for (const auto& p : m_params)
        n += p.numel();
    return n;
}

Status LoraTrainer::prepare()
{
    if (m_opt.rank < 1)
        return Status::error("the LoRA rank must be at least 1 (got " + std::to_string(m_opt.rank) +
                             ")");
    if (m_opt.samples < m_opt.batch || m_opt.batch < 1)
        return Status::error("--samples must be at least --batch, and --batch at least 1");
    if (m_opt.imageSize < 16 || m_opt.imageSize % 8 != 0)
        return Status::error("--image-size must be a multiple of 8, at least 16 (got " +
                             std::to_string(m_opt.imageSize) + ")");
    auto ck = loadCheckpoint(m_opt.model);
    if (!ck)
        return Status::error("cannot open the base model " + m_opt.model + ": " + ck.error());
    if (ck->tokenizer.kind != TokenizerFiles::Kind::SentencePiece)
        return Status::error(m_opt.model +
                             " has no sentencepiece tokenizer: mdtrain lora trains the "
                             "embedded model (resources/models/mds-tiny) or one like it");
    auto tok = CaptionTokenizer::load(ck->tokenizer.sentencePieceModel);
    if (!tok)
        return tok.status();
    m_tokenizer = *tok;
    auto unet = nn::loadUNet(ck->config.unet, ck->unet, torch::kFloat32);
    if (!unet)
        return unet.status();
    auto vae = nn::loadVae(ck->config.vae, ck->vae, torch::kFloat32);
    if (!vae)
        return vae.status();
    auto text = nn::loadTextEncoder(ck->config.textEncoder, ck->textEncoder, torch::kFloat32);
    if (!text)
        return text.status();
    m_unet = *unet;
    m_text = *text;
    m_vae = *vae;
    m_scalingFactor = ck->config.vae.scalingFactor;
    for (auto& p : m_unet->parameters())
        p.requires_grad_(false);
    for (auto& p : m_text->parameters())
        p.requires_grad_(false);
    m_unet->eval(); // no dropout in these modules; eval keeps them as at inference
    m_text->eval();
    m_noising.emplace(ck->config.scheduler);

    m_gen = at::make_generator<at::CPUGeneratorImpl>(m_opt.seed);
    // The samples: rendered once at the training size, encoded with the VAE's mean.
    const auto t0 = std::chrono::steady_clock::now();
    ConceptScenes scenes(m_opt.data, m_opt.imageSize, m_opt.seed);
    std::vector<torch::Tensor> latents;
    std::vector<int64_t> conceptIndices;
    {
        torch::NoGradGuard noGrad;
        auto& vaeModule = *vae;
        vaeModule->eval();
        const int chunk = 8;
        for (int first = 0; first < m_opt.samples; first += chunk) {
            const int n = std::min(chunk, m_opt.samples - first);
            SceneBatch b = scenes.batch(uint64_t(first), n);
            auto posterior = vaeModule->encode(b.images);
            latents.push_back((posterior.mean - ck->config.vae.shiftFactor) *
                              ck->config.vae.scalingFactor);
            for (int i = 0; i < n; ++i) {
                m_captions.push_back(b.captions[size_t(i)]);
                if (scenes.isConcept(uint64_t(first + i)))
                    conceptIndices.push_back(first + i);
            }
        }
    }
    m_latents = torch::cat(latents);
    m_ids = m_tokenizer->encode(m_captions, torch::kCPU);
    if (conceptIndices.empty())
        return Status::error("no concept sample among the " + std::to_string(m_opt.samples) +
                             " samples: raise --samples or lower --regular-share");
    {
        std::ostringstream s;
        s << "rendered and encoded " << m_opt.samples << " samples (" << conceptIndices.size()
          << " of the concept) at " << m_opt.imageSize << "^2 in "
          << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() << " s";
        log(s.str());
    }

    // The adapters (their initial values come from the run's generator).
    m_targets = LoraTargets::find(*m_unet, "lora_unet", m_opt.targets);
    if (m_opt.textEncoder) {
        LoraTargetSet textSet;
        auto te = LoraTargets::find(*m_text, "lora_te", textSet);
        m_targets.insert(m_targets.end(), te.begin(), te.end());
    }
    if (m_targets.empty())
        return Status::error("no layer of the model matches the chosen LoRA targets");
    m_params = LoraTargets::attach(m_targets, m_opt.rank, m_opt.alpha, kSlot, m_gen);
    m_optimizer = std::make_unique<torch::optim::AdamW>(
        m_params, torch::optim::AdamWOptions(m_opt.lr).betas({0.9, 0.999}).weight_decay(0.01));
    if (!m_opt.textEncoder) {
        torch::NoGradGuard noGrad;
        m_contexts = m_text->forward(m_ids);
    }

    // Fixed evaluation: every concept sample (at most 8) at five spread timesteps.
    std::vector<int64_t> evalIdx, evalT;
    const int64_t steps = m_noising->steps();
    for (size_t i = 0; i < conceptIndices.size() && i < 8; ++i)
        for (int64_t k = 0; k < 5; ++k) {
            evalIdx.push_back(conceptIndices[i]);
            evalT.push_back((2 * k + 1) * steps / 10);
        }
    m_evalSamples = torch::tensor(evalIdx, torch::kLong);
    m_evalTimesteps = torch::tensor(evalT, torch::kLong);
    m_evalNoise = torch::randn(
        {int64_t(evalIdx.size()), m_latents.size(1), m_latents.size(2), m_latents.size(3)});
    std::ostringstream s;
    s << "adapting " << m_targets.size() << " layers, rank " << m_opt.rank << ", alpha "
      << m_opt.alpha << ": " << trainableParameters() << " trainable parameters (base frozen)";
    log(s.str());
    return Status::ok();
}

torch::Tensor LoraTrainer::contextOf(const torch::Tensor& sampleIndices)
{
    if (m_contexts.defined())
        return m_contexts.index_select(0, sampleIndices);
    return m_text->forward(m_ids.index_select(0, sampleIndices));
}

double LoraTrainer::step()
{
    nn::AdapterScales scales({1.0f});
    const double lr =
        m_opt.lr * std::min(1.0, double(m_step + 1) / double(std::max(1, m_opt.warmupSteps)));
    for (auto& group : m_optimizer->param_groups())
        static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
    m_optimizer->zero_grad();
    const int64_t b = m_opt.batch;
    auto idx = torch::randint(0, m_latents.size(0), {b}, m_gen, torch::kLong);
    auto latents = m_latents.index_select(0, idx);
    auto t = torch::randint(0, m_noising->steps(), {b}, m_gen, torch::kLong);
    auto noise = torch::randn(latents.sizes(), m_gen);
    if (m_opt.noiseOffset > 0)
        noise = noise + m_opt.noiseOffset * torch::randn({b, latents.size(1), 1, 1}, m_gen);
    auto noisy = m_noising->addNoise(latents, noise, t);
    auto eps = m_unet->forward(noisy, t, contextOf(idx));
    auto perSample = (eps - noise).pow(2).mean({1, 2, 3});
    torch::Tensor loss;
    if (m_opt.minSnrGamma > 0) {
        auto snr = m_noising->snr(t);
        loss = (perSample * torch::clamp_max(snr, m_opt.minSnrGamma) / snr).mean();
    } else {
        loss = perSample.mean();
    }
    loss.backward();
    torch::nn::utils::clip_grad_norm_(m_params, 1.0);
    m_optimizer->step();
    ++m_step;
    return loss.item<double>();
}

double LoraTrainer::evaluate()
{
    torch::NoGradGuard noGrad;
    nn::AdapterScales scales({1.0f});
    auto latents = m_latents.index_select(0, m_evalSamples);
    auto noisy = m_noising->addNoise(latents, m_evalNoise, m_evalTimesteps);
    auto context = m_contexts.defined() ? m_contexts.index_select(0, m_evalSamples)
                                        : m_text->forward(m_ids.index_select(0, m_evalSamples));
    auto eps = m_unet->forward(noisy, m_evalTimesteps, context);
    return (eps - m_evalNoise).pow(2).mean().item<double>();
}

LoraExportInfo LoraTrainer::exportInfo() const
{
    LoraExportInfo info;
    info.name = m_opt.name;
    info.baseModel = "mds-tiny";
    info.dataset = "1_" + m_opt.data.trigger;
    // kohya counts the comma-separated tags of the captions the run saw.
    for (const std::string& c : m_captions) {
        std::istringstream in(c);
        std::string tag;
        while (std::getline(in, tag, ',')) {
            const auto first = tag.find_first_not_of(' ');
            if (first == std::string::npos)
                continue;
            info.tagFrequency[tag.substr(first, tag.find_last_not_of(' ') - first + 1)] += 1;
        }
    }
    info.rank = m_opt.rank;
    info.alpha = m_opt.alpha;
    info.steps = m_step;
    info.seed = m_opt.seed;
    info.resolution = m_opt.imageSize;
    info.learningRate = m_opt.lr;
    std::string targets = m_opt.targets.attention ? "attention" : "";
    if (m_opt.targets.projections)
        targets += std::string(targets.empty() ? "" : ", ") + "projections";
    if (m_opt.targets.convolutions)
        targets += std::string(targets.empty() ? "" : ", ") + "convolutions";
    if (m_opt.textEncoder)
        targets += ", text encoder attention";
    info.targets = targets;
    return info;
}

Status LoraTrainer::exportTo(const std::string& path) const
{
    return LoraExport::write(path, m_targets, exportInfo());
}

std::vector<std::string> LoraTrainer::previewPrompts() const
{
    const std::string& w = m_opt.data.trigger;
    return {w, "a " + w + " background", "red", "a blue sky", "green grass"};
}

torch::Tensor LoraTrainer::sampleWithAndWithout(const std::vector<std::string>& prompts, int size,
                                                uint64_t seed)
{
    PreviewModel model;
    model.unet = m_unet;
    model.text = m_text;
    model.vae = m_vae;
    model.tokenizer = &*m_tokenizer;
    model.noising = &*m_noising;
    model.scalingFactor = m_scalingFactor;
    model.latentSize = size / 8;
    torch::Tensor with, without;
    {
        nn::AdapterScales on({1.0f});
        with = PreviewSampler::sample(model, prompts, 20, 7.5, seed);
    }
    {
        nn::AdapterScales off({0.0f});
        without = PreviewSampler::sample(model, prompts, 20, 7.5, seed);
    }
    return torch::cat({with, without});
}

Status LoraTrainer::run()
{
    const auto start = std::chrono::steady_clock::now();
    auto elapsed = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    if (Status s = prepare(); !s)
        return s;
    {
        std::ostringstream s;
        s << "step 0 eval " << evaluate() << " (" << elapsed() << " s)";
        log(s.str());
    }
    double sum = 0;
    int count = 0;
    while (m_step < m_opt.steps) {
        sum += step();
        ++count;
        if (m_step % std::max(1, m_opt.logEvery) == 0 || m_step == m_opt.steps) {
            std::ostringstream s;
            s << "step " << m_step << " loss " << sum / count;
            if (m_step == m_opt.steps || m_step % (4 * std::max(1, m_opt.logEvery)) == 0)
                s << " eval " << evaluate();
            s << " (" << elapsed() << " s)";
            log(s.str());
            sum = 0;
            count = 0;
        }
    }
    if (m_opt.out.empty())
        return Status::ok();
    if (Status s = exportTo(m_opt.out); !s)
        return s;
    std::ostringstream s;
    s << "wrote " << m_opt.out << " (" << m_targets.size() << " layers) in " << elapsed() << " s";
    log(s.str());
    if (!m_opt.preview.empty()) {
        const auto prompts = previewPrompts();
        auto images = sampleWithAndWithout(prompts, m_opt.previewSize, m_opt.seed);
        if (Status st =
                PngWriter::write(m_opt.preview, PngWriter::grid(images, int(prompts.size()), true));
            !st)
            return st;
        log("wrote " + m_opt.preview + " (top: with the LoRA; bottom: without)");
    }
    return Status::ok();
}

} // namespace md
