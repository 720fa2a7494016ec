// How Redshift Data API failures read in crossdock: the service's error answers (typed by the
// AWS error table in aws/errors.h) with Redshift-specific fixes added, and the failures of
// statements that ran (DescribeStatement status FAILED or ABORTED), which the Data API reports
// as a status and a database message rather than as an error answer.
//
// Pure functions, so each rule is unit-tested. The AWS table does not list the Data API's
// own exception names; until it does, ActiveStatementsExceededException (HTTP 400, but a
// quota: retry later) is re-typed here as kThrottled.
#pragma once

#include "crossdock/aws/redshift/data_api_types.h"
#include "crossdock/core/result.h"

namespace crossdock::aws::redshift {

// Adds the fix to an error answered by the Data API or Redshift Serverless: unknown
// workgroup (check the name and region), quota of active statements, database connection
// failures, signing problems. Keeps code, AWS code, status and request id.
Error DescribeDataApiError(Error error, const DataApiTarget* target);

// The Error for a statement that ended FAILED (kAccessDenied when Redshift could not assume
// the IAM_ROLE or S3 refused access, kNotFound for a missing relation or S3 prefix,
// kInvalidArgument for syntax errors, kFailedPrecondition otherwise) or ABORTED (kCancelled).
// The message names the statement id, the database's words and the fix when one is known.
Error StatementFailure(const StatementDescription& description);

}  // namespace crossdock::aws::redshift
