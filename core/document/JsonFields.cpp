#include "document/JsonFields.h"

#include <cmath>

namespace md {

JsonFields::JsonFields(const nlohmann::json& object, std::string path, std::string what,
                       Status* firstError)
    : m_object(object), m_path(std::move(path)), m_what(std::move(what)), m_error(firstError)
{
    if (!m_object.is_object() && m_error->isOk()) {
        *m_error = Status::error(m_what + ": " + (m_path.empty() ? "the document" : m_path) +
                                 ": expected an object, found " + typeName(m_object));
    }
}

std::string JsonFields::typeName(const nlohmann::json& j)
{
    switch (j.type()) {
    case nlohmann::json::value_t::null:
        return "null";
    case nlohmann::json::value_t::object:
        return "an object";
    case nlohmann::json::value_t::array:
        return "an array";
    case nlohmann::json::value_t::string:
        return "a string";
    case nlohmann::json::value_t::boolean:
        return "a boolean";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
        return "an integer";
    case nlohmann::json::value_t::number_float:
        return "a number";
    default:
        return "an unknown value";
    }
}

bool JsonFields::has(const char* key) const
{
    return m_object.is_object() && m_object.contains(key);
}

std::string JsonFields::path(const char* key) const
{
    return m_path.empty() ? std::string(key) : m_path + "." + key;
}

void JsonFields::fail(const std::string& key, const std::string& message)
{
    if (m_error->isOk())
        *m_error = Status::error(m_what + ": " + path(key.c_str()) + ": " + message);
}

const nlohmann::json* JsonFields::find(const char* key, bool required)
{
    if (!ok() || !m_object.is_object())
        return nullptr;
    auto it = m_object.find(key);
    if (it == m_object.end()) {
        if (required)
            fail(key, "missing (required)");
        return nullptr;
    }
    return &*it;
}

void JsonFields::typeError(const char* key, const char* expected, const nlohmann::json& found)
{
    fail(key, std::string("expected ") + expected + ", found " + typeName(found));
}

std::string JsonFields::string(const char* key, const std::string& fallback, bool required)
{
    const auto* j = find(key, required);
    if (!j)
        return fallback;
    if (!j->is_string()) {
        typeError(key, "a string", *j);
        return fallback;
    }
    return j->get<std::string>();
}

bool JsonFields::boolean(const char* key, bool fallback, bool required)
{
    const auto* j = find(key, required);
    if (!j)
        return fallback;
    if (!j->is_boolean()) {
        typeError(key, "true or false", *j);
        return fallback;
    }
    return j->get<bool>();
}

std::int64_t JsonFields::integer(const char* key, std::int64_t fallback, std::int64_t min,
                                 std::int64_t max, bool required)
{
    const auto* j = find(key, required);
    if (!j)
        return fallback;
    std::int64_t v = 0;
    if (j->is_number_unsigned()) {
        const auto u = j->get<std::uint64_t>();
        if (u > std::uint64_t(max)) {
            fail(key, std::to_string(u) + " is larger than " + std::to_string(max));
            return fallback;
        }
        v = std::int64_t(u);
    } else if (j->is_number_integer()) {
        v = j->get<std::int64_t>();
    } else {
        typeError(key, "an integer", *j);
        return fallback;
    }
    if (v < min || v > max) {
        fail(key, std::to_string(v) + " is outside [" + std::to_string(min) + ", " +
                      std::to_string(max) + "]");
        return fallback;
    }
    return v;
}

std::uint64_t JsonFields::unsigned64(const char* key, std::uint64_t fallback, bool required)
{
    const auto* j = find(key, required);
    if (!j)
        return fallback;
    if (j->is_number_unsigned())
        return j->get<std::uint64_t>();
    if (j->is_number_integer()) {
        fail(key, "must not be negative");
        return fallback;
    }
    typeError(key, "a non-negative integer", *j);
    return fallback;
}

double JsonFields::number(const char* key, double fallback, bool required)
{
    const auto* j = find(key, required);
    if (!j)
        return fallback;
    if (!j->is_number()) {
        typeError(key, "a number", *j);
        return fallback;
    }
    const double v = j->get<double>();
    if (!std::isfinite(v)) {
        fail(key, "is not a finite number");
        return fallback;
    }
    return v;
}

const nlohmann::json* JsonFields::array(const char* key, bool required)
{
    const auto* j = find(key, required);
    if (j && !j->is_array()) {
        typeError(key, "an array", *j);
        return nullptr;
    }
    return j;
}

const nlohmann::json* JsonFields::object(const char* key, bool required)
{
    const auto* j = find(key, required);
    if (j && !j->is_object()) {
        typeError(key, "an object", *j);
        return nullptr;
    }
    return j;
}

} // namespace md
