// Issue 17 (faults): a model file deleted, truncated or replaced while the model is loaded.
// Loading copies every tensor out of the memory-mapped file and unmaps it when the load
// ends (the Checkpoint and its SafetensorsFile mappings do not outlive
// StableDiffusionModel::load), so a loaded model never reads its file again: truncating the
// file in place cannot SIGBUS a later generation, a deleted or replaced file changes nothing
// until the model is loaded again, and that load reads the new file.

#include "engine/Engine.h"
#include "engine/common/Fixtures.h"
#include "engine/common/SyntheticModel.h"
#include "engine/pipeline/PipelineTestSupport.h"

#include <filesystem>
#include <gtest/gtest.h>
#include <string>
#include <unistd.h>

using namespace md;

namespace {

namespace fs = std::filesystem;

struct Written
{
    std::string file;      // the single-file checkpoint under test
    std::string tokenizer; // a folder of the same model, for its tokenizer
};

Written writeModel(const std::string& name, uint64_t seed)
{
    auto spec = test::sd1SmallSpec();
    spec.name = name;
    spec.seed = seed;
    const auto model = test::makeSyntheticModel(spec);
    Written w{test::tempPath(name + ".safetensors"), test::tempPath(name + "-folder")};
    test::writeDiffusersFolder(model, w.tokenizer);
    test::writeLdmSingleFile(model, w.file);
    w.tokenizer += "/tokenizer";
    return w;
}

GenerateRequest request()
{
    return test::smallEulerRequest("a red cat", 2, 9);
}

std::vector<uint8_t> generate(Engine& engine)
{
    auto image = engine.generate(request());
    EXPECT_TRUE(image.isOk()) << image.error();
    return image ? image->pixels : std::vector<uint8_t>{};
}

Status load(Engine& engine, const Written& w)
{
    ModelOptions o;
    o.path = w.file;
    o.tokenizerDir = w.tokenizer;
    o.device = "cpu";
    return engine.load(o);
}

TEST(ModelFileChanges, TruncatedDeletedOrReplacedFileDoesNotAffectTheLoadedModel)
{
    const Written w = writeModel("file-changes", 1);
    Engine engine;
    ASSERT_TRUE(load(engine, w).isOk());
    const auto before = generate(engine);
    ASSERT_FALSE(before.empty());

    // Truncated in place (what `> model.safetensors` or a failed copy over it does): with a
    // live mapping, the next read of a dropped page would be a SIGBUS.
    ASSERT_EQ(::truncate(w.file.c_str(), 0), 0);
    EXPECT_EQ(generate(engine), before);

    // Deleted.
    fs::remove(w.file);
    EXPECT_EQ(generate(engine), before);

    // Replaced by another model through a rename (how downloads and atomic saves land).
    const Written other = writeModel("file-changes-other", 2);
    fs::rename(other.file, w.file);
    EXPECT_EQ(generate(engine), before);

    // Loading again reads the new file.
    ASSERT_TRUE(load(engine, w).isOk());
    const auto after = generate(engine);
    ASSERT_FALSE(after.empty());
    EXPECT_NE(after, before);

    // A file that was truncated is refused on the next load, with a message.
    ASSERT_EQ(::truncate(w.file.c_str(), 100), 0);
    Status truncated = load(engine, w);
    ASSERT_FALSE(truncated.isOk());
    EXPECT_NE(truncated.message().find("truncated"), std::string::npos) << truncated.message();
}

} // namespace
