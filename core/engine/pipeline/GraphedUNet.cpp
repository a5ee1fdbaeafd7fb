#include "engine/pipeline/GraphedUNet.h"

#include "engine/cuda/CudaGraphCache.h"
#include "engine/pipeline/StableDiffusionModel.h"

#include <optional>
#include <sstream>
#include <torch/torch.h>

namespace md {

namespace {

void appendWeights(std::ostringstream& key, const std::vector<float>& weights)
{
    key << '[';
    for (const float w : weights)
        key << w << ',';
    key << ']';
}

// The per-sample rows as a [B, slots] float32 tensor on `device` (shorter rows: zeros).
torch::Tensor rowsTensor(const std::vector<std::vector<float>>& rows, const torch::Device& device)
{
    size_t slots = 0;
    for (const auto& row : rows)
        slots = std::max(slots, row.size());
    std::vector<float> flat;
    for (auto row : rows) {
        row.resize(slots, 0.0f);
        flat.insert(flat.end(), row.begin(), row.end());
    }
    return torch::tensor(flat, torch::kFloat32)
        .view({static_cast<int64_t>(rows.size()), static_cast<int64_t>(slots)})
        .to(device);
}

} // namespace

GraphedUNet::GraphedUNet(StableDiffusionModel& model, CudaGraphCache& graphs,
                         nn::SampleLoraKernel sampleLoraKernel)
    : m_model(model), m_graphs(graphs), m_sampleLoraKernel(sampleLoraKernel)
{
}

bool GraphedUNet::worthGraphing(const torch::Tensor& sample)
{
    return sample.is_cuda() && sample.dim() == 4 &&
           sample.size(0) * sample.size(2) * sample.size(3) <= kGraphLatentPixels;
}

std::string GraphedUNet::graphKey(const UNetConditioning& c) const
{
    std::ostringstream key;
    key << "unet" << (c.context.defined() ? 'c' : '-') << (c.pooled.defined() ? 'p' : '-')
        << (c.timeIds.defined() ? 'i' : '-');
    if (c.sampleAdapterWeights.empty()) {
        appendWeights(key, c.adapterWeights);
        return key.str();
    }
    key << "rk" << static_cast<int>(m_sampleLoraKernel);
    for (const auto& row : c.sampleAdapterWeights)
        appendWeights(key, row);
    return key.str();
}

torch::Tensor GraphedUNet::operator()(const torch::Tensor& sample, const torch::Tensor& timestep,
                                      const UNetConditioning& c)
{
    const bool perSample = !c.sampleAdapterWeights.empty();
    const bool graphed = worthGraphing(sample);
    // The call's tensors, in order: sample, timestep, then the defined ones of context,
    // pooled, timeIds and the per-sample LoRA rows.
    std::vector<torch::Tensor> inputs{sample, timestep};
    for (const torch::Tensor* t : {&c.context, &c.pooled, &c.timeIds})
        if (t->defined())
            inputs.push_back(*t);
    torch::Tensor rows = perSample ? c.sampleAdapterTensor : torch::Tensor();
    if (perSample && !rows.defined() && graphed) // a graph reads its rows from a tensor
        rows = rowsTensor(c.sampleAdapterWeights, sample.device());
    if (rows.defined())
        inputs.push_back(rows);
    const auto options = torch::TensorOptions().device(m_model.device()).dtype(m_model.dtype());
    auto call = [&](const std::vector<torch::Tensor>& in) {
        size_t next = 2;
        auto take = [&](const torch::Tensor& t) { return t.defined() ? in[next++] : t; };
        UNetConditioning cc;
        cc.context = take(c.context);
        cc.pooled = take(c.pooled);
        cc.timeIds = take(c.timeIds);
        const torch::Tensor callRows = take(rows);
        std::optional<nn::AdapterScales> loras;
        if (perSample)
            loras.emplace(c.sampleAdapterWeights, options, m_sampleLoraKernel, callRows);
        else if (!c.adapterWeights.empty())
            loras.emplace(c.adapterWeights);
        return m_model.unet(in[0], in[1], cc);
    };
    if (!graphed)
        return call(inputs);
    return m_graphs.run(graphKey(c), inputs, call);
}

} // namespace md
