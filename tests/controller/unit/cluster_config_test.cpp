// Reading a kubeconfig: what kubectl accepts for a cluster and a user, and clear refusals for
// what the controller does not support.
#include "kube/cluster_config.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

namespace snigate::controller::kube {
namespace {

class KubeconfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/snigate-kubeconfig-XXXXXX";
    folder_ = mkdtemp(pattern);
  }
  void TearDown() override { std::filesystem::remove_all(folder_); }

  std::filesystem::path write(const std::string& name, const std::string& content) {
    std::ofstream(folder_ / name) << content;
    return folder_ / name;
  }

  std::filesystem::path kubeconfig(const std::string& cluster, const std::string& user) {
    return write("config", "apiVersion: v1\nkind: Config\ncurrent-context: here\n"
                           "contexts:\n- name: elsewhere\n  context: {cluster: other, user: other}\n"
                           "- name: here\n  context: {cluster: local, user: me}\n"
                           "clusters:\n- name: other\n  cluster: {server: 'https://192.0.2.1:6443', insecure-skip-tls-verify: true}\n"
                           "- name: local\n  cluster:\n" + cluster +
                           "users:\n- name: me\n  user:\n" + user);
  }

  std::filesystem::path folder_;
};

TEST_F(KubeconfigTest, CurrentContextWithInlineDataAndToken) {
  // base64("CA PEM") and base64("CERT"), base64("KEY")
  const auto config = load_kubeconfig(kubeconfig("    server: https://127.0.0.1:6443/\n    certificate-authority-data: Q0EgUEVN\n",
                                                 "    client-certificate-data: Q0VSVA==\n    client-key-data: S0VZ\n    token: abc\n"));
  EXPECT_EQ(config.server, "https://127.0.0.1:6443");
  EXPECT_EQ(config.certificate_authority_pem, "CA PEM");
  EXPECT_EQ(config.client_certificate_pem, "CERT");
  EXPECT_EQ(config.client_key_pem, "KEY");
  EXPECT_EQ(config.token, "abc");
  EXPECT_FALSE(config.insecure_skip_tls_verify);
}

TEST_F(KubeconfigTest, FilesAreRelativeToTheKubeconfigFolder) {
  write("ca.crt", "CA FROM FILE");
  write("token", "t0ken\n");
  const auto config = load_kubeconfig(kubeconfig("    server: https://127.0.0.1:6443\n    certificate-authority: ca.crt\n",
                                                 "    tokenFile: token\n"));
  EXPECT_EQ(config.certificate_authority_pem, "CA FROM FILE");
  EXPECT_EQ(config.token_file, folder_ / "token");
}

TEST_F(KubeconfigTest, InsecureSkipTlsVerifyNeedsNoCa) {
  const auto config = load_kubeconfig(kubeconfig("    server: https://127.0.0.1:6443\n    insecure-skip-tls-verify: true\n",
                                                 "    token: abc\n"));
  EXPECT_TRUE(config.insecure_skip_tls_verify);
}

void expect_refusal(const std::filesystem::path& path, const std::string& fragment) {
  try {
    load_kubeconfig(path);
    ADD_FAILURE() << "accepted; expected a refusal mentioning: " << fragment;
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find(fragment), std::string::npos) << error.what();
  }
}

TEST_F(KubeconfigTest, ExecAndAuthProviderUsersAreNotSupported) {
  const std::string cluster = "    server: https://127.0.0.1:6443\n    certificate-authority-data: Q0EgUEVN\n";
  expect_refusal(kubeconfig(cluster, "    exec:\n      command: aws\n"), "exec credential plugin, which is not supported");
  expect_refusal(kubeconfig(cluster, "    auth-provider:\n      name: gcp\n"), "auth-provider, which is not supported");
}

TEST_F(KubeconfigTest, ClearErrorsForIncompleteFiles) {
  expect_refusal(kubeconfig("    server: https://127.0.0.1:6443\n", "    token: abc\n"), "names no certificate-authority");
  expect_refusal(kubeconfig("    certificate-authority-data: Q0EgUEVN\n", "    token: abc\n"), "has no server");
  expect_refusal(kubeconfig("    server: https://127.0.0.1:6443\n    certificate-authority-data: Q0EgUEVN\n",
                            "    client-certificate-data: Q0VSVA==\n"), "without a key");
  expect_refusal(write("broken", "clusters: [\n"), "not valid YAML");
  expect_refusal(write("nocontext", "apiVersion: v1\nkind: Config\n"), "no current-context");
  expect_refusal(folder_ / "missing", "cannot read kubeconfig");
}

TEST(InClusterConfig, ReadsServiceAccountFilesAndServiceEnvironment) {
  char pattern[] = "/tmp/snigate-sa-XXXXXX";
  const std::filesystem::path folder = mkdtemp(pattern);
  std::ofstream(folder / "ca.crt") << "CLUSTER CA";
  std::ofstream(folder / "token") << "sa-token";
  setenv("KUBERNETES_SERVICE_HOST", "fd00::1", 1);
  setenv("KUBERNETES_SERVICE_PORT", "443", 1);
  const auto config = load_in_cluster(folder);
  unsetenv("KUBERNETES_SERVICE_HOST");
  unsetenv("KUBERNETES_SERVICE_PORT");
  std::filesystem::remove_all(folder);
  EXPECT_EQ(config.server, "https://[fd00::1]:443");
  EXPECT_EQ(config.certificate_authority_pem, "CLUSTER CA");
  EXPECT_EQ(config.token_file, folder / "token");
  EXPECT_THROW(load_in_cluster(folder), ConfigError);
}

}  // namespace
}  // namespace snigate::controller::kube
