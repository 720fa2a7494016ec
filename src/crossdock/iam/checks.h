// The catalogue of policy checks: for every finding code crossdock reports, the IAM Access
// Analyzer check it corresponds to (finding type, issue code and the link to the check's
// entry in Access Analyzer's policy check reference) or, for crossdock's own checks, the
// finding type Access Analyzer gives comparable findings and the IAM documentation page of
// the rule. policy.cc and lint.cc build every Finding through MakeFinding so that no finding
// leaves without its grade and link. It decides nothing about policies itself.
#pragma once

#include <string>
#include <string_view>

#include "crossdock/iam/finding.h"

namespace crossdock::iam {

struct CheckInfo {
  std::string_view code;        // crossdock's finding code
  FindingType type;             // Access Analyzer's grade
  std::string_view issue_code;  // Access Analyzer's issue code, or empty for our own checks
  std::string_view link;        // for our own checks: the IAM documentation page of the rule
};

// The entry of `code`, or nullptr when the code is not catalogued.
const CheckInfo* FindCheck(std::string_view code);

// A finding with its grade, issue code and link filled in from the catalogue (an uncatalogued
// code is graded ERROR without a link).
Finding MakeFinding(std::string code, Severity severity, Position position, std::string message,
                    std::string fix);

// Replaces the Access Analyzer issue a finding is reported under, for checks whose issue
// depends on the case (e.g. arn-malformed: INVALID_ARN_ACCOUNT or INVALID_ARN_PREFIX).
void SetIssue(Finding& finding, FindingType type, std::string_view issue_code);

}  // namespace crossdock::iam
