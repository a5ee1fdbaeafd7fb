#include "engine/sampling/ScheduleMath.h"

#include <cmath>

namespace md::schedule {

std::vector<double> linspace(double start, double stop, int num)
{
    std::vector<double> out;
    if (num <= 0)
        return out;
    out.resize(static_cast<size_t>(num));
    if (num == 1) {
        out[0] = start;
        return out;
    }
    const double step = (stop - start) / static_cast<double>(num - 1);
    for (int i = 0; i < num; ++i)
        out[static_cast<size_t>(i)] = static_cast<double>(i) * step + start;
    out.back() = stop;
    return out;
}

std::vector<double> arange(double start, double stop, double step)
{
    std::vector<double> out;
    if (step == 0.0)
        return out;
    const double count = std::ceil((stop - start) / step);
    if (!(count > 0.0))
        return out;
    const double delta = (start + step) - start;
    const auto n = static_cast<size_t>(count);
    out.resize(n);
    for (size_t i = 0; i < n; ++i)
        out[i] = start + static_cast<double>(i) * delta;
    return out;
}

double roundHalfEven(double value)
{
    const double r = std::round(value);
    if (std::fabs(value - std::trunc(value)) == 0.5)
        return 2.0 * std::round(value / 2.0);
    return r;
}

double interpIndex(const std::vector<float>& table, double x)
{
    if (table.empty())
        return 0.0;
    const auto n = static_cast<double>(table.size());
    if (x <= 0.0)
        return table.front();
    if (x >= n - 1.0)
        return table.back();
    const auto j = static_cast<size_t>(std::floor(x));
    const double y0 = table[j];
    const double y1 = table[j + 1];
    const double slope = (y1 - y0) / 1.0;
    return slope * (x - static_cast<double>(j)) + y0;
}

} // namespace md::schedule
