#include "crossdock/aws/s3/byte_stream.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace crossdock::aws::s3 {

Result<size_t> FdByteStream::Read(char* buf, size_t size) {
  for (;;) {
    ssize_t n = ::read(fd_, buf, size);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno == EINTR) continue;
    return Error(ErrorCode::kInternal,
                 fmt::format("reading {} failed: {}", name_, std::strerror(errno)), "source");
  }
}

Result<std::unique_ptr<FileByteStream>> FileByteStream::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    ErrorCode code = err == ENOENT   ? ErrorCode::kNotFound
                     : err == EACCES ? ErrorCode::kAccessDenied
                                     : ErrorCode::kInternal;
    return Error(code,
                 fmt::format("cannot open '{}': {}; check the path", path, std::strerror(err)),
                 "path");
  }
  struct stat st {};
  ::fstat(fd, &st);
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("'{}' is a directory; use --recursive to copy a directory", path),
                 "path");
  }
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return std::unique_ptr<FileByteStream>(
      new FileByteStream(fd, path, static_cast<uint64_t>(st.st_size)));
}

FileByteStream::~FileByteStream() { ::close(fd_); }

Result<size_t> StringByteStream::Read(char* buf, size_t size) {
  size_t n = std::min(size, data_.size() - pos_);
  std::memcpy(buf, data_.data() + pos_, n);
  pos_ += n;
  return n;
}

Result<size_t> ReadFull(ByteStream& in, char* buf, size_t size) {
  size_t got = 0;
  while (got < size) {
    ASSIGN_OR_RETURN(size_t n, in.Read(buf + got, size - got));
    if (n == 0) break;
    got += n;
  }
  return got;
}

}  // namespace crossdock::aws::s3
