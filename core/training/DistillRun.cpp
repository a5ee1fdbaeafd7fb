#include "training/DistillRun.h"

#include "training/ConsistencyDistiller.h"
#include "training/EmbeddedTrainer.h"
#include "training/PngWriter.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <sstream>

namespace md {

namespace fs = std::filesystem;

namespace {

std::string fixed(double v, int digits)
{
    std::ostringstream s;
    s << std::fixed << std::setprecision(digits) << v;
    return s.str();
}

Status writeSummary(const ConsistencyDistiller& d, double seconds, double lastLoss)
{
    const ConsistencyDistillOptions& o = d.options();
    nlohmann::json j;
    j["teacher"] = o.model;
    j["variant_file"] = std::string("unet/") + ConsistencyDistiller::kVariantFile;
    j["steps"] = d.stepsDone();
    j["steps_asked"] = o.steps;
    j["batch"] = o.batch;
    j["lr"] = o.lr;
    j["warmup"] = o.warmupSteps;
    j["guidance"] = o.guidance;
    j["ema"] = o.emaDecay;
    j["huber_c"] = o.huberC;
    j["schedule_points"] = o.schedulePoints;
    j["image_size"] = o.imageSize;
    j["pool"] = o.poolSize;
    j["pool_refresh"] = o.poolRefresh;
    j["partial_captions"] = o.partialCaptions;
    j["noise_offset"] = o.noiseOffset;
    j["seed"] = o.seed;
    j["device"] = d.device().str();
    j["seconds"] = seconds;
    j["last_loss"] = lastLoss;
    j["generator_version"] = SceneGenerator::kVersion;
    j["command"] = o.command;
    std::ofstream f(fs::path(o.out) / "distil.json");
    f << j.dump(2) << "\n";
    return f ? Status::ok() : Status::error("cannot write " + o.out + "/distil.json");
}

} // namespace

Status DistillRun::run(const ConsistencyDistillOptions& options, const Log& log)
{
    auto say = [&](const std::string& line) {
        if (log)
            log(line);
    };
    ConsistencyDistiller d(options, log);
    const ConsistencyDistillOptions& o = d.options(); // with sizes resolved by prepare()
    const auto start = std::chrono::steady_clock::now();
    auto elapsed = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    try {
        if (Status s = d.prepare(); !s)
            return s;
        const fs::path out(o.out);
        fs::create_directories(out);
        std::ofstream tsv(out / "distil-log.tsv");
        tsv << "step\tloss\tlr\tseconds\n";
        double sum = 0, last = 0;
        int count = 0;
        auto t0 = std::chrono::steady_clock::now();
        while (d.stepsDone() < o.steps) {
            if (o.maxSeconds > 0 && elapsed() >= o.maxSeconds) {
                say("time limit (" + std::to_string(int(o.maxSeconds)) + " s) at step " +
                    std::to_string(d.stepsDone()) + ": exporting");
                break;
            }
            const double lr = d.learningRate();
            last = d.step().loss;
            sum += last;
            ++count;
            const int done = d.stepsDone();
            if (done % std::max(1, o.logEvery) != 0 && done != o.steps)
                continue;
            const double secs =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            std::ostringstream line;
            line << "distil " << done << "/" << o.steps << " loss " << std::fixed
                 << std::setprecision(5) << sum / count << " lr " << std::scientific
                 << std::setprecision(2) << lr << " " << std::fixed << std::setprecision(2)
                 << count / secs << " it/s, " << std::setprecision(0) << elapsed() << " s";
            say(line.str());
            tsv << done << "\t" << sum / count << "\t" << lr << "\t" << elapsed() << "\n";
            sum = 0;
            count = 0;
            t0 = std::chrono::steady_clock::now();
        }
        if (Status s = d.exportTo(o.out); !s)
            return s;
        if (Status s = writeSummary(d, elapsed(), last); !s)
            return s;
        say("exported " + (out / "unet" / ConsistencyDistiller::kVariantFile).string() + " after " +
            std::to_string(d.stepsDone()) + " steps, " + std::to_string(int(elapsed())) + " s");
        if (o.previewSteps > 0) {
            auto images = d.preview(EmbeddedTrainer::samplePrompts(), o.seed);
            if (images.size(2) > 256)
                images = torch::avg_pool2d(images, images.size(2) / 256);
            const std::string file = (out / "preview.png").string();
            if (Status s = PngWriter::write(file, PngWriter::grid(images, 4, true)); !s)
                return s;
            std::string what = "student: LCM " + std::to_string(o.previewSteps) + " steps, CFG 1";
            if (o.previewTeacherSteps > 0)
                what += "; below, the teacher: DDIM " + std::to_string(o.previewTeacherSteps) +
                        " steps, CFG " + fixed(o.guidance, 1);
            say("wrote " + file + " (" + what + ") at " + std::to_string(int(elapsed())) + " s");
        }
        return Status::ok();
    } catch (const std::exception& e) {
        return Status::error(std::string("distillation failed: ") + e.what());
    }
}

} // namespace md
