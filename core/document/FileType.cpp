#include "document/FileType.h"

#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace md {

FileKind fileKind(const std::string& path, int* error)
{
    if (error)
        *error = 0;
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
        if (error)
            *error = errno;
        return FileKind::Missing;
    }
    if (S_ISREG(st.st_mode))
        return FileKind::Regular;
    if (S_ISDIR(st.st_mode))
        return FileKind::Directory;
    if (S_ISFIFO(st.st_mode))
        return FileKind::Fifo;
    if (S_ISCHR(st.st_mode))
        return FileKind::CharDevice;
    if (S_ISBLK(st.st_mode))
        return FileKind::BlockDevice;
    if (S_ISSOCK(st.st_mode))
        return FileKind::Socket;
    return FileKind::Other;
}

std::string fileKindName(FileKind kind)
{
    switch (kind) {
    case FileKind::Missing:
        return "missing";
    case FileKind::Regular:
        return "a regular file";
    case FileKind::Directory:
        return "a folder";
    case FileKind::Fifo:
        return "a FIFO (named pipe)";
    case FileKind::CharDevice:
        return "a character device";
    case FileKind::BlockDevice:
        return "a block device";
    case FileKind::Socket:
        return "a socket";
    case FileKind::Other:
        break;
    }
    return "not a regular file";
}

Status checkInputFile(const std::string& path)
{
    if (path.empty())
        return Status::error("no file name given");
    int error = 0;
    const FileKind kind = fileKind(path, &error);
    if (kind == FileKind::Regular)
        return Status::ok();
    if (kind == FileKind::Missing)
        return Status::error(path + ": cannot open: " + std::strerror(error));
    if (kind == FileKind::Directory)
        return Status::error(path + ": is a folder, not a file");
    return Status::error(path + ": is " + fileKindName(kind) + ", not a regular file");
}

Status checkOutputTarget(const std::string& path)
{
    if (path.empty())
        return Status::error("cannot write a file with an empty name");
    int error = 0;
    const FileKind kind = fileKind(path, &error);
    if (kind == FileKind::Regular)
        return Status::ok();
    if (kind == FileKind::Missing) {
        // Absent (or a dangling link, which the write replaces): fine. A path that cannot be
        // looked at (no permission, a file where a folder should be) is the writer's to report.
        return Status::ok();
    }
    if (kind == FileKind::Directory)
        return Status::error(path + ": is a folder; give a file name");
    return Status::error(path + ": is " + fileKindName(kind) +
                         ", not a regular file; it was not replaced");
}

Status checkWritableFolder(const std::string& path)
{
    int error = 0;
    const FileKind kind = fileKind(path, &error);
    if (kind == FileKind::Missing)
        return Status::error(path + ": cannot use the folder: " + std::strerror(error));
    if (kind != FileKind::Directory)
        return Status::error(path + ": is " + fileKindName(kind) + ", not a folder");
    if (::access(path.c_str(), W_OK | X_OK) != 0)
        return Status::error(path + ": cannot write there: " + std::strerror(errno));
    return Status::ok();
}

} // namespace md
