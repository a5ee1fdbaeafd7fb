#include "training/ModelAssembler.h"

#include "training/EmbeddedModelSpec.h"
#include "training/TrainingState.h"

#include <filesystem>
#include <fstream>

namespace md {

namespace fs = std::filesystem;

Status ModelAssembler::assemble(const std::string& exportDir, const std::string& tokenizerModel,
                                const std::string& outDir)
{
    try {
        auto state = TrainingState::read((fs::path(exportDir) / "state.json").string());
        if (!state)
            return state.status();
        if (state->stage != "done")
            return Status::error(exportDir + ": training is not finished (stage " + state->stage +
                                 "); resume it first");
        auto spec = EmbeddedModelSpec::preset(state->model);
        if (!spec)
            return spec.status();
        spec->config.vae.scalingFactor = state->scalingFactor;
        const fs::path out(outDir);
        Status s = spec->writeConfigs(outDir);
        if (!s)
            return s;
        const std::pair<const char*, fs::path> files[] = {
            {"unet.safetensors", out / "unet" / "diffusion_pytorch_model.safetensors"},
            {"vae.safetensors", out / "vae" / "diffusion_pytorch_model.safetensors"},
            {"text_encoder.safetensors", out / "text_encoder" / "model.safetensors"},
        };
        for (const auto& [name, target] : files) {
            const fs::path source = fs::path(exportDir) / name;
            if (!fs::exists(source))
                return Status::error(source.string() + " is missing");
            fs::copy_file(source, target, fs::copy_options::overwrite_existing);
        }
        fs::create_directories(out / "tokenizer");
        const fs::path spiece = out / "tokenizer" / "spiece.model";
        if (!fs::exists(spiece) || !fs::equivalent(tokenizerModel, spiece))
            fs::copy_file(tokenizerModel, spiece, fs::copy_options::overwrite_existing);
        std::ofstream f(out / "tokenizer" / "tokenizer_config.json");
        f << EmbeddedModelSpec::tokenizerConfigJson(spec->config.textEncoder.maxPositionEmbeddings)
                 .dump(2)
          << "\n";
        if (!f)
            return Status::error("cannot write " + (out / "tokenizer").string());
        return Status::ok();
    } catch (const std::exception& e) {
        return Status::error("assembling " + outDir + ": " + e.what());
    }
}

} // namespace md
