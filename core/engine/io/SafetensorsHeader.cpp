#include "engine/io/SafetensorsHeader.h"

#include "engine/io/TextHelpers.h"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

namespace md {

namespace {

using json = nlohmann::json;

constexpr int kMaxDepth = 64;

struct HeaderError : std::runtime_error
{
    using std::runtime_error::runtime_error;
};

std::string printable(const std::string& s)
{
    // Keys come from a hostile file: keep messages printable and short.
    std::string out = "'";
    for (size_t i = 0; i < s.size() && i < 200; ++i) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        out += (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c);
    }
    if (s.size() > 200)
        out += "...";
    return out + "'";
}

// Returns the byte offset of the first invalid UTF-8 sequence, or -1.
int64_t firstInvalidUtf8(const uint8_t* p, uint64_t n)
{
    uint64_t i = 0;
    while (i < n) {
        uint8_t c = p[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        int len = 0;
        uint32_t cp = 0;
        if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return static_cast<int64_t>(i);
        }
        if (i + len > n)
            return static_cast<int64_t>(i);
        for (int k = 1; k < len; ++k) {
            if ((p[i + k] & 0xC0) != 0x80)
                return static_cast<int64_t>(i);
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        const bool overlong =
            (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
        if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return static_cast<int64_t>(i);
        i += len;
    }
    return -1;
}

json parseJson(const uint8_t* header, uint64_t n)
{
    // nlohmann keeps the last of duplicate keys; safetensors forbids duplicates, so track
    // the keys of every open object. The depth bound keeps a hostile "[[[[..." cheap.
    std::vector<std::set<std::string>> open;
    json::parser_callback_t callback = [&open](int depth, json::parse_event_t event, json& parsed) {
        switch (event) {
        case json::parse_event_t::object_start:
            if (depth > kMaxDepth)
                throw HeaderError("JSON nested deeper than " + std::to_string(kMaxDepth));
            open.emplace_back();
            break;
        case json::parse_event_t::array_start:
            if (depth > kMaxDepth)
                throw HeaderError("JSON nested deeper than " + std::to_string(kMaxDepth));
            break;
        case json::parse_event_t::object_end:
            if (!open.empty())
                open.pop_back();
            break;
        case json::parse_event_t::key:
            if (!open.empty() && parsed.is_string() &&
                !open.back().insert(parsed.get<std::string>()).second)
                throw HeaderError("the key " + printable(parsed.get<std::string>()) +
                                  " appears twice (duplicate keys are not allowed)");
            break;
        default:
            break;
        }
        return true;
    };
    const char* begin = reinterpret_cast<const char*>(header);
    return json::parse(begin, begin + n, callback, true, false);
}

bool readUnsigned(const json& v, uint64_t& out)
{
    if (!v.is_number_unsigned())
        return false;
    out = v.get<uint64_t>();
    return true;
}

Result<SafetensorsEntry> readEntry(const std::string& file, const std::string& key,
                                   const json& entry)
{
    const std::string where = file + ": tensor " + printable(key);
    if (!entry.is_object())
        return Status::error(where + ": header entry is not a JSON object");
    auto dtypeIt = entry.find("dtype");
    auto shapeIt = entry.find("shape");
    auto offsetsIt = entry.find("data_offsets");
    if (dtypeIt == entry.end() || !dtypeIt->is_string())
        return Status::error(where + ": missing or non-string \"dtype\"");
    if (shapeIt == entry.end() || !shapeIt->is_array())
        return Status::error(where + ": missing or non-array \"shape\"");
    if (offsetsIt == entry.end() || !offsetsIt->is_array() || offsetsIt->size() != 2)
        return Status::error(where + ": \"data_offsets\" must be an array [begin, end]");

    SafetensorsEntry info;
    info.name = key;
    info.dtype = dtypeIt->get<std::string>();
    auto elementSize = safetensorsDtypeSize(info.dtype);
    if (!elementSize)
        return Status::error(where + " has unknown or unsupported dtype " + printable(info.dtype));

    uint64_t numel = 1;
    bool overflow = false;
    for (const json& dim : *shapeIt) {
        if (dim.is_number_integer() && !dim.is_number_unsigned())
            return Status::error(where + " has a negative dimension " +
                                 std::to_string(dim.get<int64_t>()) + " in its shape");
        uint64_t d = 0;
        if (!readUnsigned(dim, d) || d > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
            return Status::error(where + ": shape entries must be non-negative integers, got " +
                                 dim.dump());
        info.shape.push_back(static_cast<int64_t>(d));
        if (__builtin_mul_overflow(numel, d, &numel))
            overflow = true;
    }
    if (info.shape.size() > 64)
        return Status::error(where + " has " + std::to_string(info.shape.size()) +
                             " dimensions (at most 64 are supported)");
    if (!readUnsigned((*offsetsIt)[0], info.begin) || !readUnsigned((*offsetsIt)[1], info.end))
        return Status::error(where + ": data_offsets must be non-negative integers, got " +
                             offsetsIt->dump());
    if (info.end < info.begin)
        return Status::error(where + " has data_offsets [" + std::to_string(info.begin) + ", " +
                             std::to_string(info.end) + "] that end before they begin");
    uint64_t needed = 0;
    if (overflow || __builtin_mul_overflow(numel, *elementSize, &needed))
        return Status::error(where + ": shape " + shapeText(info.shape, ",") + " of " + info.dtype +
                             " is too large (its byte size overflows 64 bits)");
    const uint64_t have = info.end - info.begin;
    if (have != needed)
        return Status::error(where + " has " + std::to_string(have) + " bytes but shape " +
                             shapeText(info.shape, ",") + " of " + info.dtype + " needs " +
                             std::to_string(needed));
    return info;
}

Status checkLayout(const std::string& file, std::vector<SafetensorsEntry>& tensors,
                   uint64_t dataStart, uint64_t fileSize)
{
    std::sort(tensors.begin(), tensors.end(), [](const auto& a, const auto& b) {
        if (a.begin != b.begin)
            return a.begin < b.begin;
        if (a.end != b.end)
            return a.end < b.end;
        return a.name < b.name;
    });
    uint64_t cursor = 0;
    const SafetensorsEntry* previous = nullptr;
    for (const auto& t : tensors) {
        const std::string range =
            "[" + std::to_string(t.begin) + ", " + std::to_string(t.end) + ")";
        if (t.begin < cursor)
            return Status::error(file + ": tensors " + printable(previous->name) + " [" +
                                 std::to_string(previous->begin) + ", " +
                                 std::to_string(previous->end) + ") and " + printable(t.name) +
                                 " " + range + " overlap");
        if (t.begin > cursor) {
            std::string before = previous ? "the previous tensor " + printable(previous->name) +
                                                " ends at byte " + std::to_string(cursor)
                                          : "the data buffer starts at byte 0";
            return Status::error(file + ": tensor " + printable(t.name) + " starts at byte " +
                                 std::to_string(t.begin) + " but " + before + " (a gap of " +
                                 std::to_string(t.begin - cursor) + " bytes)");
        }
        cursor = t.end;
        previous = &t;
    }
    uint64_t expected = 0;
    if (__builtin_add_overflow(dataStart, cursor, &expected) || expected > fileSize)
        return Status::error(file + ": the file is truncated: its tensor data needs " +
                             std::to_string(cursor) + " bytes after the header but only " +
                             std::to_string(fileSize - dataStart) + " are present");
    if (expected < fileSize)
        return Status::error(file + ": " + std::to_string(fileSize - expected) +
                             " trailing bytes after the last tensor (the data ends at byte " +
                             std::to_string(expected) + " of " + std::to_string(fileSize) +
                             "; incomplete or corrupt header)");
    return Status::ok();
}

} // namespace

std::optional<size_t> safetensorsDtypeSize(const std::string& dtype)
{
    static const std::map<std::string, size_t> sizes = {
        {"BOOL", 1}, {"U8", 1},  {"I8", 1},   {"F8_E4M3", 1}, {"F8_E5M2", 1}, {"I16", 2},
        {"U16", 2},  {"F16", 2}, {"BF16", 2}, {"I32", 4},     {"U32", 4},     {"F32", 4},
        {"I64", 8},  {"U64", 8}, {"F64", 8},  {"C64", 8}};
    auto it = sizes.find(dtype);
    if (it == sizes.end())
        return std::nullopt;
    return it->second;
}

Result<SafetensorsHeader> parseSafetensorsHeader(const std::string& file, const uint8_t* header,
                                                 uint64_t n, uint64_t fileSize)
{
    if (n > kMaxSafetensorsHeader)
        return Status::error(file + ": header length " + std::to_string(n) +
                             " exceeds the limit of " + std::to_string(kMaxSafetensorsHeader) +
                             " bytes (not a safetensors file, or a corrupt one)");
    uint64_t dataStart = 0;
    if (__builtin_add_overflow(uint64_t{8}, n, &dataStart) || dataStart > fileSize)
        return Status::error(file + ": header length " + std::to_string(n) +
                             " runs past the end of the file (" + std::to_string(fileSize) +
                             " bytes): truncated or not a safetensors file");
    if (int64_t bad = firstInvalidUtf8(header, n); bad >= 0)
        return Status::error(file + ": header is not valid UTF-8 (bad byte at header offset " +
                             std::to_string(bad) + ")");
    json root;
    try {
        root = parseJson(header, n);
    } catch (const HeaderError& e) {
        return Status::error(file + ": invalid header: " + e.what());
    } catch (const std::exception& e) {
        return Status::error(file + ": header is not valid JSON: " + e.what());
    }
    if (!root.is_object())
        return Status::error(file + ": header is not a JSON object");

    SafetensorsHeader out;
    for (auto it = root.begin(); it != root.end(); ++it) {
        if (it.key() == "__metadata__") {
            if (!it->is_object())
                return Status::error(file + ": __metadata__ is not a JSON object");
            for (auto m = it->begin(); m != it->end(); ++m) {
                if (!m->is_string())
                    return Status::error(file + ": __metadata__ value for " + printable(m.key()) +
                                         " is not a string");
                out.metadata[m.key()] = m->get<std::string>();
            }
            continue;
        }
        auto info = readEntry(file, it.key(), *it);
        if (!info)
            return info.status();
        out.tensors.push_back(std::move(info.value()));
    }
    if (Status s = checkLayout(file, out.tensors, dataStart, fileSize); !s)
        return s;
    return out;
}

} // namespace md
