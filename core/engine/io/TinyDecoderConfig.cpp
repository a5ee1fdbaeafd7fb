#include "engine/io/TinyDecoderConfig.h"

#include "engine/io/TextHelpers.h"

#include <cctype>
#include <nlohmann/json.hpp>

namespace md {

namespace {

using json = nlohmann::json;
using Shapes = std::map<std::string, std::vector<int64_t>>; // suffix -> shape

constexpr int kMaxChannels = 4096;
constexpr int kMaxLevels = 8;
constexpr int kMaxBlocks = 32;

// Reads an integer list or a single integer; nullopt-like empty vector when absent.
Status readInts(const json& j, const char* key, std::vector<int>& out, const std::string& source)
{
    if (!j.contains(key) || j.at(key).is_null())
        return Status::ok();
    const json& v = j.at(key);
    std::vector<int> values;
    const auto take = [&](const json& e) {
        if (!e.is_number_integer() || e.get<int64_t>() < 0 || e.get<int64_t>() > kMaxChannels)
            return false;
        values.push_back(static_cast<int>(e.get<int64_t>()));
        return true;
    };
    bool ok = true;
    if (v.is_array()) {
        for (const json& e : v)
            ok = ok && take(e);
    } else {
        ok = take(v);
    }
    if (!ok || values.empty())
        return Status::error(source + ": \"" + key +
                             "\" should be a list of integers between 0 and " +
                             std::to_string(kMaxChannels) + ", got " + v.dump());
    out = std::move(values);
    return Status::ok();
}

Status readInt(const json& j, const char* key, int lo, int hi, int& out, const std::string& source)
{
    if (!j.contains(key) || j.at(key).is_null())
        return Status::ok();
    const json& v = j.at(key);
    if (!v.is_number_integer() || v.get<int64_t>() < lo || v.get<int64_t>() > hi)
        return Status::error(source + ": \"" + key + "\" should be an integer between " +
                             std::to_string(lo) + " and " + std::to_string(hi) + ", got " +
                             v.dump());
    out = static_cast<int>(v.get<int64_t>());
    return Status::ok();
}

Status checkShape(const TinyDecoderConfig& c, const std::string& source)
{
    const size_t levels = c.blockOutChannels.size();
    if (levels == 0 || levels > kMaxLevels)
        return Status::error(source + ": a tiny decoder needs 1 to " + std::to_string(kMaxLevels) +
                             " levels, got " + std::to_string(levels));
    if (c.numBlocks.size() != levels)
        return Status::error(source + ": " + std::to_string(c.numBlocks.size()) +
                             " block counts for " + std::to_string(levels) + " levels");
    for (size_t i = 0; i < levels; ++i) {
        // DecoderTiny keeps one width: each level's blocks take what the level before made.
        if (c.blockOutChannels[i] != c.blockOutChannels[0] || c.blockOutChannels[i] < 1)
            return Status::error(source + ": the levels have different widths (" +
                                 std::to_string(c.blockOutChannels[0]) + " and " +
                                 std::to_string(c.blockOutChannels[i]) +
                                 " channels); a tiny decoder keeps one");
        if (c.numBlocks[i] < 0 || c.numBlocks[i] > kMaxBlocks)
            return Status::error(source + ": level " + std::to_string(i) + " has " +
                                 std::to_string(c.numBlocks[i]) + " blocks");
    }
    if (c.latentChannels < 1 || c.latentChannels > 64 || c.outChannels < 1 || c.outChannels > 64)
        return Status::error(source + ": latent or image channels out of range");
    return Status::ok();
}

bool isConv(const Shapes& t, bool withBias, int64_t& out, int64_t& in)
{
    const auto w = t.find("weight");
    if (w == t.end() || w->second.size() != 4 || w->second[2] != 3 || w->second[3] != 3)
        return false;
    const auto b = t.find("bias");
    if (withBias != (b != t.end()) || t.size() != (withBias ? 2u : 1u))
        return false;
    if (withBias && (b->second.size() != 1 || b->second[0] != w->second[0]))
        return false;
    out = w->second[0];
    in = w->second[1];
    return true;
}

// A block of `channels` -> `channels`: conv.{0,2,4}.{weight,bias}, 3x3, no skip conv.
bool isBlock(const Shapes& t, int64_t channels)
{
    if (t.size() != 6)
        return false;
    for (const char* conv : {"conv.0.", "conv.2.", "conv.4."}) {
        const auto w = t.find(std::string(conv) + "weight");
        const auto b = t.find(std::string(conv) + "bias");
        if (w == t.end() || b == t.end())
            return false;
        if (w->second != std::vector<int64_t>{channels, channels, 3, 3} ||
            b->second != std::vector<int64_t>{channels})
            return false;
    }
    return true;
}

std::string describeLayer(const Shapes& t)
{
    std::string s;
    for (const auto& [suffix, shape] : t)
        s += (s.empty() ? "" : ", ") + suffix + " " + shapeText(shape);
    return s;
}

} // namespace

int TinyDecoderConfig::scaleFactor() const
{
    int f = 1;
    for (size_t i = 1; i < blockOutChannels.size(); ++i)
        f *= upsamplingFactor;
    return f;
}

bool TinyDecoderConfig::operator==(const TinyDecoderConfig& o) const
{
    return latentChannels == o.latentChannels && outChannels == o.outChannels &&
           blockOutChannels == o.blockOutChannels && numBlocks == o.numBlocks &&
           upsamplingFactor == o.upsamplingFactor;
}

Result<TinyDecoderConfig> tinyDecoderConfigFromJson(const json& j, const std::string& source)
{
    if (!j.is_object())
        return Status::error(source + ": not a JSON object");
    if (j.contains("_class_name") && j.at("_class_name").is_string() &&
        j.at("_class_name").get<std::string>() != "AutoencoderTiny")
        return Status::error(source + ": a " + j.at("_class_name").get<std::string>() +
                             " config; a tiny decoder is an AutoencoderTiny (TAESD)");
    for (const char* key : {"act_fn", "upsample_fn"}) {
        const std::string expected = std::string(key) == "act_fn" ? "relu" : "nearest";
        if (j.contains(key) && !(j.at(key).is_string() && j.at(key).get<std::string>() == expected))
            return Status::error(source + ": \"" + key + "\" " + j.at(key).dump() +
                                 " is not supported (only \"" + expected + "\", TAESD's)");
    }
    TinyDecoderConfig c;
    Status s;
    if (!(s = readInt(j, "latent_channels", 1, 64, c.latentChannels, source)) ||
        !(s = readInt(j, "out_channels", 1, 64, c.outChannels, source)) ||
        !(s = readInt(j, "upsampling_scaling_factor", 1, 4, c.upsamplingFactor, source)) ||
        !(s = readInts(j, "decoder_block_out_channels", c.blockOutChannels, source)) ||
        !(s = readInts(j, "num_decoder_blocks", c.numBlocks, source)))
        return s;
    if (auto shape = checkShape(c, source); !shape)
        return shape;
    return c;
}

Result<TinyDecoderConfig>
tinyDecoderConfigFromShapes(const std::map<std::string, std::vector<int64_t>>& shapes,
                            const std::string& source)
{
    const auto fail = [&source](const std::string& why) {
        return Status::error(source + ": not a tiny (TAESD) decoder: " + why);
    };
    std::map<int, Shapes> layers;
    for (const auto& [name, shape] : shapes) {
        size_t i = 7; // after "layers."
        if (name.rfind("layers.", 0) != 0 || i >= name.size() || !std::isdigit(name[i]))
            return fail("unexpected tensor " + name);
        int index = 0;
        while (i < name.size() && std::isdigit(static_cast<unsigned char>(name[i])) &&
               index < 100000)
            index = index * 10 + (name[i++] - '0');
        if (i >= name.size() || name[i] != '.')
            return fail("unexpected tensor " + name);
        layers[index][name.substr(i + 1)] = shape;
    }
    if (layers.empty())
        return fail("no tensors");
    int64_t channels = 0;
    int64_t latent = 0;
    if (layers.begin()->first != 0 || !isConv(layers.begin()->second, true, channels, latent))
        return fail("its first layer should be a 3x3 conv from the latents (layers.0.weight and "
                    ".bias)");
    TinyDecoderConfig c;
    c.latentChannels = static_cast<int>(latent);
    c.blockOutChannels.clear();
    c.numBlocks.clear();
    const int last = layers.rbegin()->first;
    int next = 2; // index 1 is the ReLU
    while (true) {
        int blocks = 0;
        while (layers.count(next) && isBlock(layers.at(next), channels)) {
            ++blocks;
            ++next;
        }
        c.blockOutChannels.push_back(static_cast<int>(channels));
        c.numBlocks.push_back(blocks);
        int64_t out = 0;
        int64_t in = 0;
        if (next == last && isConv(layers.at(next), true, out, in) && in == channels) {
            c.outChannels = static_cast<int>(out);
            break;
        }
        // Upsampling at `next` (no tensors), then the level's conv without bias.
        if (!layers.count(next) && layers.count(next + 1) &&
            isConv(layers.at(next + 1), false, out, in) && in == channels && out == channels &&
            c.blockOutChannels.size() < kMaxLevels) {
            next += 2;
            continue;
        }
        const int at = layers.count(next) ? next : next + 1;
        if (!layers.count(at))
            return fail("nothing at layers." + std::to_string(next) + " or after it");
        return fail("layers." + std::to_string(at) + " (" + describeLayer(layers.at(at)) +
                    ") is neither a block of " + std::to_string(channels) +
                    " channels nor a level's conv");
    }
    if (auto shape = checkShape(c, source); !shape)
        return shape;
    return c;
}

} // namespace md
