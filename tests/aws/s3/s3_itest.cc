// S3 against the real peer (Ceph RGW): object operations, pagination, DeleteObjects with
// per-key errors, a 200 MiB multipart round trip, aborts that leave nothing behind, the aws
// CLI reading what crossdock wrote and the reverse, and the vendor-sync role confined to
// sync/ (typed AccessDenied naming the operation and key outside it).
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>

#include "aws/s3/s3_peer.h"
#include "crossdock/aws/s3/downloader.h"
#include "crossdock/aws/s3/multipart_uploader.h"
#include "crossdock/aws/s3/scoped_bucket.h"
#include "crossdock/core/hex.h"

namespace crossdock::aws::s3 {
namespace {

using namespace crossdock::aws::s3::testing;  // NOLINT

#define REQUIRE_S3_PEER() \
  REQUIRE_PEER("RGW_ENDPOINT", "RGW_CUSTOMER_ACCESS_KEY", "RGW_CUSTOMER_SECRET_KEY", "RGW_BUCKET")

class S3PeerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!::crossdock::testing::MissingEnv(
             {"RGW_ENDPOINT", "RGW_CUSTOMER_ACCESS_KEY", "RGW_CUSTOMER_SECRET_KEY", "RGW_BUCKET"})
             .empty()) {
      return;
    }
    client_ = CustomerClient();
    bucket_ = Env("RGW_BUCKET");
    prefix_ = RunPrefix(::testing::UnitTest::GetInstance()->current_test_info()->name());
  }
  void TearDown() override {
    if (client_) {
      Cleanup(*client_, bucket_, prefix_);
      // Nothing may be left behind: no objects, no multipart uploads.
      EXPECT_TRUE(client_->ListAllObjects(bucket_, prefix_)->empty());
      EXPECT_TRUE(client_->ListAllMultipartUploads(bucket_, prefix_)->empty());
    }
  }

  std::shared_ptr<S3Client> client_;
  std::string bucket_;
  std::string prefix_;
};

TEST_F(S3PeerTest, PutHeadGetListCopyDelete) {
  REQUIRE_S3_PEER();
  S3Client& c = *client_;
  std::string key = prefix_ + "dir/hello world+ü.txt";
  ASSERT_TRUE(
      c.PutObject(bucket_, key, std::string("hello, world"), {"text/plain", {{"run", "1"}}}).ok());
  auto head = c.HeadObject(bucket_, key);
  ASSERT_TRUE(head.ok()) << head.error().ToString();
  EXPECT_EQ(head->size, 12u);
  EXPECT_EQ(head->content_type, "text/plain");
  ASSERT_EQ(head->user_metadata.size(), 1u);
  EXPECT_EQ(head->user_metadata[0].second, "1");
  EXPECT_EQ(c.GetObjectAsString(bucket_, key).value(), "hello, world");

  std::string part;
  auto ranged = c.GetObject(
      bucket_, key,
      [&](std::string_view chunk) {
        part.append(chunk);
        return OkStatus();
      },
      ByteRange{7, 11});
  ASSERT_TRUE(ranged.ok()) << ranged.error().ToString();
  EXPECT_EQ(part, "world");
  EXPECT_EQ(ranged->total_size.value_or(0), 12u);

  // Five more objects, listed two per page, then one level with a delimiter.
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(c.PutObject(bucket_, prefix_ + "p/" + std::to_string(i), std::to_string(i)).ok());
  }
  ListObjectsV2Params params;
  params.prefix = prefix_ + "p/";
  params.max_keys = 2;
  int pages = 0;
  std::vector<std::string> listed;
  ASSERT_TRUE(c.ListObjects(bucket_, params, [&](const ListObjectsV2Page& page) {
                 ++pages;
                 for (const auto& o : page.objects) listed.push_back(o.key);
                 return OkStatus();
               }).ok());
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(listed.size(), 5u);
  EXPECT_EQ(listed[4], prefix_ + "p/4");
  ListObjectsV2Params level;
  level.prefix = prefix_;
  level.delimiter = "/";
  auto top = c.ListObjectsV2(bucket_, level).value();
  EXPECT_TRUE(top.objects.empty());
  EXPECT_EQ(top.common_prefixes, (std::vector<std::string>{prefix_ + "dir/", prefix_ + "p/"}));
  // The key with a space, '+' and UTF-8 comes back intact (encoding-type=url decoded).
  auto dir = c.ListAllObjects(bucket_, prefix_ + "dir/").value();
  ASSERT_EQ(dir.size(), 1u);
  EXPECT_EQ(dir[0].key, key);

  auto copy = c.CopyObject(bucket_, key, bucket_, prefix_ + "copy.txt");
  ASSERT_TRUE(copy.ok()) << copy.error().ToString();
  EXPECT_EQ(c.GetObjectAsString(bucket_, prefix_ + "copy.txt").value(), "hello, world");

  ASSERT_TRUE(c.DeleteObject(bucket_, key).ok());
  auto gone = c.HeadObject(bucket_, key);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(gone.error().message().find("HeadObject s3://" + bucket_ + "/" + key),
            std::string::npos)
      << gone.error().message();
  auto missing = c.GetObjectAsString(bucket_, key);
  EXPECT_EQ(missing.error().aws_code(), "NoSuchKey");
}

