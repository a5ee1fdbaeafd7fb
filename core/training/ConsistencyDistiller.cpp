#include "training/ConsistencyDistiller.h"

#include "engine/io/CheckpointLoader.h"
#include "engine/nn/ModelFactory.h"
#include "training/ModuleWeights.h"
#include "training/PreviewSampler.h"
#include "training/SceneRandom.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace md {

namespace fs = std::filesystem;

const char* ConsistencyDistiller::kVariantFile = "diffusion_pytorch_model.lcm.safetensors";

ConsistencyDistiller::ConsistencyDistiller(ConsistencyDistillOptions options, Log log)
    : m_opt(std::move(options)), m_log(std::move(log))
{
}

ConsistencyDistiller::~ConsistencyDistiller() = default;

void ConsistencyDistiller::log(const std::string& line) const
{
    if (m_log)
        m_log(line);
}

Status ConsistencyDistiller::prepare()
{
    if (m_opt.batch < 1 || m_opt.poolSize < m_opt.batch)
        return Status::error("--batch must be at least 1 and --pool at least --batch");
    if (m_opt.emaDecay < 0 || m_opt.emaDecay >= 1)
        return Status::error("--ema must be in [0, 1)");
    if (m_opt.device == "auto")
        m_device = torch::cuda::is_available() ? torch::Device(torch::kCUDA) : torch::kCPU;
    else
        m_device = torch::Device(m_opt.device);
    if (m_device.is_cuda()) { // as the stage-B trainer: float32 with TF32 matmuls
        at::globalContext().setFloat32MatmulPrecision("high");
        at::globalContext().setAllowTF32CuDNN(true);
        at::globalContext().setBenchmarkCuDNN(true);
    }
    const fs::path configPath = fs::path(m_opt.model) / "unet" / "config.json";
    std::ifstream configFile(configPath);
    if (!configFile)
        return Status::error(m_opt.model + " is not a diffusers folder with unet/config.json: " +
                             "mdtrain distil distils the embedded model's folder " +
                             "(resources/models/mds-tiny)");
    m_unetConfig.assign(std::istreambuf_iterator<char>(configFile), {});
    auto ck = loadCheckpoint(m_opt.model);
    if (!ck)
        return Status::error("cannot open the teacher " + m_opt.model + ": " + ck.error());
    if (ck->tokenizer.kind != TokenizerFiles::Kind::SentencePiece)
        return Status::error(m_opt.model + " has no sentencepiece tokenizer: mdtrain distil "
                                           "works on the embedded model's captions");
    if (ck->config.scheduler.predictionType != "epsilon")
        return Status::error(m_opt.model + " predicts " + ck->config.scheduler.predictionType +
                             "; the distiller handles epsilon-prediction models");
    auto tok = CaptionTokenizer::load(ck->tokenizer.sentencePieceModel);
    if (!tok)
        return tok.status();
    m_tokenizer = *tok;
    auto loadUNet = [&]() {
        return nn::loadUNet(ck->config.unet, ck->unet, torch::kFloat32, m_device);
    };
    auto teacher = loadUNet(), student = loadUNet(), target = loadUNet();
    if (!teacher)
        return teacher.status();
    if (!student)
        return student.status();
    if (!target)
        return target.status();
    auto text =
        nn::loadTextEncoder(ck->config.textEncoder, ck->textEncoder, torch::kFloat32, m_device);
    if (!text)
        return text.status();
    auto vae = nn::loadVae(ck->config.vae, ck->vae, torch::kFloat32, m_device);
    if (!vae)
        return vae.status();
    m_teacher = *teacher;
    m_student = *student;
    m_target = *target;
    m_text = *text;
    m_vae = *vae;
    for (torch::nn::Module* frozen : {static_cast<torch::nn::Module*>(m_teacher.ptr().get()),
                                      static_cast<torch::nn::Module*>(m_target.ptr().get()),
                                      static_cast<torch::nn::Module*>(m_text.ptr().get()),
                                      static_cast<torch::nn::Module*>(m_vae.ptr().get())}) {
        for (auto& p : frozen->parameters())
            p.requires_grad_(false);
        frozen->eval();
    }
    m_student->eval(); // no dropout or batch statistics in these modules
    for (auto& p : m_student->parameters()) {
        p.requires_grad_(true);
        m_studentParams.push_back(p);
    }
    for (auto& p : m_target->parameters())
        m_targetParams.push_back(p.detach());
    m_optimizer = std::make_unique<torch::optim::AdamW>(
        m_studentParams,
        torch::optim::AdamWOptions(m_opt.lr).betas({0.9, 0.999}).weight_decay(m_opt.weightDecay));
    m_noising.emplace(ck->config.scheduler, m_device);
    m_schedule.emplace(*m_noising, m_opt.schedulePoints);
    m_scalingFactor = ck->config.vae.scalingFactor;
    const int native = int(ck->config.unet.sampleSize) * 8;
    if (m_opt.imageSize <= 0)
        m_opt.imageSize = native;
    if (m_opt.previewSize <= 0)
        m_opt.previewSize = native;
    m_latentSize = m_opt.previewSize / 8;
    m_uncond = encode({std::string()});

    // The stage-B generator with a seed of its own (stage A: seed*1000+1, B: +2).
    m_generator =
        std::make_unique<SceneGenerator>(m_opt.imageSize, m_opt.seed * 1000 + 3, m_device);
    m_pool = std::make_unique<LatentPool>(*m_generator, m_vae, m_scalingFactor, m_opt.poolSize,
                                          m_device.is_cuda() ? 32 : 4);
    const auto t0 = std::chrono::steady_clock::now();
    m_pool->fill(0, uint64_t(m_opt.poolSize));
    std::ostringstream s;
    s << "teacher " << m_opt.model << ": unet " << nn::parameterCount(*m_teacher)
      << " parameters; device " << m_device.str() << "; latent pool " << m_opt.poolSize
      << " samples at " << m_opt.imageSize << " px in "
      << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()
      << " s; schedule " << m_schedule->points() << " points (k " << m_schedule->skip()
      << "), guidance " << m_opt.guidance << ", EMA " << m_opt.emaDecay << ", "
      << (m_opt.huberC > 0 ? "pseudo-Huber c " + std::to_string(m_opt.huberC).substr(0, 6)
                           : std::string("MSE"));
    log(s.str());
    return Status::ok();
}

