// Byte streams that connect the sync pipeline's stages: a bounded pipe between a producer
// thread and a consumer (the encoder pushing into an S3 multipart upload, an S3 GET pushing
// into a decoder), and a stream that decompresses another.
//
// The pipe holds at most `capacity` bytes; Write blocks while it is full and Read while it is
// empty, so memory stays bounded whatever the transfer size. Either side can fail the pipe:
// the other side's next call returns that error, which is how a failed upload stops the
// encoder and a cancelled run stops the uploader (which then aborts its multipart upload).
// PipeByteStream is thread-safe for one writer and one reader.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "crossdock/aws/s3/byte_stream.h"
#include "crossdock/sync/formats/compression.h"

namespace crossdock::sync {

class PipeByteStream final : public aws::s3::ByteStream {
 public:
  explicit PipeByteStream(size_t capacity = 4 << 20) : capacity_(capacity) {}

  // Reader side.
  Result<size_t> Read(char* buf, size_t size) override;

  // Writer side: blocks while full; returns the reader's failure if it failed the pipe.
  Status Write(std::string_view data);
  // No more data: the reader sees the end after what is buffered.
  void CloseWrite();
  // Fails the pipe from either side; both sides' later calls return `error`.
  void Fail(Error error);

 private:
  const size_t capacity_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> chunks_;
  size_t front_pos_ = 0;
  size_t buffered_ = 0;
  bool closed_ = false;
  bool failed_ = false;
  Error error_;
};

// Reads `inner` (compressed with `compression`) and returns the decompressed bytes.
class DecompressingStream final : public aws::s3::ByteStream {
 public:
  static Result<std::unique_ptr<DecompressingStream>> Make(aws::s3::ByteStream& inner,
                                                           Compression compression);
  Result<size_t> Read(char* buf, size_t size) override;

 private:
  DecompressingStream(aws::s3::ByteStream& inner, std::unique_ptr<Decompressor> d)
      : inner_(inner), d_(std::move(d)) {}
  aws::s3::ByteStream& inner_;
  std::unique_ptr<Decompressor> d_;
  std::string in_buf_;
  std::string out_;
  size_t out_pos_ = 0;
  bool eof_ = false;
};

}  // namespace crossdock::sync
