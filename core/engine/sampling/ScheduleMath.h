#pragma once

// Small numeric helpers that reproduce numpy's rules exactly (diffusers builds its timestep
// and sigma schedules with numpy, and we must land on the same numbers to 1e-9).

#include <vector>

namespace md::schedule {

// numpy.linspace(start, stop, num) in float64: start + i * ((stop - start) / (num - 1)),
// the last element exactly `stop`.
std::vector<double> linspace(double start, double stop, int num);

// numpy.arange(start, stop, step) for a float step (of either sign): start + i * delta with
// delta = (start + step) - start, length ceil((stop - start) / step).
std::vector<double> arange(double start, double stop, double step);

// numpy.round: round half to even.
double roundHalfEven(double value);

// numpy.interp(x, [0, 1, ..., n-1], table) for x inside the table's range (clamped outside).
double interpIndex(const std::vector<float>& table, double x);

} // namespace md::schedule
