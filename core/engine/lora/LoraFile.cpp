#include "engine/lora/LoraFile.h"

#include "engine/io/SafetensorsFile.h"
#include "engine/lora/LoraKeys.h"

#include <torch/torch.h>

namespace md::lora {

std::string someNames(const std::vector<std::string>& names, size_t count)
{
    std::string out;
    for (size_t i = 0; i < names.size() && i < count; ++i)
        out += (i == 0 ? "" : ", ") + names[i];
    if (names.size() > count)
        out += " and " + std::to_string(names.size() - count) + " more";
    return out;
}

std::string LoraFile::unknownKeysNote() const
{
    if (m_unknownKeys.empty())
        return "";
    return std::to_string(m_unknownKeys.size()) +
           " unknown tensors (not applied): " + someNames(m_unknownKeys);
}

Result<LoraFile> LoraFile::read(const std::string& path, const LoraModuleTable& table)
{
    auto file = SafetensorsFile::open(path);
    if (!file)
        return file.status();
    auto layout = parseLoraKeys(**file, table);
    if (!layout)
        return layout.status();

    LoraFile out;
    out.m_path = path;
    out.m_family = layout->family;
    out.m_format = layout->format;
    out.m_rank = layout->rank;
    out.m_unknownKeys = layout->unknownKeys;
    out.m_metadata = (*file)->metadata();
    auto load = [&](const std::string& name) -> Result<torch::Tensor> {
        if (name.empty())
            return torch::Tensor();
        return (*file)->load(name, torch::kFloat32);
    };
    for (const auto& keys : layout->modules) {
        LoraModuleWeights m;
        m.path = keys.path;
        const std::vector<std::pair<const std::string*, torch::Tensor*>> parts = {
            {&keys.down, &m.down},
            {&keys.up, &m.up},
            {&keys.mid, &m.mid},
            {&keys.dora, &m.doraScale}};
        for (auto [name, target] : parts) {
            auto t = load(*name);
            if (!t)
                return t.status();
            *target = std::move(t.value());
        }
        if (m.up.size(1) != m.down.size(0) ||
            (m.mid.defined() &&
             (m.mid.dim() != 4 || m.mid.size(0) != m.rank() || m.mid.size(1) != m.rank())))
            return Status::error(path + ": module " + keys.path + " has a down weight of rank " +
                                 std::to_string(m.rank()) + " but an up weight of rank " +
                                 std::to_string(m.up.size(1)) +
                                 (m.mid.defined() ? " (or a mid weight of another rank)" : ""));
        if (!keys.alpha.empty()) {
            auto alpha = load(keys.alpha);
            if (!alpha)
                return alpha.status();
            if (alpha->numel() != 1)
                return Status::error(path + ": " + keys.alpha + " is not a single number");
            // kohya: an alpha of 0 means alpha = rank.
            const double a = alpha->item<double>();
            m.alphaOverRank = a == 0.0 ? 1.0 : a / m.rank();
        }
        out.m_modules.push_back(std::move(m));
    }
    return out;
}

} // namespace md::lora
