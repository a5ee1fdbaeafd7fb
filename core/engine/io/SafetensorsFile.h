#pragma once

// A read-only, memory-mapped .safetensors file, validated in full when it is opened
// (header bound, UTF-8/JSON, duplicate keys, known dtypes, contiguous offsets from 0 with
// no gaps or overlaps, byte size == shape x dtype, exact file end). A hostile file gives an
// error that names the file and what is wrong; it never crashes the caller.

#include "engine/Status.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <torch/types.h>
#include <vector>

namespace md {

class SafetensorsFile
{
public:
    struct TensorInfo
    {
        std::string name;
        std::string dtype; // "F32", "F16", "BF16", "I64", ...
        std::vector<int64_t> shape;
        uint64_t begin = 0; // byte offsets into the data buffer (after the header), end exclusive
        uint64_t end = 0;
    };

    // Maps the file and validates it. The mapping lives as long as the returned object.
    static Result<std::shared_ptr<const SafetensorsFile>> open(const std::string& path);

    ~SafetensorsFile();
    SafetensorsFile(const SafetensorsFile&) = delete;
    SafetensorsFile& operator=(const SafetensorsFile&) = delete;

    const std::string& path() const { return m_path; }
    const std::vector<TensorInfo>& tensors() const { return m_tensors; } // sorted by name
    const TensorInfo* find(const std::string& name) const;
    const std::map<std::string, std::string>& metadata() const { return m_metadata; }
    uint64_t fileSize() const { return m_size; }

    // An owned, contiguous CPU copy of one tensor. Floating tensors (F16/BF16/F32/F64) are
    // converted to `dtype` when it is a floating dtype; integer and bool tensors keep their
    // matching torch dtype (a floating `dtype` is ignored for them; an integer `dtype` for
    // a floating tensor is an error). Streams: a converted tensor is read from the mapping
    // straight into its destination (no copy in the stored dtype when the data is aligned,
    // as writers align it), and the file pages it was read from are dropped from the
    // process's resident set afterwards, so loading a whole F16 file as float32 never holds
    // more than the float32 tensors plus one tensor in flight.
    Result<torch::Tensor> load(const std::string& name,
                               std::optional<torch::Dtype> dtype = std::nullopt) const;

    // Raw bytes of a tensor inside the mapping (no alignment guarantee).
    const uint8_t* rawData(const TensorInfo& info) const { return m_data + info.begin; }

    // Bytes per element of a safetensors dtype name; nullopt for an unknown name.
    static std::optional<size_t> dtypeSize(const std::string& dtype);
    // The torch dtype a safetensors dtype loads as; nullopt where libtorch has none.
    static std::optional<torch::Dtype> torchDtype(const std::string& dtype);
    // The safetensors name of a torch dtype; nullopt when it cannot be stored.
    static std::optional<std::string> dtypeName(torch::Dtype dtype);

private:
    SafetensorsFile() = default;
    void releasePages(const TensorInfo& info) const;
    Status parse();

    std::string m_path;
    int m_fd = -1;
    void* m_map = nullptr;
    uint64_t m_size = 0;
    const uint8_t* m_data = nullptr; // start of the data buffer (8 + N)
    std::vector<TensorInfo> m_tensors;
    std::map<std::string, size_t> m_index;
    std::map<std::string, std::string> m_metadata;
};

} // namespace md
