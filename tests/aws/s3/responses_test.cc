// Parsers over S3's documented response shapes and what real servers send beyond them
// (Ceph RGW's empty ETag, url-encoded keys, missing optional elements).
#include "crossdock/aws/s3/responses.h"

#include <gtest/gtest.h>

namespace crossdock::aws::s3 {
namespace {

TEST(ResponsesTest, ListObjectsV2WithPrefixesAndUrlEncoding) {
  const char* body = R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>bucket</Name><Prefix>sync%2F</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys>
  <EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>
  <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
  <Contents><Key>sync/a+b%26c.txt</Key><LastModified>2024-01-02T03:04:05.000Z</LastModified>
    <ETag>&quot;599bab3ed2c697f1d26842727561fd94&quot;</ETag><Size>142863</Size>
    <StorageClass>STANDARD</StorageClass></Contents>
  <Contents><Key>sync/%C3%A9</Key><Size>0</Size></Contents>
  <CommonPrefixes><Prefix>sync/dir%2F</Prefix></CommonPrefixes>
</ListBucketResult>)";
  auto page = ParseListObjectsV2(body).value();
  ASSERT_EQ(page.objects.size(), 2u);
  EXPECT_EQ(page.objects[0].key, "sync/a b&c.txt");
  EXPECT_EQ(page.objects[0].size, 142863u);
  EXPECT_EQ(page.objects[0].etag, "\"599bab3ed2c697f1d26842727561fd94\"");
  EXPECT_EQ(page.objects[0].last_modified, "2024-01-02T03:04:05.000Z");
  EXPECT_EQ(page.objects[1].key, "sync/\xc3\xa9");
  ASSERT_EQ(page.common_prefixes.size(), 1u);
  EXPECT_EQ(page.common_prefixes[0], "sync/dir/");
  EXPECT_TRUE(page.is_truncated);
  EXPECT_EQ(page.next_continuation_token, "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
}

TEST(ResponsesTest, ListObjectsV2WithoutEncodingKeepsKeys) {
  auto page = ParseListObjectsV2(
                  "<ListBucketResult><IsTruncated>false</IsTruncated>"
                  "<Contents><Key>a+b%41</Key><Size>1</Size></Contents></ListBucketResult>")
                  .value();
  EXPECT_EQ(page.objects[0].key, "a+b%41");
  EXPECT_FALSE(page.is_truncated);
}

TEST(ResponsesTest, TruncatedWithoutTokenIsAnError) {
  auto r =
      ParseListObjectsV2("<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("NextContinuationToken"), std::string::npos);
}

TEST(ResponsesTest, NotXmlOrWrongRootNamesTheOperation) {
  auto r = ParseCreateMultipartUpload("<html>nope</html>");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("CreateMultipartUpload"), std::string::npos);
  EXPECT_FALSE(ParseListParts("not xml at all <").ok());
}

TEST(ResponsesTest, CreateAndComplete) {
  EXPECT_EQ(ParseCreateMultipartUpload(
                "<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key>"
                "<UploadId>VXBsb2FkIElE</UploadId></InitiateMultipartUploadResult>")
                .value(),
            "VXBsb2FkIElE");
  EXPECT_FALSE(ParseCreateMultipartUpload("<InitiateMultipartUploadResult/>").ok());
  auto aws = ParseCompleteMultipartUpload(
                 "<CompleteMultipartUploadResult><Location>http://b/k</Location><Bucket>b</Bucket>"
                 "<Key>k</Key><ETag>\"3858f62230ac3c915f300c664312c11f-9\"</ETag>"
                 "</CompleteMultipartUploadResult>")
                 .value();
  EXPECT_EQ(aws.etag, "\"3858f62230ac3c915f300c664312c11f-9\"");
  // Ceph RGW 16 answers an empty ETag.
  auto rgw = ParseCompleteMultipartUpload(
                 "<CompleteMultipartUploadResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                 "<Location>x</Location><Bucket>b</Bucket><Key>k</Key><ETag></ETag>"
                 "</CompleteMultipartUploadResult>")
                 .value();
  EXPECT_EQ(rgw.etag, "");
}

TEST(ResponsesTest, ListMultipartUploadsAndParts) {
  auto uploads = ParseListMultipartUploads(
                     "<ListMultipartUploadsResult><Bucket>b</Bucket><IsTruncated>true</IsTruncated>"
                     "<NextKeyMarker>k2</NextKeyMarker><NextUploadIdMarker>u2</NextUploadIdMarker>"
                     "<Upload><Key>k1</Key><UploadId>u1</UploadId><Initiated>2024-01-01T00:00:00Z"
                     "</Initiated></Upload><Upload><Key>k2</Key><UploadId>u2</UploadId></Upload>"
                     "</ListMultipartUploadsResult>")
                     .value();
  ASSERT_EQ(uploads.uploads.size(), 2u);
  EXPECT_EQ(uploads.uploads[0].key, "k1");
  EXPECT_EQ(uploads.uploads[0].upload_id, "u1");
  EXPECT_EQ(uploads.uploads[0].initiated, "2024-01-01T00:00:00Z");
  EXPECT_TRUE(uploads.is_truncated);
  EXPECT_EQ(uploads.next_key_marker, "k2");
  EXPECT_EQ(uploads.next_upload_id_marker, "u2");
  EXPECT_TRUE(ParseListMultipartUploads("<ListMultipartUploadsResult/>")->uploads.empty());

  auto parts = ParseListParts(
                   "<ListPartsResult><IsTruncated>false</IsTruncated><NextPartNumberMarker>2"
                   "</NextPartNumberMarker><Part><PartNumber>1</PartNumber><ETag>\"a\"</ETag>"
                   "<Size>5242880</Size></Part><Part><PartNumber>2</PartNumber><ETag>\"b\"</ETag>"
                   "<Size>3</Size></Part></ListPartsResult>")
                   .value();
  ASSERT_EQ(parts.parts.size(), 2u);
  EXPECT_EQ(parts.parts[0].size, 5242880u);
  EXPECT_EQ(parts.parts[1].etag, "\"b\"");
  EXPECT_EQ(parts.next_part_number_marker, 2);
}

TEST(ResponsesTest, DeleteObjectsPerKeyErrors) {
  auto r = ParseDeleteObjects(
               "<DeleteResult><Deleted><Key>ok</Key></Deleted><Error><Key>no</Key>"
               "<Code>AccessDenied</Code><Message>Access Denied</Message></Error></DeleteResult>")
               .value();
  ASSERT_EQ(r.deleted.size(), 1u);
  EXPECT_EQ(r.deleted[0], "ok");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].key, "no");
  EXPECT_EQ(r.errors[0].code, "AccessDenied");
  EXPECT_EQ(r.errors[0].message, "Access Denied");
}

