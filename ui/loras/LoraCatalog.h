#pragma once

// What the LoRA browser lists: the .safetensors files of the LoRA folder, each read from its
// header alone (Engine::inspectLora: family, format, rank, trigger words; no hashing), a
// filter over names, trigger words and families, and whether a LoRA suits the loaded model.
// Plain C++ (no Qt), so it is tested without widgets; the reader is passed in.

#include "engine/EngineTypes.h"
#include "engine/Status.h"

#include <functional>
#include <string>
#include <vector>

namespace md {

struct LoraEntry
{
    std::string path;
    std::string name;  // the file name without ".safetensors": what <lora:NAME:W> names
    LoraInfo info;     // when error is empty
    std::string error; // why the file is not a usable LoRA ("" when it is)
};

class LoraCatalog
{
public:
    using Inspect = std::function<Result<LoraInfo>(const std::string& path)>;

    // Lists `folder` (document/LoraFiles.h loraFilesIn) and inspects every file; a file that
    // is not a LoRA stays in the list with its error. An error when the folder cannot be
    // listed (the catalog is then empty).
    Status load(const std::string& folder, const Inspect& inspect);
    void clear();

    const std::string& folder() const { return m_folder; }
    const std::vector<LoraEntry>& entries() const { return m_entries; }

    // The entries holding every word of `filter` (case-insensitive) in their name, trigger
    // words, family or format, in listing order; all for an empty filter.
    std::vector<std::size_t> matching(const std::string& filter) const;

    // Whether a LoRA made for `loraFamily` ("SD 1.x", "SDXL", "embedded", "unknown") applies
    // to a model of `modelFamily` (ModelInfo::family; "" when none is loaded). Unknown or
    // custom families on either side are given the benefit of the doubt.
    static bool fitsModel(const std::string& loraFamily, const std::string& modelFamily);

    // The prompt tag that applies `name` at weight 1: "<lora:NAME:1>".
    static std::string tagFor(const std::string& name);

private:
    std::string m_folder;
    std::vector<LoraEntry> m_entries;
};

} // namespace md
