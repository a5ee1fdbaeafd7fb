#pragma once

// Parsing and validation of a safetensors header (the JSON after the 8-byte length).
// Internal to SafetensorsFile; separate so the checks can be read in one place.

#include "engine/Status.h"
#include "engine/io/SafetensorsFile.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace md {

struct SafetensorsHeader
{
    std::vector<SafetensorsFile::TensorInfo> tensors; // in offset order
    std::map<std::string, std::string> metadata;
};

// The largest header accepted (the reference implementation's bound).
constexpr uint64_t kMaxSafetensorsHeader = 100000000;

// `fileName` prefixes every message; `header` points at the `headerLength` bytes after the
// length field, which are only read once 8 + headerLength <= fileSize has been checked.
Result<SafetensorsHeader> parseSafetensorsHeader(const std::string& fileName, const uint8_t* header,
                                                 uint64_t headerLength, uint64_t fileSize);

} // namespace md
