#include "engine/io/WeightSet.h"

#include "engine/io/TextHelpers.h"

namespace md {

std::vector<std::string> WeightSet::names() const
{
    std::vector<std::string> out;
    out.reserve(m_entries.size());
    for (const auto& [name, entry] : m_entries)
        out.push_back(name);
    return out;
}

bool WeightSet::contains(const std::string& name) const
{
    return m_entries.count(name) > 0;
}

std::vector<int64_t> WeightSet::shape(const std::string& name) const
{
    auto it = m_entries.find(name);
    return it == m_entries.end() ? std::vector<int64_t>{} : it->second.shape;
}

const WeightSet::Entry* WeightSet::entry(const std::string& name) const
{
    auto it = m_entries.find(name);
    return it == m_entries.end() ? nullptr : &it->second;
}

std::vector<std::string> WeightSet::namesWithPrefix(const std::string& prefix) const
{
    std::vector<std::string> out;
    for (auto it = m_entries.lower_bound(prefix);
         it != m_entries.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it)
        out.push_back(it->first);
    return out;
}

Result<torch::Tensor> WeightSet::load(const std::string& name, torch::Dtype dtype) const
{
    const Entry* e = entry(name);
    if (!e)
        return Status::error((m_component.empty() ? std::string("weights") : m_component) +
                             ": no tensor named '" + name + "'");
    auto loaded = e->file->load(e->key, dtype);
    if (!loaded)
        return loaded.status();
    try {
        torch::Tensor t = std::move(loaded.value());
        switch (e->transform) {
        case Transform::None:
            break;
        case Transform::RowSlice:
            t = t.slice(0, e->rowBegin, e->rowEnd).contiguous();
            break;
        case Transform::Transpose:
            t = t.t().contiguous();
            break;
        case Transform::SqueezeTo2d:
            t = t.reshape(e->shape);
            break;
        }
        return t;
    } catch (const std::exception& ex) {
        return Status::error(describe(name) + ": " + ex.what());
    }
}

Result<std::map<std::string, torch::Tensor>> WeightSet::loadAll(torch::Dtype dtype) const
{
    std::map<std::string, torch::Tensor> out;
    for (const auto& [name, e] : m_entries) {
        auto t = load(name, dtype);
        if (!t)
            return t.status();
        out.emplace(name, std::move(t.value()));
    }
    return out;
}

std::string WeightSet::describe(const std::string& name) const
{
    const Entry* e = entry(name);
    if (!e)
        return (m_component.empty() ? std::string("weights") : m_component) + ": " + name +
               " (absent)";
    std::string s = baseName(e->file->path()) + ": " + e->key;
    switch (e->transform) {
    case Transform::None:
        break;
    case Transform::RowSlice:
        s += " rows [" + std::to_string(e->rowBegin) + ", " + std::to_string(e->rowEnd) + ")";
        break;
    case Transform::Transpose:
        s += " transposed";
        break;
    case Transform::SqueezeTo2d:
        s += " squeezed to " + shapeText(e->shape);
        break;
    }
    if (e->key != name || e->transform != Transform::None)
        s += " (as " + name + ")";
    return s;
}

int64_t WeightSet::parameterCount() const
{
    int64_t total = 0;
    for (const auto& [name, e] : m_entries) {
        int64_t n = 1;
        for (int64_t d : e.shape)
            n *= d;
        total += n;
    }
    return total;
}

std::map<std::string, int64_t> WeightSet::storedDtypes() const
{
    std::map<std::string, int64_t> out;
    for (const auto& [name, e] : m_entries)
        if (const auto* info = e.file->find(e.key))
            ++out[info->dtype];
    return out;
}

Status WeightSet::insert(const std::string& name, Entry entry)
{
    // Network weights are floating point. An integer or bool tensor (I16, U8, BOOL, ...) is
    // refused here, with its name and dtype, before any module is built from it.
    const auto* info = entry.file->find(entry.key);
    if (info && info->dtype != "F16" && info->dtype != "BF16" && info->dtype != "F32" &&
        info->dtype != "F64")
        return Status::error((m_component.empty() ? std::string() : m_component + ": ") +
                             baseName(entry.file->path()) + ": tensor '" + entry.key + "'" +
                             (entry.key != name ? " (" + m_component + " " + name + ")" : "") +
                             " is " + info->dtype +
                             "; model weights must be floating point (F16, BF16, F32 or F64)");
    if (m_entries.count(name))
        return Status::error(m_component + ": two tensors map to '" + name + "' (" +
                             describe(name) + " and " + baseName(entry.file->path()) + ": " +
                             entry.key + ")");
    m_entries.emplace(name, std::move(entry));
    return Status::ok();
}

Status WeightSet::add(const std::string& name, std::shared_ptr<const SafetensorsFile> file,
                      const std::string& key)
{
    const auto* info = file ? file->find(key) : nullptr;
    if (!info)
        return Status::error((file ? baseName(file->path()) : std::string("?")) +
                             ": no tensor named '" + key + "'");
    Entry e{file, key, Transform::None, 0, 0, info->shape};
    return insert(name, std::move(e));
}

Status WeightSet::addRowSlice(const std::string& name, std::shared_ptr<const SafetensorsFile> file,
                              const std::string& key, int64_t rowBegin, int64_t rowEnd)
{
    const auto* info = file ? file->find(key) : nullptr;
    if (!info)
        return Status::error((file ? baseName(file->path()) : std::string("?")) +
                             ": no tensor named '" + key + "'");
    if (info->shape.empty() || rowBegin < 0 || rowEnd < rowBegin || rowEnd > info->shape[0])
        return Status::error(baseName(file->path()) + ": tensor '" + key + "' has shape " +
                             shapeText(info->shape) + ", which has no rows [" +
                             std::to_string(rowBegin) + ", " + std::to_string(rowEnd) + ")");
    Entry e{file, key, Transform::RowSlice, rowBegin, rowEnd, info->shape};
    e.shape[0] = rowEnd - rowBegin;
    return insert(name, std::move(e));
}

Status WeightSet::addTranspose(const std::string& name, std::shared_ptr<const SafetensorsFile> file,
                               const std::string& key)
{
    const auto* info = file ? file->find(key) : nullptr;
    if (!info)
        return Status::error((file ? baseName(file->path()) : std::string("?")) +
                             ": no tensor named '" + key + "'");
    if (info->shape.size() != 2)
        return Status::error(baseName(file->path()) + ": tensor '" + key + "' has shape " +
                             shapeText(info->shape) + ", expected a matrix");
    Entry e{file, key, Transform::Transpose, 0, 0, {info->shape[1], info->shape[0]}};
    return insert(name, std::move(e));
}

Status WeightSet::addSqueezed(const std::string& name, std::shared_ptr<const SafetensorsFile> file,
                              const std::string& key)
{
    const auto* info = file ? file->find(key) : nullptr;
    if (!info)
        return Status::error((file ? baseName(file->path()) : std::string("?")) +
                             ": no tensor named '" + key + "'");
    if (info->shape.size() == 2)
        return add(name, file, key);
    if (info->shape.size() != 4 || info->shape[2] != 1 || info->shape[3] != 1)
        return Status::error(baseName(file->path()) + ": tensor '" + key + "' has shape " +
                             shapeText(info->shape) + ", expected [O, I, 1, 1] or [O, I]");
    Entry e{file, key, Transform::SqueezeTo2d, 0, 0, {info->shape[0], info->shape[1]}};
    return insert(name, std::move(e));
}

bool WeightSet::remove(const std::string& name)
{
    return m_entries.erase(name) > 0;
}

} // namespace md
