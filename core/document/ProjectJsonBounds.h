#pragma once

// A streaming pass over a project's JSON text before it is parsed into a document tree: the
// tree of a hostile project.json (700,000 regions in 56 MB) takes about a gigabyte, while this
// pass keeps only a stack of the open arrays and objects. It refuses, at the first value past
// a limit, arrays longer than the project allows ("regions: the project has more than 64
// regions; the limit is 64"), objects with too many members, deep nesting and too many values
// in all. Malformed JSON passes: the parser reports it with its position.

#include "engine/Status.h"

#include <cstddef>
#include <string>

namespace md {

struct ProjectJsonBounds
{
    std::size_t maxDepth = 32;
    std::size_t maxArray = 4096;   // arrays the format does not bound more tightly
    std::size_t maxMembers = 1024; // members of one object
    std::size_t maxValues = 4u << 20;
};

// `what` prefixes the message (usually the file name).
Status checkProjectJsonBounds(const std::string& text, const std::string& what,
                              const ProjectJsonBounds& bounds = {});

} // namespace md
