// HTTP access to the Kubernetes API server: one client for ordinary requests and another for
// watch streams, whose inactivity timeout tells a dead connection from a quiet watch.
#pragma once

#include <cpprest/http_client.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>

#include "kube/bearer_token.h"
#include "kube/cluster_config.h"

namespace snigate::controller::kube {

struct ApiResponse {
  int status = 0;
  nlohmann::json body;  // the decoded JSON body, or the raw text when it was not JSON

  bool ok() const { return status >= 200 && status < 300; }
  // "Status 409 Conflict: <message>" for logs and errors.
  std::string describe() const;
};

// The server could not be reached or the connection broke (as opposed to an HTTP error status).
class ApiUnreachable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An open watch: one JSON event per line until the server ends the stream. Dropping it closes
// the connection.
class WatchStream {
 public:
  WatchStream(web::http::http_response response, pplx::cancellation_token_source cancel);
  ~WatchStream();
  WatchStream(const WatchStream&) = delete;
  WatchStream& operator=(const WatchStream&) = delete;

  // The next event, or nullopt when the server ended the stream. Throws ApiUnreachable, also when
  // the watch was cancelled.
  std::optional<nlohmann::json> next_event();

 private:
  web::http::http_response response_;
  concurrency::streams::istream body_;
  pplx::cancellation_token_source cancel_;
};

// When a request is abandoned; nullopt leaves it to the client's kRequestTimeout.
using Deadline = std::optional<std::chrono::steady_clock::time_point>;

class ApiClient {
 public:
  static constexpr std::chrono::seconds kRequestTimeout{30};
  // A watch that sends nothing for this long is on a dead connection (a peer that vanished
  // without a FIN or RST, a hung apiserver, a dropped route), and is given up. kube-apiserver's
  // watch cache sends every watch with allowWatchBookmarks=true a BOOKMARK about every minute
  // (cacher's bookmarkFrequency, 1 min, dispatched in 1 s buckets; measured: 60-61 s apart), so
  // a live watch is never quiet for 75 s; the 14 s to spare absorb a busy apiserver. Watches
  // served without the watch cache send no bookmarks, and are merely opened again after 75 s.
  static constexpr std::chrono::seconds kWatchInactivityTimeout{75};

  // `longest_watch` is the largest timeoutSeconds any watch will ask for: a watch ends by itself
  // by then, so a shorter silence than kWatchInactivityTimeout already means a dead connection.
  ApiClient(const ClusterConfig& config, std::chrono::seconds longest_watch);

  // Both throw ApiUnreachable, also when `deadline` passes before the whole answer arrived, or
  // when `cancel` ends the request from another thread (at once).
  ApiResponse get(const std::string& path, Deadline deadline = std::nullopt,
                  const pplx::cancellation_token& cancel = pplx::cancellation_token::none());
  ApiResponse send(const web::http::method& method, const std::string& path, const nlohmann::json& body,
                   const std::string& content_type = "application/json", Deadline deadline = std::nullopt);

  // Starts a watch. The response status is checked by the caller: a non-2xx watch comes back as
  // an ApiResponse through `refused`, and the stream is empty. `cancel` ends the request or the
  // stream from another thread.
  std::unique_ptr<WatchStream> watch(const std::string& path, ApiResponse& refused, pplx::cancellation_token cancel);

  const std::string& server() const { return server_; }

 private:
  web::http::http_request prepare(const web::http::method& method, const std::string& path);
  ApiResponse finish(web::http::http_response response);
  ApiResponse perform(const web::http::http_request& request, Deadline deadline, const pplx::cancellation_token& cancel,
                      const std::string& what);

  std::string server_;
  BearerToken token_;
  web::http::client::http_client requests_;
  web::http::client::http_client watches_;
};

}  // namespace snigate::controller::kube
