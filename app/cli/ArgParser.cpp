#include "ArgParser.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace md::cli {

ArgParser::ArgParser(std::string command, std::string summary)
    : m_command(std::move(command)), m_summary(std::move(summary))
{
}

ArgParser& ArgParser::option(const std::string& name, const std::string& valueName,
                             const std::string& help, bool repeatable)
{
    m_specs.push_back({name, valueName.empty() ? "VALUE" : valueName, help, repeatable});
    return *this;
}

ArgParser& ArgParser::flag(const std::string& name, const std::string& help)
{
    m_specs.push_back({name, "", help, false});
    return *this;
}

ArgParser& ArgParser::positional(const std::string& name, const std::string& help, bool multiple)
{
    m_positionalSpecs.push_back({name, "", help, multiple});
    return *this;
}

const ArgParser::Spec* ArgParser::find(const std::string& name) const
{
    for (const auto& s : m_specs)
        if (s.name == name)
            return &s;
    return nullptr;
}

Status ArgParser::parse(const std::vector<std::string>& args)
{
    bool optionsDone = false;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (!optionsDone && (arg == "-h" || arg == "--help")) {
            m_help = true;
            return Status::ok();
        }
        if (!optionsDone && arg == "--") {
            optionsDone = true;
            continue;
        }
        if (optionsDone || arg.size() < 2 || arg[0] != '-' || arg == "-" ||
            (arg[1] != '-' && !std::isalpha(static_cast<unsigned char>(arg[1])))) {
            m_positionals.push_back(arg); // includes negative numbers such as "-1"
            continue;
        }
        std::string name = arg;
        std::string value;
        bool inlineValue = false;
        if (const auto eq = arg.find('='); eq != std::string::npos) {
            name = arg.substr(0, eq);
            value = arg.substr(eq + 1);
            inlineValue = true;
        }
        const Spec* spec = find(name);
        if (spec == nullptr)
            return Status::error(m_command + ": unknown option " + name + " (see " + m_command +
                                 " --help)");
        if (spec->valueName.empty()) {
            if (inlineValue)
                return Status::error(m_command + ": " + name + " takes no value");
            m_values[name].push_back("1");
            continue;
        }
        if (!inlineValue) {
            if (i + 1 >= args.size())
                return Status::error(m_command + ": " + name + " needs a value (" +
                                     spec->valueName + ")");
            value = args[++i];
        }
        auto& slot = m_values[name];
        if (!spec->repeatable && !slot.empty())
            return Status::error(m_command + ": " + name + " is given more than once");
        slot.push_back(value);
    }
    size_t maxPositionals = 0;
    bool unbounded = false;
    for (const auto& p : m_positionalSpecs) {
        ++maxPositionals;
        unbounded = unbounded || p.repeatable;
    }
    if (!unbounded && m_positionals.size() > maxPositionals)
        return Status::error(m_command + ": unexpected argument '" + m_positionals[maxPositionals] +
                             "'");
    return Status::ok();
}

bool ArgParser::has(const std::string& name) const
{
    const auto it = m_values.find(name);
    return it != m_values.end() && !it->second.empty();
}

std::string ArgParser::get(const std::string& name, const std::string& fallback) const
{
    const auto it = m_values.find(name);
    return it != m_values.end() && !it->second.empty() ? it->second.back() : fallback;
}

std::vector<std::string> ArgParser::getAll(const std::string& name) const
{
    const auto it = m_values.find(name);
    return it != m_values.end() ? it->second : std::vector<std::string>{};
}

Result<int> ArgParser::getInt(const std::string& name, int fallback, int min, int max) const
{
    if (!has(name))
        return fallback;
    const std::string text = get(name);
    errno = 0;
    char* end = nullptr;
    const long v = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno == ERANGE)
        return Status::error(m_command + ": " + name + " expects an integer, got '" + text + "'");
    if (v < min || v > max)
        return Status::error(m_command + ": " + name + " must be between " + std::to_string(min) +
                             " and " + std::to_string(max) + ", got " + text);
    return static_cast<int>(v);
}

Result<double> ArgParser::getDouble(const std::string& name, double fallback, double min,
                                    double max) const
{
    if (!has(name))
        return fallback;
    const std::string text = get(name);
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(v))
        return Status::error(m_command + ": " + name + " expects a number, got '" + text + "'");
    if (v < min || v > max) {
        std::ostringstream os;
        os << m_command << ": " << name << " must be between " << min << " and " << max << ", got "
           << text;
        return Status::error(os.str());
    }
    return v;
}

Result<std::uint64_t> ArgParser::getUInt64(const std::string& name, std::uint64_t fallback) const
{
    if (!has(name))
        return fallback;
    const std::string text = get(name);
    errno = 0;
    char* end = nullptr;
    const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
    if (text.empty() || text[0] == '-' || *end != '\0' || errno == ERANGE)
        return Status::error(m_command + ": " + name + " expects a non-negative integer, got '" +
                             text + "'");
    return static_cast<std::uint64_t>(v);
}

std::string ArgParser::usage() const
{
    std::ostringstream os;
    os << "usage: mdstudio-cli " << m_command << " [options]";
    for (const auto& p : m_positionalSpecs)
        os << " " << p.name << (p.repeatable ? "..." : "");
    os << "\n\n" << m_summary << "\n\noptions:\n";
    auto line = [&os](const std::string& left, const std::string& help) {
        os << "  " << left;
        if (left.size() < 26)
            os << std::string(26 - left.size(), ' ');
        else
            os << "\n" << std::string(28, ' ');
        os << help << "\n";
    };
    for (const auto& p : m_positionalSpecs)
        line(p.name, p.help);
    for (const auto& s : m_specs)
        line(s.valueName.empty() ? s.name : s.name + " " + s.valueName,
             s.help + (s.repeatable ? " (repeatable)" : ""));
    line("-h, --help", "this help");
    return os.str();
}

} // namespace md::cli
