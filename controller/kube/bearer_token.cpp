#include "kube/bearer_token.h"

#include <fstream>
#include <sstream>

#include "telemetry/log.h"

namespace snigate::controller::kube {

BearerToken::BearerToken(std::string fixed_token, std::filesystem::path token_file)
    : fixed_token_(std::move(fixed_token)), token_file_(std::move(token_file)) {}

std::string BearerToken::current() {
  std::lock_guard lock(mutex_);
  if (token_file_.empty()) return fixed_token_;
  const auto now = std::chrono::steady_clock::now();
  if (!file_read_ || now - file_read_at_ >= kFileRefreshInterval) {
    std::ifstream in(token_file_);
    std::ostringstream content;
    content << in.rdbuf();
    std::string token = content.str();
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) token.pop_back();
    if (in && !token.empty()) {
      file_token_ = std::move(token);
    } else {
      log::write(log::Level::warn, "cannot read the token file; keeping the previous token",
                 {{"path", token_file_.string()}});
    }
    file_read_ = true;
    file_read_at_ = now;
  }
  return file_token_.empty() ? fixed_token_ : file_token_;
}

void BearerToken::invalidate() {
  std::lock_guard lock(mutex_);
  file_read_ = false;
}

}  // namespace snigate::controller::kube
