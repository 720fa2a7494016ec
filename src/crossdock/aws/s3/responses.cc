#include "crossdock/aws/s3/responses.h"

#include <fmt/format.h>
#include <strings.h>

#include <charconv>
#include <pugixml.hpp>

#include "crossdock/aws/s3/addressing.h"

namespace crossdock::aws::s3 {
namespace {

Result<pugi::xml_node> Load(pugi::xml_document& doc, std::string_view body, const char* root,
                            const char* operation) {
  pugi::xml_parse_result parsed = doc.load_buffer(body.data(), body.size());
  if (!parsed) {
    return Error(ErrorCode::kInternal,
                 fmt::format("{}: the response is not XML ({}); is the endpoint an S3 service?",
                             operation, parsed.description()));
  }
  pugi::xml_node node = doc.document_element();
  if (std::string_view(node.name()) != root) {
    return Error(ErrorCode::kInternal,
                 fmt::format("{}: expected <{}> in the response, got <{}>; is the endpoint an "
                             "S3 service?",
                             operation, root, node.name()));
  }
  return node;
}

std::string Text(const pugi::xml_node& node, const char* name) {
  return node.child(name).text().as_string();
}

uint64_t U64(const pugi::xml_node& node, const char* name) {
  return node.child(name).text().as_ullong();
}

bool Bool(const pugi::xml_node& node, const char* name) {
  return std::string_view(node.child(name).text().as_string()) == "true";
}

// Decodes a field the server url-encoded (encoding-type=url); keeps it as sent otherwise.
std::string MaybeDecode(std::string value, bool url_encoded) {
  if (!url_encoded) return value;
  // S3 encodes spaces as '+' in url encoding-type answers.
  for (char& c : value) {
    if (c == '+') c = ' ';
  }
  auto decoded = UriDecode(value);
  return decoded.ok() ? std::move(decoded).value() : value;
}

}  // namespace

Result<ListObjectsV2Page> ParseListObjectsV2(std::string_view body) {
  pugi::xml_document doc;
  ASSIGN_OR_RETURN(pugi::xml_node root, Load(doc, body, "ListBucketResult", "ListObjectsV2"));
  bool encoded = Text(root, "EncodingType") == "url";
  ListObjectsV2Page page;
  page.is_truncated = Bool(root, "IsTruncated");
  page.next_continuation_token = Text(root, "NextContinuationToken");
  for (pugi::xml_node c : root.children("Contents")) {
    ObjectInfo o;
    o.key = MaybeDecode(Text(c, "Key"), encoded);
    o.size = U64(c, "Size");
    o.etag = Text(c, "ETag");
    o.last_modified = Text(c, "LastModified");
    o.storage_class = Text(c, "StorageClass");
    page.objects.push_back(std::move(o));
  }
  for (pugi::xml_node p : root.children("CommonPrefixes")) {
    page.common_prefixes.push_back(MaybeDecode(Text(p, "Prefix"), encoded));
  }
  if (page.is_truncated && page.next_continuation_token.empty()) {
    return Error(ErrorCode::kInternal,
                 "ListObjectsV2: the listing is truncated but carries no NextContinuationToken; "
                 "the server does not implement ListObjectsV2 pagination");
  }
  return page;
}

Result<std::string> ParseCreateMultipartUpload(std::string_view body) {
  pugi::xml_document doc;
  ASSIGN_OR_RETURN(pugi::xml_node root,
                   Load(doc, body, "InitiateMultipartUploadResult", "CreateMultipartUpload"));
  std::string id = Text(root, "UploadId");
  if (id.empty()) {
    return Error(ErrorCode::kInternal, "CreateMultipartUpload: the response has no <UploadId>");
  }
  return id;
}

Result<CompleteMultipartResult> ParseCompleteMultipartUpload(std::string_view body) {
  pugi::xml_document doc;
  ASSIGN_OR_RETURN(pugi::xml_node root,
                   Load(doc, body, "CompleteMultipartUploadResult", "CompleteMultipartUpload"));
  CompleteMultipartResult out;
  out.etag = Text(root, "ETag");  // Ceph RGW: empty
  out.location = Text(root, "Location");
  return out;
}

Result<ListMultipartUploadsPage> ParseListMultipartUploads(std::string_view body) {
  pugi::xml_document doc;
  ASSIGN_OR_RETURN(pugi::xml_node root,
                   Load(doc, body, "ListMultipartUploadsResult", "ListMultipartUploads"));
  bool encoded = Text(root, "EncodingType") == "url";
  ListMultipartUploadsPage page;
  page.is_truncated = Bool(root, "IsTruncated");
  page.next_key_marker = MaybeDecode(Text(root, "NextKeyMarker"), encoded);
  page.next_upload_id_marker = Text(root, "NextUploadIdMarker");
  for (pugi::xml_node u : root.children("Upload")) {
    page.uploads.push_back(MultipartUploadInfo{MaybeDecode(Text(u, "Key"), encoded),
                                               Text(u, "UploadId"), Text(u, "Initiated")});
  }
  return page;
}

Result<ListPartsPage> ParseListParts(std::string_view body) {
  pugi::xml_document doc;
  ASSIGN_OR_RETURN(pugi::xml_node root, Load(doc, body, "ListPartsResult", "ListParts"));
  ListPartsPage page;
  page.is_truncated = Bool(root, "IsTruncated");
  page.next_part_number_marker = root.child("NextPartNumberMarker").text().as_int();
  for (pugi::xml_node p : root.children("Part")) {
    page.parts.push_back(
        PartInfo{p.child("PartNumber").text().as_int(), U64(p, "Size"), Text(p, "ETag")});
  }
  return page;
}

Result<DeleteObjectsResult> ParseDeleteObjects(std::string_view body) {
  pugi::xml_document doc;
  ASSIGN_OR_RETURN(pugi::xml_node root, Load(doc, body, "DeleteResult", "DeleteObjects"));
  DeleteObjectsResult out;
  for (pugi::xml_node d : root.children("Deleted")) out.deleted.push_back(Text(d, "Key"));
  for (pugi::xml_node e : root.children("Error")) {
    out.errors.push_back(DeleteError{Text(e, "Key"), Text(e, "Code"), Text(e, "Message")});
  }
  return out;
}

Result<std::string> ParseBucketLocation(std::string_view body) {
  pugi::xml_document doc;
  ASSIGN_OR_RETURN(pugi::xml_node root, Load(doc, body, "LocationConstraint", "GetBucketLocation"));
  std::string region = root.text().as_string();
  if (region.empty()) return std::string("us-east-1");
  if (region == "EU") return std::string("eu-west-1");
  return region;
}

Result<CopyObjectResult> ParseCopyObject(std::string_view body) {
  pugi::xml_document doc;
  ASSIGN_OR_RETURN(pugi::xml_node root, Load(doc, body, "CopyObjectResult", "CopyObject"));
  return CopyObjectResult{Text(root, "ETag"), Text(root, "LastModified")};
}

ObjectMetadata ParseObjectHeaders(const http::HttpResponse& response) {
  ObjectMetadata m;
  for (const auto& [name, value] : response.headers) {
    if (strcasecmp(name.c_str(), "Content-Length") == 0) {
      std::from_chars(value.data(), value.data() + value.size(), m.size);
    } else if (strcasecmp(name.c_str(), "ETag") == 0) {
      m.etag = value;
    } else if (strcasecmp(name.c_str(), "Last-Modified") == 0) {
      m.last_modified = value;
    } else if (strcasecmp(name.c_str(), "Content-Type") == 0) {
      m.content_type = value;
    } else if (strcasecmp(name.c_str(), "x-amz-server-side-encryption") == 0) {
      m.server_side_encryption = value;
    } else if (strcasecmp(name.c_str(), "x-amz-server-side-encryption-aws-kms-key-id") == 0) {
      m.sse_kms_key_id = value;
    } else if (strcasecmp(name.c_str(), "Content-Range") == 0) {
      m.content_range = value;
      if (auto slash = value.rfind('/'); slash != std::string::npos && value.back() != '*') {
        uint64_t total = 0;
        auto [p, ec] =
            std::from_chars(value.data() + slash + 1, value.data() + value.size(), total);
        if (ec == std::errc()) m.total_size = total;
      }
    } else if (name.size() > 11 && strncasecmp(name.c_str(), "x-amz-meta-", 11) == 0) {
      std::string lower = name.substr(11);
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      m.user_metadata.emplace_back(std::move(lower), value);
    }
  }
  return m;
}

}  // namespace crossdock::aws::s3
