#include "document/SeedList.h"

#include <cerrno>
#include <cstdlib>
#include <set>

namespace md {

namespace {

bool parseSeed(const std::string& text, std::uint64_t& out)
{
    if (text.empty() || text.size() > 20)
        return false;
    for (char c : text) {
        if (c < '0' || c > '9')
            return false;
    }
    errno = 0;
    char* end = nullptr;
    const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
    if (errno == ERANGE || end != text.c_str() + text.size())
        return false;
    out = v;
    return true;
}

std::string trim(const std::string& s)
{
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos)
        return {};
    const auto e = s.find_last_not_of(" \t");
    return s.substr(b, e - b + 1);
}

} // namespace

Result<std::vector<std::uint64_t>> parseSeedList(const std::string& text, std::size_t maxSeeds)
{
    std::vector<std::uint64_t> seeds;
    std::set<std::uint64_t> seen;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t comma = text.find(',', start);
        const std::size_t end = comma == std::string::npos ? text.size() : comma;
        const std::string part = trim(text.substr(start, end - start));
        start = end + 1;
        if (part.empty())
            return Status::error("seed list '" + text + "' has an empty entry");
        std::uint64_t first = 0;
        std::uint64_t last = 0;
        const std::size_t dash = part.find('-');
        if (dash == std::string::npos) {
            if (!parseSeed(part, first))
                return Status::error("'" + part + "' is not a seed (a non-negative integer)");
            last = first;
        } else if (!parseSeed(trim(part.substr(0, dash)), first) ||
                   !parseSeed(trim(part.substr(dash + 1)), last)) {
            return Status::error("'" + part + "' is not a seed range like 1-16");
        } else if (last < first) {
            return Status::error("seed range '" + part + "' runs backwards");
        }
        if (last - first >= maxSeeds)
            return Status::error("seed list '" + text + "' holds more than " +
                                 std::to_string(maxSeeds) + " seeds");
        for (std::uint64_t s = first;; ++s) {
            if (seen.insert(s).second)
                seeds.push_back(s);
            if (seeds.size() > maxSeeds)
                return Status::error("seed list '" + text + "' holds more than " +
                                     std::to_string(maxSeeds) + " seeds");
            if (s == last)
                break;
        }
        if (comma == std::string::npos)
            break;
    }
    return seeds;
}

} // namespace md
