#pragma once

// The LoRA files a session's model carries as run-time adapters (nn/LowRankAdapter.h), one
// adapter slot per file. A request's files are attached before its run: a file already in a
// slot (same path, size and modification time) keeps it and is not read again; a new or
// changed file is read and attached to a free slot; attached files the request does not
// use are detached, so the model holds the adapters of the current request's LoRAs and
// nothing else (no merged copy of any weight). Adapters of slots whose weight is 0 in a
// call cost nothing (their layers skip them), so one request's sets share one attachment.

#include "engine/EngineTypes.h"
#include "engine/Status.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace md {

class StableDiffusionModel;

class LoraSlots
{
public:
    // The slot of each file, in order. `changed`: whether any slot was attached or detached
    // (encodings made with LoRA weights are then stale). On an error (unreadable file, a LoRA
    // of another family, a module the model lacks) the files attached so far stay attached.
    Result<std::vector<int>> use(StableDiffusionModel& model, const std::vector<LoraFileUse>& files,
                                 bool& changed);
    // Files attached now.
    int attached() const;

private:
    struct Entry
    {
        std::string path;
        std::uintmax_t size = 0;
        std::int64_t modified = 0; // file_time_type ticks
        bool operator==(const Entry& o) const
        {
            return path == o.path && size == o.size && modified == o.modified;
        }
    };
    static Result<Entry> identify(const std::string& path);

    std::vector<std::optional<Entry>> m_slots; // index: the slot
};

} // namespace md
