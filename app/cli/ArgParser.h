#pragma once

// A small command-line parser shared by every mdstudio-cli command:
//   parser.option("--steps", "N", "sampling steps (default 20)");
//   parser.option("--region", "MASK=TEXT", "a painted region", /*repeatable=*/true);
//   parser.flag("--circular", "wrap horizontally");
//   parser.positional("TEXT", "the prompt", /*multiple=*/true);
//   if (auto s = parser.parse(args); !s) ...
//   auto steps = parser.getInt("--steps", 20, 1, 1000);
// Options take "--name value" or "--name=value"; "--" ends the options. Errors are one line
// a user can act on ("--steps expects an integer, got 'ten'").

#include "engine/Status.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace md::cli {

class ArgParser
{
public:
    ArgParser(std::string command, std::string summary);

    ArgParser& option(const std::string& name, const std::string& valueName,
                      const std::string& help, bool repeatable = false);
    ArgParser& flag(const std::string& name, const std::string& help);
    ArgParser& positional(const std::string& name, const std::string& help, bool multiple = false);

    // "-h" / "--help" anywhere sets helpRequested() and stops parsing.
    Status parse(const std::vector<std::string>& args);
    bool helpRequested() const { return m_help; }
    std::string usage() const;

    bool has(const std::string& name) const;
    std::string get(const std::string& name, const std::string& fallback = "") const;
    std::vector<std::string> getAll(const std::string& name) const;
    Result<int> getInt(const std::string& name, int fallback, int min, int max) const;
    Result<double> getDouble(const std::string& name, double fallback, double min,
                             double max) const;
    Result<std::uint64_t> getUInt64(const std::string& name, std::uint64_t fallback) const;
    const std::vector<std::string>& positionals() const { return m_positionals; }

private:
    struct Spec
    {
        std::string name;
        std::string valueName; // empty: a flag
        std::string help;
        bool repeatable = false;
    };
    const Spec* find(const std::string& name) const;

    std::string m_command;
    std::string m_summary;
    std::vector<Spec> m_specs;
    std::vector<Spec> m_positionalSpecs;
    std::map<std::string, std::vector<std::string>> m_values;
    std::vector<std::string> m_positionals;
    bool m_help = false;
};

} // namespace md::cli
