#include "training/TrainingState.h"

#include "engine/io/DiffusersConfig.h"

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

namespace md {

Status TrainingState::write(const std::string& path) const
{
    nlohmann::json j{{"model", model},
                     {"seed", seed},
                     {"generator_version", generatorVersion},
                     {"stage", stage},
                     {"vae_step", vaeStep},
                     {"diffusion_step", diffusionStep},
                     {"scaling_factor", scalingFactor},
                     {"train_seconds", trainSeconds},
                     {"last_vae_loss", lastVaeLoss},
                     {"last_diffusion_loss", lastDiffusionLoss},
                     {"command", command}};
    const std::string tmp = path + ".tmp";
    {
        std::ofstream f(tmp);
        f << j.dump(2) << "\n";
        if (!f)
            return Status::error("cannot write " + tmp);
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0)
        return Status::error("cannot rename " + tmp + " to " + path);
    return Status::ok();
}

Result<TrainingState> TrainingState::read(const std::string& path)
{
    auto j = readJsonFile(path);
    if (!j)
        return j.status();
    try {
        TrainingState s;
        s.model = j->value("model", "");
        s.seed = j->value("seed", uint64_t(0));
        s.generatorVersion = j->value("generator_version", 0);
        s.stage = j->value("stage", "vae");
        s.vaeStep = j->value("vae_step", 0);
        s.diffusionStep = j->value("diffusion_step", 0);
        s.scalingFactor = j->value("scaling_factor", 0.0);
        s.trainSeconds = j->value("train_seconds", 0.0);
        s.lastVaeLoss = j->value("last_vae_loss", 0.0);
        s.lastDiffusionLoss = j->value("last_diffusion_loss", 0.0);
        s.command = j->value("command", "");
        return s;
    } catch (const std::exception& e) {
        return Status::error(path + ": " + e.what());
    }
}

} // namespace md
