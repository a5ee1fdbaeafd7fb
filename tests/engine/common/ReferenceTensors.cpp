#include "engine/common/ReferenceTensors.h"

#include "engine/common/Fixtures.h"
#include "engine/io/SafetensorsFile.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>

namespace md::test {

namespace {

std::string shapeText(const torch::Tensor& t)
{
    std::ostringstream s;
    s << t.sizes();
    return s.str();
}

std::shared_ptr<const SafetensorsFile> referenceFile(const std::string& relative)
{
    static std::mutex mutex;
    static std::map<std::string, std::shared_ptr<const SafetensorsFile>> files;
    std::lock_guard<std::mutex> lock(mutex);
    auto& file = files[relative];
    if (!file) {
        const std::string path = fixturePath(relative);
        auto opened = SafetensorsFile::open(path);
        if (!opened)
            throw std::runtime_error("reference tensors unavailable (set MD_FIXTURES_DIR?): " +
                                     opened.error());
        file = opened.value();
    }
    return file;
}

void checkSameShape(const torch::Tensor& a, const torch::Tensor& b, const char* what)
{
    if (!a.defined() || !b.defined())
        throw std::runtime_error(std::string(what) + ": undefined tensor");
    if (a.sizes() != b.sizes())
        throw std::runtime_error(std::string(what) + ": shapes differ: " + shapeText(a) + " vs " +
                                 shapeText(b));
}

} // namespace

torch::Tensor referenceTensor(const std::string& name)
{
    return referenceTensorIn("tiny-sd15-reference.safetensors", name);
}

torch::Tensor referenceTensorIn(const std::string& fixtureFile, const std::string& name)
{
    auto file = referenceFile(fixtureFile);
    auto tensor = file->load(name);
    if (!tensor)
        throw std::runtime_error("reference tensor missing: " + tensor.error());
    return tensor.value();
}

torch::Tensor imageTensor(const RgbImage& image)
{
    auto t = torch::empty({image.height, image.width, 3}, torch::kUInt8);
    std::memcpy(t.data_ptr<std::uint8_t>(), image.pixels.data(), image.pixels.size());
    return t;
}

double maxAbsDiff(const torch::Tensor& a, const torch::Tensor& b)
{
    checkSameShape(a, b, "maxAbsDiff");
    if (a.numel() == 0)
        return 0.0;
    auto da = a.detach().to(torch::kCPU, torch::kDouble);
    auto db = b.detach().to(torch::kCPU, torch::kDouble);
    auto diff = (da - db).abs();
    if (diff.isnan().any().item<bool>())
        return std::numeric_limits<double>::quiet_NaN();
    return diff.max().item<double>();
}

double psnrU8(const torch::Tensor& a, const torch::Tensor& b)
{
    checkSameShape(a, b, "psnrU8");
    if (a.scalar_type() != torch::kByte || b.scalar_type() != torch::kByte)
        throw std::runtime_error("psnrU8: both images must be uint8");
    if (a.numel() == 0)
        throw std::runtime_error("psnrU8: empty images");
    auto da = a.detach().to(torch::kCPU, torch::kDouble);
    auto db = b.detach().to(torch::kCPU, torch::kDouble);
    double mse = (da - db).pow(2).mean().item<double>();
    if (mse == 0.0)
        return std::numeric_limits<double>::infinity();
    return 10.0 * std::log10(255.0 * 255.0 / mse);
}

} // namespace md::test
