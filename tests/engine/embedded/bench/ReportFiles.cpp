#include "engine/embedded/bench/ReportFiles.h"

#include <cstdint>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace md::test {

namespace fs = std::filesystem;

std::string ReportFiles::modelHash(const std::string& model)
{
    fs::path file = model;
    std::error_code ec;
    if (fs::is_directory(file, ec)) {
        file = fs::path(model) / "unet" / "diffusion_pytorch_model.safetensors";
        if (!fs::exists(file, ec))
            file = fs::path(model) / "unet" / "diffusion_pytorch_model.fp16.safetensors";
    }
    std::ifstream in(file, std::ios::binary);
    if (!in)
        return "unknown";
    uint64_t h = 1469598103934665603ull;
    char buf[1 << 16];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        for (std::streamsize i = 0; i < in.gcount(); ++i) {
            h ^= static_cast<unsigned char>(buf[i]);
            h *= 1099511628211ull;
        }
    }
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
    return hex;
}

std::string ReportFiles::machineDescription()
{
    std::string cpu = "unknown CPU";
    std::ifstream in("/proc/cpuinfo");
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("model name", 0) == 0) {
            const auto colon = line.find(':');
            if (colon != std::string::npos)
                cpu = line.substr(line.find_first_not_of(' ', colon + 1));
            break;
        }
    }
    return cpu + " (" + std::to_string(std::thread::hardware_concurrency()) + " cores)";
}

std::string ReportFiles::utcDate()
{
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &utc);
    return buf;
}

Status ReportFiles::updateDoc(const std::string& path, const std::string& block)
{
    return updateDoc(path, block, kBegin, kEnd);
}

Status ReportFiles::updateDoc(const std::string& path, const std::string& block,
                              const std::string& beginMarker, const std::string& endMarker)
{
    std::string text;
    {
        std::ifstream in(path);
        if (in) {
            std::ostringstream all;
            all << in.rdbuf();
            text = all.str();
        }
    }
    const std::string fresh = beginMarker + "\n\n" + block + "\n" + endMarker;
    const auto begin = text.find(beginMarker);
    const auto end = text.find(endMarker);
    if (begin != std::string::npos && end != std::string::npos && end > begin)
        text = text.substr(0, begin) + fresh + text.substr(end + endMarker.size());
    else
        text += (text.empty() ? "" : "\n") + fresh + "\n";
    std::ofstream out(path, std::ios::trunc);
    if (!out)
        return Status::error("cannot write " + path + " (does its folder exist?)");
    out << text;
    if (!out)
        return Status::error("writing " + path + " failed");
    return Status::ok();
}

} // namespace md::test
