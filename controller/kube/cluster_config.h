// Where the Kubernetes API is and how to authenticate to it: read from a kubeconfig file (its
// current context) or from the in-cluster service-account files.
#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

namespace snigate::controller::kube {

struct ClusterConfig {
  std::string server;                     // "https://host:port", no trailing slash
  std::string certificate_authority_pem;  // the only CA trusted for the server
  std::string client_certificate_pem;
  std::string client_key_pem;
  std::string token;                      // a fixed bearer token
  std::filesystem::path token_file;       // a bearer token re-read as it rotates
  bool insecure_skip_tls_verify = false;
};

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The kubeconfig's current context. Relative file paths are relative to the kubeconfig's folder,
// as kubectl resolves them. Throws ConfigError naming the missing or unsupported part.
ClusterConfig load_kubeconfig(const std::filesystem::path& path);

// KUBERNETES_SERVICE_HOST/PORT and the files under `service_account_dir`.
ClusterConfig load_in_cluster(
    const std::filesystem::path& service_account_dir = "/var/run/secrets/kubernetes.io/serviceaccount");

// --kubeconfig when given, else $KUBECONFIG (its first file), else in-cluster.
ClusterConfig discover_cluster_config(const std::optional<std::filesystem::path>& kubeconfig_flag);

}  // namespace snigate::controller::kube
