#include "document/ProjectJsonBounds.h"

#include "document/Project.h"

#include <nlohmann/json.hpp>
#include <vector>

namespace md {

namespace {

class BoundsCheck
{
public:
    BoundsCheck(const ProjectJsonBounds& bounds, std::string what)
        : m_bounds(bounds), m_what(std::move(what))
    {
    }

    const Status& status() const { return m_error; }

    // nlohmann::json's SAX interface: returning false stops the parse.
    bool null() { return value(); }
    bool boolean(bool) { return value(); }
    bool number_integer(nlohmann::json::number_integer_t) { return value(); }
    bool number_unsigned(nlohmann::json::number_unsigned_t) { return value(); }
    bool number_float(nlohmann::json::number_float_t, const std::string&) { return value(); }
    bool string(std::string&) { return value(); }
    bool binary(nlohmann::json::binary_t&) { return value(); }
    bool start_object(std::size_t) { return open(false); }
    bool end_object() { return close(); }
    bool start_array(std::size_t) { return open(true); }
    bool end_array() { return close(); }
    bool key(std::string& key)
    {
        if (m_stack.empty())
            return true;
        Frame& f = m_stack.back();
        f.key = key;
        if (++f.count > m_bounds.maxMembers)
            return fail(path() + ": more than " + std::to_string(m_bounds.maxMembers) +
                        " members in one object; the limit is " +
                        std::to_string(m_bounds.maxMembers));
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&)
    {
        return false; // the real parse reports it, with its position
    }

private:
    struct Frame
    {
        bool array = false;
        std::string key;       // objects: the key of the member being read
        std::string name;      // how the path names this container
        std::size_t count = 0; // members or elements so far
        std::size_t limit = 0; // arrays: elements allowed
        std::string lead;      // arrays: the message's start ("the project has ")
        std::string noun;      // arrays: what the elements are ("regions")
    };

    bool fail(const std::string& message)
    {
        if (m_error.isOk())
            m_error = Status::error(m_what + ": " + message);
        return false;
    }

    std::string path() const
    {
        std::string out;
        for (std::size_t i = 1; i < m_stack.size(); ++i)
            out += m_stack[i].name;
        return out.empty() ? "the top level" : out;
    }

    // Counts a value in its array; objects count their members in key().
    bool value()
    {
        if (++m_values > m_bounds.maxValues)
            return fail("more than " + std::to_string(m_bounds.maxValues) +
                        " values in all; the limit is " + std::to_string(m_bounds.maxValues));
        if (m_stack.empty() || !m_stack.back().array)
            return true;
        Frame& f = m_stack.back();
        if (++f.count <= f.limit)
            return true;
        const std::string limit = std::to_string(f.limit);
        return fail(path() + ": " + f.lead + "more than " + limit + " " + f.noun +
                    "; the limit is " + limit);
    }

    bool open(bool array)
    {
        if (!value())
            return false;
        if (m_stack.size() >= m_bounds.maxDepth)
            return fail(path() + ": nested more than " + std::to_string(m_bounds.maxDepth) +
                        " levels deep; the limit is " + std::to_string(m_bounds.maxDepth));
        Frame f;
        f.array = array;
        if (!m_stack.empty()) {
            const Frame& parent = m_stack.back();
            f.name = parent.array ? "[" + std::to_string(parent.count - 1) + "]"
                                  : (m_stack.size() == 1 ? "" : ".") + parent.key;
        }
        if (array)
            setLimit(f);
        m_stack.push_back(std::move(f));
        return true;
    }

    // The format's own bounds: regions, paint layers and results at the top, a result's region
    // prompts and layout; any other array gets the generic one.
    void setLimit(Frame& f) const
    {
        f.limit = m_bounds.maxArray;
        f.noun = "elements";
        if (m_stack.empty()) // an array at the top level: the real parse refuses it
            return;
        const Frame& parent = m_stack.back();
        const bool top = m_stack.size() == 1 && !parent.array;
        const bool inResult =
            m_stack.size() == 3 && !parent.array && m_stack[1].array && m_stack[0].key == "results";
        if (top && (parent.key == "regions" || parent.key == "results")) {
            f.limit = parent.key == "regions" ? kMaxRegions : kMaxResults;
            f.lead = "the project has ";
            f.noun = parent.key;
        } else if (top && parent.key == "paintLayers") {
            f.limit = kMaxPaintLayers;
            f.lead = "the project has ";
            f.noun = "paint layers";
        } else if (inResult && (parent.key == "regions" || parent.key == "layout")) {
            f.limit = kMaxRegions;
            f.noun = parent.key == "regions" ? "region prompts" : "regions";
        }
    }

    bool close()
    {
        if (!m_stack.empty())
            m_stack.pop_back();
        return true;
    }

    const ProjectJsonBounds& m_bounds;
    std::string m_what;
    Status m_error;
    std::vector<Frame> m_stack;
    std::size_t m_values = 0;
};

} // namespace

Status checkProjectJsonBounds(const std::string& text, const std::string& what,
                              const ProjectJsonBounds& bounds)
{
    BoundsCheck check(bounds, what);
    nlohmann::json::sax_parse(text, &check);
    return check.status();
}

} // namespace md
