// Golden cases for the checks of IAM Access Analyzer's policy check reference that the linter
// decides offline: each case names the check's entry (the comment above it is the page and
// anchor the rule follows), a document that must raise it with Access Analyzer's finding type
// and issue code, and a twin that must not.
#include <gtest/gtest.h>

#include <string>

#include "crossdock/iam/checks.h"
#include "crossdock/iam/lint.h"

namespace crossdock::iam {
namespace {

struct AaCase {
  const char* name;
  PolicyType type;
  FindingType finding_type;
  const char* issue_code;
  const char* failing;
  const char* passing;
  const char* corrected;  // the corrected text the finding offers, or nullptr
  const char* link;
};

const AaCase
    kCases
        [] =
            {
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-unique-sids-required
                {"duplicate Sid in an identity policy", PolicyType::kIdentity, FindingType::kError,
                 "UNIQUE_SIDS_REQUIRED",
                 R"({"Version": "2012-10-17", "Statement": [{"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"}, {"Sid": "Read", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::bkt"}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"}, {"Sid": "List", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::bkt"}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-error-unique-sids-required"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-general-warning-unique-sids-recommended
                {"duplicate Sid in a bucket policy", PolicyType::kResource, FindingType::kWarning,
                 "UNIQUE_SIDS_RECOMMENDED",
                 R"({"Version": "2012-10-17", "Statement": [{"Sid": "Read", "Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"}, {"Sid": "Read", "Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::bkt"}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Sid": "Read", "Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-general-warning-unique-sids-recommended"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-unsupported-sid
                {"Sid with characters other than letters and digits", PolicyType::kIdentity,
                 FindingType::kError, "UNSUPPORTED_SID",
                 R"({"Version": "2012-10-17", "Statement": [{"Sid": "read-objects", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Sid": "ReadObjects", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"}]})",
                 "\"Sid\": \"readobjects\"",
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-error-unsupported-sid"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-suggestion-empty-sid-value
                {"empty Sid", PolicyType::kIdentity, FindingType::kSuggestion, "EMPTY_SID_VALUE",
                 R"({"Version": "2012-10-17", "Statement": [{"Sid": "", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-suggestion-empty-sid-value"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-general-warning-missing-version
                {"missing Version", PolicyType::kIdentity, FindingType::kWarning, "MISSING_VERSION",
                 R"({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-general-warning-missing-version"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-variable-unsupported-in-version
                {"policy variables with Version 2008-10-17", PolicyType::kIdentity,
                 FindingType::kError, "VARIABLE_UNSUPPORTED_IN_VERSION",
                 R"({"Version": "2008-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/${aws:username}/*"}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/${aws:username}/*"}]})",
                 "\"Version\": \"2012-10-17\"",
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-error-variable-unsupported-in-version"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-variable-unsupported-in-version
                {"policy variables without Version", PolicyType::kIdentity, FindingType::kError,
                 "VARIABLE_UNSUPPORTED_IN_VERSION",
                 R"({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/${aws:username}/*"}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/${aws:username}/*"}]})",
                 "\"Version\": \"2012-10-17\"",
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-error-variable-unsupported-in-version"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-missing-brace-in-variable
                {"policy variable without its closing brace", PolicyType::kIdentity,
                 FindingType::kError, "MISSING_BRACE_IN_VARIABLE",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/${aws:username"}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/${aws:username}"}]})",
                 "\"arn:aws:s3:::bkt/${aws:username}\"",
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-error-missing-brace-in-variable"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-empty-variable
                {"empty policy variable", PolicyType::kIdentity, FindingType::kError,
                 "EMPTY_VARIABLE",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/${}/x"}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/${aws:userid}/x"}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-error-empty-variable"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-unsupported-space-in-variable
                {"space in a policy variable name", PolicyType::kIdentity, FindingType::kError,
                 "UNSUPPORTED_SPACE_IN_VARIABLE",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/${aws: username}/*"}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/${aws:username}/*"}]})",
                 "\"arn:aws:s3:::bkt/${aws:username}/*\"",
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-error-unsupported-space-in-variable"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-missing-quote-in-variable
                {"policy variable default without quotes", PolicyType::kIdentity,
                 FindingType::kError,
                 "MISSING_QUOTE_IN_VARIABLE", R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/${aws:userid, anonymous}/*"}]})", R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/${aws:userid, 'anonymous'}/*"}]})",
                 "\"arn:aws:s3:::bkt/${aws:userid, 'anonymous'}/*\"",
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-error-missing-quote-in-variable"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-unsupported-symbol-in-variable
                {"unsupported symbol in a policy variable", PolicyType::kIdentity,
                 FindingType::kError, "UNSUPPORTED_SYMBOL_IN_VARIABLE",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/${aws:user#name}/*"}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/${aws:username}/*"}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-error-unsupported-symbol-in-variable"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-variable-unsupported-in-element
                {"policy variable in Action", PolicyType::kIdentity, FindingType::kError,
                 "VARIABLE_UNSUPPORTED_IN_ELEMENT",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:${aws:username}", "Resource": "*"}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-error-variable-unsupported-in-element"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-invalid-variable-for-operator
                {"policy variable with a Numeric operator", PolicyType::kIdentity,
                 FindingType::kError, "INVALID_VARIABLE_FOR_OPERATOR",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"NumericLessThan": {"s3:max-keys": "${aws:username}"}}}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"StringEquals": {"s3:prefix": "${aws:username}"}}}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-error-invalid-variable-for-operator"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-general-warning-type-mismatch-ip-range
                {"IpAddress with an invalid address", PolicyType::kIdentity, FindingType::kWarning,
                 "TYPE_MISMATCH_IP_RANGE",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.300/24"}}}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-general-warning-type-mismatch-ip-range"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-suggestion-improve-ip-range
                {"IpAddress with bits after the prefix", PolicyType::kIdentity,
                 FindingType::kSuggestion, "IMPROVE_IP_RANGE",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.5/24"}}}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}]})",
                 "\"203.0.113.0/24\"",
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-suggestion-improve-ip-range"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-private-ip-address
                {"aws:SourceIp with only private addresses", PolicyType::kIdentity,
                 FindingType::kError, "PRIVATE_IP_ADDRESS",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.168.1.0/24"]}}}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"IpAddress": {"aws:VpcSourceIp": "10.0.0.0/8", "aws:SourceVpc": "vpc-1a2b3c4d"}}}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-error-private-ip-address"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-private-not-ip-address
                {"NotIpAddress aws:SourceIp with only private addresses", PolicyType::kIdentity,
                 FindingType::kError, "PRIVATE_NOT_IP_ADDRESS",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-error-private-not-ip-address"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-suggestion-private-ip-address-subset
                {"aws:SourceIp mixing private and public addresses", PolicyType::kIdentity,
                 FindingType::kSuggestion,
                 "PRIVATE_IP_ADDRESS_SUBSET", R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "203.0.113.0/24"]}}}]})", R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-suggestion-private-ip-address-subset"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-security-warning-forallvalues-with-single-valued-key
                {"ForAllValues with a single-valued key", PolicyType::kIdentity,
                 FindingType::kSecurityWarning, "FORALLVALUES_WITH_SINGLE_VALUED_KEY",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"ForAllValues:StringEquals": {"aws:PrincipalTag/team": "data"}}}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "data"}}}]})",
                 "\"StringEquals\"",
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-security-warning-forallvalues-with-single-valued-key"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-missing-qualifier
                {"multivalued key without a set operator", PolicyType::kIdentity,
                 FindingType::kError, "MISSING_QUALIFIER",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"StringEquals": {"aws:TagKeys": ["team", "env"]}}}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": ["team", "env"]}}}]})",
                 "\"ForAnyValue:StringEquals\"",
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-error-missing-qualifier"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-suggestion-null-with-qualifier
                {"Null with a set operator", PolicyType::kIdentity, FindingType::kSuggestion,
                 "NULL_WITH_QUALIFIER",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"ForAnyValue:Null": {"aws:TagKeys": "false"}}}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"Null": {"aws:TagKeys": "false"}}}]})",
                 "\"Null\"",
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-suggestion-null-with-qualifier"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-invalid-condition-multiple-boolean
                {"Bool with several values", PolicyType::kIdentity, FindingType::kError,
                 "INVALID_CONDITION_MULTIPLE_BOOLEAN",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"Bool": {"aws:SecureTransport": ["true", "false"]}}}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-error-invalid-condition-multiple-boolean"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-duplicate-keys-with-different-case
                {"condition keys differing only in case", PolicyType::kIdentity,
                 FindingType::kError, "DUPLICATE_KEYS_WITH_DIFFERENT_CASE",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "a", "aws:principaltag/team": "b"}}}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": ["a", "b"]}}}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-error-duplicate-keys-with-different-case"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-missing-tag-key-in-condition
                {"tag condition key without a tag key", PolicyType::kIdentity, FindingType::kError,
                 "MISSING_TAG_KEY_IN_CONDITION",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"StringEquals": {"aws:ResourceTag": "owner"}}}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"StringEquals": {"aws:ResourceTag/owner": "JaneDoe"}}}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-error-missing-tag-key-in-condition"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-general-warning-invalid-date-value
                {"date condition in epoch time", PolicyType::kIdentity,
                 FindingType::kWarning, "INVALID_DATE_VALUE", R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"DateLessThan": {"aws:CurrentTime": "1735689600"}}}]})", R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"DateLessThan": {"aws:CurrentTime": "2025-01-01T00:00:00Z"}}}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-general-warning-invalid-date-value"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-general-warning-type-mismatch-date
                {"date condition with an invalid date", PolicyType::kIdentity,
                 FindingType::kWarning, "TYPE_MISMATCH_DATE",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"DateLessThan": {"aws:CurrentTime": "tomorrow"}}}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"DateLessThan": {"aws:CurrentTime": "2025-01-01"}}}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-general-warning-type-mismatch-date"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-general-warning-type-mismatch-number
                {"numeric condition with a non-number", PolicyType::kIdentity,
                 FindingType::kWarning, "TYPE_MISMATCH_NUMBER",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "an hour"}}}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-general-warning-type-mismatch-number"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-general-warning-type-mismatch-boolean
                {"Bool condition with a non-Boolean", PolicyType::kIdentity, FindingType::kWarning,
                 "TYPE_MISMATCH_BOOLEAN",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"Bool": {"aws:SecureTransport": "yes"}}}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-general-warning-type-mismatch-boolean"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-suggestion-redundant-condition-value-num
                {"redundant numeric condition values", PolicyType::kIdentity,
                 FindingType::kSuggestion, "REDUNDANT_CONDITION_VALUE_NUM",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": ["2700", "3600"]}}}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}}]})",
                 "\"3600\"",
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-suggestion-redundant-condition-value-num"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-general-warning-wildcard-without-like-operator
                {"wildcard under StringEquals", PolicyType::kIdentity, FindingType::kWarning,
                 "WILDCARD_WITHOUT_LIKE_OPERATOR",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"StringEquals": {"aws:PrincipalTag/job-category": "admin-*"}}}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"StringLike": {"aws:PrincipalTag/job-category": "admin-*"}}}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-general-warning-wildcard-without-like-operator"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-security-warning-pass-role-with-star-in-resource
                {"iam:PassRole on every role", PolicyType::kIdentity, FindingType::kSecurityWarning,
                 "PASS_ROLE_WITH_STAR_IN_RESOURCE",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111122223333:role/etl"}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-security-warning-pass-role-with-star-in-resource"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-security-warning-pass-role-with-star-in-action-and-resource
                {"iam:* on every resource", PolicyType::kIdentity, FindingType::kSecurityWarning,
                 "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:Get*", "Resource": "*"}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-security-warning-pass-role-with-star-in-action-and-resource"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-security-warning-pass-role-with-not-resource
                {"iam:PassRole with NotResource", PolicyType::kIdentity,
                 FindingType::kSecurityWarning, "PASS_ROLE_WITH_NOT_RESOURCE",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "NotResource": "arn:aws:iam::111122223333:role/admin"}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111122223333:role/etl"}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-security-warning-pass-role-with-not-resource"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-security-warning-pass-role-with-star-in-resource
                {"iam:PassRole on every role, limited by iam:PassedToService",
                 PolicyType::kIdentity, FindingType::kSecurityWarning,
                 "PASS_ROLE_WITH_STAR_IN_RESOURCE",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111122223333:role/*"}]})", R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111122223333:role/*", "Condition": {"StringEquals": {"iam:PassedToService": "redshift.amazonaws.com"}}}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-security-warning-pass-role-with-star-in-resource"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-general-warning-create-slr-with-star-in-resource
                {"iam:CreateServiceLinkedRole on every resource", PolicyType::kIdentity,
                 FindingType::kWarning, "CREATE_SLR_WITH_STAR_IN_RESOURCE",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:CreateServiceLinkedRole", "Resource": "*"}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:CreateServiceLinkedRole", "Resource": "arn:aws:iam::111122223333:role/aws-service-role/redshift.amazonaws.com/AWSServiceRoleForRedshift"}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-general-warning-create-slr-with-star-in-resource"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-security-warning-allow-with-not-principal
                {"Allow with NotPrincipal", PolicyType::kResource, FindingType::kSecurityWarning,
                 "ALLOW_WITH_NOT_PRINCIPAL",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-security-warning-allow-with-not-principal"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-unsupported-wildcard-in-principal
                {"wildcard inside a principal ARN", PolicyType::kResource, FindingType::kError,
                 "UNSUPPORTED_WILDCARD_IN_PRINCIPAL",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/app-*"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/app-reader"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-error-unsupported-wildcard-in-principal"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-general-warning-invalid-role-reference
                {"principal given by role unique id", PolicyType::kResource, FindingType::kWarning,
                 "INVALID_ROLE_REFERENCE",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "AROADBQP57FF2AEXAMPLE"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/app-reader"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-general-warning-invalid-role-reference"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-unsupported-principal
                {"Principal in an identity policy", PolicyType::kIdentity, FindingType::kError,
                 "UNSUPPORTED_PRINCIPAL",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-error-unsupported-principal"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-missing-principal
                {"resource policy without Principal", PolicyType::kResource, FindingType::kError,
                 "MISSING_PRINCIPAL",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-error-missing-principal"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-suggestion-empty-array-action
                {"empty Action array", PolicyType::kIdentity, FindingType::kSuggestion,
                 "EMPTY_ARRAY_ACTION",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": [], "Resource": "*"}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-suggestion-empty-array-action"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-suggestion-empty-array-resource
                {"empty Resource array", PolicyType::kIdentity, FindingType::kSuggestion,
                 "EMPTY_ARRAY_RESOURCE",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": []}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-suggestion-empty-array-resource"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-suggestion-empty-array-condition-forallvalues
                {
                    "empty condition value array under ForAllValues", PolicyType::kIdentity,
                    FindingType::kSuggestion,
                    "EMPTY_ARRAY_CONDITION_FORALLVALUES", R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": []}, "Null": {"aws:TagKeys": "false"}}}]})", R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}, "Null": {"aws:TagKeys": "false"}}}]})",
                    nullptr,
                    "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                    "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                    "checks-suggestion-empty-array-condition-forallvalues"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-suggestion-empty-object-condition
                {"empty Condition block", PolicyType::kIdentity, FindingType::kSuggestion,
                 "EMPTY_OBJECT_CONDITION",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {}}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-suggestion-empty-object-condition"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-suggestion-redundant-action
                {"redundant action", PolicyType::kIdentity, FindingType::kSuggestion,
                 "REDUNDANT_ACTION",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:Get*", "s3:GetObject"], "Resource": "arn:aws:s3:::bkt/*"}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:Get*"], "Resource": "arn:aws:s3:::bkt/*"}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-suggestion-redundant-action"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-suggestion-redundant-resource
                {"redundant resource", PolicyType::kIdentity, FindingType::kSuggestion,
                 "REDUNDANT_RESOURCE",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": ["arn:aws:s3:::bkt/*", "arn:aws:s3:::bkt/a.txt"]}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": ["arn:aws:s3:::bkt/*"]}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-suggestion-redundant-resource"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-suggestion-redundant-statement
                {"redundant statement", PolicyType::kIdentity, FindingType::kSuggestion,
                 "REDUNDANT_STATEMENT",
                 R"({"Version": "2012-10-17", "Statement": [{"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"}, {"Sid": "B", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-suggestion-redundant-statement"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-suggestion-wildcard-in-service-name
                {"wildcard in a service name", PolicyType::kIdentity, FindingType::kSuggestion,
                 "WILDCARD_IN_SERVICE_NAME",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3*:GetObject", "Resource": "arn:aws:s3:::bkt/*"}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-suggestion-wildcard-in-service-name"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-invalid-effect
                {"invalid Effect", PolicyType::kIdentity, FindingType::kError, "INVALID_EFFECT",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-error-invalid-effect"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-invalid-policy-element
                {"unknown element", PolicyType::kIdentity, FindingType::kError,
                 "INVALID_POLICY_ELEMENT",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Resources": "*"}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-error-invalid-policy-element"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-unsupported-element-combination
                {"Action with NotAction", PolicyType::kIdentity, FindingType::kError,
                 "UNSUPPORTED_ELEMENT_COMBINATION",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "NotAction": "s3:PutObject"}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-error-unsupported-element-combination"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-invalid-version
                {"unknown Version", PolicyType::kIdentity, FindingType::kError, "INVALID_VERSION",
                 R"({"Version": "2024-01-01", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-error-invalid-version"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-invalid-condition-operator
                {"unknown condition operator", PolicyType::kIdentity, FindingType::kError,
                 "INVALID_CONDITION_OPERATOR",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"StringEqual": {"s3:prefix": "home/"}}}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"StringEquals": {"s3:prefix": "home/"}}}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-error-invalid-condition-operator"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-null-with-if-exists
                {
                    "Null with IfExists", PolicyType::kIdentity, FindingType::kError,
                    "NULL_WITH_IF_EXISTS", R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"NullIfExists": {"aws:TokenIssueTime": "true"}}}]})", R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"Null": {"aws:TokenIssueTime": "true"}}}]})",
                    nullptr,
                    "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                    "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                    "checks-error-null-with-if-exists"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-json-syntax-error
                {"JSON syntax error", PolicyType::kIdentity, FindingType::kError,
                 "JSON_SYNTAX_ERROR",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*",}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-error-json-syntax-error"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-invalid-arn-prefix
                {"ARN without the arn: prefix", PolicyType::kIdentity, FindingType::kError,
                 "INVALID_ARN_PREFIX",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "aws:s3:::bkt/*"}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-error-invalid-arn-prefix"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-arn-region-not-allowed
                {"IAM ARN with a Region", PolicyType::kIdentity, FindingType::kError,
                 "ARN_REGION_NOT_ALLOWED",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:GetRole", "Resource": "arn:aws:iam:us-east-1:111122223333:role/app"}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:GetRole", "Resource": "arn:aws:iam::111122223333:role/app"}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-error-arn-region-not-allowed"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-missing-arn-field
                {"ARN with fewer than six fields", PolicyType::kIdentity, FindingType::kError,
                 "MISSING_ARN_FIELD",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:bkt"}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-error-missing-arn-field"},
                // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-security-warning-missing-paired-condition-keys
                {"aws:VpcSourceIp without aws:SourceVpc", PolicyType::kIdentity,
                 FindingType::kSecurityWarning, "MISSING_PAIRED_CONDITION_KEYS",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"IpAddress": {"aws:VpcSourceIp": "10.0.0.0/16"}}}]})",
                 R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"IpAddress": {"aws:VpcSourceIp": "10.0.0.0/16"}, "StringEquals": {"aws:SourceVpc": "vpc-1a2b3c4d"}}}]})",
                 nullptr,
                 "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-"
                 "checks-security-warning-missing-paired-condition-keys"},
};

const Finding* FindIssue(const LintReport& r, std::string_view issue) {
  for (const Finding& f : r.findings) {
    if (f.issue_code == issue) return &f;
  }
  return nullptr;
}

std::string Describe(const LintReport& r) {
  std::string out;
  for (const Finding& f : r.findings) out += FormatFinding(f) + "\n";
  return out;
}

TEST(AccessAnalyzerChecksTest, EveryDocumentedCheckGradesAsAccessAnalyzer) {
  for (const AaCase& c : kCases) {
    SCOPED_TRACE(std::string(c.name) + " (" + c.link + ")");
    LintOptions o;
    o.type = c.type;
    LintReport bad = LintPolicy(c.failing, o);
    const Finding* f = FindIssue(bad, c.issue_code);
    ASSERT_NE(f, nullptr) << Describe(bad);
    EXPECT_EQ(f->type, c.finding_type) << FormatFinding(*f);
    EXPECT_EQ(f->severity, SeverityFor(c.finding_type)) << FormatFinding(*f);
    EXPECT_EQ(f->link, c.link);
    EXPECT_GT(f->position.line, 0);
    EXPECT_GT(f->position.column, 0);
    EXPECT_FALSE(f->message.empty());
    EXPECT_FALSE(f->fix.empty());
    if (c.corrected != nullptr) {
      EXPECT_EQ(f->corrected, c.corrected);
    }
    auto json = ToJson(*f);
    EXPECT_EQ(json["finding_type"], FindingTypeName(c.finding_type));
    EXPECT_EQ(json["findingType"], FindingTypeName(c.finding_type));
    EXPECT_EQ(json["issue_code"], c.issue_code);
    EXPECT_EQ(json["learn_more_link"], c.link);
    EXPECT_EQ(json["code"], f->code);  // the stable crossdock code is still there

    LintReport good = LintPolicy(c.passing, o);
    EXPECT_EQ(FindIssue(good, c.issue_code), nullptr) << Describe(good);
  }
}

// Set operators where they do not mean what they seem: ForAllValues in an Allow statement is
// true when the key is absent (a Null guard fixes it), ForAnyValue on a single-valued key
// only changes how a negated operator treats an absent key.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
TEST(AccessAnalyzerChecksTest, SetOperatorsOnTheWrongKind) {
  const std::string page =
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
      "reference_policies_condition-single-vs-multi-valued-context-keys.html";
  auto doc = [](const std::string& condition) {
    return R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
               "Resource": "arn:aws:s3:::bkt/*", "Condition": )" +
           condition + "}]}";
  };
  LintReport all =
      LintPolicy(doc(R"({"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}})"), {});
  ASSERT_EQ(all.findings.size(), 1u) << Describe(all);
  EXPECT_EQ(all.findings[0].code, "condition-set-operator");
  EXPECT_EQ(all.findings[0].type, FindingType::kSecurityWarning);
  EXPECT_TRUE(all.findings[0].issue_code.empty());
  EXPECT_EQ(all.findings[0].link, page);
  EXPECT_EQ(all.findings[0].corrected, R"("Null": {"aws:TagKeys": "false"})");
  LintReport guarded = LintPolicy(doc(R"({"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]},
                                          "Null": {"aws:TagKeys": "false"}})"),
                                  {});
  EXPECT_TRUE(guarded.findings.empty()) << Describe(guarded);
  LintReport any =
      LintPolicy(doc(R"({"ForAnyValue:StringEquals": {"aws:SourceVpc": "vpc-1a2b3c4d"}})"), {});
  ASSERT_EQ(any.findings.size(), 1u) << Describe(any);
  EXPECT_EQ(any.findings[0].type, FindingType::kWarning);
  EXPECT_TRUE(any.findings[0].issue_code.empty());
  EXPECT_EQ(any.findings[0].corrected, R"("StringEquals")");
}

// Position of a finding: the element it is about, not the statement.
TEST(AccessAnalyzerChecksTest, PointsAtTheElement) {
  LintReport r = LintPolicy(R"({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow",
   "Action": "iam:PassRole",
   "Resource": "*"}]})",
                            {});
  const Finding* f = FindIssue(r, "PASS_ROLE_WITH_STAR_IN_RESOURCE");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->position.line, 4);
  EXPECT_EQ(f->position.column, 4);
}

// The link of each grade's anchor, as the reference names its sections.
TEST(AccessAnalyzerChecksTest, LinksFollowTheReferenceAnchors) {
  EXPECT_EQ(AccessAnalyzerLink(FindingType::kWarning, "MISSING_VERSION"),
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
            "access-analyzer-reference-policy-checks.html#"
            "access-analyzer-reference-policy-checks-general-warning-missing-version");
  Finding f = MakeFinding("trust-missing-external-id", Severity::kError, {}, "m", "f");
  EXPECT_EQ(f.type, FindingType::kSecurityWarning);
  EXPECT_TRUE(f.issue_code.empty());
  EXPECT_EQ(f.link,
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
            "id_roles_common-scenarios_third-party.html");
}

}  // namespace
}  // namespace crossdock::iam
