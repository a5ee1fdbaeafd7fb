#include "BatchProgress.h"

#include <cstdio>
#include <unistd.h>

namespace md::cli {

namespace {

std::string clock(double seconds)
{
    if (!(seconds >= 0) || seconds > 1e7)
        return "--:--";
    const long s = long(seconds + 0.5);
    char buf[32];
    if (s >= 3600)
        std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
    else
        std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
    return buf;
}

} // namespace

BatchProgress::BatchProgress(int images, int stepsPerImage, bool quiet)
    : m_images(images), m_steps(stepsPerImage), m_quiet(quiet), m_tty(isatty(2) != 0)
{
}

void BatchProgress::startImage(int index, std::uint64_t seed)
{
    m_index = index;
    m_seed = seed;
    if (!m_started) {
        m_start = Clock::now();
        m_started = true;
    }
    draw(0);
}

void BatchProgress::step(int done)
{
    if (done != m_lastStep) // the engine reports each UNet batch; redraw per step
        draw(done);
}

void BatchProgress::finishImage(const std::string& file, double seconds)
{
    ++m_finished;
    if (m_quiet)
        return;
    if (m_tty)
        std::fprintf(stderr, "\r\033[K");
    std::fprintf(stderr, "[%d/%d] seed %llu: wrote %s (%.2f s, ETA %s)\n", m_index + 1, m_images,
                 static_cast<unsigned long long>(m_seed), file.c_str(), seconds,
                 clock(eta(0)).c_str());
}

void BatchProgress::line(const std::string& text)
{
    if (m_quiet)
        return;
    if (m_tty)
        std::fprintf(stderr, "\r\033[K");
    std::fprintf(stderr, "%s\n", text.c_str());
}

double BatchProgress::eta(int stepInImage) const
{
    const double elapsed = std::chrono::duration<double>(Clock::now() - m_start).count();
    const double stepsDone = double(m_finished) * m_steps + stepInImage;
    const double stepsLeft = double(m_images - m_finished) * m_steps - stepInImage;
    if (stepsDone <= 0)
        return -1;
    return elapsed / stepsDone * stepsLeft;
}

void BatchProgress::draw(int stepInImage)
{
    m_lastStep = stepInImage;
    if (m_quiet || !m_tty)
        return;
    const int width = 24;
    const double total = double(m_images) * m_steps;
    const double done = double(m_finished) * m_steps + stepInImage;
    const int filled = total > 0 ? int(width * done / total) : 0;
    std::string bar(std::size_t(filled), '#');
    bar.resize(width, '-');
    std::fprintf(stderr, "\r\033[K[%s] %d/%d seed %llu step %d/%d ETA %s", bar.c_str(), m_index + 1,
                 m_images, static_cast<unsigned long long>(m_seed), stepInImage, m_steps,
                 clock(eta(stepInImage)).c_str());
    std::fflush(stderr);
}

} // namespace md::cli
