// The certificates of tests/harness/make-test-pki.sh, made once per test run.
#pragma once

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace pop3::testing {

inline const std::string& pki_dir() {
  static const std::string dir = [] {
    const std::string path = std::string(POP3_BINARY_DIR) + "/test-pki";
    const std::string command =
        std::string(POP3_SOURCE_DIR) + "/tests/harness/make-test-pki.sh " + path;
    if (std::system(command.c_str()) != 0) std::abort();
    return path;
  }();
  return dir;
}

inline std::string pki_file(const std::string& name) {
  return pki_dir() + "/" + name;
}

inline std::string pki_pem(const std::string& name) {
  std::ifstream in(pki_file(name));
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace pop3::testing
