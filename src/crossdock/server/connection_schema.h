// JSON Schemas of connections as the REST API exchanges them (connect/connection_json.h),
// for the OpenAPI document. Descriptive only: the server validates with connect/.
#pragma once

#include <nlohmann/json.hpp>

namespace crossdock::server {

// {"type": "string", "enum": [...]} from iam/connection_types.h's table.
nlohmann::ordered_json ConnectionTypeEnum();
nlohmann::ordered_json ConnectionInputSchema();
nlohmann::ordered_json ConnectionOutputSchema();

}  // namespace crossdock::server
