#include "document/LayoutMasks.h"

#include "document/ImageIo.h"
#include "document/ProjectJson.h"
#include "document/Sha256.h"

#include <set>

namespace md {

std::string contentMaskEntryName(const std::vector<std::uint8_t>& png)
{
    return "masks/" + Sha256::hex(png.data(), png.size()).substr(0, 16) + ".png";
}

Result<LayoutMaskEntries> collectLayoutMasks(const Project& project)
{
    LayoutMaskEntries out;
    std::set<std::string> written;
    for (const ProjectResult& result : project.results) {
        if (!result.layout)
            continue;
        for (const LayoutRegion& l : *result.layout) {
            if (!l.mask || out.names.count(l.mask.get()))
                continue;
            std::string name;
            for (const ProjectRegion& r : project.regions) {
                if (r.kind == RegionKind::Mask && sameMask(r.mask, *l.mask)) {
                    name = maskEntryName(r.id);
                    break;
                }
            }
            if (name.empty()) {
                auto png = encodeMaskPng(*l.mask);
                if (!png)
                    return png.status().withContext("result " + std::to_string(result.id) +
                                                    " layout mask");
                name = contentMaskEntryName(*png);
                // Masks that differ only below 1/255 give the same PNG: one entry.
                if (written.insert(name).second)
                    out.entries.emplace_back(name, std::move(png.value()));
            }
            out.names.emplace(l.mask.get(), name);
        }
    }
    return out;
}

} // namespace md
