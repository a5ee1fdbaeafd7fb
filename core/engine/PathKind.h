#pragma once

// What a path names, before anything opens it: a model or a tokenizer must be a regular file
// or a folder. A FIFO would block the open() forever, /dev/zero or /dev/urandom would be read
// without end, so they are refused by kind, with a message that says what the path is.

#include "engine/Status.h"

#include <string>

namespace md {

enum class PathKind { Missing, Regular, Directory, Fifo, CharDevice, BlockDevice, Socket, Other };

// Follows symbolic links (a link to a model is a model). Missing also covers a dangling link
// and a path that cannot be looked at (`error` receives errno then; 0 otherwise).
PathKind pathKind(const std::string& path, int* error = nullptr);

// "a FIFO (named pipe)", "a character device", ... for messages.
std::string pathKindName(PathKind kind);

// Ok for a regular file or a folder; otherwise "<path>: no such file or folder" or
// "<path> is not a regular file or folder (it is a FIFO (named pipe))".
Status requireFileOrFolder(const std::string& path);

} // namespace md