// SSE-KMS end to end: RGW (testing KMS backend, scripts/peers/start.sh) encrypts what a
// client with a key writes, by PutObject and by multipart upload, reports the key on read
// and refuses a key it does not have.
TEST_F(S3PeerTest, SseKmsWritesAreEncryptedWithTheKeyAndReadBack) {
  REQUIRE_S3_PEER();
  REQUIRE_PEER("RGW_KMS_KEY_ARN");
  S3Options o =
      S3Options::FromAccessKey(Env("RGW_CUSTOMER_ACCESS_KEY"), Env("RGW_CUSTOMER_SECRET_KEY"));
  o.endpoint_override = Env("RGW_ENDPOINT");
  o.region = Env("RGW_REGION").empty() ? "us-east-1" : Env("RGW_REGION");
  o.sse_kms_key_id = Env("RGW_KMS_KEY_ARN");
  o.part_size = o.multipart_threshold = 5 * 1024 * 1024;
  auto encrypting = S3Client::Make(o).value();
  const std::string small = prefix_ + "kms/small.txt";
  ASSERT_TRUE(encrypting->PutObject(bucket_, small, std::string("secret rows")).ok());
  auto head = client_->HeadObject(bucket_, small);  // read by a client without the key
  ASSERT_TRUE(head.ok()) << head.error().ToString();
  EXPECT_EQ(head->server_side_encryption, "aws:kms");
  EXPECT_EQ(head->sse_kms_key_id, Env("RGW_KMS_KEY_ARN"));
  EXPECT_EQ(client_->GetObjectAsString(bucket_, small).value(), "secret rows");

  const std::string large = prefix_ + "kms/large.bin";
  std::string data(11 * 1024 * 1024, 'x');
  for (size_t i = 0; i < data.size(); i += 4096) data[i] = static_cast<char>('a' + i % 26);
  StringByteStream in(data);
  auto up = MultipartUploader(encrypting).Upload(bucket_, large, in);
  ASSERT_TRUE(up.ok()) << up.error().ToString();
  EXPECT_GE(up->parts, 2);
  auto big = client_->HeadObject(bucket_, large);
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(big->server_side_encryption, "aws:kms");
  EXPECT_EQ(client_->GetObjectAsString(bucket_, large).value(), data);

  // A plain client's write is not encrypted (the header comes from the client's key).
  const std::string plain = prefix_ + "kms/plain.txt";
  ASSERT_TRUE(client_->PutObject(bucket_, plain, std::string("x")).ok());
  EXPECT_EQ(client_->HeadObject(bucket_, plain)->server_side_encryption, "");

  o.sse_kms_key_id = "arn:aws:kms:us-east-1:111122223333:key/not-in-rgw";
  auto unknown = S3Client::Make(o).value()->PutObject(bucket_, prefix_ + "kms/x", std::string("x"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message().find("not-in-rgw"), std::string::npos)
      << unknown.error().ToString();
}

TEST_F(S3PeerTest, KeysWithDotSegmentsAreSentAsSigned) {
  REQUIRE_S3_PEER();
  // Legal S3 keys that a URL normalizer would rewrite: the transport must send the path as
  // signed, or S3 answers SignatureDoesNotMatch (and a different object would be named).
  for (const std::string rel : {"a/./b.txt", "a/../c.txt", "d//e.txt"}) {
    std::string key = prefix_ + "dots/" + rel;
    auto put = client_->PutObject(bucket_, key, std::string(rel));
    ASSERT_TRUE(put.ok()) << rel << ": " << put.error().ToString();
    EXPECT_EQ(client_->GetObjectAsString(bucket_, key).value(), rel);
  }
  EXPECT_EQ(client_->ListAllObjects(bucket_, prefix_ + "dots/")->size(), 3u);
}

TEST_F(S3PeerTest, BucketRegion) {
  REQUIRE_S3_PEER();
  std::string region = Env("RGW_REGION").empty() ? "us-east-1" : Env("RGW_REGION");
  EXPECT_EQ(client_->GetBucketLocation(bucket_).value(), region);
  auto discovered = client_->DiscoverBucketRegion(bucket_);
  ASSERT_TRUE(discovered.ok()) << discovered.error().ToString();
  EXPECT_EQ(*discovered, region);
  auto none = client_->DiscoverBucketRegion("no-such-bucket-crossdock");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code(), ErrorCode::kNotFound);
}

