#pragma once

// GroupNorm statistics shared between the tiles of a tiled VAE pass. Each tile normalised
// with its own statistics drifts in tone from its neighbours and from the whole image (a
// tile of sky is normalised as if it were the whole picture); with ONE set of statistics,
// recorded on a small version of the whole image, every tile is normalised alike.
//
//   GroupNormStatistics stats;
//   { GroupNormStatistics::Scope record(stats, GroupNormStatistics::Mode::Record);
//     vae->encode(smallWholeImage); }
//   for each tile: { GroupNormStatistics::Scope replay(stats, GroupNormStatistics::Mode::Replay);
//                    vae->encode(tile); }
//
// While a Scope lives on a thread, every GroupNormLayer forward on that thread records the
// per-group mean and (biased) variance of its input (Record; the output is the usual one) or
// normalises with the next recorded pair instead of its input's (Replay; the n-th call uses
// the n-th pair, so the replayed network must run the same layers in the same order, as a
// VAE encoder or decoder does whatever its input size). Replaying past the recorded calls
// throws.

#include <cstddef>
#include <torch/types.h>
#include <utility>
#include <vector>

namespace md::nn {

class GroupNormStatistics
{
public:
    enum class Mode { Record, Replay };

    class Scope
    {
    public:
        Scope(GroupNormStatistics& statistics, Mode mode);
        ~Scope();
        Scope(const Scope&) = delete;
        Scope& operator=(const Scope&) = delete;

    private:
        GroupNormStatistics* m_previous;
    };

    // The statistics in use on this thread (null: each GroupNorm uses its input's own).
    static GroupNormStatistics* active();

    // group_norm(x, groups, weight, bias, eps) with recorded or replayed statistics.
    torch::Tensor normalize(const torch::Tensor& x, int64_t groups, const torch::Tensor& weight,
                            const torch::Tensor& bias, double eps);

    size_t size() const { return m_stats.size(); }

private:
    Mode m_mode = Mode::Record;
    size_t m_next = 0;
    std::vector<std::pair<torch::Tensor, torch::Tensor>> m_stats; // mean, var: [B, G]
};

} // namespace md::nn
