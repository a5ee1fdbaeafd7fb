#include "document/FileType.h"

#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace md {

Status checkInputFile(const std::string& path)
{
    if (path.empty())
        return Status::error("no file name given");
    int error = 0;
    const PathKind kind = pathKind(path, &error);
    if (kind == PathKind::Regular)
        return Status::ok();
    if (kind == PathKind::Missing)
        return Status::error(path + ": cannot open: " + std::strerror(error));
    if (kind == PathKind::Directory)
        return Status::error(path + ": is a folder, not a file");
    return Status::error(path + ": is " + pathKindName(kind) + ", not a regular file");
}

Status checkOutputTarget(const std::string& path)
{
    if (path.empty())
        return Status::error("cannot write a file with an empty name");
    int error = 0;
    const PathKind kind = pathKind(path, &error);
    if (kind == PathKind::Regular)
        return Status::ok();
    if (kind == PathKind::Missing) {
        // Absent (or a dangling link, which the write replaces): fine. A path that cannot be
        // looked at (no permission, a file where a folder should be) is the writer's to report.
        return Status::ok();
    }
    if (kind == PathKind::Directory)
        return Status::error(path + ": is a folder; give a file name");
    return Status::error(path + ": is " + pathKindName(kind) +
                         ", not a regular file; it was not replaced");
}

Status checkWritableFolder(const std::string& path)
{
    int error = 0;
    const PathKind kind = pathKind(path, &error);
    if (kind == PathKind::Missing)
        return Status::error(path + ": cannot use the folder: " + std::strerror(error));
    if (kind != PathKind::Directory)
        return Status::error(path + ": is " + pathKindName(kind) + ", not a folder");
    if (::access(path.c_str(), W_OK | X_OK) != 0)
        return Status::error(path + ": cannot write there: " + std::strerror(errno));
    return Status::ok();
}

} // namespace md
