#include "engine/fusion/FusedDenoiser.h"

#include "engine/fusion/ViewPromptPairs.h"
#include "engine/sampling/Rng.h"
#include "engine/sampling/Sampler.h"

#include <algorithm>
#include <cstddef>
#include <stdexcept>

namespace md {

namespace {

// Built on `device` directly: no host-to-device copy (and no sync) per view.
torch::Tensor wrapColumns(const View& v, int width, const torch::Device& device)
{
    return torch::remainder(
        torch::arange(v.x, v.x + v.width,
                      torch::TensorOptions().dtype(torch::kLong).device(device)),
        width);
}

} // namespace

FusedDenoiser::FusedDenoiser(const Sampler& sampler, UNetFunction unet, FusionSetup setup, Rng& rng,
                             const std::atomic<bool>* cancel, std::function<void(int, int)> onBatch)
    : m_sampler(sampler), m_unet(std::move(unet)), m_setup(std::move(setup)), m_rng(rng),
      m_cancel(cancel), m_onBatch(std::move(onBatch))
{
    const int n = static_cast<int>(m_setup.prompts.size());
    if (n == 0)
        throw std::invalid_argument("MultiDiffusion needs at least one prompt");
    if (m_setup.weights.size(0) != n)
        throw std::invalid_argument("MultiDiffusion: " + std::to_string(n) + " prompts but " +
                                    std::to_string(m_setup.weights.size(0)) + " weight maps");
    if (m_setup.views.empty())
        throw std::invalid_argument("MultiDiffusion: the canvas has no views");
    const bool guided = m_setup.guided;
    std::vector<torch::Tensor> conds, unconds, condPooled, uncondPooled;
    for (const auto& p : m_setup.prompts) {
        if (guided && !p.uncond.context.defined())
            throw std::invalid_argument("MultiDiffusion: guidance needs every prompt's negative");
        conds.push_back(p.cond.context);
        if (guided)
            unconds.push_back(p.uncond.context);
        if (p.cond.pooled.defined() && (!guided || p.uncond.pooled.defined())) {
            condPooled.push_back(p.cond.pooled);
            if (guided)
                uncondPooled.push_back(p.uncond.pooled);
        }
    }
    m_condAll = torch::cat(conds, 0);
    if (guided)
        m_uncondAll = torch::cat(unconds, 0);
    if (!condPooled.empty()) {
        if (static_cast<int>(condPooled.size()) != n)
            throw std::invalid_argument("MultiDiffusion: some prompts lack a pooled vector");
        m_condPooledAll = torch::cat(condPooled, 0);
        if (guided)
            m_uncondPooledAll = torch::cat(uncondPooled, 0);
    }
    m_setup.maxBatch = std::max(samplesPerPair(), m_setup.maxBatch);
    // Only the pairs whose prompt has weight in the view: the others add exactly zero.
    for (const ViewPromptPair& pair : activeViewPromptPairs(m_setup.weights, m_setup.views))
        m_jobs.push_back({pair.view, pair.prompt});
    if (m_jobs.empty())
        throw std::invalid_argument("MultiDiffusion: no prompt has weight anywhere on the canvas");
    prepareBatches();
    const auto& extra = m_setup.extraChannels;
    if (extra.defined() &&
        (extra.dim() != 4 || extra.size(0) != 1 || extra.size(2) != m_setup.weights.size(2) ||
         extra.size(3) != m_setup.weights.size(3)))
        throw std::invalid_argument("MultiDiffusion: the inpainting channels must be [1, E, " +
                                    std::to_string(m_setup.weights.size(2)) + ", " +
                                    std::to_string(m_setup.weights.size(3)) +
                                    "] on the latent grid");
}

void FusedDenoiser::prepareBatches()
{
    // Mixed: the jobs in loop order. Grouped: by LoRA set, sets in order of their first job,
    // each set's jobs in loop order. Then cut into calls of at most maxBatch / samplesPerPair()
    // pairs.
    const auto weightsOf = [this](size_t j) -> const std::vector<float>& {
        return m_setup.prompts[static_cast<size_t>(m_jobs[j].prompt)].adapterWeights;
    };
    std::vector<std::vector<float>> sets;
    std::vector<std::vector<size_t>> jobsOfGroup;
    for (size_t j = 0; j < m_jobs.size(); ++j) {
        const auto known = std::find(sets.begin(), sets.end(), weightsOf(j));
        const auto set = static_cast<size_t>(known - sets.begin());
        if (known == sets.end()) {
            sets.push_back(weightsOf(j));
            if (m_setup.groupLoraSets || jobsOfGroup.empty())
                jobsOfGroup.emplace_back();
        }
        jobsOfGroup[m_setup.groupLoraSets ? set : 0].push_back(j);
    }
    // The prompt rows and SDXL time ids of every batch, copied to the device once here rather
    // than once per batch and step (each copy of a host tensor blocks until the GPU is idle).
    const auto device = m_condAll.device();
    const size_t pairsPerBatch =
        static_cast<size_t>(std::max(1, m_setup.maxBatch / samplesPerPair()));
    for (const auto& jobs : jobsOfGroup) {
        for (size_t start = 0; start < jobs.size(); start += pairsPerBatch) {
            Batch b;
            const size_t end = std::min(jobs.size(), start + pairsPerBatch);
            b.jobs.assign(jobs.begin() + static_cast<std::ptrdiff_t>(start),
                          jobs.begin() + static_cast<std::ptrdiff_t>(end));
            std::vector<std::vector<float>> distinct;
            std::vector<int64_t> promptIndex;
            std::vector<torch::Tensor> timeIds;
            for (const size_t j : b.jobs) {
                const Job& job = m_jobs[j];
                promptIndex.push_back(job.prompt);
                if (std::find(distinct.begin(), distinct.end(), weightsOf(j)) == distinct.end())
                    distinct.push_back(weightsOf(j));
                b.sampleWeights.push_back(weightsOf(j));
                if (m_setup.timeIdsScale > 0) {
                    const View& view = m_setup.views[static_cast<size_t>(job.view)];
                    timeIds.push_back(sizeTimeIds(int64_t{view.height} * m_setup.timeIdsScale,
                                                  int64_t{view.width} * m_setup.timeIdsScale));
                }
            }
            b.sets = static_cast<int>(distinct.size());
            if (b.sets == 1) {
                b.adapterWeights = distinct.front();
                b.sampleWeights.clear();
            } else {
                if (m_setup.guided) {
                    // The call's samples: every pair's uncond, then every pair's cond.
                    const auto rows = b.sampleWeights;
                    b.sampleWeights.insert(b.sampleWeights.end(), rows.begin(), rows.end());
                }
                size_t slots = 0;
                for (const auto& row : b.sampleWeights)
                    slots = std::max(slots, row.size());
                std::vector<float> flat;
                for (const auto& row : b.sampleWeights) {
                    flat.insert(flat.end(), row.begin(), row.end());
                    flat.resize(flat.size() + slots - row.size(), 0.0f);
                }
                b.sampleTensor = torch::tensor(flat, torch::kFloat32)
                                     .view({static_cast<int64_t>(b.sampleWeights.size()),
                                            static_cast<int64_t>(slots)})
                                     .to(device);
            }
            b.promptIndex = torch::tensor(promptIndex, torch::kLong).to(device);
            if (!timeIds.empty()) {
                auto ids = torch::cat(timeIds, 0);
                b.timeIds = (m_setup.guided ? torch::cat({ids, ids}, 0) : ids).to(device);
            }
            m_batches.push_back(std::move(b));
        }
    }
}

int FusedDenoiser::batchesPerStep() const
{
    return static_cast<int>(m_batches.size());
}

std::vector<int> FusedDenoiser::setsPerBatch() const
{
    std::vector<int> sets;
    for (const Batch& b : m_batches)
        sets.push_back(b.sets);
    return sets;
}

torch::Tensor FusedDenoiser::crop(const torch::Tensor& t, const View& v) const
{
    auto rows = t.narrow(2, v.y, v.height);
    if (!v.wraps)
        return rows.narrow(3, v.x, v.width);
    return rows.index_select(3, wrapColumns(v, static_cast<int>(t.size(3)), t.device()));
}

torch::Tensor FusedDenoiser::bootstrapped(const torch::Tensor& xView, const View& v, int prompt,
                                          int backgroundIndex, int stepIndex) const
{
    const auto& bg = m_setup.backgrounds;
    auto background = bg[backgroundIndex]
                          .unsqueeze(0)
                          .narrow(2, 0, v.height)
                          .narrow(3, 0, v.width)
                          .to(xView.device(), xView.scalar_type());
    auto noise = crop(m_setup.initNoise, v).to(xView.device(), xView.scalar_type());
    auto noisy = m_sampler.addNoise(background, noise, stepIndex);
    auto mask =
        crop(m_setup.coverage.narrow(0, prompt - 1, 1), v).to(xView.device(), xView.scalar_type());
    return xView * mask + noisy * (1.0 - mask);
}

torch::Tensor FusedDenoiser::predict(const torch::Tensor& x, int stepIndex)
{
    const int numPrompts = static_cast<int>(m_setup.prompts.size());
    const auto& views = m_setup.views;
    const bool boot = stepIndex < m_setup.bootstrapSteps && numPrompts > 1 &&
                      m_setup.backgrounds.defined() && m_setup.backgrounds.size(0) > 0;

    // Seed contract: one randint per view, in view order, before any model call.
    std::vector<torch::Tensor> choices;
    if (boot) {
        const int64_t b = m_setup.backgrounds.size(0);
        for (size_t v = 0; v < views.size(); ++v)
            choices.push_back(m_rng.randint(0, b, {numPrompts - 1}));
    }

    const double t = m_sampler.timesteps().at(static_cast<size_t>(stepIndex));
    auto weights = m_setup.weights.to(x.device(), x.scalar_type());
    const auto extra = m_setup.extraChannels.defined()
                           ? m_setup.extraChannels.to(x.device(), x.scalar_type())
                           : torch::Tensor();
    auto fused = torch::zeros_like(x);
    auto total = torch::zeros({1, 1, x.size(2), x.size(3)}, x.options());

    const int totalBatches = batchesPerStep();
    std::vector<torch::Tensor> predictionOf(m_jobs.size()); // [1, C, vh, vw] per job
    int batch = 0;
    for (const Batch& planned : m_batches) {
        if (m_cancel && m_cancel->load())
            return torch::Tensor();
        std::vector<torch::Tensor> inputs;
        for (const size_t j : planned.jobs) {
            const Job& job = m_jobs[j];
            const View& view = views[static_cast<size_t>(job.view)];
            auto xView = crop(x, view);
            if (boot && job.prompt > 0) {
                const int64_t which =
                    choices[static_cast<size_t>(job.view)][job.prompt - 1].item<int64_t>();
                xView = bootstrapped(xView, view, job.prompt, static_cast<int>(which), stepIndex);
            }
            auto input = m_sampler.scaleModelInput(xView, stepIndex);
            if (extra.defined())
                input = torch::cat({input, crop(extra, view)}, 1);
            inputs.push_back(input);
        }
        auto in = torch::cat(inputs, 0);
        const int64_t count = in.size(0);
        const auto& idx = planned.promptIndex;
        const bool guided = m_setup.guided;
        UNetConditioning c;
        c.context = m_condAll.index_select(0, idx);
        if (guided)
            c.context = torch::cat({m_uncondAll.index_select(0, idx), c.context}, 0);
        if (m_condPooledAll.defined()) {
            const auto pooledIdx = idx.to(m_condPooledAll.device());
            c.pooled = m_condPooledAll.index_select(0, pooledIdx);
            if (guided)
                c.pooled = torch::cat({m_uncondPooledAll.index_select(0, pooledIdx), c.pooled}, 0);
        }
        c.timeIds = planned.timeIds;
        c.adapterWeights = planned.adapterWeights;
        c.sampleAdapterWeights = planned.sampleWeights;
        c.sampleAdapterTensor = planned.sampleTensor;
        const int64_t samples = samplesPerPair() * count;
        // Filled on the device: no host tensor, no copy.
        auto timesteps = torch::full({samples}, t, x.options().dtype(torch::kFloat32));
        torch::Tensor prediction;
        if (guided) {
            auto out = m_unet(torch::cat({in, in}, 0), timesteps, c).to(x.scalar_type());
            auto uncond = out.narrow(0, 0, count);
            auto cond = out.narrow(0, count, count);
            prediction = uncond + m_setup.cfg * (cond - uncond);
        } else {
            prediction = m_unet(in, timesteps, c).to(x.scalar_type()); // cond alone
        }
        for (size_t k = 0; k < planned.jobs.size(); ++k)
            predictionOf[planned.jobs[k]] = prediction.narrow(0, static_cast<int64_t>(k), 1);
        ++batch;
        if (m_onBatch)
            m_onBatch(batch, totalBatches);
    }

    // Fused in loop order, whatever the batches were.
    for (size_t j = 0; j < m_jobs.size(); ++j) {
        const Job& job = m_jobs[j];
        const View& view = views[static_cast<size_t>(job.view)];
        auto w = crop(weights.narrow(0, job.prompt, 1), view);
        auto contribution = predictionOf[j] * w;
        auto fusedRows = fused.narrow(2, view.y, view.height);
        auto totalRows = total.narrow(2, view.y, view.height);
        if (!view.wraps) {
            fusedRows.narrow(3, view.x, view.width).add_(contribution);
            totalRows.narrow(3, view.x, view.width).add_(w);
        } else {
            auto cols = wrapColumns(view, static_cast<int>(x.size(3)), x.device());
            fusedRows.index_add_(3, cols, contribution);
            totalRows.index_add_(3, cols, w);
        }
    }
    return torch::where(total > 0, fused / total.clamp_min(1e-12), fused);
}

} // namespace md
