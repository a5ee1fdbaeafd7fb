#include "CliRun.h"

#include "TestConfig.h"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <sys/wait.h>

namespace md::test {

std::string fixturesDir()
{
    if (const char* env = std::getenv("MD_FIXTURES_DIR"))
        return env;
    return MD_FIXTURES_DIR_DEFAULT;
}

std::string modelDir()
{
    return fixturesDir() + "/tiny-sd15";
}

std::string cliPath()
{
    return std::string(MD_BIN_DIR) + "/mdstudio-cli";
}

std::string shellQuote(const std::string& s)
{
    std::string out = "'";
    for (char c : s)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

CliRun runCli(const std::vector<std::string>& args, const std::string& shellPrefix)
{
    std::string cmd = shellPrefix + " env SOURCE_DATE_EPOCH=1700000000 " + shellQuote(cliPath());
    for (const auto& a : args)
        cmd += " " + shellQuote(a);
    cmd += " 2>&1";
    CliRun r;
    FILE* pipe = popen(cmd.c_str(), "r");
    if (!pipe)
        return r;
    std::array<char, 4096> buf{};
    std::size_t n = 0;
    while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0)
        r.output.append(buf.data(), n);
    const int status = pclose(pipe);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

} // namespace md::test
