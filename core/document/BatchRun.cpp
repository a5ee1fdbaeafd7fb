#include "document/BatchRun.h"

#include "document/AtomicFile.h"
#include "document/FileType.h"
#include "document/LoraFiles.h"
#include "document/LoraHash.h"
#include "document/ModelHash.h"
#include "document/OutputPng.h"
#include "document/ProjectFile.h"
#include "document/SeedList.h"
#include "document/Sha256.h"

#include <chrono>
#include <filesystem>
#include <limits>

namespace md {

namespace fs = std::filesystem;

Result<BatchRun> BatchRun::open(const std::string& source, BatchEvents events)
{
    auto loaded = loadProject(source);
    if (!loaded)
        return loaded.status();
    BatchRun run;
    run.m_source = source;
    run.m_name = fs::path(source).stem().string();
    if (run.m_name.empty())
        run.m_name = "project";
    run.m_project = std::move(loaded.value());
    for (auto r = run.m_project.results.rbegin(); r != run.m_project.results.rend(); ++r)
        for (const ResultLora& l : r->loras) {
            bool known = false;
            for (const ResultLora& k : run.m_recordedLoras)
                known = known || k.name == l.name;
            if (!known)
                run.m_recordedLoras.push_back(l);
        }
    // The history is not rendered again; a project that starts from its last result keeps
    // that one (toGenerateRequest's start image).
    std::vector<ProjectResult> keep;
    if (run.m_project.settings.start == StartImage::LastResult) {
        if (const ProjectResult* last = newestCanvasResult(run.m_project))
            keep.push_back(*last);
    }
    run.m_project.results = std::move(keep);
    run.m_events = std::move(events);
    run.m_seeds = {run.m_project.settings.seed};
    return run;
}

Status BatchRun::configure(const BatchOverrides& o)
{
    GenerationSettings& s = m_project.settings;
    if (o.steps)
        s.steps = *o.steps;
    if (o.cfg)
        s.cfg = float(*o.cfg);
    if (s.bootstrapSteps > s.steps)
        s.bootstrapSteps = s.steps;
    if (o.sampler)
        s.sampler = *o.sampler;
    if (auto v = validate(m_project); !v)
        return v;

    if (o.seeds && o.count)
        return Status::error("--seeds and --count exclude each other");
    if (o.seeds) {
        auto seeds = parseSeedList(*o.seeds);
        if (!seeds)
            return seeds.status();
        m_seeds = std::move(seeds.value());
    } else {
        const int count = o.count.value_or(1);
        constexpr std::uint64_t kLast = std::numeric_limits<std::uint64_t>::max();
        if (count > 1 && s.seed > kLast - std::uint64_t(count - 1))
            return Status::error("--count " + std::to_string(count) + " from the project's seed " +
                                 std::to_string(s.seed) + " would pass " + std::to_string(kLast) +
                                 ", the largest seed; use at most " +
                                 std::to_string(kLast - s.seed + 1) +
                                 " or pick the seeds with --seeds");
        m_seeds.clear();
        for (int i = 0; i < count; ++i)
            m_seeds.push_back(s.seed + std::uint64_t(i));
    }
    return Status::ok();
}

Status BatchRun::useLoras(const std::vector<std::string>& loraDirs)
{
    m_loraDirs = loraDirs;
    m_loras = lorasOfPrompts(toGenerateRequest(m_project, m_project.settings.seed, loraDirs));
    for (ResultLora& l : m_loras) {
        const ResultLora* recorded = nullptr;
        for (const ResultLora& r : m_recordedLoras)
            if (r.name == l.name)
                recorded = &r;
        const std::string recordedHash =
            recorded && !recorded->hash.empty() ? loraShortHash(recorded->hash) : "";
        auto path = findLoraFile(l.name, loraDirs);
        if (!path)
            return Status::error(
                path.error() +
                (recordedHash.empty()
                     ? ""
                     : " (the project used the file with hash " + recordedHash + ")") +
                (loraDirs.empty() ? "" : "; pass --lora-dir with the folder that holds it"));
        auto hash = loraFileHash(path.value());
        if (!hash)
            return hash.status();
        l.hash = hash.value();
        if (!recordedHash.empty() && loraShortHash(l.hash) != recordedHash)
            warn("the LoRA \"" + l.name + "\" (" + path.value() + ") has the hash " +
                 loraShortHash(l.hash) + ", not the " + recordedHash +
                 " the project was made with; images may differ");
    }
    return Status::ok();
}

Result<std::string> BatchRun::projectModelPath() const
{
    const ModelReference& model = m_project.model;
    if (model.path.empty())
        return std::string();
    switch (checkModel(model)) {
    case ModelCheck::Missing:
        return Status::error("the project's model " + model.path +
                             " is missing; pass --model PATH to point it elsewhere");
    case ModelCheck::Changed:
        warn(model.path + " changed since the project was saved; images may differ");
        break;
    default:
        break;
    }
    return model.path;
}

Status BatchRun::plan(const std::string& modelPath, const std::string& outDir, bool resume)
{
    auto model = describeModel(modelPath);
    if (!model)
        return model.status();
    m_project.model = model.value();

    m_outDir = outDir;
    std::error_code ec;
    fs::create_directories(outDir, ec);
    if (ec)
        return Status::error("cannot create the output folder " + outDir + ": " + ec.message());
    if (auto s = checkWritableFolder(outDir); !s)
        return s.withContext("the output folder");
    auto lock = FolderLock::acquire(outDir, FolderLock::kBatchLockName);
    if (!lock)
        return lock.status();
    m_lock = std::move(lock.value());
    m_manifestPath = outDir + "/manifest.json";

    const std::string config = batchConfigHash(m_project);
    m_manifest = {};
    if (fs::exists(m_manifestPath)) {
        auto old = readBatchManifest(m_manifestPath);
        if (!old && resume)
            return old.status();
        if (old && old->configHash == config)
            m_manifest = std::move(old.value());
        else if (old && resume)
            warn(m_manifestPath + " was made with other settings; rendering every seed again");
    }
    m_manifest.project = m_source;
    m_manifest.projectName = m_name;
    m_manifest.configHash = config;
    m_manifest.width = m_project.width;
    m_manifest.height = m_project.height;
    m_manifest.model = m_project.model;
    m_manifest.settings = m_project.settings;

    m_todo.clear();
    for (std::uint64_t seed : m_seeds) {
        if (!resume || !isFinished(seed))
            m_todo.push_back(seed);
    }
    return Status::ok();
}

std::string BatchRun::fileName(std::uint64_t seed) const
{
    return m_name + "-" + std::to_string(seed) + ".png";
}

bool BatchRun::isFinished(std::uint64_t seed) const
{
    const BatchImage* entry = m_manifest.find(seed);
    if (!entry || entry->file != fileName(seed) || entry->sha256.empty())
        return false;
    auto bytes = readFileBytes(m_outDir + "/" + entry->file, 1ull << 30);
    return bytes && Sha256::hex(bytes->data(), bytes->size()) == entry->sha256;
}

void BatchRun::warn(const std::string& message) const
{
    if (m_events.warning)
        m_events.warning(message);
}

Status BatchRun::run(const BatchRenderer& render, const std::atomic<bool>* stop)
{
    using Clock = std::chrono::steady_clock;
    for (std::size_t i = 0; i < m_todo.size(); ++i) {
        if (stop && stop->load())
            return Status::cancelled();
        const std::uint64_t seed = m_todo[i];
        if (m_events.imageStarted)
            m_events.imageStarted(i, seed);
        GenerateCallbacks callbacks; // no cancel flag: the image in flight completes
        callbacks.onProgress = m_events.step;
        const auto start = Clock::now();
        const GenerateRequest request = toGenerateRequest(m_project, seed, m_loraDirs);
        auto loras = recordLoras(request); // hashed once by useLoras(), remembered since
        if (!loras)
            return loras.status();
        auto image = render(request, callbacks);
        if (!image)
            return image.status().withContext("seed " + std::to_string(seed));
        const double seconds = std::chrono::duration<double>(Clock::now() - start).count();

        ProjectResult result = makeResult(m_project, std::move(image.value()), request);
        result.loras = std::move(loras.value());
        result.timestamp = resultTimestamp();
        auto png = encodeExportPng(m_project, result);
        if (!png)
            return png.status();
        const std::string path = m_outDir + "/" + fileName(seed);
        if (auto s = writeFileAtomic(path, png.value()); !s)
            return s;
        const BatchImage done{seed, fileName(seed), Sha256::hex(png->data(), png->size()), seconds,
                              result.timestamp};
        m_manifest.record(done);
        if (auto s = writeBatchManifest(m_manifestPath, m_manifest); !s)
            return s;
        ++m_rendered;
        if (m_events.imageFinished)
            m_events.imageFinished(done, path);
    }
    return Status::ok();
}

} // namespace md
