#pragma once

// One mdstudio-cli command: its name, a one-line summary, and its entry point
// (arguments after the command name; returns the process exit status).

#include <string>
#include <vector>

namespace md::cli {

// Exit statuses shared by all commands.
enum ExitCode { kExitOk = 0, kExitFailure = 1, kExitUsage = 2, kExitCancelled = 130 };

struct Command
{
    const char* name;
    const char* summary;
    int (*run)(const std::vector<std::string>& args);
};

// Prints "mdstudio-cli <command>: <message>" on stderr as one line and returns `code`.
int fail(const std::string& command, const std::string& message, int code = kExitFailure);

int runGenerate(const std::vector<std::string>& args);
int runTokenize(const std::vector<std::string>& args);
int runInfo(const std::vector<std::string>& args);
int runBench(const std::vector<std::string>& args);
int runLoras(const std::vector<std::string>& args);

} // namespace md::cli
