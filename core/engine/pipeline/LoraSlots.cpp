#include "engine/pipeline/LoraSlots.h"

#include "engine/pipeline/ModelLoras.h"
#include "engine/pipeline/StableDiffusionModel.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace md {

Result<LoraSlots::Entry> LoraSlots::identify(const std::string& path)
{
    namespace fs = std::filesystem;
    std::error_code error;
    Entry entry;
    entry.path = fs::absolute(path, error).lexically_normal().string();
    if (error)
        entry.path = path;
    entry.size = fs::file_size(path, error);
    if (error)
        return Status::error("the LoRA file " + path + " cannot be read: " + error.message());
    entry.modified = fs::last_write_time(path, error).time_since_epoch().count();
    if (error)
        return Status::error("the LoRA file " + path + " cannot be read: " + error.message());
    return entry;
}

Result<std::vector<int>> LoraSlots::use(StableDiffusionModel& model,
                                        const std::vector<LoraFileUse>& files, bool& changed)
{
    changed = false;
    std::vector<Entry> wanted;
    for (const LoraFileUse& file : files) {
        auto entry = identify(file.path);
        if (!entry)
            return entry.status().withContext("<lora:" + file.name + ">");
        wanted.push_back(entry.value());
    }
    // Detach what this request does not use (and files changed on disk since).
    for (size_t slot = 0; slot < m_slots.size(); ++slot) {
        if (m_slots[slot] &&
            std::find(wanted.begin(), wanted.end(), *m_slots[slot]) == wanted.end()) {
            detachLoras(model, static_cast<int>(slot));
            m_slots[slot].reset();
            changed = true;
        }
    }
    std::vector<int> slots;
    for (size_t i = 0; i < wanted.size(); ++i) {
        auto held = std::find(m_slots.begin(), m_slots.end(), std::optional<Entry>(wanted[i]));
        if (held != m_slots.end()) {
            slots.push_back(static_cast<int>(held - m_slots.begin()));
            continue;
        }
        auto file = readLoraFor(model, files[i].path);
        if (!file)
            return file.status().withContext("<lora:" + files[i].name + ">");
        auto free = std::find(m_slots.begin(), m_slots.end(), std::nullopt);
        const auto slot = static_cast<int>(free - m_slots.begin());
        if (Status attached = attachLora(model, file.value(), slot); !attached)
            return attached.withContext("<lora:" + files[i].name + ">");
        if (free == m_slots.end())
            m_slots.emplace_back(wanted[i]);
        else
            *free = wanted[i];
        changed = true;
        slots.push_back(slot);
    }
    return slots;
}

int LoraSlots::attached() const
{
    return static_cast<int>(
        std::count_if(m_slots.begin(), m_slots.end(), [](const auto& e) { return e.has_value(); }));
}

} // namespace md
