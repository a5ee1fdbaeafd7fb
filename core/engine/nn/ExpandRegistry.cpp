#include "engine/nn/ExpandRegistry.h"

#include <c10/util/intrusive_ptr.h>
#include <cstring>
#include <map>
#include <mutex>
#include <torch/torch.h>
#include <tuple>

namespace md::nn {

namespace {

// (slot, rank, alpha's bits) per block, dtype, device type and index, inference mode.
using ExpandKey = std::tuple<std::vector<std::tuple<int, int64_t, uint64_t>>, int, int, int, bool>;
using WeakTensor = c10::weak_intrusive_ptr<c10::TensorImpl, c10::UndefinedTensorImpl>;

ExpandKey expandKey(const std::vector<ExpandRegistry::Block>& blocks,
                    const torch::TensorOptions& options)
{
    std::vector<std::tuple<int, int64_t, uint64_t>> parts;
    for (const auto& b : blocks) {
        uint64_t bits = 0;
        std::memcpy(&bits, &b.alphaOverRank, sizeof bits);
        parts.emplace_back(b.slot, b.rank, bits);
    }
    const auto device = options.device();
    return {std::move(parts), static_cast<int>(options.dtype().toScalarType()),
            static_cast<int>(device.type()), static_cast<int>(device.index()),
            c10::InferenceMode::is_enabled()};
}

torch::Tensor makeExpand(const std::vector<ExpandRegistry::Block>& blocks,
                         const torch::TensorOptions& options)
{
    int highestSlot = -1;
    int64_t total = 0;
    for (const auto& b : blocks) {
        highestSlot = std::max(highestSlot, b.slot);
        total += b.rank;
    }
    torch::NoGradGuard noGrad;
    auto expand = torch::zeros({highestSlot + 1, total}, options.requires_grad(false));
    int64_t offset = 0;
    for (const auto& b : blocks) {
        expand[b.slot].narrow(0, offset, b.rank).fill_(b.alphaOverRank);
        offset += b.rank;
    }
    return expand;
}

} // namespace

torch::Tensor ExpandRegistry::get(const std::vector<Block>& blocks,
                                  const torch::TensorOptions& options)
{
    static std::mutex mutex;
    static std::map<ExpandKey, WeakTensor> interned;
    const ExpandKey key = expandKey(blocks, options);
    const std::lock_guard<std::mutex> lock(mutex);
    if (auto it = interned.find(key); it != interned.end()) {
        if (auto alive = it->second.lock())
            return torch::Tensor(std::move(alive));
    }
    for (auto it = interned.begin(); it != interned.end();)
        it = it->second.expired() ? interned.erase(it) : std::next(it);
    auto expand = makeExpand(blocks, options);
    interned.insert_or_assign(key, WeakTensor(expand.getIntrusivePtr()));
    return expand;
}

} // namespace md::nn
