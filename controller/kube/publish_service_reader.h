// Reads the --publish-service Service straight from the API: it usually lives in the release's
// namespace, which --watch-namespace may leave out of the object store.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "kube/api_client.h"
#include "model/objects.h"

namespace snigate::controller::kube {

class PublishServiceReader {
 public:
  // How long a read stays fresh: a load balancer's address changes rarely, and status follows
  // within this much (ingress-nginx syncs status every minute).
  static constexpr std::chrono::seconds kRefreshPeriod{10};

  PublishServiceReader(ApiClient& api, std::string namespace_and_name);

  // The Service as last read, re-read when older than kRefreshPeriod; nullopt until one read
  // succeeded (a 404 forgets it).
  const std::optional<model::Service>& current();

 private:
  using Clock = std::chrono::steady_clock;

  ApiClient& api_;
  std::string path_;
  std::optional<model::Service> service_;
  std::optional<Clock::time_point> read_at_;
};

}  // namespace snigate::controller::kube
