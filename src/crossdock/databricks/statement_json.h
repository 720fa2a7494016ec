// JSON of the Databricks SQL Statement Execution API, as pure functions: the execute request
// body, the StatementResponse (status, error, manifest, first chunk), a result chunk, and the
// REST error answer ({"error_code": ..., "message": ...}) turned into a typed Error. Also the
// Error for a statement that ended FAILED, CANCELED or CLOSED.
//
// Parsers ignore unknown members, as Databricks' SDKs do, and reject members of the wrong
// type (kInternal naming them). Nothing here sees the access token.
#pragma once

#include <string>
#include <string_view>

#include "crossdock/core/result.h"
#include "crossdock/databricks/statement_types.h"

namespace crossdock::databricks {

// kInvalidArgument naming "statement", "warehouse_id", "wait_timeout" or "parameters".
Status ValidateStatementRequest(const StatementRequest& request, std::string_view warehouse_id);
std::string BuildExecuteStatementBody(const StatementRequest& request,
                                      std::string_view warehouse_id);

Result<StatementResponse> ParseStatementResponse(std::string_view body);
Result<ResultChunk> ParseResultChunk(std::string_view body);

// The typed Error of a non-2xx answer: 401 kUnauthenticated, 403 kAccessDenied, 404
// kNotFound, 400 kInvalidArgument, 409 kAlreadyExists, 429 kThrottled, 5xx kUnavailable.
// `operation` names the call, e.g. "GET statement 01ef..."; the fix is added for auth errors.
Error ApiError(int status, std::string_view body, std::string_view operation);

// The Error of a statement that did not succeed: FAILED (typed by error_code and the
// message: PERMISSION_DENIED -> kAccessDenied, NOT_FOUND -> kNotFound, syntax ->
// kInvalidArgument, else kFailedPrecondition), CANCELED (kCancelled), CLOSED.
Error StatementFailure(const StatementResponse& response);

}  // namespace crossdock::databricks
