#pragma once

// Typed reads from a JSON object that remember the first problem with its JSON path
// ("regions[2].strength: expected a number, found a string"). Reads after an error return
// the default, so parsing code can read everything and check status() once.

#include "engine/Status.h"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace md {

class JsonFields
{
public:
    // `path` names the object, e.g. "regions[2]" ("" for the top level); `what` prefixes every
    // message (usually the file name). Errors go to *firstError if that is still ok.
    JsonFields(const nlohmann::json& object, std::string path, std::string what,
               Status* firstError);

    bool ok() const { return m_error->isOk(); }
    bool has(const char* key) const;
    std::string path(const char* key) const;

    std::string string(const char* key, const std::string& fallback, bool required = false);
    bool boolean(const char* key, bool fallback, bool required = false);
    std::int64_t integer(const char* key, std::int64_t fallback, std::int64_t min, std::int64_t max,
                         bool required = false);
    std::uint64_t unsigned64(const char* key, std::uint64_t fallback, bool required = false);
    double number(const char* key, double fallback, bool required = false);
    // nullptr when absent (and not required) or on error.
    const nlohmann::json* array(const char* key, bool required = false);
    const nlohmann::json* object(const char* key, bool required = false);

    void fail(const std::string& key, const std::string& message);

    static std::string typeName(const nlohmann::json& j);

private:
    const nlohmann::json* find(const char* key, bool required);
    void typeError(const char* key, const char* expected, const nlohmann::json& found);

    const nlohmann::json& m_object;
    std::string m_path;
    std::string m_what;
    Status* m_error;
};

} // namespace md
