#include "crossdock/sync/formats/compression.h"

#include <zlib.h>
#include <zstd.h>

namespace crossdock::sync {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

class NoneCompressor final : public Compressor {
 public:
  Status Write(std::string_view in, std::string* out) override {
    out->append(in);
    return OkStatus();
  }
  Status Finish(std::string*) override { return OkStatus(); }
};

class NoneDecompressor final : public Decompressor {
 public:
  Status Write(std::string_view in, std::string* out) override {
    out->append(in);
    return OkStatus();
  }
  Status Finish() override { return OkStatus(); }
};

class ZstdCompressor final : public Compressor {
 public:
  explicit ZstdCompressor(int level) : ctx_(ZSTD_createCCtx()) {
    ZSTD_CCtx_setParameter(ctx_, ZSTD_c_compressionLevel, level);
  }
  ~ZstdCompressor() override { ZSTD_freeCCtx(ctx_); }

  Status Write(std::string_view in, std::string* out) override {
    return Run(in, ZSTD_e_continue, out);
  }
  Status Finish(std::string* out) override { return Run({}, ZSTD_e_end, out); }

 private:
  Status Run(std::string_view in, ZSTD_EndDirective mode, std::string* out) {
    ZSTD_inBuffer input{in.data(), in.size(), 0};
    const size_t chunk = ZSTD_CStreamOutSize();
    for (;;) {
      size_t old = out->size();
      out->resize(old + chunk);
      ZSTD_outBuffer output{out->data() + old, chunk, 0};
      size_t rc = ZSTD_compressStream2(ctx_, &output, &input, mode);
      out->resize(old + output.pos);
      if (ZSTD_isError(rc)) {
        return Error(ErrorCode::kInternal,
                     std::string("zstd compression failed: ") + ZSTD_getErrorName(rc));
      }
      bool done = mode == ZSTD_e_end ? rc == 0 : input.pos == input.size;
      if (done) return OkStatus();
    }
  }
  ZSTD_CCtx* ctx_;
};

class ZstdDecompressor final : public Decompressor {
 public:
  ZstdDecompressor() : ctx_(ZSTD_createDCtx()) {}
  ~ZstdDecompressor() override { ZSTD_freeDCtx(ctx_); }

  Status Write(std::string_view in, std::string* out) override {
    ZSTD_inBuffer input{in.data(), in.size(), 0};
    const size_t chunk = ZSTD_DStreamOutSize();
    bool full = false;
    while (input.pos < input.size || full) {
      size_t old = out->size();
      out->resize(old + chunk);
      ZSTD_outBuffer output{out->data() + old, chunk, 0};
      size_t rc = ZSTD_decompressStream(ctx_, &output, &input);
      out->resize(old + output.pos);
      if (ZSTD_isError(rc)) {
        return Error(ErrorCode::kDataLoss,
                     std::string("zstd input is corrupt: ") + ZSTD_getErrorName(rc));
      }
      pending_ = rc != 0;
      full = output.pos == output.size;  // the decoder may hold more output
    }
    return OkStatus();
  }
  Status Finish() override {
    if (pending_) {
      return Error(ErrorCode::kDataLoss, "zstd input ends inside a frame: the file is truncated");
    }
    return OkStatus();
  }

 private:
  ZSTD_DCtx* ctx_;
  bool pending_ = false;
};

class GzipCompressor final : public Compressor {
 public:
  explicit GzipCompressor(int level) : level_(level) { Init(); }
  ~GzipCompressor() override { deflateEnd(&z_); }

  Status Write(std::string_view in, std::string* out) override { return Run(in, Z_NO_FLUSH, out); }
  Status Finish(std::string* out) override {
    RETURN_IF_ERROR(Run({}, Z_FINISH, out));
    deflateReset(&z_);
    return OkStatus();
  }

 private:
  void Init() {
    z_ = z_stream{};
    // 15 window bits + 16: a gzip header and trailer instead of zlib's.
    deflateInit2(&z_, level_, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  }
  Status Run(std::string_view in, int flush, std::string* out) {
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z_.avail_in = static_cast<uInt>(in.size());
    const size_t chunk = 64 * 1024;
    for (;;) {
      size_t old = out->size();
      out->resize(old + chunk);
      z_.next_out = reinterpret_cast<Bytef*>(out->data() + old);
      z_.avail_out = static_cast<uInt>(chunk);
      int rc = deflate(&z_, flush);
      out->resize(old + chunk - z_.avail_out);
      if (rc == Z_STREAM_ERROR) {
        return Error(ErrorCode::kInternal, "gzip compression failed (zlib stream error)");
      }
      if (flush == Z_FINISH) {
        if (rc == Z_STREAM_END) return OkStatus();
      } else if (z_.avail_in == 0 && z_.avail_out != 0) {
        return OkStatus();
      }
    }
  }
  int level_;
  z_stream z_{};
};

class GzipDecompressor final : public Decompressor {
 public:
  GzipDecompressor() {
    z_ = z_stream{};
    inflateInit2(&z_, 15 + 32);  // gzip or zlib header, detected
  }
  ~GzipDecompressor() override { inflateEnd(&z_); }

