// ByteStream: a source of bytes of unknown length read once from front to back (a pipe,
// stdin, a socket, a file read sequentially, a producer in memory). The multipart uploader
// reads from it into part buffers, so an upload never needs the whole stream or its length.
// Unlike http::BodySource it cannot rewind: retries resend the buffered part instead.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "crossdock/core/result.h"

namespace crossdock::aws::s3 {

class ByteStream {
 public:
  virtual ~ByteStream() = default;
  // Fills up to `size` bytes; returns how many; 0 means the end of the stream. May return
  // fewer than asked before the end (pipes do).
  virtual Result<size_t> Read(char* buf, size_t size) = 0;
};

// Reads a file descriptor it does not own (0 for stdin). `name` appears in error messages.
class FdByteStream final : public ByteStream {
 public:
  FdByteStream(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
  Result<size_t> Read(char* buf, size_t size) override;

 private:
  int fd_;
  std::string name_;
};

// Opens a file for sequential reading; kNotFound / kAccessDenied naming the path.
class FileByteStream final : public ByteStream {
 public:
  static Result<std::unique_ptr<FileByteStream>> Open(const std::string& path);
  ~FileByteStream() override;
  Result<size_t> Read(char* buf, size_t size) override { return inner_.Read(buf, size); }
  uint64_t size() const { return size_; }

 private:
  FileByteStream(int fd, std::string path, uint64_t size)
      : fd_(fd), size_(size), inner_(fd, std::move(path)) {}
  int fd_;
  uint64_t size_;
  FdByteStream inner_;
};

// Reads a string held in memory.
class StringByteStream final : public ByteStream {
 public:
  explicit StringByteStream(std::string data) : data_(std::move(data)) {}
  Result<size_t> Read(char* buf, size_t size) override;

 private:
  std::string data_;
  size_t pos_ = 0;
};

// Reads exactly `size` bytes into buf unless the stream ends first; returns the count.
Result<size_t> ReadFull(ByteStream& in, char* buf, size_t size);

}  // namespace crossdock::aws::s3
