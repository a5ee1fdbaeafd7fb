// JSON -> Project (declared in ProjectJson.h).
#include "document/Base64.h"
#include "document/ImageIo.h"
#include "document/JsonFields.h"
#include "document/ProjectJson.h"
#include "document/ProjectJsonBounds.h"
#include "document/ResultLoras.h"
#include "document/Upscale.h"

#include <limits>
#include <map>
#include <memory>

namespace md {

namespace {

constexpr std::int64_t kMaxU32 = std::numeric_limits<std::uint32_t>::max();
constexpr std::int64_t kMaxI32 = std::numeric_limits<int>::max();
constexpr std::int64_t kMinI32 = std::numeric_limits<int>::min();

bool parseColour(const std::string& text, Colour& out)
{
    if (text.size() != 7 || text[0] != '#')
        return false;
    unsigned v[3];
    for (int i = 0; i < 3; ++i) {
        unsigned byte = 0;
        for (int k = 0; k < 2; ++k) {
            const char c = text[1 + 2 * i + k];
            unsigned d;
            if (c >= '0' && c <= '9')
                d = unsigned(c - '0');
            else if (c >= 'a' && c <= 'f')
                d = unsigned(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                d = unsigned(c - 'A' + 10);
            else
                return false;
            byte = byte * 16 + d;
        }
        v[i] = byte;
    }
    out = {std::uint8_t(v[0]), std::uint8_t(v[1]), std::uint8_t(v[2])};
    return true;
}

ModelReference readModel(JsonFields& f)
{
    ModelReference m;
    m.path = f.string("path", "");
    m.contentHash = f.string("contentHash", "");
    m.shortHash = f.string("shortHash", "");
    m.sha256 = f.string("sha256", "");
    m.displayName = f.string("displayName", "");
    return m;
}

GenerationSettings readSettings(JsonFields& f)
{
    GenerationSettings s;
    const std::string sampler = f.string("sampler", samplerName(s.sampler));
    if (auto kind = samplerFromName(sampler))
        s.sampler = *kind;
    else
        f.fail("sampler", "unknown sampler \"" + sampler + "\"");
    s.steps = int(f.integer("steps", s.steps, 1, kMaxSteps));
    s.cfg = float(f.number("cfg", s.cfg));
    s.seed = f.unsigned64("seed", s.seed);
    const std::string mode = f.string("seedMode", seedModeName(s.seedMode));
    if (mode == "random")
        s.seedMode = SeedMode::Random;
    else if (mode == "fixed")
        s.seedMode = SeedMode::Fixed;
    else
        f.fail("seedMode", "expected \"random\" or \"fixed\", found \"" + mode + "\"");
    s.bootstrapSteps = int(f.integer("bootstrapSteps", s.bootstrapSteps, 0, kMaxSteps));
    s.window = int(f.integer("window", s.window, 0, kMaxWindow));
    s.stride = int(f.integer("stride", s.stride, kMinStride, kMaxStride));
    s.circular = f.boolean("circular", s.circular);
    s.feather = float(f.number("feather", s.feather));
    const std::string start = f.string("start", startImageName(s.start));
    if (auto kind = startImageFromName(start))
        s.start = *kind;
    else
        f.fail("start",
               "expected \"noise\", \"last-result\" or \"layers\", found \"" + start + "\"");
    s.strength = float(f.number("strength", s.strength));
    return s;
}

class Reader
{
public:
    Reader(const ProjectImageSource& images, std::string what)
        : m_images(images), m_what(std::move(what))
    {
    }

    Result<Project> read(const nlohmann::json& doc)
    {
        Project p;
        JsonFields top(doc, "", m_what, &m_error);
        if (const auto* canvas = top.object("canvas", true)) {
            JsonFields c(*canvas, "canvas", m_what, &m_error);
            p.width = int(c.integer("width", 0, kMinCanvasSize, kMaxCanvasSize, true));
            p.height = int(c.integer("height", 0, kMinCanvasSize, kMaxCanvasSize, true));
        }
        if (const auto* model = top.object("model")) {
            JsonFields m(*model, "model", m_what, &m_error);
            p.model = readModel(m);
        }
        p.prompt = top.string("prompt", "");
        p.negative = top.string("negative", "");
        if (const auto* settings = top.object("settings")) {
            JsonFields s(*settings, "settings", m_what, &m_error);
            p.settings = readSettings(s);
        }
        if (const auto* regions = top.array("regions")) {
            if (regions->size() > kMaxRegions)
                top.fail("regions", "the project has " + std::to_string(regions->size()) +
                                        " regions; the limit is " + std::to_string(kMaxRegions));
            for (std::size_t i = 0; i < regions->size() && m_error.isOk(); ++i) {
                m_maskRefs.emplace_back();
                p.regions.push_back(readRegion((*regions)[i], "regions[" + std::to_string(i) + "]",
                                               m_maskRefs.back()));
            }
        }
        if (const auto* layers = top.array("paintLayers")) {
            if (layers->size() > kMaxPaintLayers)
                top.fail("paintLayers", "the project has " + std::to_string(layers->size()) +
                                            " paint layers; the limit is " +
                                            std::to_string(kMaxPaintLayers));
            for (std::size_t i = 0; i < layers->size() && m_error.isOk(); ++i)
                p.paintLayers.push_back(
                    readPaintLayer((*layers)[i], "paintLayers[" + std::to_string(i) + "]"));
        }
        if (const auto* results = top.array("results")) {
            if (results->size() > kMaxResults)
                top.fail("results", "the project has " + std::to_string(results->size()) +
                                        " results; the limit is " + std::to_string(kMaxResults));
            for (std::size_t i = 0; i < results->size() && m_error.isOk(); ++i)
                p.results.push_back(readResultFields((*results)[i], i));
        }
        if (!m_error)
            return m_error;
        // Images last, once every field is known to be well-typed.
        for (std::size_t i = 0; i < p.regions.size(); ++i) {
            ProjectRegion& r = p.regions[i];
            if (r.kind != RegionKind::Mask)
                continue;
            auto mask = loadMask(m_maskRefs[i], r, p);
            if (!mask)
                return mask.status();
            r.mask = *mask.value();
        }
        for (std::size_t i = 0; i < p.results.size(); ++i) {
            if (auto s = loadLayout(m_layouts[i], p.results[i], p); !s)
                return s;
        }
        for (std::size_t i = 0; i < p.paintLayers.size(); ++i) {
            auto pixels = loadPaintLayer(m_layerRefs[i], p.paintLayers[i], p);
            if (!pixels)
                return pixels.status();
            p.paintLayers[i].pixels = std::move(pixels.value());
        }
        for (std::size_t i = 0; i < p.results.size(); ++i) {
            auto image = loadResultImage(m_resultRefs[i], p.results[i], p);
            if (!image)
                return image.status();
            p.results[i].image = std::move(image.value());
            if (auto s = loadConditioning(m_conditioning[i], p.results[i]); !s)
                return s;
        }
        if (auto s = validate(p); !s)
            return s.withContext(m_what);
        return p;
    }

private:
    // `maskRef` receives the "mask" field of a mask region.
    ProjectRegion readRegion(const nlohmann::json& j, const std::string& path, std::string& maskRef)
    {
        JsonFields f(j, path, m_what, &m_error);
        ProjectRegion r;
        r.id = std::uint32_t(f.integer("id", 0, 1, kMaxU32, true));
        r.name = f.string("name", "");
        const std::string colour = f.string("colour", "#ff4040");
        if (f.ok() && !parseColour(colour, r.colour))
            f.fail("colour", "expected \"#rrggbb\", found \"" + colour + "\"");
        r.prompt = f.string("prompt", "");
        r.negative = f.string("negative", "");
        r.strength = float(f.number("strength", 1.0));
        r.visible = f.boolean("visible", true);
        if (f.has("seed") && !(j.is_object() && j.at("seed").is_null()))
            r.seed = f.unsigned64("seed", 0);
        const std::string kind = f.string("kind", "", true);
        if (kind == "box") {
            r.kind = RegionKind::Box;
            if (const auto* box = f.object("box", true)) {
                JsonFields b(*box, path + ".box", m_what, &m_error);
                r.box.x = int(b.integer("x", 0, kMinI32, kMaxI32, true));
                r.box.y = int(b.integer("y", 0, kMinI32, kMaxI32, true));
                r.box.width = int(b.integer("width", 0, kMinI32, kMaxI32, true));
                r.box.height = int(b.integer("height", 0, kMinI32, kMaxI32, true));
            }
        } else if (kind == "mask") {
            r.kind = RegionKind::Mask;
            maskRef = f.string("mask", "", true);
        } else if (f.ok()) {
            f.fail("kind", "expected \"mask\" or \"box\", found \"" + kind + "\"");
        }
        return r;
    }

    // A result's "layout": absent, "@regions" (a PNG export's own regions) or its regions.
    struct LayoutFields
    {
        bool present = false;
        bool isRegions = false;
        std::vector<ProjectRegion> regions;
        std::vector<std::string> maskRefs;
    };

    LayoutFields readLayout(const nlohmann::json& result, const std::string& path)
    {
        LayoutFields out;
        auto it = result.find("layout");
        if (!result.is_object() || it == result.end() || it->is_null())
            return out;
        out.present = true;
        if (it->is_string() && *it == kRegionsLayoutRef) {
            out.isRegions = true;
            return out;
        }
        JsonFields f(result, path, m_what, &m_error);
        const auto* regions = f.array("layout");
        if (!regions)
            return out;
        if (regions->size() > kMaxRegions)
            f.fail("layout", std::to_string(regions->size()) + " regions; the limit is " +
                                 std::to_string(kMaxRegions));
        for (std::size_t i = 0; i < regions->size() && m_error.isOk(); ++i) {
            out.maskRefs.emplace_back();
            out.regions.push_back(readRegion(
                (*regions)[i], path + ".layout[" + std::to_string(i) + "]", out.maskRefs.back()));
        }
        return out;
    }

    ProjectResult readResultFields(const nlohmann::json& j, std::size_t index)
    {
        const std::string path = "results[" + std::to_string(index) + "]";
        JsonFields f(j, path, m_what, &m_error);
        ProjectResult r;
        r.id = std::uint32_t(f.integer("id", 0, 1, kMaxU32, true));
        m_resultRefs.push_back(f.string("image", "", true));
        r.seed = f.unsigned64("seed", 0, true);
        r.timestamp = f.integer("timestamp", 0, std::numeric_limits<std::int64_t>::min(),
                                std::numeric_limits<std::int64_t>::max());
        r.prompt = f.string("prompt", "");
        r.negative = f.string("negative", "");
        if (const auto* settings = f.object("settings", true)) {
            JsonFields s(*settings, path + ".settings", m_what, &m_error);
            r.settings = readSettings(s);
        }
        if (const auto* regions = f.array("regions")) {
            if (regions->size() > kMaxRegions)
                f.fail("regions", std::to_string(regions->size()) +
                                      " region prompts; the limit is " +
                                      std::to_string(kMaxRegions));
            for (std::size_t i = 0; i < regions->size() && m_error.isOk(); ++i) {
                JsonFields u((*regions)[i], path + ".regions[" + std::to_string(i) + "]", m_what,
                             &m_error);
                UsedRegionPrompt used;
                used.regionId = std::uint32_t(u.integer("regionId", 0, 0, kMaxU32));
                used.name = u.string("name", "");
                used.prompt = u.string("prompt", "");
                used.negative = u.string("negative", "");
                used.strength = float(u.number("strength", 1.0));
                r.regions.push_back(std::move(used));
            }
        }
        if (const auto* model = f.object("model")) {
            JsonFields m(*model, path + ".model", m_what, &m_error);
            r.model = readModel(m);
        }
        r.loras = readResultLoras(j, path, m_what, &m_error);
        m_layouts.push_back(readLayout(j, path));
        Conditioning c;
        c.startImage = f.string("startImage", "");
        c.rerollMask = f.string("rerollMask", "");
        r.sourceResultId = std::uint32_t(f.integer("sourceResultId", 0, 0, kMaxU32));
        r.upscale = f.number("upscale", 1.0);
        m_conditioning.push_back(std::move(c));
        return r;
    }

    PaintLayer readPaintLayer(const nlohmann::json& j, const std::string& path)
    {
        JsonFields f(j, path, m_what, &m_error);
        PaintLayer l;
        l.id = std::uint32_t(f.integer("id", 0, 1, kMaxU32, true));
        l.name = f.string("name", "");
        l.visible = f.boolean("visible", true);
        l.opacity = float(f.number("opacity", 1.0));
        if (f.ok() && !(l.opacity >= 0.f && l.opacity <= 1.f))
            f.fail("opacity", "expected a number from 0 to 1, found " + std::to_string(l.opacity));
        m_layerRefs.push_back(f.string("image", "", true));
        return l;
    }

    // A result's "startImage" and "rerollMask" entries ("" when absent).
    struct Conditioning
    {
        std::string startImage;
        std::string rerollMask;
    };

    Result<std::vector<std::uint8_t>> fetch(const std::string& ref, const std::string& owner)
    {
        if (ref.rfind(kPngDataUriPrefix, 0) == 0) {
            auto bytes =
                base64Decode(ref.substr(std::char_traits<char>::length(kPngDataUriPrefix)));
            if (!bytes)
                return bytes.status().withContext(m_what + ": " + owner + ": embedded PNG");
            return bytes;
        }
        if (!m_images.readEntry)
            return Status::error(m_what + ": " + owner + " refers to \"" + ref +
                                 "\", but this file holds no other files (only embedded "
                                 "data:image/png;base64 images are allowed here)");
        return m_images.readEntry(ref);
    }

    Status checkSize(const std::vector<std::uint8_t>& png, const std::string& name,
                     const std::string& owner, const Project& p)
    {
        return checkSize(png, name, owner, p.width, p.height, "the canvas");
    }

    // Before decoding: the PNG's header against the size it must have.
    Status checkSize(const std::vector<std::uint8_t>& png, const std::string& name,
                     const std::string& owner, int width, int height, const std::string& whose)
    {
        auto size = pngSize(png, m_what + ": " + name);
        if (!size)
            return size.status();
        if (size->first != width || size->second != height)
            return Status::error(m_what + ": " + name + " (" + owner + ") is " +
                                 std::to_string(size->first) + "x" + std::to_string(size->second) +
                                 " but " + whose + " is " + std::to_string(width) + "x" +
                                 std::to_string(height));
        return Status::ok();
    }

    static std::string entryLabel(const std::string& ref, const char* embedded)
    {
        return ref.rfind("data:", 0) == 0 ? std::string(embedded) : ref;
    }

    Result<RgbaImage> loadPaintLayer(const std::string& ref, const PaintLayer& l, const Project& p)
    {
        const std::string owner =
            "paint layer " + std::to_string(l.id) + (l.name.empty() ? "" : " \"" + l.name + "\"");
        const std::string name = entryLabel(ref, "embedded paint layer");
        auto png = fetch(ref, owner);
        if (!png)
            return png.status();
        if (auto s = checkSize(*png, name, owner, p); !s)
            return s;
        return decodeRgbaPng(*png, m_what + ": " + name);
    }

    // The start image and reroll mask at the result image's size; each entry decoded once.
    Status loadConditioning(const Conditioning& c, ProjectResult& r)
    {
        const std::string owner = "result " + std::to_string(r.id);
        const int w = r.image.width;
        const int h = r.image.height;
        const std::string whose = owner + "'s image";
        if (!c.startImage.empty()) {
            if (auto it = m_startImages.find(c.startImage); it != m_startImages.end()) {
                r.startImage = it->second;
            } else {
                const std::string name = entryLabel(c.startImage, "embedded start image");
                auto png = fetch(c.startImage, "the start image of " + owner);
                if (!png)
                    return png.status();
                if (auto s = checkSize(*png, name, "the start image of " + owner, w, h, whose); !s)
                    return s;
                auto image = decodeRgbPng(*png, m_what + ": " + name);
                if (!image)
                    return image.status();
                r.startImage = std::make_shared<const RgbImage>(std::move(image.value()));
                m_startImages.emplace(c.startImage, r.startImage);
            }
        }
        if (!c.rerollMask.empty()) {
            if (auto it = m_masks.find(c.rerollMask); it != m_masks.end()) {
                r.rerollMask = it->second;
            } else {
                const std::string name = entryLabel(c.rerollMask, "embedded reroll mask");
                auto png = fetch(c.rerollMask, "the reroll mask of " + owner);
                if (!png)
                    return png.status();
                if (auto s = checkSize(*png, name, "the reroll mask of " + owner, w, h, whose); !s)
                    return s;
                auto mask = decodeMaskPng(*png, m_what + ": " + name);
                if (!mask)
                    return mask.status();
                r.rerollMask = std::make_shared<const MaskImage>(std::move(mask.value()));
                m_masks.emplace(c.rerollMask, r.rerollMask);
            }
        }
        return Status::ok();
    }

    // Each entry is decoded once; regions and layouts naming it share the mask.
    Result<std::shared_ptr<const MaskImage>> loadMask(const std::string& ref,
                                                      const ProjectRegion& r, const Project& p)
    {
        if (auto it = m_masks.find(ref); it != m_masks.end())
            return it->second;
        const std::string owner = "the mask of region " + std::to_string(r.id) +
                                  (r.name.empty() ? "" : " \"" + r.name + "\"");
        const std::string name = ref.rfind("data:", 0) == 0 ? "embedded mask" : ref;
        auto png = fetch(ref, owner);
        if (!png)
            return png.status();
        if (auto s = checkSize(*png, name, owner, p); !s)
            return s;
        auto mask = decodeMaskPng(*png, m_what + ": " + name);
        if (!mask)
            return mask.status();
        auto shared = std::make_shared<const MaskImage>(std::move(mask.value()));
        m_masks.emplace(ref, shared);
        return shared;
    }

    Status loadLayout(const LayoutFields& fields, ProjectResult& result, const Project& p)
    {
        if (!fields.present)
            return Status::ok();
        if (fields.isRegions) {
            result.layout = captureLayout(p);
            return Status::ok();
        }
        RegionLayout layout;
        for (std::size_t i = 0; i < fields.regions.size(); ++i) {
            LayoutRegion l;
            l.region = fields.regions[i];
            if (l.region.kind == RegionKind::Mask) {
                auto mask = loadMask(fields.maskRefs[i], l.region, p);
                if (!mask)
                    return mask.status().withContext("result " + std::to_string(result.id) +
                                                     " layout");
                l.mask = std::move(mask.value());
            }
            layout.push_back(std::move(l));
        }
        result.layout = std::move(layout);
        return Status::ok();
    }

    Result<RgbImage> loadResultImage(const std::string& ref, const ProjectResult& r,
                                     const Project& p)
    {
        const std::string owner = "the image of result " + std::to_string(r.id);
        // An upscale is the canvas times its factor; anything else the canvas.
        const std::string sized = m_what + ": " + owner;
        if (ref == kSelfImageRef) {
            if (!m_images.self)
                return Status::error(m_what + ": " + owner +
                                     " is \"@self\", which only a PNG export can hold");
            if (r.upscale == 1.0 &&
                (m_images.self->width != p.width || m_images.self->height != p.height))
                return Status::error(
                    m_what + ": the image is " + std::to_string(m_images.self->width) + "x" +
                    std::to_string(m_images.self->height) + " but its project canvas is " +
                    std::to_string(p.width) + "x" + std::to_string(p.height));
            if (auto s = checkUpscaledSize(p.width, p.height, r.upscale, m_images.self->width,
                                           m_images.self->height, sized);
                !s)
                return s;
            return *m_images.self;
        }
        auto png = fetch(ref, owner);
        if (!png)
            return png.status();
        if (r.upscale == 1.0) {
            if (auto s = checkSize(*png, ref, owner, p); !s)
                return s;
        } else {
            auto size = pngSize(*png, m_what + ": " + ref);
            if (!size)
                return size.status();
            if (auto s = checkUpscaledSize(p.width, p.height, r.upscale, size->first, size->second,
                                           sized + " (" + ref + ")");
                !s)
                return s;
        }
        return decodeRgbPng(*png, m_what + ": " + ref);
    }

    const ProjectImageSource& m_images;
    std::string m_what;
    Status m_error;
    std::vector<std::string> m_maskRefs;
    std::vector<std::string> m_resultRefs;
    std::vector<LayoutFields> m_layouts;
    std::vector<Conditioning> m_conditioning;
    std::vector<std::string> m_layerRefs;
    std::map<std::string, std::shared_ptr<const MaskImage>> m_masks;
    std::map<std::string, std::shared_ptr<const RgbImage>> m_startImages;
};

} // namespace

Result<Project> projectFromJson(const std::string& text, const ProjectImageSource& images,
                                const std::string& what)
{
    try {
        // Bounded before the tree is built: its memory grows with the count of values.
        if (auto s = checkProjectJsonBounds(text, what); !s)
            return s;
        nlohmann::json doc;
        try {
            doc = nlohmann::json::parse(text);
        } catch (const nlohmann::json::parse_error& e) {
            return Status::error(what + ": the project JSON is malformed at byte " +
                                 std::to_string(e.byte) + " (" + e.what() + ")");
        }
        auto migrated = migrateProjectJson(std::move(doc), what);
        if (!migrated)
            return migrated.status();
        return Reader(images, what).read(*migrated);
    } catch (const std::exception& e) {
        return Status::error(what + ": cannot read the project: " + e.what());
    }
}

} // namespace md
