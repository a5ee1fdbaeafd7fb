#include "engine/image/InpaintFixture.h"

#include "engine/common/Fixtures.h"
#include "engine/io/SafetensorsFile.h"
#include "engine/io/SafetensorsWriter.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <utility>
#include <vector>

namespace md::test {

namespace {

namespace fs = std::filesystem;
using Tensors = std::vector<std::pair<std::string, torch::Tensor>>;

std::shared_ptr<const SafetensorsFile> openOrThrow(const std::string& path)
{
    auto file = SafetensorsFile::open(path);
    if (!file)
        throw std::runtime_error(file.error());
    return file.value();
}

// Every tensor of a file, as stored, with `name` replaced by `replacement`.
Tensors tensorsWith(const std::string& path, const std::string& name,
                    const torch::Tensor& replacement, std::map<std::string, std::string>& meta)
{
    auto file = openOrThrow(path);
    meta = file->metadata();
    Tensors out;
    bool replaced = false;
    for (const auto& info : file->tensors()) {
        if (info.name == name) {
            const auto dtype = SafetensorsFile::torchDtype(info.dtype).value();
            out.emplace_back(info.name, replacement.to(dtype).contiguous());
            replaced = true;
            continue;
        }
        auto t = file->load(info.name);
        if (!t)
            throw std::runtime_error(t.error());
        out.emplace_back(info.name, t.value());
    }
    if (!replaced)
        throw std::runtime_error(path + " has no " + name);
    return out;
}

void writeOrThrow(const std::string& path, const Tensors& tensors,
                  const std::map<std::string, std::string>& meta)
{
    if (Status s = writeSafetensors(path, tensors, meta); !s)
        throw std::runtime_error(s.message());
}

void setInChannels(const std::string& config, int64_t channels)
{
    nlohmann::json j;
    {
        std::ifstream in(config);
        in >> j;
    }
    j["in_channels"] = channels;
    std::ofstream(config) << j.dump(2);
}

std::string writeFolder(const torch::Tensor& convIn, const std::string& name)
{
    const std::string dir = tempPath(name);
    fs::copy(fixturePath("tiny-sd15"), dir, fs::copy_options::recursive);
    const std::string config = dir + "/unet/config.json";
    nlohmann::json j;
    {
        std::ifstream in(config);
        in >> j;
    }
    j["in_channels"] = convIn.size(1);
    std::ofstream(config) << j.dump(2);
    const std::string weights = dir + "/unet/diffusion_pytorch_model.safetensors";
    std::map<std::string, std::string> meta;
    auto tensors = tensorsWith(weights, "conv_in.weight", convIn, meta);
    writeOrThrow(weights, tensors, meta);
    return dir;
}

std::uint8_t roundHalfEven(double v)
{
    return static_cast<std::uint8_t>(std::clamp(std::nearbyint(v), 0.0, 255.0));
}

} // namespace

torch::Tensor img2imgReference(const std::string& name)
{
    static auto file =
        openOrThrow(sourcePath("tests/engine/img2img/data/img2img-reference.safetensors"));
    auto t = file->load(name);
    if (!t)
        throw std::runtime_error("img2img reference: " + t.error());
    return t.value();
}

std::string inpaintFolder()
{
    static const std::string dir =
        writeFolder(img2imgReference("inpaint9.conv_in.weight"), "inpaint9-sd15");
    return dir;
}

std::string inpaintFolderWithConvIn(const torch::Tensor& weight, const std::string& tag)
{
    return writeFolder(weight, "inpaint9-sd15-" + tag);
}

std::string inpaintSingleFile()
{
    static const std::string path = [] {
        const std::string out = tempPath("inpaint9-sd15.safetensors");
        std::map<std::string, std::string> meta;
        auto tensors = tensorsWith(fixturePath("tiny-sd15.safetensors"),
                                   "model.diffusion_model.input_blocks.0.0.weight",
                                   img2imgReference("inpaint9.conv_in.weight"), meta);
        writeOrThrow(out, tensors, meta);
        return out;
    }();
    return path;
}

std::string sdxlInpaintSingleFile()
{
    static const std::string path = [] {
        const std::string dir = tempPath("inpaint9-sdxl");
        fs::create_directories(dir);
        fs::copy(fixturePath("sdxl/tiny-sdxl"), dir + "/tiny-sdxl-inpaint",
                 fs::copy_options::recursive);
        setInChannels(dir + "/tiny-sdxl-inpaint/unet/config.json", 9);
        const std::string key = "model.diffusion_model.input_blocks.0.0.weight";
        auto file = openOrThrow(fixturePath("sdxl/tiny-sdxl.safetensors"));
        auto w4 = file->load(key, torch::kFloat32);
        if (!w4)
            throw std::runtime_error(w4.error());
        auto w9 = torch::cat({w4.value(), torch::zeros({w4.value().size(0), 5, 3, 3})}, 1);
        std::map<std::string, std::string> meta;
        auto tensors = tensorsWith(fixturePath("sdxl/tiny-sdxl.safetensors"), key, w9, meta);
        const std::string out = dir + "/tiny-sdxl-inpaint.safetensors";
        writeOrThrow(out, tensors, meta);
        return out;
    }();
    return path;
}

std::shared_ptr<StableDiffusionModel> loadCpuModel(const std::string& path,
                                                   const std::string& tokenizerDir)
{
    ModelOptions o;
    o.path = path;
    o.tokenizerDir = tokenizerDir;
    o.device = "cpu";
    o.dtype = "float32";
    auto model = StableDiffusionModel::load(o);
    if (!model)
        throw std::runtime_error(model.error());
    return model.value();
}

std::shared_ptr<StableDiffusionModel> inpaintModel()
{
    static auto model = loadCpuModel(inpaintFolder());
    return model;
}

std::shared_ptr<StableDiffusionModel> textToImageModel()
{
    static auto model = loadCpuModel(fixturePath("tiny-sd15"));
    return model;
}

RgbImage referenceInitImage()
{
    RgbImage img;
    img.width = img.height = 256;
    img.pixels.resize(256 * 256 * 3);
    for (int y = 0; y < 256; ++y) {
        for (int x = 0; x < 256; ++x) {
            double px[3] = {x / 256.0 * 255.0, y / 256.0 * 200.0, 255.0 - x / 256.0 * 128.0};
            if ((x - 96) * (x - 96) + (y - 112) * (y - 112) < 50 * 50) {
                px[0] = 230;
                px[1] = 40;
                px[2] = 30;
            }
            if (y > 180 && y < 210) {
                px[0] = 40;
                px[1] = 200;
                px[2] = 60;
            }
            for (int c = 0; c < 3; ++c)
                img.pixels[(static_cast<size_t>(y) * 256 + x) * 3 + c] = roundHalfEven(px[c]);
        }
    }
    return img;
}

MaskImage referenceMask()
{
    MaskImage m;
    m.width = m.height = 256;
    m.values.assign(256 * 256, 0.0f);
    for (int y = 48; y < 176; ++y)
        for (int x = 128; x < 224; ++x)
            m.values[static_cast<size_t>(y) * 256 + x] = 1.0f;
    return m;
}

} // namespace md::test
