#include "crossdock/sync/streams.h"

#include <algorithm>
#include <cstring>

namespace crossdock::sync {

Result<size_t> PipeByteStream::Read(char* buf, size_t size) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return failed_ || buffered_ > 0 || closed_; });
  if (failed_) return error_;
  size_t done = 0;
  while (done < size && !chunks_.empty()) {
    std::string& front = chunks_.front();
    size_t n = std::min(size - done, front.size() - front_pos_);
    std::memcpy(buf + done, front.data() + front_pos_, n);
    done += n;
    front_pos_ += n;
    if (front_pos_ == front.size()) {
      chunks_.pop_front();
      front_pos_ = 0;
    }
  }
  buffered_ -= done;
  cv_.notify_all();
  return done;
}

Status PipeByteStream::Write(std::string_view data) {
  std::unique_lock<std::mutex> lock(mu_);
  while (!data.empty()) {
    cv_.wait(lock, [&] { return failed_ || buffered_ < capacity_; });
    if (failed_) return error_;
    size_t n = std::min(data.size(), capacity_ - buffered_);
    chunks_.emplace_back(data.substr(0, n));
    buffered_ += n;
    data.remove_prefix(n);
    cv_.notify_all();
  }
  return OkStatus();
}

void PipeByteStream::CloseWrite() {
  std::lock_guard<std::mutex> lock(mu_);
  closed_ = true;
  cv_.notify_all();
}

void PipeByteStream::Fail(Error error) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!failed_) {
    failed_ = true;
    error_ = std::move(error);
  }
  cv_.notify_all();
}

Result<std::unique_ptr<DecompressingStream>> DecompressingStream::Make(aws::s3::ByteStream& inner,
                                                                       Compression compression) {
  ASSIGN_OR_RETURN(auto d, MakeDecompressor(compression));
  return std::unique_ptr<DecompressingStream>(new DecompressingStream(inner, std::move(d)));
}

Result<size_t> DecompressingStream::Read(char* buf, size_t size) {
  while (out_pos_ == out_.size()) {
    if (eof_) return size_t{0};
    out_.clear();
    out_pos_ = 0;
    in_buf_.resize(256 * 1024);
    ASSIGN_OR_RETURN(size_t n, inner_.Read(in_buf_.data(), in_buf_.size()));
    if (n == 0) {
      RETURN_IF_ERROR(d_->Finish());
      eof_ = true;
      continue;
    }
    RETURN_IF_ERROR(d_->Write(std::string_view(in_buf_.data(), n), &out_));
  }
  size_t n = std::min(size, out_.size() - out_pos_);
  std::memcpy(buf, out_.data() + out_pos_, n);
  out_pos_ += n;
  return n;
}

}  // namespace crossdock::sync
