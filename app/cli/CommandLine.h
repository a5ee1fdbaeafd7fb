#pragma once

// The preamble every mdstudio-cli command shares, in one place: its options (CLI11), parsing
// with one-line errors and exit statuses, the model options and loading the model.
//
//   CommandLine cl("info", "Loads a model and prints ...");
//   cl.addModelOptions();
//   if (auto exit = cl.parse(args))
//       return *exit;                       // --help printed (0) or a usage error (2)
//   Engine engine;
//   if (auto exit = cl.loadModel(engine))
//       return *exit;                       // no model (2) or it does not load (1)
//
// Options take "--name value" or "--name=value"; "--" ends the options. Errors name the option
// and what it accepts ("--steps expects an integer, got 'ten'").

#include "Command.h"
#include "ModelArgs.h"
#include "engine/Engine.h"

#include <CLI/CLI.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace md::cli {

class CommandLine
{
public:
    CommandLine(std::string command, const std::string& summary);
    CommandLine(const CommandLine&) = delete;
    CommandLine& operator=(const CommandLine&) = delete;

    CLI::App& app() { return m_app; }
    const CLI::App& app() const { return m_app; }
    const std::string& command() const { return m_command; }

    // Options; `valueName` is what the help shows after the name ("--steps N"). Repeatable
    // options take one value per occurrence, and app().parse_order() keeps their order.
    CLI::Option* text(const std::string& name, std::string& target, const std::string& valueName,
                      const std::string& help);
    CLI::Option* repeatable(const std::string& name, std::vector<std::string>& target,
                            const std::string& valueName, const std::string& help);
    CLI::Option* integer(const std::string& name, int& target, long long min, long long max,
                         const std::string& valueName, const std::string& help);
    CLI::Option* number(const std::string& name, double& target, double min, double max,
                        const std::string& valueName, const std::string& help);
    // --sampler NAME: checked against the sampler names.
    CLI::Option* sampler(const std::string& name, std::string& target, const std::string& help);
    CLI::Option* flag(const std::string& name, bool& target, const std::string& help);
    CLI::Option* positional(const std::string& name, std::string& target, const std::string& help);
    CLI::Option* positionals(const std::string& name, std::vector<std::string>& target,
                             const std::string& help);
    // `check` returns "" or the whole message for a value it refuses.
    CLI::Option* checked(CLI::Option* option, std::function<std::string(const std::string&)> check);
    // The same with a check from OptionChecks.h, given the option's name.
    CLI::Option* checked(CLI::Option* option,
                         std::string (*check)(const std::string& option, const std::string& text));

    // --model, --tokenizer, --prediction, --clip-skip, --device, --dtype.
    void addModelOptions();
    // --quiet and --verbose (loading stages); with them, loadModel() reports what it loaded.
    void addOutputOptions();
    bool quiet() const { return m_quiet; }
    bool given(const std::string& name) const { return m_app.count(name) > 0; }

    // Parses `args`. Returns the exit status when the command must stop: 0 after printing the
    // help, kExitUsage after a one-line usage error. `extraHint` follows the message about an
    // unexpected argument (e.g. " (the prompt goes after --prompt)").
    std::optional<int> parse(const std::vector<std::string>& args,
                             const std::string& extraHint = "");

    // The model options: --model, else `fallbackModel`, else the embedded default model.
    Result<ModelOptions> modelOptions(const std::string& fallbackModel = "") const;
    // Loads the model of modelOptions(): an exit status when it cannot (no model: a usage
    // error; a model that does not load: a failure). With addOutputOptions() and without
    // --quiet, one "loaded ..." line on stderr.
    std::optional<int> loadModel(Engine& engine, const std::string& fallbackModel = "");

    // "mdstudio-cli <command>: <message>" on stderr; returns `code`.
    int fail(const std::string& message, int code = kExitFailure) const;
    int usageError(const std::string& message) const { return fail(message, kExitUsage); }

private:
    std::string m_command;
    CLI::App m_app;
    ModelArgs m_model;
    bool m_hasOutput = false;
    bool m_quiet = false;
    bool m_verbose = false;
    std::string m_checkError; // the message of the last check that refused a value
};

} // namespace md::cli
