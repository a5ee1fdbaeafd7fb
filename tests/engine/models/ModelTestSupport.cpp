#include "engine/models/ModelTestSupport.h"

#include "engine/common/Fixtures.h"
#include "engine/io/CheckpointLoader.h"

#include <filesystem>
#include <stdexcept>

namespace md::test {

namespace fs = std::filesystem;

WrittenModel writeModel(const SyntheticModelSpec& spec, const std::string& tag)
{
    WrittenModel w;
    w.model = makeSyntheticModel(spec);
    w.folder = tempPath(spec.name + tag + "-folder");
    writeDiffusersFolder(w.model, w.folder);
    w.singleDir = tempPath(spec.name + tag + "-single");
    fs::create_directories(fs::path(w.singleDir) / "tokenizer");
    for (const auto& entry : fs::directory_iterator(fs::path(w.folder) / "tokenizer"))
        fs::copy_file(entry.path(), fs::path(w.singleDir) / "tokenizer" / entry.path().filename());
    w.singleFile = (fs::path(w.singleDir) / "model.safetensors").string();
    writeLdmSingleFile(w.model, w.singleFile);
    return w;
}

Checkpoint loadOrThrow(const std::string& path, const CheckpointOptions& options)
{
    auto ckpt = loadCheckpoint(path, options);
    if (!ckpt)
        throw std::runtime_error(ckpt.error());
    return std::move(ckpt.value());
}

std::vector<std::string> specNames()
{
    return {"sd1-style", "sd1-small", "sd2-style", "sd2-tiny"};
}

SyntheticModelSpec specByName(const std::string& name)
{
    if (name == "sd1-style")
        return sd1StyleSpec();
    if (name == "sd1-small")
        return sd1SmallSpec();
    if (name == "sd2-style")
        return sd2StyleSpec();
    if (name == "sd2-tiny")
        return sd2TinySpec();
    throw std::runtime_error("no synthetic spec named " + name);
}

std::string specParamName(const ::testing::TestParamInfo<std::string>& info)
{
    std::string s = info.param;
    for (char& c : s)
        if (c == '-')
            c = '_';
    return s;
}

} // namespace md::test