TEST_F(S3PeerTest, DeleteObjectsInBatches) {
  REQUIRE_S3_PEER();
  std::vector<std::string> keys;
  for (int i = 0; i < 1005; ++i) keys.push_back(prefix_ + "many/" + std::to_string(i));
  std::vector<std::thread> threads;
  std::atomic<size_t> next{0};
  std::atomic<int> failures{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (size_t i; (i = next.fetch_add(1)) < keys.size();) {
        if (!client_->PutObject(bucket_, keys[i], std::string("x")).ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(failures.load(), 0);
  keys.push_back(prefix_ + "many/never-existed");  // S3 reports missing keys as deleted
  auto r = client_->DeleteObjects(bucket_, keys);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->deleted.size(), 1006u);
  EXPECT_TRUE(r->errors.empty());
  EXPECT_TRUE(client_->ListAllObjects(bucket_, prefix_ + "many/")->empty());
}

TEST_F(S3PeerTest, MultipartTwoHundredMiBRoundTripIsByteIdentical) {
  REQUIRE_S3_PEER();
  std::string src = ::testing::TempDir() + "/crossdock_itest_200m.bin";
  std::string dst = src + ".down";
  std::string sha = WriteRandomFile(src, 200 * kMiB, 42);
  MultipartUploader uploader(client_);
  auto up = uploader.UploadFile(bucket_, prefix_ + "big.bin", src);
  ASSERT_TRUE(up.ok()) << up.error().ToString();
  EXPECT_EQ(up->size, 200 * kMiB);
  EXPECT_EQ(up->parts, 25);
  EXPECT_FALSE(up->etag.empty());  // RGW's empty Complete ETag replaced by HeadObject's
  EXPECT_TRUE(up->etag.ends_with("-25\"")) << up->etag;
  EXPECT_LE(uploader.peak_buffers(), client_->options().concurrency);
  // RGW 16 ignores x-amz-checksum-* (no echo): detected, not fatal.
  EXPECT_NE(up->checksums, ChecksumSupport::kUnsupported);
  std::printf("[ info ] server checksum support: %s\n",
              up->checksums == ChecksumSupport::kVerified ? "verified" : "ignored");

  auto head = client_->HeadObject(bucket_, prefix_ + "big.bin").value();
  EXPECT_EQ(head.size, 200 * kMiB);
  Downloader downloader(client_);
  auto down = downloader.DownloadToFile(bucket_, prefix_ + "big.bin", dst);
  ASSERT_TRUE(down.ok()) << down.error().ToString();
  EXPECT_EQ(down->size, 200 * kMiB);
  EXPECT_EQ(HexEncode(FileSha256(dst)), HexEncode(sha));
  // Sequential download into a sink hashes the same.
  crypto::Sha256Hasher hasher;
  auto seq = downloader.DownloadToSink(bucket_, prefix_ + "big.bin", [&](std::string_view c) {
    hasher.Update(c);
    return OkStatus();
  });
  ASSERT_TRUE(seq.ok()) << seq.error().ToString();
  EXPECT_EQ(HexEncode(hasher.Final()), HexEncode(sha));
  EXPECT_TRUE(client_->ListAllMultipartUploads(bucket_, prefix_)->empty());
  std::remove(src.c_str());
  std::remove(dst.c_str());
}

TEST_F(S3PeerTest, AbortedUploadLeavesListMultipartUploadsEmpty) {
  REQUIRE_S3_PEER();
  std::string key = prefix_ + "aborted.bin";
  auto id = client_->CreateMultipartUpload(bucket_, key);
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  std::string data(5 * kMiB, 'a');
  ASSERT_TRUE(client_->UploadPart(bucket_, key, *id, 1, data).ok());
  auto listed = client_->ListAllMultipartUploads(bucket_, prefix_).value();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].upload_id, *id);
  EXPECT_EQ(client_->ListParts(bucket_, key, *id)->size(), 1u);
  ASSERT_TRUE(client_->AbortMultipartUpload(bucket_, key, *id).ok());
  EXPECT_TRUE(client_->ListAllMultipartUploads(bucket_, prefix_)->empty());
  auto parts = client_->ListParts(bucket_, key, *id);
  ASSERT_FALSE(parts.ok());
  EXPECT_EQ(parts.error().code(), ErrorCode::kNotFound);  // AWS NoSuchUpload; RGW NoSuchKey
}