torch::Tensor ConsistencyDistiller::encode(const std::vector<std::string>& captions)
{
    torch::NoGradGuard noGrad;
    return m_text->forward(m_tokenizer->encode(captions, m_device));
}

torch::Tensor ConsistencyDistiller::teacherStep(const torch::Tensor& xt, const torch::Tensor& n,
                                                const torch::Tensor& cond)
{
    torch::NoGradGuard noGrad;
    const int64_t b = xt.size(0);
    auto t = m_schedule->timesteps(n);
    auto context = torch::cat({cond, m_uncond.expand({b, cond.size(1), cond.size(2)})});
    auto eps2 = m_teacher->forward(torch::cat({xt, xt}), torch::cat({t, t}), context);
    auto c = eps2.slice(0, 0, b), u = eps2.slice(0, b);
    auto eps = u + m_opt.guidance * (c - u);
    return m_schedule->ddimStep(eps, xt, n);
}

double ConsistencyDistiller::learningRate() const
{
    if (m_opt.warmupSteps > 0 && m_step < m_opt.warmupSteps)
        return m_opt.lr * double(m_step + 1) / double(m_opt.warmupSteps);
    return m_opt.lr;
}

void ConsistencyDistiller::updateTarget()
{
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> live;
    live.reserve(m_studentParams.size());
    for (auto& p : m_studentParams)
        live.push_back(p.detach());
    torch::_foreach_mul_(m_targetParams, m_opt.emaDecay);
    torch::_foreach_add_(m_targetParams, live, 1.0 - m_opt.emaDecay);
}

