// The whole `crossdock` command tree in one CLI11 app: main.cc parses argv with it, and tests
// walk it to check that every command and flag a fix, hint or doc names exists.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>

namespace crossdock::cli {

std::unique_ptr<CLI::App> BuildApp();

}  // namespace crossdock::cli
