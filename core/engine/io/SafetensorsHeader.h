#pragma once

// Parsing and validation of a safetensors header (the JSON after the 8-byte length).
// Internal to SafetensorsFile; separate so the checks can be read in one place. Free of
// libtorch (SafetensorsFile.cpp turns the entries into SafetensorsFile::TensorInfo), so the
// parser also builds on its own: the fuzz target tests/fuzz/safetensors_header.cpp.

#include "engine/Status.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace md {

// One tensor's entry (the fields of SafetensorsFile::TensorInfo).
struct SafetensorsEntry
{
    std::string name;
    std::string dtype;
    std::vector<int64_t> shape;
    uint64_t begin = 0; // byte offsets into the data buffer, end exclusive
    uint64_t end = 0;
};

struct SafetensorsHeader
{
    std::vector<SafetensorsEntry> tensors; // in offset order
    std::map<std::string, std::string> metadata;
};

// The largest header accepted (the reference implementation's bound).
constexpr uint64_t kMaxSafetensorsHeader = 100000000;

// Bytes per element of a safetensors dtype name; nullopt for an unknown name.
std::optional<size_t> safetensorsDtypeSize(const std::string& dtype);

// `fileName` prefixes every message; `header` points at the `headerLength` bytes after the
// length field, which are only read once 8 + headerLength <= fileSize has been checked.
Result<SafetensorsHeader> parseSafetensorsHeader(const std::string& fileName, const uint8_t* header,
                                                 uint64_t headerLength, uint64_t fileSize);

} // namespace md
