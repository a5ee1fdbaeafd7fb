#include "document/A1111Parameters.h"

#include "document/ModelSha256.h"
#include "document/ResultLoras.h"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace md {

namespace {

std::string number(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

std::string regionsJson(const ProjectResult& r)
{
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const UsedRegionPrompt& u : r.regions) {
        nlohmann::ordered_json j;
        j["name"] = u.name;
        j["prompt"] = u.prompt;
        if (!u.negative.empty())
            j["negative"] = u.negative;
        j["strength"] = u.strength;
        list.push_back(std::move(j));
    }
    return list.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string fusionJson(const GenerationSettings& s)
{
    nlohmann::ordered_json j;
    j["window"] = s.window;
    j["stride"] = s.stride;
    j["bootstrap steps"] = s.bootstrapSteps;
    j["circular"] = s.circular;
    j["feather"] = s.feather;
    return j.dump();
}

// One value at `pos` (after "Key: "): a JSON string or text up to the next ','.
std::string readValue(const std::string& line, std::size_t& pos)
{
    if (pos < line.size() && line[pos] == '"') {
        std::size_t end = pos + 1;
        while (end < line.size() && line[end] != '"') {
            if (line[end] == '\\')
                ++end;
            ++end;
        }
        const std::string quoted = line.substr(pos, end + 1 - pos);
        pos = end + 1;
        try {
            return nlohmann::json::parse(quoted).get<std::string>();
        } catch (const std::exception&) {
            return quoted;
        }
    }
    const std::size_t comma = line.find(',', pos);
    const std::size_t end = comma == std::string::npos ? line.size() : comma;
    std::string v = line.substr(pos, end - pos);
    pos = end;
    while (!v.empty() && v.back() == ' ')
        v.pop_back();
    return v;
}

// Parses "Key: value, Key: value" into fields; false when the line does not look like that.
bool parseFields(const std::string& line, std::vector<std::pair<std::string, std::string>>& out)
{
    std::vector<std::pair<std::string, std::string>> fields;
    std::size_t pos = 0;
    while (pos < line.size()) {
        while (pos < line.size() && (line[pos] == ' ' || line[pos] == ','))
            ++pos;
        if (pos >= line.size())
            break;
        const std::size_t colon = line.find(": ", pos);
        if (colon == std::string::npos)
            return false;
        const std::string key = line.substr(pos, colon - pos);
        if (key.empty() || key.find(',') != std::string::npos || key.find('"') != std::string::npos)
            return false;
        pos = colon + 2;
        fields.emplace_back(key, readValue(line, pos));
    }
    if (fields.empty())
        return false;
    out = std::move(fields);
    return true;
}

} // namespace

std::string a1111Quote(const std::string& value)
{
    if (value.find_first_of(",:\n") == std::string::npos)
        return value;
    return nlohmann::json(value).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string a1111Parameters(const ProjectResult& r, int width, int height)
{
    std::string text = r.prompt + "\n";
    if (!r.negative.empty())
        text += "Negative prompt: " + r.negative + "\n";
    std::vector<std::pair<std::string, std::string>> f;
    const GenerationSettings& s = r.settings;
    f.emplace_back("Steps", std::to_string(s.steps));
    f.emplace_back("Sampler", samplerDisplayName(s.sampler));
    f.emplace_back("CFG scale", number(s.cfg));
    f.emplace_back("Seed", std::to_string(r.seed));
    f.emplace_back("Size", std::to_string(width) + "x" + std::to_string(height));
    // Today's A1111 hash (first 10 hex of the file's SHA-256), else the legacy 8-hex one that
    // projects saved before the full hash was stored hold (A1111 before 1.0 wrote that).
    if (!r.model.sha256.empty())
        f.emplace_back("Model hash", a1111ModelHash(r.model.sha256));
    else if (!r.model.shortHash.empty())
        f.emplace_back("Model hash", r.model.shortHash);
    if (!r.model.displayName.empty())
        f.emplace_back("Model", r.model.displayName);
    if (std::string hashes = loraHashesField(r.loras); !hashes.empty())
        f.emplace_back("Lora hashes", hashes);
    if (!r.regions.empty())
        f.emplace_back("MultiDiffusion regions", regionsJson(r));
    f.emplace_back("MultiDiffusion", fusionJson(s));
    f.emplace_back("Version", "MultiDiffusion Studio");
    for (std::size_t i = 0; i < f.size(); ++i) {
        if (i > 0)
            text += ", ";
        text += f[i].first + ": " + a1111Quote(f[i].second);
    }
    return text;
}

std::string a1111Parameters(const GenerateRequest& request, const ModelReference& model,
                            const std::vector<ResultLora>& loras)
{
    const Project project = projectFromRequest(request, model);
    ProjectResult result;
    result.settings = project.settings;
    result.seed = request.seed;
    result.prompt = request.prompt;
    result.negative = request.negative;
    result.model = model;
    result.loras = loras;
    for (const ProjectRegion& r : project.regions)
        result.regions.push_back({r.id, r.name, r.prompt, r.negative, r.strength});
    return a1111Parameters(result, request.width, request.height);
}

const std::string* A1111Info::field(const std::string& key) const
{
    for (const auto& [k, v] : fields) {
        if (k == key)
            return &v;
    }
    return nullptr;
}

A1111Info parseA1111Parameters(const std::string& text)
{
    A1111Info info;
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t nl = text.find('\n', start);
        const std::size_t end = nl == std::string::npos ? text.size() : nl;
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    while (!lines.empty() && lines.back().empty())
        lines.pop_back();
    // The last line is the parameter line when it parses as "Key: value, ...".
    if (!lines.empty() && lines.back().rfind("Steps: ", 0) == 0 &&
        parseFields(lines.back(), info.fields))
        lines.pop_back();
    std::vector<std::string> promptLines;
    std::vector<std::string> negativeLines;
    for (const std::string& line : lines) {
        if (negativeLines.empty() && line.rfind("Negative prompt: ", 0) == 0)
            negativeLines.push_back(line.substr(17));
        else if (negativeLines.empty())
            promptLines.push_back(line);
        else
            negativeLines.push_back(line);
    }
    auto join = [](const std::vector<std::string>& parts) {
        std::string out;
        for (std::size_t i = 0; i < parts.size(); ++i)
            out += (i > 0 ? "\n" : "") + parts[i];
        return out;
    };
    info.prompt = join(promptLines);
    info.negative = join(negativeLines);
    return info;
}

} // namespace md
