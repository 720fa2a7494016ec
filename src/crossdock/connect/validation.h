// Validation of a connection before it is saved: every rule names the field and says how to
// fix it, so the CLI and the REST API can show the message next to the right input.
//
// Field names are the JSON names of connection_json.h ("role_arn", "bucket", "path",
// "databricks.workspace_url", "redshift.unload.bucket"...). Checks are local and
// deterministic: nothing here calls AWS (the connection test does), so "the role exists" or
// "the bucket is in that region" are not checked here.
#pragma once

#include <string_view>
#include <vector>

#include "crossdock/connect/connection.h"
#include "crossdock/core/result.h"

namespace crossdock::connect {

// What the organization allows; from store::Organization.
struct OrgPolicy {
  bool role_only = false;  // access-key connections are refused
};

// Fills what a connection takes from its other fields when left empty: a Kinesis connection's
// region comes from its stream ARN. Called before validation and before storing.
void ApplyDerivedFields(Connection& c);

// Every problem with `c`, in field order (empty when valid). Secrets count as present when
// they have a value or are already stored (is_set) and are not being cleared.
std::vector<Error> ValidateConnection(const Connection& c, const OrgPolicy& org);

// The first problem, with "(and N more problems)" appended when there are more.
Status CheckConnection(const Connection& c, const OrgPolicy& org);

// Individual rules, each kInvalidArgument naming `field`:
Status ValidateConnectionName(std::string_view name);
// S3 general purpose bucket naming rules: 3-63 characters of a-z 0-9 . -, starting and ending
// with a letter or digit, no "..", not an IP address, no reserved prefix or suffix.
Status ValidateBucketName(std::string_view bucket, std::string_view field = "bucket");
// A prefix inside the bucket: no leading slash, no empty, "." or ".." segments, no control
// characters, at most 900 bytes (leaving room for object names under S3's 1024).
Status ValidatePath(std::string_view path, std::string_view field = "path");
// 16-128 upper-case letters and digits (AKIA..., ASIA..., or a local gateway's key).
Status ValidateAccessKeyId(std::string_view id);
// aws::ValidateRegion with the field name and the fix.
Status ValidateRegionField(std::string_view region, std::string_view field = "region");

}  // namespace crossdock::connect
