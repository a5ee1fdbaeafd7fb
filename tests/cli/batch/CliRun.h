#pragma once

// Runs the built mdstudio-cli as a user would (through the shell, SOURCE_DATE_EPOCH fixed,
// stdout and stderr together), for the batch and hardening tests.

#include <string>
#include <vector>

namespace md::test {

struct CliRun
{
    int code = -1; // the exit status; -1 when killed by a signal
    std::string output;
};

std::string fixturesDir(); // $MD_FIXTURES_DIR, else the configured one
std::string modelDir();    // the tiny SD 1.5 fixture
std::string cliPath();
std::string shellQuote(const std::string& s);

// `shellPrefix` goes before the command ("ulimit -f 64;", "setpriv ... "), unquoted.
CliRun runCli(const std::vector<std::string>& args, const std::string& shellPrefix = {});

} // namespace md::test