// A stream that fails after `fail_at` bytes, like a producer that crashed.
class FailingStream final : public ByteStream {
 public:
  explicit FailingStream(uint64_t fail_at) : fail_at_(fail_at) {}
  Result<size_t> Read(char* buf, size_t size) override {
    if (pos_ >= fail_at_) return Error(ErrorCode::kInternal, "the database cursor broke", "source");
    size_t n = static_cast<size_t>(std::min<uint64_t>(size, fail_at_ - pos_));
    std::memset(buf, 'z', n);
    pos_ += n;
    return n;
  }

 private:
  uint64_t fail_at_;
  uint64_t pos_ = 0;
};

TEST_F(S3PeerTest, FailedStreamAbortsTheUpload) {
  REQUIRE_S3_PEER();
  FailingStream in(23 * kMiB);
  auto r = MultipartUploader(client_).Upload(bucket_, prefix_ + "failed.bin", in);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("aborted"), std::string::npos) << r.error().message();
  EXPECT_NE(r.error().message().find("the database cursor broke"), std::string::npos);
  EXPECT_TRUE(client_->ListAllMultipartUploads(bucket_, prefix_)->empty());
  EXPECT_FALSE(client_->HeadObject(bucket_, prefix_ + "failed.bin").ok());
}

// Runs a shell command with the customer's keys for the aws CLI; returns its exit status.
int RunAws(const std::string& args) {
  std::string cmd = "AWS_ACCESS_KEY_ID='" + Env("RGW_CUSTOMER_ACCESS_KEY") +
                    "' AWS_SECRET_ACCESS_KEY='" + Env("RGW_CUSTOMER_SECRET_KEY") +
                    "' AWS_DEFAULT_REGION='" +
                    (Env("RGW_REGION").empty() ? "us-east-1" : Env("RGW_REGION")) +
                    "' AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null "
                    "AWS_EC2_METADATA_DISABLED=true /usr/bin/aws --endpoint-url '" +
                    Env("RGW_ENDPOINT") + "' " + args + " >/dev/null 2>&1";
  return std::system(cmd.c_str());
}

