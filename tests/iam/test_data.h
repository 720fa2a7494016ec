// Reading golden files of tests/data/iam (the directory is compiled in as
// CROSSDOCK_IAM_TEST_DATA).
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace crossdock::iam::testing {

inline std::string DataPath(const std::string& relative) {
  return std::string(CROSSDOCK_IAM_TEST_DATA) + "/" + relative;
}

// The file's content, or "" when it cannot be read (tests then fail on the content).
inline std::string ReadData(const std::string& relative) {
  std::ifstream in(DataPath(relative), std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace crossdock::iam::testing
