#pragma once

// Progress of `mdstudio-cli batch` over the whole batch on stderr: a redrawn bar on a terminal,
// one line per finished image otherwise; nothing with `quiet`.

#include <chrono>
#include <cstdint>
#include <string>

namespace md::cli {

class BatchProgress
{
public:
    BatchProgress(int images, int stepsPerImage, bool quiet);

    void startImage(int index, std::uint64_t seed);
    void step(int done);
    void finishImage(const std::string& file, double seconds);
    void line(const std::string& text);

private:
    using Clock = std::chrono::steady_clock;
    // Seconds left: remaining steps at the average step time of this run so far.
    double eta(int stepInImage) const;
    void draw(int stepInImage);

    int m_images;
    int m_steps;
    bool m_quiet;
    bool m_tty;
    int m_index = 0;
    int m_finished = 0;
    int m_lastStep = -1;
    std::uint64_t m_seed = 0;
    bool m_started = false;
    Clock::time_point m_start;
};

} // namespace md::cli