TEST(ResponsesTest, BucketLocation) {
  EXPECT_EQ(ParseBucketLocation("<LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/"
                                "2006-03-01/\">eu-west-2</LocationConstraint>")
                .value(),
            "eu-west-2");
  EXPECT_EQ(ParseBucketLocation("<LocationConstraint/>").value(), "us-east-1");
  EXPECT_EQ(ParseBucketLocation("<LocationConstraint>EU</LocationConstraint>").value(),
            "eu-west-1");
}

TEST(ResponsesTest, CopyObject) {
  auto r = ParseCopyObject(
               "<CopyObjectResult><LastModified>2024-01-01T00:00:00.000Z</LastModified>"
               "<ETag>\"9b2cf535f27731c974343645a3985328\"</ETag></CopyObjectResult>")
               .value();
  EXPECT_EQ(r.etag, "\"9b2cf535f27731c974343645a3985328\"");
}

TEST(ResponsesTest, ObjectHeaders) {
  http::HttpResponse resp;
  resp.status = 206;
  resp.headers = {{"content-length", "10"},
                  {"ETag", "\"abc\""},
                  {"Last-Modified", "Sun, 01 Jan 2024 00:00:00 GMT"},
                  {"Content-Type", "text/csv"},
                  {"Content-Range", "bytes 0-9/12345"},
                  {"X-Amz-Meta-Run-Id", "r7"}};
  ObjectMetadata m = ParseObjectHeaders(resp);
  EXPECT_EQ(m.size, 10u);
  EXPECT_EQ(m.etag, "\"abc\"");
  EXPECT_EQ(m.content_type, "text/csv");
  ASSERT_TRUE(m.total_size.has_value());
  EXPECT_EQ(*m.total_size, 12345u);
  ASSERT_EQ(m.user_metadata.size(), 1u);
  EXPECT_EQ(m.user_metadata[0].first, "run-id");
  EXPECT_EQ(m.user_metadata[0].second, "r7");
}

}  // namespace
}  // namespace crossdock::aws::s3
