// JSON for connections, as the REST API and `--format json` exchange them.
//
// Output never contains a secret: write-only fields are objects {"set": true|false}, even
// when the Connection holds the decrypted value. Input applies a partial document onto a
// Connection (create starts from an empty one, update from the stored one): present keys
// replace, absent keys keep; a secret given as a string replaces it, as null clears it, as
// {"set": ...} (a document read back) keeps it. "bucket" may carry the path ("output/
// customers"). Unknown keys and wrong types are kInvalidArgument naming the field, so typos
// are not silently ignored. No exception escapes: nlohmann's are caught here.
#pragma once

#include <nlohmann/json.hpp>

#include "crossdock/connect/connection.h"
#include "crossdock/core/result.h"

namespace crossdock::connect {

nlohmann::json ConnectionToJson(const Connection& c);

// Applies `doc` (a JSON object) onto `c`. On error `c` may be partly changed; callers apply
// onto a copy.
Status ApplyConnectionJson(const nlohmann::json& doc, Connection* c);

// Parses text and applies it (kInvalidArgument for malformed JSON, naming the position).
Status ApplyConnectionJsonText(std::string_view text, Connection* c);

// The non-secret fields as the store's `config` document, and back. Secrets are not in it.
std::string ConnectionConfigJson(const Connection& c);
Status ParseConnectionConfigJson(std::string_view config, Connection* c);

}  // namespace crossdock::connect
