#include "training/LatentPool.h"

namespace md {

LatentPool::LatentPool(const SceneGenerator& generator, nn::AutoencoderKL vae, double scalingFactor,
                       int size, int chunk)
    : m_generator(generator), m_vae(std::move(vae)), m_scale(scalingFactor), m_size(size),
      m_chunk(std::max(1, chunk)), m_captions(size_t(size)), m_parts(size_t(size))
{
}

void LatentPool::fill(uint64_t first, uint64_t count)
{
    torch::NoGradGuard noGrad;
    m_vae->eval();
    for (uint64_t begin = first; begin < first + count; begin += uint64_t(m_chunk)) {
        const int n = int(std::min<uint64_t>(uint64_t(m_chunk), first + count - begin));
        SceneBatch batch = m_generator.batch(begin, n);
        auto z = m_vae->encode(batch.images).mean * m_scale;
        if (!m_latents.defined())
            m_latents = torch::zeros({m_size, z.size(1), z.size(2), z.size(3)}, z.options());
        std::vector<int64_t> slots;
        for (int i = 0; i < n; ++i) {
            const uint64_t index = begin + uint64_t(i);
            slots.push_back(int64_t(index % uint64_t(m_size)));
            m_captions[size_t(slots.back())] = batch.captions[size_t(i)];
            m_parts[size_t(slots.back())] = batch.plans[size_t(i)].parts;
        }
        auto slotTensor = torch::tensor(slots, torch::kLong).to(z.device());
        m_latents.index_copy_(0, slotTensor, z);
    }
}

torch::Tensor LatentPool::latents(const torch::Tensor& slots) const
{
    return m_latents.index_select(0, slots.to(m_latents.device()));
}

std::vector<std::string> LatentPool::captions(const torch::Tensor& slots) const
{
    auto cpu = slots.to(torch::kCPU).contiguous();
    std::vector<std::string> out;
    for (int64_t i = 0; i < cpu.numel(); ++i)
        out.push_back(m_captions[size_t(cpu.data_ptr<int64_t>()[i])]);
    return out;
}

std::vector<std::vector<std::string>> LatentPool::parts(const torch::Tensor& slots) const
{
    auto cpu = slots.to(torch::kCPU).contiguous();
    std::vector<std::vector<std::string>> out;
    for (int64_t i = 0; i < cpu.numel(); ++i)
        out.push_back(m_parts[size_t(cpu.data_ptr<int64_t>()[i])]);
    return out;
}

} // namespace md
