// Pure parsers of S3 response bodies and headers (pugixml), one per operation that returns
// data. They tolerate what real servers send beyond the reference: Ceph RGW's empty <ETag>
// on CompleteMultipartUpload, missing optional elements, keys url-encoded when the request
// asked for encoding-type=url (decoded here when the answer says <EncodingType>url).
// Malformed XML is kInternal with the operation named: the server did not speak S3.
#pragma once

#include <string>
#include <string_view>

#include "crossdock/aws/s3/types.h"
#include "crossdock/core/result.h"
#include "crossdock/http/transport.h"

namespace crossdock::aws::s3 {

Result<ListObjectsV2Page> ParseListObjectsV2(std::string_view body);
// <InitiateMultipartUploadResult><UploadId>: the upload id.
Result<std::string> ParseCreateMultipartUpload(std::string_view body);
Result<CompleteMultipartResult> ParseCompleteMultipartUpload(std::string_view body);
Result<ListMultipartUploadsPage> ParseListMultipartUploads(std::string_view body);
Result<ListPartsPage> ParseListParts(std::string_view body);
Result<DeleteObjectsResult> ParseDeleteObjects(std::string_view body);
// <LocationConstraint>: the region; empty means us-east-1 and "EU" means eu-west-1.
Result<std::string> ParseBucketLocation(std::string_view body);
Result<CopyObjectResult> ParseCopyObject(std::string_view body);
// HeadObject / GetObject headers: Content-Length, ETag, Last-Modified, Content-Type,
// Content-Range ("bytes 0-9/100" -> total_size 100) and x-amz-meta-*.
ObjectMetadata ParseObjectHeaders(const http::HttpResponse& response);

}  // namespace crossdock::aws::s3