TEST_F(S3PeerTest, AwsCliReadsWhatCrossdockWroteAndViceVersa) {
  REQUIRE_S3_PEER();
  if (std::system("test -x /usr/bin/aws") != 0) GTEST_SKIP() << "/usr/bin/aws not installed";
  std::string dir = ::testing::TempDir();
  std::string ours = dir + "/crossdock_itest_ours.bin";
  std::string theirs = dir + "/crossdock_itest_theirs.bin";
  std::string back = dir + "/crossdock_itest_back.bin";
  std::string ours_sha = WriteRandomFile(ours, 21 * kMiB + 5, 1);
  std::string theirs_sha = WriteRandomFile(theirs, 19 * kMiB + 3, 2);

  ASSERT_TRUE(MultipartUploader(client_).UploadFile(bucket_, prefix_ + "ours.bin", ours).ok());
  ASSERT_EQ(RunAws("s3 cp 's3://" + bucket_ + "/" + prefix_ + "ours.bin' '" + back + "'"), 0);
  EXPECT_EQ(HexEncode(FileSha256(back)), HexEncode(ours_sha));

  ASSERT_EQ(RunAws("s3 cp '" + theirs + "' 's3://" + bucket_ + "/" + prefix_ + "theirs.bin'"), 0);
  auto down = Downloader(client_).DownloadToFile(bucket_, prefix_ + "theirs.bin", back);
  ASSERT_TRUE(down.ok()) << down.error().ToString();
  EXPECT_EQ(HexEncode(FileSha256(back)), HexEncode(theirs_sha));
  // And small objects through PutObject / GetObject.
  ASSERT_TRUE(client_->PutObject(bucket_, prefix_ + "small.txt", std::string("tiny")).ok());
  ASSERT_EQ(RunAws("s3 cp 's3://" + bucket_ + "/" + prefix_ + "small.txt' '" + back + "'"), 0);
  std::ifstream in(back);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "tiny");
  for (const auto& p : {ours, theirs, back}) std::remove(p.c_str());
}

