#pragma once

#include <optional>
#include <string>
#include <utility>

namespace md {

// An error as a value: a message written for the person who has to act on it
// ("file X: tensor Y has shape [..], expected [..]"), never a bare code.
class Status
{
public:
    Status() = default;
    static Status ok() { return Status(); }
    static Status error(std::string message) { return Status(std::move(message)); }
    // The user (or a newer request) stopped the work; not a failure to report as one.
    static Status cancelled()
    {
        Status s("cancelled");
        s.m_cancelled = true;
        return s;
    }

    bool isOk() const { return !m_message.has_value(); }
    bool isCancelled() const { return m_cancelled; }
    explicit operator bool() const { return isOk(); }
    const std::string& message() const
    {
        static const std::string empty;
        return m_message ? *m_message : empty;
    }
    // Prefix context, e.g. status.withContext("loading unet") -> "loading unet: <message>".
    Status withContext(const std::string& context) const
    {
        if (isOk() || m_cancelled)
            return *this;
        return Status(context + ": " + *m_message);
    }

private:
    explicit Status(std::string message) : m_message(std::move(message)) {}
    std::optional<std::string> m_message;
    bool m_cancelled = false;
};

// A value or an error message.
template <typename T>
class Result
{
public:
    Result(T value) : m_value(std::move(value)) {}
    Result(Status status) : m_status(std::move(status)) {}

    bool isOk() const { return m_value.has_value(); }
    explicit operator bool() const { return isOk(); }
    const Status& status() const { return m_status; }
    const std::string& error() const { return m_status.message(); }

    T& value() & { return *m_value; }
    const T& value() const& { return *m_value; }
    T&& value() && { return std::move(*m_value); }
    T* operator->() { return &*m_value; }
    const T* operator->() const { return &*m_value; }
    T& operator*() & { return *m_value; }
    const T& operator*() const& { return *m_value; }

private:
    std::optional<T> m_value;
    Status m_status = Status::error("empty result");
};

} // namespace md
