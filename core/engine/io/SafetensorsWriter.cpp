#include "engine/io/SafetensorsWriter.h"

#include "engine/io/SafetensorsFile.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <set>
#include <unistd.h>

namespace md {

namespace {

struct Prepared
{
    std::string name;
    std::string dtype;
    torch::Tensor data; // contiguous, CPU
    size_t elementSize = 0;
};

Status writeAll(int fd, const void* data, size_t size, const std::string& path)
{
    const auto* p = static_cast<const char*>(data);
    while (size > 0) {
        ssize_t n = ::write(fd, p, size);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return Status::error(path + ": write failed: " + std::strerror(errno));
        }
        p += n;
        size -= static_cast<size_t>(n);
    }
    return Status::ok();
}

Status writeFile(const std::string& tmp, const std::string& header,
                 const std::vector<Prepared>& items)
{
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return Status::error(tmp + ": cannot create: " + std::strerror(errno));
    uint8_t length[8];
    uint64_t n = header.size();
    for (int i = 0; i < 8; ++i)
        length[i] = static_cast<uint8_t>(n >> (8 * i));
    Status s = writeAll(fd, length, 8, tmp);
    if (s)
        s = writeAll(fd, header.data(), header.size(), tmp);
    for (const auto& item : items) {
        if (!s)
            break;
        s = writeAll(fd, item.data.data_ptr(), item.data.nbytes(), tmp);
    }
    if (s && ::fsync(fd) != 0)
        s = Status::error(tmp + ": fsync failed: " + std::strerror(errno));
    if (::close(fd) != 0 && s)
        s = Status::error(tmp + ": close failed: " + std::strerror(errno));
    return s;
}

} // namespace

Status writeSafetensors(const std::string& path,
                        const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                        const std::map<std::string, std::string>& metadata,
                        std::optional<torch::Dtype> storeAs)
{
    try {
        std::vector<Prepared> items;
        std::set<std::string> names;
        for (const auto& [name, tensor] : tensors) {
            if (name == "__metadata__")
                return Status::error(path + ": '__metadata__' cannot name a tensor");
            if (!names.insert(name).second)
                return Status::error(path + ": the tensor name '" + name + "' is given twice");
            if (!tensor.defined())
                return Status::error(path + ": tensor '" + name + "' is undefined");
            torch::Tensor t = tensor.detach().to(torch::kCPU);
            if (storeAs && t.is_floating_point())
                t = t.to(*storeAs);
            t = t.contiguous();
            auto dtype = SafetensorsFile::dtypeName(t.scalar_type());
            if (!dtype)
                return Status::error(path + ": tensor '" + name + "' has dtype " +
                                     std::string(c10::toString(t.scalar_type())) +
                                     ", which safetensors cannot store");
            items.push_back({name, *dtype, t, static_cast<size_t>(t.element_size())});
        }
        std::stable_sort(items.begin(), items.end(), [](const Prepared& a, const Prepared& b) {
            return a.elementSize > b.elementSize;
        });

        nlohmann::json header = nlohmann::json::object();
        if (!metadata.empty())
            header["__metadata__"] = metadata;
        uint64_t offset = 0;
        for (const auto& item : items) {
            const uint64_t bytes = item.data.nbytes();
            header[item.name] = {{"dtype", item.dtype},
                                 {"shape", item.data.sizes().vec()},
                                 {"data_offsets", {offset, offset + bytes}}};
            offset += bytes;
        }
        std::string text = header.dump();
        text.append((8 - text.size() % 8) % 8, ' ');

        const std::string tmp = path + ".tmp";
        Status s = writeFile(tmp, text, items);
        if (!s) {
            std::remove(tmp.c_str());
            return s;
        }
        if (std::rename(tmp.c_str(), path.c_str()) != 0) {
            std::string reason = std::strerror(errno);
            std::remove(tmp.c_str());
            return Status::error(path + ": cannot move " + tmp + " into place: " + reason);
        }
        return Status::ok();
    } catch (const std::exception& e) {
        return Status::error(path + ": cannot write safetensors file: " + e.what());
    }
}

} // namespace md
