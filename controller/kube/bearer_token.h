// The bearer token sent to the API server. A token file is re-read at least every minute and after
// any 401, because bound service-account tokens expire and the kubelet rotates the file.
#pragma once

#include <chrono>
#include <filesystem>
#include <mutex>
#include <string>

namespace snigate::controller::kube {

class BearerToken {
 public:
  static constexpr std::chrono::seconds kFileRefreshInterval{60};

  BearerToken(std::string fixed_token, std::filesystem::path token_file);

  // The token to send now; empty when the config authenticates otherwise.
  std::string current();

  // The server said 401: read the file again on the next request.
  void invalidate();

 private:
  std::mutex mutex_;
  std::string fixed_token_;
  std::filesystem::path token_file_;
  std::string file_token_;
  std::chrono::steady_clock::time_point file_read_at_{};
  bool file_read_ = false;
};

}  // namespace snigate::controller::kube
