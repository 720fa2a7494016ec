// Streaming compression for output files and decompression for input files: none, gzip
// (zlib, RFC 1952 members, so `gzip -d` and every gzip reader accept the files) and zstd
// (the default: several times faster than gzip at a similar ratio; level configurable).
//
// A Compressor takes input in pieces and appends compressed bytes to a caller's string, so
// memory is the codec's window plus what the caller keeps; Finish() ends the frame. A
// Decompressor does the reverse and accepts concatenated gzip members and zstd frames.
// The codec of an input file is detected from its name (".gz", ".zst"). Codec failures
// (corrupt input, truncated frames) are kDataLoss naming the codec. Not thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "crossdock/core/result.h"

namespace crossdock::sync {

enum class Compression { kNone, kGzip, kZstd };

// "none", "gzip", "zstd" and back ("gz" and "zst" accepted); field "compression".
const char* CompressionName(Compression c);
Result<Compression> ParseCompression(std::string_view text);
// File name suffix: "", ".gz", ".zst".
const char* CompressionSuffix(Compression c);
// From a file name's last suffix (".gz", ".gzip", ".zst", ".zstd"; anything else: kNone).
Compression CompressionFromName(std::string_view name);
// The name without its compression suffix ("a.csv.zst" -> "a.csv").
std::string_view StripCompressionSuffix(std::string_view name);

// Default levels: zstd 3 (its own default), gzip 6. Valid ranges: zstd 1..19, gzip 1..9.
int DefaultLevel(Compression c);
Status ValidateLevel(Compression c, int level);

class Compressor {
 public:
  virtual ~Compressor() = default;
  // Compresses `in`, appending output to *out (possibly nothing yet: codecs buffer).
  virtual Status Write(std::string_view in, std::string* out) = 0;
  // Ends the stream, appending the rest; the compressor can then start a new stream.
  virtual Status Finish(std::string* out) = 0;
};

class Decompressor {
 public:
  virtual ~Decompressor() = default;
  // Decompresses `in`, appending output to *out.
  virtual Status Write(std::string_view in, std::string* out) = 0;
  // Checks that the input ended at a frame boundary (kDataLoss for a truncated file).
  virtual Status Finish() = 0;
};

// level 0 means DefaultLevel(c).
Result<std::unique_ptr<Compressor>> MakeCompressor(Compression c, int level = 0);
Result<std::unique_ptr<Decompressor>> MakeDecompressor(Compression c);

// One-shot helpers (tests, small manifests).
Result<std::string> CompressAll(Compression c, std::string_view in, int level = 0);
Result<std::string> DecompressAll(Compression c, std::string_view in);

}  // namespace crossdock::sync