  Status Write(std::string_view in, std::string* out) override {
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z_.avail_in = static_cast<uInt>(in.size());
    const size_t chunk = 64 * 1024;
    bool full = false;
    while (z_.avail_in > 0 || full) {
      if (ended_) {
        // Another gzip member follows (concatenated files, as gzip itself accepts).
        if (z_.avail_in == 0) break;
        inflateReset(&z_);
        ended_ = false;
      }
      size_t old = out->size();
      out->resize(old + chunk);
      z_.next_out = reinterpret_cast<Bytef*>(out->data() + old);
      z_.avail_out = static_cast<uInt>(chunk);
      int rc = inflate(&z_, Z_NO_FLUSH);
      out->resize(old + chunk - z_.avail_out);
      full = z_.avail_out == 0;
      started_ = true;
      if (rc == Z_STREAM_END) {
        ended_ = true;
        continue;
      }
      if (rc == Z_BUF_ERROR) break;  // no progress possible: needs more input
      if (rc != Z_OK) {
        return Error(ErrorCode::kDataLoss,
                     std::string("gzip input is corrupt: ") + (z_.msg ? z_.msg : "zlib error"));
      }
    }
    return OkStatus();
  }
  Status Finish() override {
    if (started_ && !ended_) {
      return Error(ErrorCode::kDataLoss, "gzip input ends inside a member: the file is truncated");
    }
    return OkStatus();
  }

 private:
  z_stream z_{};
  bool ended_ = false;
  bool started_ = false;
};

}  // namespace

const char* CompressionName(Compression c) {
  switch (c) {
    case Compression::kNone:
      return "none";
    case Compression::kGzip:
      return "gzip";
    case Compression::kZstd:
      return "zstd";
  }
  return "none";
}

Result<Compression> ParseCompression(std::string_view text) {
  if (text == "none" || text.empty()) return Compression::kNone;
  if (text == "gzip" || text == "gz") return Compression::kGzip;
  if (text == "zstd" || text == "zst") return Compression::kZstd;
  return Error(ErrorCode::kInvalidArgument,
               "unknown compression \"" + std::string(text) + "\"; use none, gzip or zstd",
               "compression");
}

const char* CompressionSuffix(Compression c) {
  switch (c) {
    case Compression::kNone:
      return "";
    case Compression::kGzip:
      return ".gz";
    case Compression::kZstd:
      return ".zst";
  }
  return "";
}

Compression CompressionFromName(std::string_view name) {
  if (EndsWith(name, ".gz") || EndsWith(name, ".gzip")) return Compression::kGzip;
  if (EndsWith(name, ".zst") || EndsWith(name, ".zstd")) return Compression::kZstd;
  return Compression::kNone;
}

std::string_view StripCompressionSuffix(std::string_view name) {
  for (std::string_view s : {".gz", ".gzip", ".zst", ".zstd"}) {
    if (EndsWith(name, s)) return name.substr(0, name.size() - s.size());
  }
  return name;
}

int DefaultLevel(Compression c) { return c == Compression::kGzip ? 6 : 3; }

Status ValidateLevel(Compression c, int level) {
  int hi = c == Compression::kGzip ? 9 : c == Compression::kZstd ? 19 : 0;
  if (c == Compression::kNone || (level >= 1 && level <= hi) || level == 0) return OkStatus();
  return Error(ErrorCode::kInvalidArgument,
               std::string(CompressionName(c)) + " level " + std::to_string(level) +
                   " is out of range; use 1 to " + std::to_string(hi),
               "compression_level");
}

Result<std::unique_ptr<Compressor>> MakeCompressor(Compression c, int level) {
  RETURN_IF_ERROR(ValidateLevel(c, level));
  if (level == 0) level = DefaultLevel(c);
  switch (c) {
    case Compression::kNone:
      return std::unique_ptr<Compressor>(new NoneCompressor());
    case Compression::kGzip:
      return std::unique_ptr<Compressor>(new GzipCompressor(level));
    case Compression::kZstd:
      return std::unique_ptr<Compressor>(new ZstdCompressor(level));
  }
  return Error(ErrorCode::kInternal, "unknown compression");
}

Result<std::unique_ptr<Decompressor>> MakeDecompressor(Compression c) {
  switch (c) {
    case Compression::kNone:
      return std::unique_ptr<Decompressor>(new NoneDecompressor());
    case Compression::kGzip:
      return std::unique_ptr<Decompressor>(new GzipDecompressor());
    case Compression::kZstd:
      return std::unique_ptr<Decompressor>(new ZstdDecompressor());
  }
  return Error(ErrorCode::kInternal, "unknown compression");
}

Result<std::string> CompressAll(Compression c, std::string_view in, int level) {
  ASSIGN_OR_RETURN(auto comp, MakeCompressor(c, level));
  std::string out;
  RETURN_IF_ERROR(comp->Write(in, &out));
  RETURN_IF_ERROR(comp->Finish(&out));
  return out;
}

Result<std::string> DecompressAll(Compression c, std::string_view in) {
  ASSIGN_OR_RETURN(auto d, MakeDecompressor(c));
  std::string out;
  RETURN_IF_ERROR(d->Write(in, &out));
  RETURN_IF_ERROR(d->Finish());
  return out;
}

}  // namespace crossdock::sync
