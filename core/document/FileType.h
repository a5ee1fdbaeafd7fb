#pragma once

// What a path is, asked before opening it: reading a FIFO blocks until a writer comes, reading
// /dev/zero never ends, and renaming a new file over a device replaces the device. Every
// document input (projects, masks, init images, manifests) and every atomic write's target
// is checked here first. Symbolic links are followed: a link to a regular file is a regular
// file, a link to a FIFO is a FIFO.

#include "engine/PathKind.h"
#include "engine/Status.h"

#include <string>

namespace md {

// The kind of a path and its name in messages: pathKind() and pathKindName() of
// engine/PathKind.h (one classifier for models and documents alike).

// An input: ok only for an existing regular file. The message names the path and what it is:
// "x.png: is a FIFO (named pipe), not a regular file".
Status checkInputFile(const std::string& path);

// A target to be replaced: ok when it does not exist or is a regular file (or a link to one).
// "/dev/null: is a character device, not a regular file; it was not replaced".
Status checkOutputTarget(const std::string& path);

// A folder to write into: ok when it exists, is a folder (or a link to one) and is writable
// by this process ("previews: is not a folder", "previews: cannot write there: Permission
// denied").
Status checkWritableFolder(const std::string& path);

} // namespace md
