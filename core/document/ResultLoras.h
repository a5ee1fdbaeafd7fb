#pragma once

// The LoRAs a result records (ProjectResult::loras): their checks, their project JSON
// ("results[].loras", an optional addition within format 3: docs/project-format.md) and
// A1111's "Lora hashes" infotext field.

#include "document/Project.h"
#include "engine/Status.h"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace md {

// Names non-empty and unique, weights finite, hashes lower-case hex of at most 64 digits, at
// most kMaxResultLoras. `label` names the result in the message.
Status checkResultLoras(const std::vector<ResultLora>& loras, const std::string& label);

// [{"name": ..., "unetWeight": ..., "textWeight": ..., "hash": ...}] ("hash" left out when
// unknown).
nlohmann::ordered_json resultLorasJson(const std::vector<ResultLora>& loras);
// Reads "loras" of the result object at `path` (absent: none); the first error goes to
// *error (when that is still ok), prefixed by `what` as JsonFields does.
std::vector<ResultLora> readResultLoras(const nlohmann::json& result, const std::string& path,
                                        const std::string& what, Status* error);

// The value of A1111's "Lora hashes" field: "name1: 0123456789ab, name2: ..." with each
// file's short hash (LoraHash.h), names without ':' and ',' (as A1111 writes them); LoRAs
// with no known hash are left out, "" when none is left.
std::string loraHashesField(const std::vector<ResultLora>& loras);

} // namespace md
