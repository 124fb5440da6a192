// GoogleTest access to the real Kubernetes control plane of scripts/local-cluster: the cluster is
// brought up once per test binary, each LocalClusterTest gets its own namespace, and a TestHost is
// a network namespace with a private address where a test runs its backends.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace snigate::test {

struct CommandResult {
  int exit_status;
  std::string standard_output;
};

// Runs `command` with /bin/sh; its stderr goes to the test log.
CommandResult run_command(const std::string& command);

// Quotes `text` as one word for /bin/sh.
std::string shell_quote(const std::string& text);

// Registered for every binary that links this fixture. Starts the cluster if it is not running
// and stops it again at the end only in that case, so a runner that started it keeps it.
class LocalClusterEnvironment : public ::testing::Environment {
 public:
  void SetUp() override;
  void TearDown() override;

  // The repository root: $SNIGATE_SOURCE_DIR, else the SNIGATE_SOURCE_DIR compile definition.
  static std::filesystem::path repo_root();
  static const std::filesystem::path& admin_kubeconfig();

 private:
  bool started_cluster_ = false;
};

class LocalClusterTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Named after the test plus a random suffix; deleted with all its objects after the test.
  const std::string& test_namespace() const { return namespace_; }

  // Runs kubectl with the admin kubeconfig and returns its stdout; fails the test if kubectl fails.
  std::string kubectl(const std::string& arguments);

  // Applies a manifest given as YAML text.
  void apply(const std::string& manifest);

 private:
  std::string namespace_;
};

// Owns a test host made by tests/cluster/test-host; the destructor kills what runs inside it and
// removes it, also when the test fails.
class TestHost {
 public:
  explicit TestHost(std::string name);
  ~TestHost();
  TestHost(const TestHost&) = delete;
  TestHost& operator=(const TestHost&) = delete;

  // The host's address inside its namespace, where its backends listen; never a loopback address.
  const std::string& address() const { return address_; }

  // Starts `command` inside the namespace in the background; it lives until the host is removed.
  void start(const std::string& command);

 private:
  std::string name_;
  std::string address_;
};

}  // namespace snigate::test
