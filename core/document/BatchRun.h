#pragma once

// A batch: one saved project (a .mdsp or an exported PNG) rendered once per seed into
// DIR/<project>-<seed>.png (exports: A1111 parameters + the project), with DIR/manifest.json
// listing what was made. What `mdstudio-cli batch` runs, without the printing:
//
//   auto run = BatchRun::open("harbour.mdsp", events);     // the project, results dropped
//   run->configure(overrides);                              // --seeds/--count, --steps, ...
//   run->useLoras(loraDirs);                                // --lora-dir: find, hash, check
//   run->plan(modelPath, "out", /*resume=*/true);           // manifest, what is left to do
//   run->run(render, &stopFlag);                            // render, write, record
//
// Resuming skips seeds the manifest lists whose file is unchanged (SHA-256) and whose
// settings hash matches. A set stop flag ends the run before the next image; the image in
// flight completes, so every file in the manifest is whole.

#include "document/BatchManifest.h"
#include "document/FolderLock.h"
#include "document/Project.h"
#include "engine/EngineTypes.h"
#include "engine/Status.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace md {

// What a batch changes in the project; unset: the project's own.
struct BatchOverrides
{
    std::optional<std::string> seeds; // "1-16", "3,7,9" or a mix (SeedList.h)
    std::optional<int> count;         // N seeds counting up from the project's seed
    std::optional<int> steps;
    std::optional<double> cfg;
    std::optional<SamplerKind> sampler;
};

struct BatchEvents
{
    std::function<void(const std::string& message)> warning;
    std::function<void(std::size_t index, std::uint64_t seed)> imageStarted; // index in todo()
    std::function<void(const Progress& progress)> step;
    std::function<void(const BatchImage& image, const std::string& path)> imageFinished;
};

// Renders one request: the engine's generate, or a stand-in in tests.
using BatchRenderer =
    std::function<Result<RgbImage>(const GenerateRequest&, const GenerateCallbacks&)>;

class BatchRun
{
public:
    // Reads the project of `source`.
    static Result<BatchRun> open(const std::string& source, BatchEvents events = {});

    // Applies the overrides and picks the seeds; the project must still validate. An error
    // here is the caller's (a usage error). --count from a seed near 2^64 - 1 is refused
    // rather than wrapping to seed 0.
    Status configure(const BatchOverrides& overrides);

    // The folders where the prompts' <lora:NAME:W> tags find their files (--lora-dir). Every
    // LoRA must be found there: else an error naming it, the folders searched and the hash
    // its last result recorded. A file whose hash differs from the recorded one is a warning
    // (images may differ). Each image records the LoRAs (and hashes) it was made with.
    Status useLoras(const std::vector<std::string>& loraDirs);
    // The LoRAs the project's prompts name, with their hashes once useLoras() found them.
    const std::vector<ResultLora>& loras() const { return m_loras; }

    // The project's own model path ("" when it names none). A model that has gone is an error
    // that says how to point elsewhere; one that changed since the save is a warning.
    Result<std::string> projectModelPath() const;

    // References the model at `modelPath` (path and hash), creates `outDir`, locks it (one
    // batch per folder at a time: FolderLock, held until this run is destroyed), reads its
    // manifest.json (kept when made with the same settings) and lists the seeds to render:
    // with `resume`, those the manifest does not list as finished.
    Status plan(const std::string& modelPath, const std::string& outDir, bool resume);

    BatchEvents& events() { return m_events; }
    const Project& project() const { return m_project; }
    const std::vector<std::uint64_t>& seeds() const { return m_seeds; }
    const std::vector<std::uint64_t>& todo() const { return m_todo; }
    std::size_t skipped() const { return m_seeds.size() - m_todo.size(); }
    std::size_t rendered() const { return m_rendered; }
    const std::string& manifestPath() const { return m_manifestPath; }
    // DIR/<project>-<seed>.png's file name.
    std::string fileName(std::uint64_t seed) const;

    // Renders todo() in order, writing each PNG and then the manifest. Returns
    // Status::cancelled() when `stop` was set before an image.
    Status run(const BatchRenderer& render, const std::atomic<bool>* stop = nullptr);

private:
    BatchRun() = default;
    bool isFinished(std::uint64_t seed) const;
    void warn(const std::string& message) const;

    std::vector<ResultLora> m_recordedLoras; // the newest record of each name in the history
    std::vector<std::string> m_loraDirs;
    std::vector<ResultLora> m_loras;
    std::string m_source;
    std::string m_name; // the source's file stem
    Project m_project;
    BatchEvents m_events;
    std::vector<std::uint64_t> m_seeds;
    std::vector<std::uint64_t> m_todo;
    std::string m_outDir;
    std::string m_manifestPath;
    BatchManifest m_manifest;
    std::optional<FolderLock> m_lock;
    std::size_t m_rendered = 0;
};

} // namespace md
