#include "kube/publish_service_reader.h"

#include "model/decode.h"
#include "telemetry/log.h"

namespace snigate::controller::kube {
namespace {

std::string service_path(const std::string& namespace_and_name) {
  const auto slash = namespace_and_name.find('/');
  return "/api/v1/namespaces/" + namespace_and_name.substr(0, slash) + "/services/" + namespace_and_name.substr(slash + 1);
}

}  // namespace

PublishServiceReader::PublishServiceReader(ApiClient& api, std::string namespace_and_name)
    : api_(api), path_(service_path(namespace_and_name)) {}

const std::optional<model::Service>& PublishServiceReader::current() {
  if (read_at_ && Clock::now() - *read_at_ < kRefreshPeriod) return service_;
  read_at_ = Clock::now();
  try {
    const ApiResponse response = api_.get(path_);
    if (response.ok()) {
      service_ = model::decode_service(response.body);
    } else {
      if (response.status == 404) service_.reset();
      log::write(log::Level::warn, "cannot read the publish Service", {{"path", path_}, {"error", response.describe()}});
    }
  } catch (const ApiUnreachable& error) {
    log::write(log::Level::warn, "cannot read the publish Service", {{"path", path_}, {"error", error.what()}});
  } catch (const model::DecodeError& error) {
    log::write(log::Level::warn, "cannot decode the publish Service", {{"path", path_}, {"error", error.what()}});
  }
  return service_;
}

}  // namespace snigate::controller::kube
