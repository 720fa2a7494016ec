// Fuzzes the S3 response parsers on arbitrary bytes: ListObjectsV2, the multipart responses
// (create, complete, list uploads, list parts), DeleteObjects, CopyObject, bucket location,
// and the AWS error document. None may crash; an error is an Error.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "crossdock/aws/errors.h"
#include "crossdock/aws/s3/responses.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace s3 = crossdock::aws::s3;
  std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)s3::ParseListObjectsV2(body);
  (void)s3::ParseCreateMultipartUpload(body);
  (void)s3::ParseCompleteMultipartUpload(body);
  (void)s3::ParseListMultipartUploads(body);
  (void)s3::ParseListParts(body);
  (void)s3::ParseDeleteObjects(body);
  (void)s3::ParseBucketLocation(body);
  (void)s3::ParseCopyObject(body);
  if (auto error = crossdock::aws::ParseAwsErrorBody(body)) {
    (void)crossdock::aws::ClassifyAwsError(error->code, 403);
  }
  return 0;
}
