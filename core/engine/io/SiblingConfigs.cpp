#include "engine/io/SiblingConfigs.h"

#include "engine/io/CheckpointLayouts.h"
#include "engine/io/ConfigDetection.h"
#include "engine/io/DiffusersConfig.h"

namespace md {

namespace {

// Reads `path` with `parse` and checks it against `weights`; the parsed config, or the
// reason it does not describe them.
template <typename T, typename Parse, typename Check>
Result<T> readChecked(const std::string& path, Parse parse, Check check, const WeightSet& weights)
{
    auto json = readJsonFile(path);
    if (!json)
        return json.status();
    auto config = parse(json.value(), path);
    if (!config)
        return config.status();
    if (Status s = check(config.value(), weights, path); !s)
        return s;
    return config.value();
}

} // namespace

std::vector<std::string> siblingRoots(const std::string& path, const CheckpointOptions& options)
{
    std::vector<std::string> roots;
    roots.push_back(joinPath(parentPath(path), fileStem(path)));
    if (!options.tokenizerDir.empty()) {
        roots.push_back(options.tokenizerDir);
        roots.push_back(parentPath(options.tokenizerDir));
    }
    return roots;
}

AdoptedConfigs adoptSiblingConfigs(Checkpoint& ckpt, const std::string& path,
                                   const CheckpointOptions& options)
{
    const bool sdxl = ckpt.config.hasTextEncoder2;
    for (const std::string& root : siblingRoots(path, options)) {
        const std::string unetPath = joinPath(root, "unet/config.json");
        if (!isRegularFile(unetPath))
            continue;
        AdoptedConfigs result;
        ModelConfig candidate = ckpt.config;
        std::vector<std::string> adopted, rejected;
        auto take = [&](auto config, const std::string& file, auto& field, bool& flag) {
            if (config) {
                field = config.value();
                flag = true;
                adopted.push_back(file);
            } else {
                rejected.push_back(config.error());
            }
        };
        take(readChecked<UNetConfig>(unetPath, unetConfigFromJson, checkUNetConfig, ckpt.unet),
             unetPath, candidate.unet, result.unet);
        const std::string vaePath = joinPath(root, "vae/config.json");
        if (isRegularFile(vaePath))
            take(readChecked<VaeConfig>(vaePath, vaeConfigFromJson, checkVaeConfig, ckpt.vae),
                 vaePath, candidate.vae, result.vae);
        const std::string tePath = joinPath(root, "text_encoder/config.json");
        if (isRegularFile(tePath))
            take(readChecked<TextEncoderConfig>(tePath, textEncoderConfigFromJson,
                                                checkTextEncoderConfig, ckpt.textEncoder),
                 tePath, candidate.textEncoder, result.textEncoder);
        const std::string te2Path = joinPath(root, "text_encoder_2/config.json");
        if (sdxl && isRegularFile(te2Path))
            take(readChecked<TextEncoderConfig>(te2Path, textEncoderConfigFromJson,
                                                checkTextEncoderConfig, ckpt.textEncoder2),
                 te2Path, candidate.textEncoder2, result.textEncoder2);
        // The weights decide whether a projection is there (transformers' configs always
        // carry a projection_dim).
        candidate.textEncoder.hasProjection = ckpt.config.textEncoder.hasProjection;
        candidate.textEncoder2.hasProjection = ckpt.config.textEncoder2.hasProjection;
        if (!rejected.empty()) {
            for (const auto& r : rejected)
                ckpt.notes.push_back("ignored the diffusers folder " + root +
                                     " beside the file: a config does not match it: " + r);
            continue;
        }
        const std::string schedulerPath = joinPath(root, "scheduler/scheduler_config.json");
        if (isRegularFile(schedulerPath)) {
            auto json = readJsonFile(schedulerPath);
            auto c = json ? schedulerConfigFromJson(json.value(), schedulerPath)
                          : Result<SchedulerConfig>(json.status());
            if (c) {
                candidate.scheduler = c.value();
                result.scheduler = true;
                adopted.push_back(schedulerPath);
            } else {
                ckpt.notes.push_back("ignored " + c.error());
            }
        }
        const std::string indexPath = joinPath(root, "model_index.json");
        if (sdxl && isRegularFile(indexPath)) {
            auto json = readJsonFile(indexPath);
            if (json && json->is_object() && json->contains("force_zeros_for_empty_prompt") &&
                json->at("force_zeros_for_empty_prompt").is_boolean()) {
                candidate.forceZerosForEmptyPrompt =
                    json->at("force_zeros_for_empty_prompt").get<bool>();
                adopted.push_back(indexPath);
            }
        }
        ckpt.config = candidate;
        std::string list;
        for (const auto& a : adopted)
            list += (list.empty() ? "" : ", ") + a;
        ckpt.notes.push_back("used the configs beside the file (they match its weights): " + list);
        return result;
    }
    return AdoptedConfigs();
}

} // namespace md
