// Every request builder: method, URL, headers, body, signing flags and the operation named
// for errors; and the inputs each refuses.
#include "crossdock/aws/s3/requests.h"

#include <gtest/gtest.h>

#include "crossdock/aws/s3/checksum.h"
#include "crossdock/aws/s3/payload.h"

namespace crossdock::aws::s3 {
namespace {

RequestContext Local() { return {"http://127.0.0.1:7480", "us-east-1", AddressingStyle::kAuto}; }
RequestContext Aws() {
  return {"https://s3.eu-west-1.amazonaws.com", "eu-west-1", AddressingStyle::kAuto};
}

std::string H(const AwsRequest& r, std::string_view name) {
  return http::FindHeader(r.http.headers, name).value_or("<none>");
}

TEST(RequestsTest, ListObjectsV2) {
  ListObjectsV2Params p;
  p.prefix = "sync/a b";
  p.delimiter = "/";
  p.continuation_token = "tok/+=";
  p.max_keys = 10;
  auto r = BuildListObjectsV2(Aws(), "output", p).value();
  EXPECT_EQ(r.http.method, "GET");
  EXPECT_EQ(r.http.url,
            "https://output.s3.eu-west-1.amazonaws.com/?list-type=2&encoding-type=url&prefix="
            "sync%2Fa%20b&delimiter=%2F&continuation-token=tok%2F%2B%3D&max-keys=10");
  EXPECT_EQ(r.signing.service, "s3");
  EXPECT_EQ(r.signing.region, "eu-west-1");
  EXPECT_TRUE(r.signing.s3_rules);
  EXPECT_EQ(r.operation, "ListObjectsV2 s3://output/sync/a b");
}

TEST(RequestsTest, HeadGetDelete) {
  auto head = BuildHeadObject(Local(), "bkt", "k 1").value();
  EXPECT_EQ(head.http.method, "HEAD");
  EXPECT_EQ(head.http.url, "http://127.0.0.1:7480/bkt/k%201");
  EXPECT_EQ(head.operation, "HeadObject s3://bkt/k 1");

  auto get = BuildGetObject(Local(), "bkt", "k", ByteRange{10, 19}, "\"etag\"").value();
  EXPECT_EQ(H(get, "Range"), "bytes=10-19");
  EXPECT_EQ(H(get, "If-Match"), "\"etag\"");
  auto open = BuildGetObject(Local(), "bkt", "k", ByteRange{5, std::nullopt}).value();
  EXPECT_EQ(H(open, "Range"), "bytes=5-");
  EXPECT_FALSE(BuildGetObject(Local(), "bkt", "k", ByteRange{9, 3}).ok());

  auto del = BuildDeleteObject(Local(), "bkt", "k").value();
  EXPECT_EQ(del.http.method, "DELETE");
  EXPECT_EQ(del.operation, "DeleteObject s3://bkt/k");
}

TEST(RequestsTest, PutObjectSignedOrUnsignedWithChecksum) {
  auto data = std::make_shared<const std::string>("hello");
  BodyDigest unsigned_digest = DigestBytes(*data, ChecksumAlgorithm::kCrc32c, false);
  auto put = BuildPutObject(Local(), "bkt", "k", std::make_shared<BytesBodySource>(*data),
                            unsigned_digest, {"text/plain", {{"run", "7"}}})
                 .value();
  EXPECT_EQ(put.http.method, "PUT");
  EXPECT_TRUE(put.signing.unsigned_payload);
  EXPECT_EQ(H(put, "x-amz-checksum-crc32c"), ChecksumHeaderValue(Crc32c("hello")));
  EXPECT_EQ(H(put, "Content-Type"), "text/plain");
  EXPECT_EQ(H(put, "x-amz-meta-run"), "7");
  ASSERT_TRUE(put.http.body_source);
  EXPECT_EQ(put.http.body_source->Size(), 5u);

  BodyDigest signed_digest = DigestBytes(*data, ChecksumAlgorithm::kNone, true);
  auto put2 =
      BuildPutObject(Local(), "bkt", "k", std::make_shared<BytesBodySource>(*data), signed_digest)
          .value();
  EXPECT_FALSE(put2.signing.unsigned_payload);
  EXPECT_EQ(put2.signing.payload_hash,
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
  EXPECT_EQ(H(put2, "x-amz-checksum-crc32c"), "<none>");
}

// SSE-KMS: every request that creates an object asks for the key; reads send nothing.
TEST(RequestsTest, SseKmsHeadersOnPutMultipartAndCopy) {
  const std::string key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd";
  PutObjectOptions sse;
  sse.sse_kms_key_id = key;
  auto data = std::make_shared<const std::string>("x");
  auto put = BuildPutObject(Local(), "bkt", "k", std::make_shared<BytesBodySource>(*data),
                            DigestBytes(*data, ChecksumAlgorithm::kNone, true), sse)
                 .value();
  EXPECT_EQ(H(put, "x-amz-server-side-encryption"), "aws:kms");
  EXPECT_EQ(H(put, "x-amz-server-side-encryption-aws-kms-key-id"), key);
  auto mpu =
      BuildCreateMultipartUpload(Local(), "bkt", "k", ChecksumAlgorithm::kCrc32c, sse).value();
  EXPECT_EQ(H(mpu, "x-amz-server-side-encryption"), "aws:kms");
  EXPECT_EQ(H(mpu, "x-amz-server-side-encryption-aws-kms-key-id"), key);
  auto copy = BuildCopyObject(Local(), "src", "a", "bkt", "k", sse).value();
  EXPECT_EQ(H(copy, "x-amz-server-side-encryption-aws-kms-key-id"), key);
  EXPECT_EQ(H(copy, "Content-Type"), "<none>");
  // UploadPart carries no SSE-KMS header (only SSE-C parts do); without a key none is sent.
  auto part =
      BuildUploadPart(Local(), "bkt", "k", "up-1", 1, std::make_shared<BytesBodySource>(*data),
                      DigestBytes(*data, ChecksumAlgorithm::kNone, true))
          .value();
  EXPECT_EQ(H(part, "x-amz-server-side-encryption"), "<none>");
  auto plain = BuildPutObject(Local(), "bkt", "k", std::make_shared<BytesBodySource>(*data),
                              DigestBytes(*data, ChecksumAlgorithm::kNone, true))
                   .value();
  EXPECT_EQ(H(plain, "x-amz-server-side-encryption"), "<none>");
}

TEST(RequestsTest, DeleteObjectsBodyAndContentMd5) {
  std::vector<std::string> keys = {"a", "b&<c>", "d \"q\""};
  auto r = BuildDeleteObjects(Local(), "bkt", keys).value();
  EXPECT_EQ(r.http.method, "POST");
  EXPECT_EQ(r.http.url, "http://127.0.0.1:7480/bkt?delete");
  EXPECT_NE(r.http.body.find("<Quiet>true</Quiet>"), std::string::npos);
  EXPECT_NE(r.http.body.find("<Key>b&amp;&lt;c&gt;</Key>"), std::string::npos);
  EXPECT_NE(r.http.body.find("<Key>d &quot;q&quot;</Key>"), std::string::npos);
  EXPECT_EQ(H(r, "Content-MD5"), Base64Encode(Md5(r.http.body)));
  EXPECT_EQ(r.operation, "DeleteObjects s3://bkt/ (3 keys)");

  std::vector<std::string> too_many(1001, "k");
  auto bad = BuildDeleteObjects(Local(), "bkt", too_many);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field(), "keys");
  EXPECT_FALSE(BuildDeleteObjects(Local(), "bkt", std::vector<std::string>{}).ok());
  EXPECT_FALSE(BuildDeleteObjects(Local(), "bkt", std::vector<std::string>{""}).ok());
}

TEST(RequestsTest, BucketLevel) {
  EXPECT_EQ(BuildGetBucketLocation(Local(), "bkt")->http.url, "http://127.0.0.1:7480/bkt?location");
  auto hb = BuildHeadBucket(Aws(), "output").value();
  EXPECT_EQ(hb.http.method, "HEAD");
  EXPECT_EQ(hb.http.url, "https://output.s3.eu-west-1.amazonaws.com/");
  auto bad = BuildHeadBucket(Local(), "bkt/path");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field(), "bucket");
}

TEST(RequestsTest, MultipartLifecycle) {
  auto create =
      BuildCreateMultipartUpload(Local(), "bkt", "big", ChecksumAlgorithm::kCrc32c).value();
  EXPECT_EQ(create.http.method, "POST");
  EXPECT_EQ(create.http.url, "http://127.0.0.1:7480/bkt/big?uploads");
  EXPECT_EQ(H(create, "x-amz-checksum-algorithm"), "CRC32C");

  std::string part_data(10, 'x');
  auto part = BuildUploadPart(Local(), "bkt", "big", "2~id/+", 3,
                              std::make_shared<BytesBodySource>(part_data),
                              DigestBytes(part_data, ChecksumAlgorithm::kCrc32c, false))
                  .value();
  EXPECT_EQ(part.http.url, "http://127.0.0.1:7480/bkt/big?partNumber=3&uploadId=2~id%2F%2B");
  EXPECT_EQ(part.operation, "UploadPart s3://bkt/big part 3");
  EXPECT_FALSE(BuildUploadPart(Local(), "bkt", "big", "id", 0, nullptr, {}).ok());
  EXPECT_FALSE(BuildUploadPart(Local(), "bkt", "big", "id", 10001, nullptr, {}).ok());
  EXPECT_FALSE(BuildUploadPart(Local(), "bkt", "big", "", 1, nullptr, {}).ok());

  std::vector<CompletedPart> parts = {{1, "\"e1\"", "AAAAAA==", 5}, {2, "\"e2\"", "BBBBBB==", 5}};
  auto complete =
      BuildCompleteMultipartUpload(Local(), "bkt", "big", "id", parts, ChecksumAlgorithm::kCrc32c)
          .value();
  EXPECT_TRUE(complete.error_may_come_with_200);
  EXPECT_EQ(complete.http.url, "http://127.0.0.1:7480/bkt/big?uploadId=id");
  EXPECT_NE(complete.http.body.find("<Part><PartNumber>1</PartNumber><ETag>&quot;e1&quot;</ETag>"
                                    "<ChecksumCRC32C>AAAAAA==</ChecksumCRC32C></Part>"),
            std::string::npos);
  auto plain =
      BuildCompleteMultipartUpload(Local(), "bkt", "big", "id", parts, ChecksumAlgorithm::kNone)
          .value();
  EXPECT_EQ(plain.http.body.find("Checksum"), std::string::npos);
  std::vector<CompletedPart> unordered = {parts[1], parts[0]};
  EXPECT_FALSE(
      BuildCompleteMultipartUpload(Local(), "bkt", "big", "id", unordered, ChecksumAlgorithm::kNone)
          .ok());

  auto abort = BuildAbortMultipartUpload(Local(), "bkt", "big", "id").value();
  EXPECT_EQ(abort.http.method, "DELETE");
  EXPECT_EQ(abort.operation, "AbortMultipartUpload s3://bkt/big");

  ListMultipartUploadsParams lp;
  lp.prefix = "sync/";
  lp.key_marker = "k";
  lp.upload_id_marker = "u";
  EXPECT_EQ(BuildListMultipartUploads(Local(), "bkt", lp)->http.url,
            "http://127.0.0.1:7480/bkt?uploads&prefix=sync%2F&key-marker=k&upload-id-marker=u");
  EXPECT_EQ(BuildListParts(Local(), "bkt", "big", "id", 7)->http.url,
            "http://127.0.0.1:7480/bkt/big?uploadId=id&part-number-marker=7");
}

TEST(RequestsTest, CopyObject) {
  auto r = BuildCopyObject(Local(), "src", "dir/a b", "dst", "c").value();
  EXPECT_EQ(r.http.method, "PUT");
  EXPECT_EQ(r.http.url, "http://127.0.0.1:7480/dst/c");
  EXPECT_EQ(H(r, "x-amz-copy-source"), "src/dir/a%20b");
  EXPECT_TRUE(r.error_may_come_with_200);
  EXPECT_EQ(r.operation, "CopyObject s3://dst/c from s3://src/dir/a b");
}

TEST(RequestsTest, EmptyKeyIsRefusedWithTheField) {
  auto r = BuildHeadObject(Local(), "bkt", "");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field(), "key");
  EXPECT_FALSE(BuildPutObject(Local(), "bkt", std::string(1025, 'k'), nullptr, {}).ok());
}

