#include "CommandLine.h"

#include "OptionChecks.h"

#include <cctype>
#include <chrono>
#include <cstdio>

namespace md::cli {

namespace {

bool looksLikeOption(const std::string& arg)
{
    return arg.size() >= 2 && arg[0] == '-' &&
           (arg[1] == '-' || std::isalpha(static_cast<unsigned char>(arg[1])));
}

} // namespace

CommandLine::CommandLine(std::string command, const std::string& summary)
    : m_command(std::move(command)), m_app(summary, "mdstudio-cli " + m_command)
{
    m_app.allow_extras(); // unknown options and extra arguments: our own message (parse())
    m_app.get_formatter()->column_width(30);
    m_app.set_help_flag("-h,--help", "this help");
}

CLI::Option* CommandLine::text(const std::string& name, std::string& target,
                               const std::string& valueName, const std::string& help)
{
    return m_app.add_option(name, target, help)->type_name(valueName);
}

CLI::Option* CommandLine::repeatable(const std::string& name, std::vector<std::string>& target,
                                     const std::string& valueName, const std::string& help)
{
    return m_app.add_option(name, target, help + " (repeatable)")
        ->type_name(valueName)
        ->allow_extra_args(false);
}

CLI::Option* CommandLine::checked(CLI::Option* option,
                                  std::function<std::string(const std::string&)> check)
{
    return option->check(CLI::Validator(
        [this, check = std::move(check)](std::string& value) {
            std::string message = check(value);
            if (!message.empty())
                m_checkError = message;
            return message;
        },
        ""));
}

CLI::Option* CommandLine::checked(CLI::Option* option,
                                  std::string (*check)(const std::string&, const std::string&))
{
    const std::string name = option->get_name();
    return checked(option, [name, check](const std::string& v) { return check(name, v); });
}

CLI::Option* CommandLine::integer(const std::string& name, int& target, long long min,
                                  long long max, const std::string& valueName,
                                  const std::string& help)
{
    return checked(
        m_app.add_option(name, target, help)->type_name(valueName),
        [name, min, max](const std::string& v) { return checkInteger(name, v, min, max); });
}

CLI::Option* CommandLine::number(const std::string& name, double& target, double min, double max,
                                 const std::string& valueName, const std::string& help)
{
    return checked(
        m_app.add_option(name, target, help)->type_name(valueName),
        [name, min, max](const std::string& v) { return checkNumber(name, v, min, max); });
}

CLI::Option* CommandLine::sampler(const std::string& name, std::string& target,
                                  const std::string& help)
{
    return checked(text(name, target, "NAME", help), checkSampler);
}

CLI::Option* CommandLine::flag(const std::string& name, bool& target, const std::string& help)
{
    return m_app.add_flag(name, target, help);
}

CLI::Option* CommandLine::positional(const std::string& name, std::string& target,
                                     const std::string& help)
{
    return m_app.add_option(name, target, help)->type_name("");
}

CLI::Option* CommandLine::positionals(const std::string& name, std::vector<std::string>& target,
                                      const std::string& help)
{
    return m_app.add_option(name, target, help)->type_name("");
}

void CommandLine::addModelOptions()
{
    m_model.addTo(*this);
}

void CommandLine::addOutputOptions()
{
    flag("--quiet", m_quiet, "no progress on stderr");
    flag("--verbose", m_verbose, "also report the loading stages");
    m_hasOutput = true;
}

std::optional<int> CommandLine::parse(const std::vector<std::string>& args,
                                      const std::string& extraHint)
{
    // CLI11 takes the arguments last first.
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    try {
        m_app.parse(reversed);
    } catch (const CLI::CallForHelp&) {
        std::printf("%s", m_app.help().c_str());
        return kExitOk;
    } catch (const CLI::ArgumentMismatch& e) {
        // "--steps: 1 required N missing" or "--steps: At Most 1 required but received 2".
        const std::string what = e.what();
        const std::string name = what.substr(0, what.find(':'));
        const CLI::Option* option = m_app.get_option_no_throw(name);
        if (option && option->count() > 1)
            return usageError(name + " is given more than once");
        if (option)
            return usageError(name + " needs a value (" + option->get_type_name() + ")");
        return usageError(what);
    } catch (const CLI::ParseError& e) {
        return usageError(m_checkError.empty() ? std::string(e.what()) : m_checkError);
    }
    bool optionsDone = false;
    for (const std::string& arg : m_app.remaining()) {
        if (!optionsDone && arg == "--") {
            optionsDone = true;
            continue;
        }
        if (!optionsDone && looksLikeOption(arg))
            return usageError("unknown option " + arg.substr(0, arg.find('=')) +
                              " (see mdstudio-cli " + m_command + " --help)");
        return usageError("unexpected argument '" + arg + "'" + extraHint);
    }
    return std::nullopt;
}

Result<ModelOptions> CommandLine::modelOptions(const std::string& fallbackModel) const
{
    return m_model.options(fallbackModel);
}

std::optional<int> CommandLine::loadModel(Engine& engine, const std::string& fallbackModel)
{
    auto options = modelOptions(fallbackModel);
    if (!options)
        return usageError(options.error());
    LoadProgressFn progress;
    if (m_verbose) {
        progress = [](const std::string& stage, float fraction) {
            std::fprintf(stderr, "loading: %s (%d%%)\n", stage.c_str(),
                         static_cast<int>(fraction * 100.0f + 0.5f));
        };
    }
    const auto start = std::chrono::steady_clock::now();
    if (auto s = engine.load(options.value(), progress); !s)
        return fail(s.message());
    if (m_hasOutput && !m_quiet) {
        const auto info = engine.info();
        std::fprintf(
            stderr, "loaded %s (%s, %s on %s, %.2f s)\n", info.path.c_str(), info.family.c_str(),
            info.dtype.c_str(), info.device.c_str(),
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    // A tiny preview decoder that was found or named but cannot be used: the linear preview.
    if (const auto info = engine.info();
        !m_quiet && !info.previewDecoderNote.empty() && options.value().previewDecoder != "none")
        std::fprintf(stderr, "warning: preview decoder: %s\n", info.previewDecoderNote.c_str());
    return std::nullopt;
}

int CommandLine::fail(const std::string& message, int code) const
{
    return md::cli::fail(m_command, message, code);
}

} // namespace md::cli
