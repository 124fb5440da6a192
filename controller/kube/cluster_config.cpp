#include "kube/cluster_config.h"

#include <yaml-cpp/yaml.h>

#include <boost/beast/core/detail/base64.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace snigate::controller::kube {
namespace {

std::string read_file(const std::filesystem::path& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError("cannot read " + what + " " + path.string());
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

std::string decode_base64(const std::string& encoded, const std::string& what) {
  namespace base64 = boost::beast::detail::base64;
  std::string decoded(base64::decoded_size(encoded.size()), '\0');
  const auto [written, read] = base64::decode(decoded.data(), encoded.data(), encoded.size());
  if (read == 0 && !encoded.empty()) throw ConfigError(what + " is not valid base64");
  decoded.resize(written);
  return decoded;
}

// Finds the entry named `name` in a kubeconfig list such as `clusters` and returns its `key` map.
YAML::Node named_entry(const YAML::Node& root, const std::string& list, const std::string& key, const std::string& name) {
  for (const auto& entry : root[list]) {
    if (entry["name"] && entry["name"].as<std::string>() == name) return entry[key] ? entry[key] : YAML::Node();
  }
  throw ConfigError("kubeconfig has no " + list + " entry named '" + name + "'");
}

std::string text(const YAML::Node& node, const char* key) { return node[key] ? node[key].as<std::string>() : ""; }

// A PEM given inline (`<key>-data`, base64) or as a file (`<key>`, relative to the kubeconfig).
std::string pem(const YAML::Node& node, const std::string& key, const std::filesystem::path& base) {
  if (const std::string data = text(node, (key + "-data").c_str()); !data.empty()) return decode_base64(data, key + "-data");
  if (const std::string file = text(node, key.c_str()); !file.empty()) return read_file(base / file, key);
  return "";
}

}  // namespace

ClusterConfig load_kubeconfig(const std::filesystem::path& path) {
  YAML::Node root;
  try {
    root = YAML::Load(read_file(path, "kubeconfig"));
  } catch (const YAML::Exception& error) {
    throw ConfigError("kubeconfig " + path.string() + " is not valid YAML: " + error.what());
  }
  const std::filesystem::path base = path.parent_path();
  const std::string context_name = text(root, "current-context");
  if (context_name.empty()) throw ConfigError("kubeconfig " + path.string() + " has no current-context");
  const YAML::Node context = named_entry(root, "contexts", "context", context_name);
  const YAML::Node cluster = named_entry(root, "clusters", "cluster", text(context, "cluster"));

  ClusterConfig config;
  config.server = text(cluster, "server");
  while (config.server.ends_with('/')) config.server.pop_back();
  if (config.server.empty()) throw ConfigError("kubeconfig cluster '" + text(context, "cluster") + "' has no server");
  config.certificate_authority_pem = pem(cluster, "certificate-authority", base);
  config.insecure_skip_tls_verify = cluster["insecure-skip-tls-verify"] && cluster["insecure-skip-tls-verify"].as<bool>();

  if (const std::string user_name = text(context, "user"); !user_name.empty()) {
    const YAML::Node user = named_entry(root, "users", "user", user_name);
    if (user["exec"]) throw ConfigError("kubeconfig user '" + user_name + "' uses an exec credential plugin, which is not supported; use a token, tokenFile or client certificate");
    if (user["auth-provider"]) throw ConfigError("kubeconfig user '" + user_name + "' uses an auth-provider, which is not supported; use a token, tokenFile or client certificate");
    config.client_certificate_pem = pem(user, "client-certificate", base);
    config.client_key_pem = pem(user, "client-key", base);
    config.token = text(user, "token");
    if (const std::string file = text(user, "tokenFile"); !file.empty()) config.token_file = base / file;
    if (config.client_certificate_pem.empty() != config.client_key_pem.empty()) {
      throw ConfigError("kubeconfig user '" + user_name + "' has a client certificate without a key or a key without a certificate");
    }
  }
  if (config.certificate_authority_pem.empty() && !config.insecure_skip_tls_verify && config.server.starts_with("https:")) {
    throw ConfigError("kubeconfig cluster '" + text(context, "cluster") + "' names no certificate-authority; only the cluster CA is trusted");
  }
  return config;
}

ClusterConfig load_in_cluster(const std::filesystem::path& service_account_dir) {
  const char* host = std::getenv("KUBERNETES_SERVICE_HOST");
  const char* port = std::getenv("KUBERNETES_SERVICE_PORT");
  if (host == nullptr || port == nullptr || *host == '\0' || *port == '\0') {
    throw ConfigError("no --kubeconfig, no $KUBECONFIG, and not in a cluster (KUBERNETES_SERVICE_HOST/PORT unset)");
  }
  const std::string host_text = host;
  ClusterConfig config;
  config.server = "https://" + (host_text.find(':') != std::string::npos ? "[" + host_text + "]" : host_text) + ":" + port;
  config.certificate_authority_pem = read_file(service_account_dir / "ca.crt", "service-account CA");
  config.token_file = service_account_dir / "token";
  read_file(config.token_file, "service-account token");
  return config;
}

ClusterConfig discover_cluster_config(const std::optional<std::filesystem::path>& kubeconfig_flag) {
  if (kubeconfig_flag) return load_kubeconfig(*kubeconfig_flag);
  if (const char* from_environment = std::getenv("KUBECONFIG"); from_environment && *from_environment) {
    const std::string paths = from_environment;
    return load_kubeconfig(paths.substr(0, paths.find(':')));
  }
  return load_in_cluster();
}

}  // namespace snigate::controller::kube
