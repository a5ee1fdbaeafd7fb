#include "engine/PathKind.h"

#include <cerrno>
#include <sys/stat.h>

namespace md {

PathKind pathKind(const std::string& path, int* error)
{
    if (error)
        *error = 0;
    struct stat st
    {
    };
    if (path.empty())
        return PathKind::Missing;
    if (::stat(path.c_str(), &st) != 0) {
        if (error)
            *error = errno;
        return PathKind::Missing;
    }
    if (S_ISREG(st.st_mode))
        return PathKind::Regular;
    if (S_ISDIR(st.st_mode))
        return PathKind::Directory;
    if (S_ISFIFO(st.st_mode))
        return PathKind::Fifo;
    if (S_ISCHR(st.st_mode))
        return PathKind::CharDevice;
    if (S_ISBLK(st.st_mode))
        return PathKind::BlockDevice;
    if (S_ISSOCK(st.st_mode))
        return PathKind::Socket;
    return PathKind::Other;
}

std::string pathKindName(PathKind kind)
{
    switch (kind) {
    case PathKind::Missing:
        return "missing";
    case PathKind::Regular:
        return "a regular file";
    case PathKind::Directory:
        return "a folder";
    case PathKind::Fifo:
        return "a FIFO (named pipe)";
    case PathKind::CharDevice:
        return "a character device";
    case PathKind::BlockDevice:
        return "a block device";
    case PathKind::Socket:
        return "a socket";
    case PathKind::Other:
        break;
    }
    return "a special file";
}

Status requireFileOrFolder(const std::string& path)
{
    const PathKind kind = pathKind(path);
    if (kind == PathKind::Regular || kind == PathKind::Directory)
        return Status::ok();
    if (kind == PathKind::Missing)
        return Status::error(path + ": no such file or folder");
    return Status::error(path + " is not a regular file or folder (it is " + pathKindName(kind) +
                         ")");
}

} // namespace md
