#include "crossdock/server/connection_schema.h"

#include "crossdock/iam/connection_types.h"

namespace crossdock::server {

nlohmann::ordered_json ConnectionTypeEnum() {
  nlohmann::ordered_json names = nlohmann::ordered_json::array();
  for (const iam::ConnectionTypeInfo& t : iam::ConnectionTypes()) names.push_back(t.name);
  return {{"type", "string"}, {"enum", names}};
}

nlohmann::ordered_json ConnectionInputSchema() {
  nlohmann::ordered_json s = nlohmann::ordered_json::parse(R"({
  "type": "object",
  "required": ["type", "name"],
  "properties": {
    "name": {"type": "string", "description": "unique within the organization"},
    "type": {"description": "one of the connection types, from their table"},
    "auth_method": {"type": "string", "enum": ["iam-role", "access-key"], "default": "iam-role"},
    "role_arn": {"type": "string", "example": "arn:aws:iam::123456789012:role/crossdock"},
    "access_key_id": {"type": "string"},
    "secret_access_key": {"type": "string", "nullable": true, "writeOnly": true,
      "description": "write-only: a string replaces, null removes, absent keeps"},
    "region": {"type": "string", "example": "us-west-1"},
    "bucket": {"type": "string", "description": "bucket name, optionally with a path: output/customers"},
    "path": {"type": "string"},
    "kms_key_arn": {"type": "string",
      "example": "arn:aws:kms:us-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      "description": "optional SSE-KMS key of the bucket (s3, databricks staging, redshift-serverless staging and unload), key/ID or alias/NAME in the connection's partition and region; kinesis connections use kinesis.kms_key_arn"},
    "databricks": {"type": "object", "properties": {
      "workspace_url": {"type": "string"}, "warehouse_id": {"type": "string"},
      "token": {"type": "string", "nullable": true, "writeOnly": true},
      "storage_credential": {"type": "string"}, "external_id": {"type": "string"},
      "unity_catalog": {"type": "string", "enum": ["", "commercial", "govcloud", "govcloud-dod"],
        "description": "the Databricks deployment whose Unity Catalog principal assumes the role; empty: the region's default, commercial for aws and govcloud for aws-us-gov"}}},
    "redshift": {"type": "object", "properties": {
      "workgroup": {"type": "string"}, "database": {"type": "string"},
      "access": {"type": "string", "enum": ["data-api", "vpc-endpoint"]},
      "vpc_endpoint": {"type": "object"},
      "unload": {"type": "object", "properties": {"enabled": {"type": "boolean"},
        "bucket": {"type": "string"}, "region": {"type": "string"}}}}},
    "kinesis": {"type": "object", "properties": {
      "stream_arn": {"type": "string",
        "example": "arn:aws:kinesis:us-west-2:123456789012:stream/clickstream",
        "description": "the stream read; the connection's region comes from it"},
      "kms_key_arn": {"type": "string", "description": "optional SSE-KMS key of the stream"}}},
    "postgres": {"type": "object", "description": "type postgres only; no AWS fields",
      "properties": {
      "host": {"type": "string", "example": "db.example.com"},
      "port": {"type": "integer", "default": 5432, "minimum": 1, "maximum": 65535},
      "database": {"type": "string"}, "user": {"type": "string"},
      "password": {"type": "string", "nullable": true, "writeOnly": true,
        "description": "write-only, stored encrypted: a string replaces, null or \"\" removes, absent keeps"},
      "sslmode": {"type": "string", "enum": ["disable", "prefer", "require", "verify-ca", "verify-full"],
        "default": "require"}}}
  }})");
  s["properties"]["type"] = ConnectionTypeEnum();
  return s;
}

nlohmann::ordered_json ConnectionOutputSchema() {
  nlohmann::ordered_json s = nlohmann::ordered_json::parse(R"({
  "type": "object",
  "properties": {
    "id": {"type": "string"}, "name": {"type": "string"}, "type": {"type": "string"},
    "auth_method": {"type": "string"}, "role_arn": {"type": "string"},
    "access_key_id": {"type": "string"},
    "secret_access_key": {"type": "object", "properties": {"set": {"type": "boolean"}},
      "description": "whether a secret is stored; never its value"},
    "region": {"type": "string"}, "bucket": {"type": "string"}, "path": {"type": "string"},
    "kms_key_arn": {"type": "string", "description": "SSE-KMS key of the bucket, or empty"},
    "databricks": {"type": "object"}, "redshift": {"type": "object"},
    "kinesis": {"type": "object"},
    "postgres": {"type": "object", "properties": {"host": {"type": "string"},
      "port": {"type": "integer"}, "database": {"type": "string"}, "user": {"type": "string"},
      "sslmode": {"type": "string"},
      "password": {"type": "object", "properties": {"set": {"type": "boolean"}},
        "description": "whether a password is stored; never its value"}}},
    "external_id": {"type": "string", "description": "the organization's current External ID; AWS types only"},
    "created_at": {"type": "string", "format": "date-time"},
    "updated_at": {"type": "string", "format": "date-time"}}})");
  if (s["properties"].contains("type")) s["properties"]["type"] = ConnectionTypeEnum();
  return s;
}

}  // namespace crossdock::server
