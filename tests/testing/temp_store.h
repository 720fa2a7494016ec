// A fresh store for a test: SQLite in a directory the test owns, secrets sealed with a random
// master key. Header-only so that only the test binaries that open a store link the store.
#pragma once

#include <filesystem>
#include <memory>

#include "crossdock/crypto/random.h"
#include "crossdock/crypto/secretbox.h"
#include "crossdock/store/store.h"

namespace crossdock::testing {

// Creates `dir` when missing and opens (creating) dir/db.sqlite in it.
inline Result<std::unique_ptr<store::Store>> OpenTempStore(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  store::StoreOptions options;
  options.location = (dir / "db.sqlite").string();
  options.secret_box = crypto::SecretBox::FromKey(crypto::RandomBytes(32)).value();
  return store::OpenStore(std::move(options));
}

}  // namespace crossdock::testing