TEST(PayloadTest, WhatIsSigned) {
  EXPECT_FALSE(ShouldSignPayload(PayloadSigning::kAuto, "https://s3.amazonaws.com"));
  EXPECT_FALSE(ShouldSignPayload(PayloadSigning::kAuto, "http://127.0.0.1:7480"));
  EXPECT_FALSE(ShouldSignPayload(PayloadSigning::kAuto, "http://localhost:7480"));
  EXPECT_TRUE(ShouldSignPayload(PayloadSigning::kAuto, "http://10.1.2.3:7480"));
  EXPECT_TRUE(ShouldSignPayload(PayloadSigning::kAuto, "http://minio.internal:9000"));
  EXPECT_TRUE(ShouldSignPayload(PayloadSigning::kAlways, "https://s3.amazonaws.com"));
  EXPECT_FALSE(ShouldSignPayload(PayloadSigning::kNever, "http://10.1.2.3"));
}

TEST(PayloadTest, DigestSourceEqualsDigestBytesAndRewinds) {
  std::string data(300000, 'z');
  data[12345] = 'q';
  BytesBodySource src(data);
  auto d = DigestSource(src, ChecksumAlgorithm::kCrc32c, true).value();
  BodyDigest e = DigestBytes(data, ChecksumAlgorithm::kCrc32c, true);
  EXPECT_EQ(d.checksum, e.checksum);
  EXPECT_EQ(d.sha256_hex, e.sha256_hex);
  char c;
  EXPECT_EQ(src.Read(&c, 1).value(), 1u);  // rewound to the start
  EXPECT_EQ(c, 'z');
}

}  // namespace
}  // namespace crossdock::aws::s3