DistillStep ConsistencyDistiller::step()
{
    const int refresh = m_opt.poolRefresh;
    if (refresh > 0)
        m_pool->fill(m_pool->endIndex(uint64_t(m_step), refresh), uint64_t(refresh));
    torch::manual_seed(m_opt.seed * 1000003ULL + 3000000000ULL + uint64_t(m_step));
    const int64_t b = m_opt.batch;
    auto slots = torch::randint(0, m_opt.poolSize, {b}, torch::kLong);
    auto n = torch::randint(0, m_schedule->points(), {b}, torch::kLong).to(m_device);
    auto captions = m_pool->captions(slots);
    if (m_opt.partialCaptions > 0) {
        const auto parts = m_pool->parts(slots);
        SceneRandom partial(m_opt.seed + 13, uint64_t(m_step));
        for (size_t i = 0; i < captions.size(); ++i)
            if (!parts[i].empty() && partial.chance(m_opt.partialCaptions))
                captions[i] = partial.pick(parts[i]);
    }
    auto latents = m_pool->latents(slots);
    auto noise = torch::randn_like(latents);
    if (m_opt.noiseOffset > 0)
        noise =
            noise + m_opt.noiseOffset * torch::randn({b, latents.size(1), 1, 1}, latents.options());
    auto t = m_schedule->timesteps(n), tPrev = m_schedule->previousTimesteps(n);
    auto cond = encode(captions);

    DistillStep out;
    out.n = n;
    out.xt = m_noising->addNoise(latents, noise, t);
    {
        torch::NoGradGuard noGrad;
        out.xPrev = teacherStep(out.xt, n, cond);
        out.target = m_schedule->consistencyOutput(m_target->forward(out.xPrev, tPrev, cond),
                                                   out.xPrev, tPrev);
    }
    for (auto& group : m_optimizer->param_groups())
        static_cast<torch::optim::AdamWOptions&>(group.options()).lr(learningRate());
    m_optimizer->zero_grad();
    auto f = m_schedule->consistencyOutput(m_student->forward(out.xt, t, cond), out.xt, t);
    auto diff = f - out.target;
    const double c = m_opt.huberC;
    auto loss = c > 0 ? ((diff.pow(2) + c * c).sqrt() - c).mean() : diff.pow(2).mean();
    loss.backward();
    torch::nn::utils::clip_grad_norm_(m_studentParams, 1.0);
    m_optimizer->step();
    updateTarget();
    ++m_step;
    out.student = f.detach();
    out.loss = loss.item<double>();
    return out;
}

Status ConsistencyDistiller::exportTo(const std::string& outDir) const
{
    try {
        const fs::path unetDir = fs::path(outDir) / "unet";
        fs::create_directories(unetDir);
        std::ofstream config(unetDir / "config.json");
        config << m_unetConfig;
        if (!config)
            return Status::error("cannot write " + (unetDir / "config.json").string());
        const std::map<std::string, std::string> meta = {
            {"md_variant", "lcm"},
            {"lcm_teacher", fs::path(m_opt.model).filename().string()},
            {"lcm_guidance_scale", std::to_string(m_opt.guidance)},
            {"lcm_steps", std::to_string(m_step)},
            {"lcm_schedule_points", std::to_string(m_opt.schedulePoints)}};
        // The target network (the EMA of the student), float16 like the shipped UNet.
        return ModuleWeights::save((unetDir / kVariantFile).string(), *m_target, torch::kFloat16,
                                   meta);
    } catch (const std::exception& e) {
        return Status::error("exporting to " + outDir + ": " + e.what());
    }
}

torch::Tensor ConsistencyDistiller::preview(const std::vector<std::string>& prompts, uint64_t seed)
{
    PreviewModel m;
    m.text = m_text;
    m.vae = m_vae;
    m.tokenizer = &*m_tokenizer;
    m.noising = &*m_noising;
    m.scalingFactor = m_scalingFactor;
    m.latentSize = m_latentSize;
    std::vector<torch::Tensor> student, teacher;
    for (size_t i = 0; i < prompts.size(); i += 8) {
        const std::vector<std::string> part(
            prompts.begin() + long(i), prompts.begin() + long(std::min(prompts.size(), i + 8)));
        m.unet = m_target;
        student.push_back(PreviewSampler::sampleLcm(m, part, m_opt.previewSteps, seed + i).cpu());
        if (m_opt.previewTeacherSteps > 0) {
            m.unet = m_teacher;
            teacher.push_back(
                PreviewSampler::sample(m, part, m_opt.previewTeacherSteps, m_opt.guidance, seed + i)
                    .cpu());
        }
    }
    student.insert(student.end(), teacher.begin(), teacher.end());
    return torch::cat(student);
}

} // namespace md
