#include "local_cluster_fixture.h"

#include <sys/wait.h>

#include <array>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <stdexcept>

namespace snigate::test {
namespace {

std::filesystem::path admin_kubeconfig_path;

std::string trimmed(std::string text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  return text;
}

std::string script(const char* relative_path) {
  return shell_quote((LocalClusterEnvironment::repo_root() / relative_path).string());
}

std::string kubectl_binary() {
  const auto project_kubectl = LocalClusterEnvironment::repo_root() / ".tools/bin/kubectl";
  return std::filesystem::exists(project_kubectl) ? shell_quote(project_kubectl.string()) : "kubectl";
}

// Namespace names are DNS labels: lower-case alphanumerics and '-', at most 63 characters.
std::string namespace_name_for(const ::testing::TestInfo& test) {
  std::string name;
  for (char c : std::string(test.test_suite_name()) + "-" + test.name()) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!name.empty() && name.back() != '-') {
      name += '-';
    }
  }
  name = name.substr(0, 50);
  std::random_device random;
  constexpr std::string_view digits = "0123456789abcdef";
  name += '-';
  for (int i = 0; i < 8; ++i) name += digits[random() % digits.size()];
  return name;
}

std::string value_of(const std::string& key_value_lines, const std::string& key) {
  const std::string prefix = key + "=";
  const auto start = key_value_lines.find(prefix);
  if (start == std::string::npos) return "";
  const auto value_start = start + prefix.size();
  return key_value_lines.substr(value_start, key_value_lines.find('\n', value_start) - value_start);
}

}  // namespace

CommandResult run_command(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("popen failed for: " + command);
  std::string output;
  std::array<char, 4096> buffer;
  while (const size_t count = std::fread(buffer.data(), 1, buffer.size(), pipe)) output.append(buffer.data(), count);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), output};
}

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::filesystem::path LocalClusterEnvironment::repo_root() {
  if (const char* from_environment = std::getenv("SNIGATE_SOURCE_DIR")) return from_environment;
#ifdef SNIGATE_SOURCE_DIR
  return SNIGATE_SOURCE_DIR;
#else
  throw std::runtime_error("set SNIGATE_SOURCE_DIR to the repository root (or compile with -DSNIGATE_SOURCE_DIR)");
#endif
}

const std::filesystem::path& LocalClusterEnvironment::admin_kubeconfig() { return admin_kubeconfig_path; }

void LocalClusterEnvironment::SetUp() {
  const std::string local_cluster = script("scripts/local-cluster");
  started_cluster_ = run_command(local_cluster + " status >/dev/null 2>&1").exit_status != 0;
  const CommandResult up = run_command(local_cluster + " up");
  ASSERT_EQ(up.exit_status, 0) << "scripts/local-cluster up failed; its messages are above";
  const std::string export_prefix = "export KUBECONFIG=";
  const auto at = up.standard_output.find(export_prefix);
  ASSERT_NE(at, std::string::npos) << "no export line in: " << up.standard_output;
  admin_kubeconfig_path = trimmed(up.standard_output.substr(at + export_prefix.size()));
}

void LocalClusterEnvironment::TearDown() {
  if (started_cluster_) run_command(script("scripts/local-cluster") + " down");
}

void LocalClusterTest::SetUp() {
  namespace_ = namespace_name_for(*::testing::UnitTest::GetInstance()->current_test_info());
  kubectl("create namespace " + namespace_);
}

void LocalClusterTest::TearDown() {
  const CommandResult deleted =
      run_command(script("scripts/local-cluster") + " delete-namespace " + shell_quote(namespace_));
  EXPECT_EQ(deleted.exit_status, 0) << "could not delete namespace " << namespace_;
}

std::string LocalClusterTest::kubectl(const std::string& arguments) {
  const std::string command =
      kubectl_binary() + " --kubeconfig " + shell_quote(LocalClusterEnvironment::admin_kubeconfig().string()) + " " + arguments;
  const CommandResult result = run_command(command);
  if (result.exit_status != 0) {
    ADD_FAILURE() << "kubectl failed (exit " << result.exit_status << "): " << command;
  }
  return result.standard_output;
}

void LocalClusterTest::apply(const std::string& manifest) {
  kubectl("apply -f - <<'SNIGATE_MANIFEST'\n" + manifest + "\nSNIGATE_MANIFEST\n");
}

TestHost::TestHost(std::string name) : name_(std::move(name)) {
  const CommandResult created = run_command(script("tests/cluster/test-host") + " create " + shell_quote(name_));
  address_ = value_of(created.standard_output, "TEST_HOST_ADDRESS");
  if (created.exit_status != 0 || address_.empty()) {
    run_command(script("tests/cluster/test-host") + " delete " + shell_quote(name_));
    throw std::runtime_error("could not create test host " + name_ + ": " + created.standard_output);
  }
}

TestHost::~TestHost() { run_command(script("tests/cluster/test-host") + " delete " + shell_quote(name_)); }

void TestHost::start(const std::string& command) {
  const std::string in_namespace = script("tests/cluster/test-host") + " exec " + shell_quote(name_) + " sh -c " +
                                   shell_quote(command) + " >/dev/null 2>&1 </dev/null &";
  if (run_command(in_namespace).exit_status != 0) throw std::runtime_error("could not start in " + name_ + ": " + command);
}

namespace {
// Linked in with LocalClusterTest, so a binary using the fixture never forgets to register it.
[[maybe_unused]] ::testing::Environment* const local_cluster_environment =
    ::testing::AddGlobalTestEnvironment(new LocalClusterEnvironment);
}  // namespace

}  // namespace snigate::test
