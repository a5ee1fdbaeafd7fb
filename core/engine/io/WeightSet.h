#pragma once

// The tensors of ONE model component (unet, vae or text_encoder), presented under the
// diffusers / transformers names whatever the file layout, loaded lazily from the
// memory-mapped files. An entry is a file tensor as stored, or a transform of one computed
// at load time (rows of OpenCLIP's fused in_proj, a transpose, a 1x1 conv squeezed to a
// Linear weight).
//
// Names: unet = diffusers UNet2DConditionModel ("conv_in.weight",
// "down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.weight", ...); vae =
// diffusers AutoencoderKL ("encoder.mid_block.attentions.0.to_q.weight" as Linear [C, C]);
// text_encoder = transformers CLIPTextModel ("text_model.embeddings.token_embedding.weight",
// "text_model.encoder.layers.N.self_attn.q_proj.weight", "text_model.final_layer_norm.*",
// plus "text_projection.weight" [proj, width] when the file has one). CLIP position_ids are
// never present: they are regenerated 0..N-1.

#include "engine/Status.h"
#include "engine/io/SafetensorsFile.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <torch/types.h>
#include <vector>

namespace md {

class WeightSet
{
public:
    enum class Transform {
        None,
        RowSlice,   // rows [rowBegin, rowEnd) of the file tensor
        Transpose,  // a 2-D tensor, transposed
        SqueezeTo2d // [O, I, 1, 1] -> [O, I] (1x1 conv weight as a Linear weight)
    };
    struct Entry
    {
        std::shared_ptr<const SafetensorsFile> file;
        std::string key; // the tensor's name in the file
        Transform transform = Transform::None;
        int64_t rowBegin = 0;
        int64_t rowEnd = 0;
        std::vector<int64_t> shape; // the presented shape
    };

    WeightSet() = default;
    explicit WeightSet(std::string component) : m_component(std::move(component)) {}

    const std::string& component() const { return m_component; } // "unet", "vae", ...

    std::vector<std::string> names() const; // sorted
    bool contains(const std::string& name) const;
    std::vector<int64_t> shape(const std::string& name) const; // empty when absent
    size_t size() const { return m_entries.size(); }
    bool empty() const { return m_entries.empty(); }
    const Entry* entry(const std::string& name) const;
    // Names starting with `prefix`, sorted.
    std::vector<std::string> namesWithPrefix(const std::string& prefix) const;

    // An owned, contiguous CPU tensor. Floating tensors are converted to `dtype` (a floating
    // dtype); integer tensors keep their dtype.
    Result<torch::Tensor> load(const std::string& name, torch::Dtype dtype) const;
    // Every tensor (for module loading). Stops at the first error.
    Result<std::map<std::string, torch::Tensor>> loadAll(torch::Dtype dtype) const;

    // "tiny.safetensors: model.diffusion_model.input_blocks.0.0.weight (as conv_in.weight)".
    std::string describe(const std::string& name) const;

    int64_t parameterCount() const;                      // sum of numel over entries
    std::map<std::string, int64_t> storedDtypes() const; // file dtype -> tensor count

    // Registration, used by the layout readers. Each checks that `key` exists in `file`
    // and that the transform fits its shape; a name may be added once.
    Status add(const std::string& name, std::shared_ptr<const SafetensorsFile> file,
               const std::string& key);
    Status addRowSlice(const std::string& name, std::shared_ptr<const SafetensorsFile> file,
                       const std::string& key, int64_t rowBegin, int64_t rowEnd);
    Status addTranspose(const std::string& name, std::shared_ptr<const SafetensorsFile> file,
                        const std::string& key);
    // Squeezes a [O, I, 1, 1] tensor; a 2-D tensor is added as it is.
    Status addSqueezed(const std::string& name, std::shared_ptr<const SafetensorsFile> file,
                       const std::string& key);
    bool remove(const std::string& name);

private:
    Status insert(const std::string& name, Entry entry);

    std::string m_component;
    std::map<std::string, Entry> m_entries;
};

} // namespace md