TEST_F(S3PeerTest, RoleReadsAndWritesInsideItsPrefixOnly) {
  REQUIRE_S3_PEER();
  REQUIRE_PEER("RGW_ROLE_ARN", "RGW_VENDOR_ACCESS_KEY", "RGW_VENDOR_SECRET_KEY", "RGW_PREFIX");
  auto role = RoleClient(Env("RGW_ROLE_ARN"));
  ASSERT_TRUE(role.ok()) << role.error().ToString();
  // The scope is this run's folder inside sync/.
  auto scope = ParseBucketScope(bucket_ + "/" + prefix_);
  ASSERT_TRUE(scope.ok()) << scope.error().ToString();
  ScopedBucket b(*role, *scope);
  ASSERT_TRUE(b.Put("a.csv", "id\n1\n").ok());
  ASSERT_TRUE(b.Put("sub/b.csv", "id\n2\n").ok());
  EXPECT_EQ(b.GetAsString("a.csv").value(), "id\n1\n");
  EXPECT_EQ(b.Head("sub/b.csv")->size, 5u);
  auto listed = b.List().value();
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].key, "a.csv");
  EXPECT_EQ(listed[1].key, "sub/b.csv");
  auto id = b.CreateMultipartUpload("mp.bin");
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  EXPECT_EQ(b.ListMultipartUploads().value().size(), 1u);
  ASSERT_TRUE(b.AbortMultipartUpload("mp.bin", *id).ok());
  EXPECT_TRUE(b.ListMultipartUploads().value().empty());
  EXPECT_EQ(b.GetBucketLocation().value(),
            Env("RGW_REGION").empty() ? "us-east-1" : Env("RGW_REGION"));
  std::vector<std::string> keys = {"a.csv", "sub/b.csv"};
  auto deleted = b.DeleteMany(keys);
  ASSERT_TRUE(deleted.ok()) << deleted.error().ToString();
  EXPECT_TRUE(deleted->errors.empty());
  EXPECT_TRUE(b.List().value().empty());

  // Outside sync/: the role's policy denies, typed and naming operation and key.
  std::string outside = "outside-" + prefix_.substr(prefix_.find("itest-")) + "x.csv";
  auto put = (*role)->PutObject(bucket_, outside, std::string("nope"));
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().code(), ErrorCode::kAccessDenied);
  EXPECT_EQ(put.error().aws_code(), "AccessDenied");
  EXPECT_NE(put.error().message().find("PutObject s3://" + bucket_ + "/" + outside),
            std::string::npos)
      << put.error().message();
  // An object the customer put outside: the role can neither read nor delete it.
  ASSERT_TRUE(client_->PutObject(bucket_, outside, std::string("customer's")).ok());
  auto get = (*role)->GetObjectAsString(bucket_, outside);
  ASSERT_FALSE(get.ok());
  EXPECT_EQ(get.error().code(), ErrorCode::kAccessDenied);
  EXPECT_NE(get.error().message().find("GetObject s3://" + bucket_ + "/" + outside),
            std::string::npos);
  std::vector<std::string> mixed = {prefix_ + "gone.csv", outside};
  auto del = (*role)->DeleteObjects(bucket_, mixed);
  ASSERT_TRUE(del.ok()) << del.error().ToString();
  ASSERT_EQ(del->errors.size(), 1u);  // per key, as on AWS
  EXPECT_EQ(del->errors[0].key, outside);
  EXPECT_EQ(del->errors[0].code, "AccessDenied");
  EXPECT_NE(del->errors[0].message.find("DeleteObject s3://" + bucket_ + "/" + outside),
            std::string::npos);
  EXPECT_EQ(client_->GetObjectAsString(bucket_, outside).value(), "customer's");
  ASSERT_TRUE(client_->DeleteObject(bucket_, outside).ok());
}

TEST_F(S3PeerTest, ReadOnlyRoleCannotWrite) {
  REQUIRE_S3_PEER();
  REQUIRE_PEER("RGW_RO_ROLE_ARN", "RGW_VENDOR_ACCESS_KEY", "RGW_VENDOR_SECRET_KEY");
  auto ro = RoleClient(Env("RGW_RO_ROLE_ARN"));
  ASSERT_TRUE(ro.ok()) << ro.error().ToString();
  ASSERT_TRUE(client_->PutObject(bucket_, prefix_ + "r.txt", std::string("read me")).ok());
  EXPECT_EQ((*ro)->GetObjectAsString(bucket_, prefix_ + "r.txt").value(), "read me");
  auto w = (*ro)->PutObject(bucket_, prefix_ + "w.txt", std::string("no"));
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().code(), ErrorCode::kAccessDenied);
  StringByteStream in(std::string(20 * kMiB, 'q'));
  auto mp = MultipartUploader(*ro).Upload(bucket_, prefix_ + "w.bin", in);
  ASSERT_FALSE(mp.ok());
  EXPECT_EQ(mp.error().code(), ErrorCode::kAccessDenied);
  EXPECT_NE(
      mp.error().message().find("CreateMultipartUpload s3://" + bucket_ + "/" + prefix_ + "w.bin"),
      std::string::npos)
      << mp.error().message();
}

}  // namespace
}  // namespace crossdock::aws::s3
