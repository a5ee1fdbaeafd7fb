#include "document/LayoutMasks.h"

#include "document/ImageIo.h"
#include "document/ProjectJson.h"
#include "document/Sha256.h"

#include <set>

namespace md {

namespace {

class Collector
{
public:
    explicit Collector(const Project& project) : m_project(project) {}

    Status addMask(const MaskImage& mask, const std::string& owner)
    {
        if (m_out.names.count(&mask))
            return Status::ok();
        std::string name;
        for (const ProjectRegion& r : m_project.regions) {
            if (r.kind == RegionKind::Mask && sameMask(r.mask, mask)) {
                name = maskEntryName(r.id);
                break;
            }
        }
        if (name.empty()) {
            auto png = encodeMaskPng(mask);
            if (!png)
                return png.status().withContext(owner);
            name = contentMaskEntryName(*png);
            add(name, std::move(png.value()));
        }
        m_out.names.emplace(&mask, name);
        return Status::ok();
    }

    Status addImage(const RgbImage& image, const std::string& owner)
    {
        if (m_out.images.count(&image))
            return Status::ok();
        std::string name;
        for (const ProjectResult& r : m_project.results) {
            if (sameImage(r.image, image)) {
                name = resultEntryName(r.id);
                break;
            }
        }
        if (name.empty()) {
            auto png = encodePng(image);
            if (!png)
                return png.status().withContext(owner);
            name = contentImageEntryName(*png);
            add(name, std::move(png.value()));
        }
        m_out.images.emplace(&image, name);
        return Status::ok();
    }

    LayoutMaskEntries take() { return std::move(m_out); }

private:
    // Images that differ only below 1/255 (masks) give the same PNG: one entry.
    void add(const std::string& name, std::vector<std::uint8_t> png)
    {
        if (m_written.insert(name).second)
            m_out.entries.emplace_back(name, std::move(png));
    }

    const Project& m_project;
    LayoutMaskEntries m_out;
    std::set<std::string> m_written;
};

std::string contentName(const char* folder, const std::vector<std::uint8_t>& png)
{
    return std::string(folder) + "/" + Sha256::hex(png.data(), png.size()).substr(0, 16) + ".png";
}

} // namespace

std::string contentMaskEntryName(const std::vector<std::uint8_t>& png)
{
    return contentName("masks", png);
}

std::string contentImageEntryName(const std::vector<std::uint8_t>& png)
{
    return contentName("images", png);
}

Result<LayoutMaskEntries> collectLayoutMasks(const Project& project)
{
    Collector collector(project);
    for (const ProjectResult& result : project.results) {
        const std::string owner = "result " + std::to_string(result.id);
        if (result.layout) {
            for (const LayoutRegion& l : *result.layout) {
                if (!l.mask)
                    continue;
                if (auto s = collector.addMask(*l.mask, owner + " layout mask"); !s)
                    return s;
            }
        }
        if (result.rerollMask) {
            if (auto s = collector.addMask(*result.rerollMask, owner + " reroll mask"); !s)
                return s;
        }
        if (result.startImage) {
            if (auto s = collector.addImage(*result.startImage, owner + " start image"); !s)
                return s;
        }
    }
    return collector.take();
}

} // namespace md
