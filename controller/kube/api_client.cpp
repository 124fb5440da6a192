#include "kube/api_client.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cpprest/containerstream.h>
#include <pplx/threadpool.h>

#include <algorithm>

namespace snigate::controller::kube {
namespace {

using web::http::client::http_client_config;

// Trusts the cluster's CA and nothing else (cpprestsdk preloads the system store), and presents
// the client certificate when the config has one.
http_client_config client_config(const ClusterConfig& config, std::chrono::seconds inactivity_timeout) {
  http_client_config settings;
  settings.set_timeout(inactivity_timeout);
  settings.set_validate_certificates(!config.insecure_skip_tls_verify);
  settings.set_ssl_context_callback([config](boost::asio::ssl::context& context) {
    SSL_CTX_set_cert_store(context.native_handle(), X509_STORE_new());
    if (!config.certificate_authority_pem.empty()) {
      context.add_certificate_authority(boost::asio::buffer(config.certificate_authority_pem));
    }
    if (!config.client_certificate_pem.empty()) {
      context.use_certificate_chain(boost::asio::buffer(config.client_certificate_pem));
      context.use_private_key(boost::asio::buffer(config.client_key_pem), boost::asio::ssl::context::pem);
    }
  });
  return settings;
}

// managedFields are most of an object's size and nothing the controller reads: dropped while
// parsing, so that a list of 10,000 Services does not first become a tree of all of them.
bool drop_managed_fields(int /*depth*/, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
  return !(event == nlohmann::json::parse_event_t::key && parsed == "managedFields");
}

nlohmann::json parse_body(const std::string& text) {
  nlohmann::json parsed = nlohmann::json::parse(text, drop_managed_fields, false);
  return parsed.is_discarded() ? nlohmann::json(text) : parsed;
}

}  // namespace

std::string ApiResponse::describe() const {
  std::string message = body.is_object() ? body.value("message", body.dump()) : body.is_string() ? body.get<std::string>() : body.dump();
  return "status " + std::to_string(status) + ": " + message;
}

WatchStream::WatchStream(web::http::http_response response, pplx::cancellation_token_source cancel)
    : response_(std::move(response)), body_(response_.body()), cancel_(std::move(cancel)) {}

WatchStream::~WatchStream() { cancel_.cancel(); }

std::optional<nlohmann::json> WatchStream::next_event() {
  while (true) {
    // The body is a stream of bytes: a buffer of bytes to read into, as read_line's type asks (a
    // container_buffer<std::string> is a buffer of char, which UBSan rightly refuses).
    concurrency::streams::container_buffer<std::vector<std::uint8_t>> line;
    try {
      const size_t length = body_.read_line(line).get();
      if (length == 0 && body_.is_eof()) return std::nullopt;
    } catch (const std::exception& error) {
      throw ApiUnreachable(std::string("watch stream broke: ") + error.what());
    }
    const std::vector<std::uint8_t>& bytes = line.collection();
    if (bytes.empty()) continue;
    nlohmann::json event = nlohmann::json::parse(bytes.begin(), bytes.end(), drop_managed_fields, false);
    if (event.is_discarded()) {
      throw ApiUnreachable("watch stream sent a line that is not JSON: " +
                           std::string(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(bytes.size(), 200))));
    }
    return event;
  }
}

ApiClient::ApiClient(const ClusterConfig& config, std::chrono::seconds longest_watch)
    : server_(config.server),
      token_(config.token, config.token_file),
      requests_(config.server, client_config(config, kRequestTimeout)),
      watches_(config.server, client_config(config, std::min(kWatchInactivityTimeout, longest_watch + std::chrono::seconds(30)))) {}

web::http::http_request ApiClient::prepare(const web::http::method& method, const std::string& path) {
  web::http::http_request request(method);
  request.set_request_uri(path);
  request.headers().add("Accept", "application/json");
  if (const std::string token = token_.current(); !token.empty()) request.headers().add("Authorization", "Bearer " + token);
  return request;
}

ApiResponse ApiClient::finish(web::http::http_response response) {
  ApiResponse result{response.status_code(), {}};
  try {
    result.body = parse_body(response.extract_utf8string(true).get());
  } catch (const std::exception& error) {
    throw ApiUnreachable(std::string("reading the response from ") + server_ + " failed: " + error.what());
  }
  if (result.status == 401) token_.invalidate();
  return result;
}

// cpprestsdk's timeout belongs to the client and restarts with every byte received, so a deadline
// is a timer on cpprestsdk's own thread pool that cancels the request, body included.
ApiResponse ApiClient::perform(const web::http::http_request& request, Deadline deadline,
                               const pplx::cancellation_token& cancel_request, const std::string& what) {
  // Linking to cancellation_token::none() throws, and create_linked_source takes a non-const reference.
  pplx::cancellation_token linked = cancel_request;
  pplx::cancellation_token_source cancel = linked.is_cancelable()
                                               ? pplx::cancellation_token_source::create_linked_source(linked)
                                               : pplx::cancellation_token_source();
  std::optional<boost::asio::steady_timer> timer;
  if (deadline) {
    timer.emplace(crossplat::threadpool::shared_instance().service(), *deadline);
    timer->async_wait([cancel](const boost::system::error_code& error) mutable {
      if (!error) cancel.cancel();
    });
  }
  web::http::http_response response;
  try {
    response = requests_.request(request, cancel.get_token()).get();
  } catch (const std::exception& error) {
    if (cancel_request.is_canceled()) throw ApiUnreachable(what + " cancelled");
    if (cancel.get_token().is_canceled()) throw ApiUnreachable(what + " had no answer before its deadline");
    throw ApiUnreachable(what + " failed: " + error.what());
  }
  try {
    return finish(std::move(response));
  } catch (const ApiUnreachable&) {
    if (cancel.get_token().is_canceled()) throw ApiUnreachable(what + " had no complete answer before its deadline");
    throw;
  }
}

ApiResponse ApiClient::get(const std::string& path, Deadline deadline, const pplx::cancellation_token& cancel) {
  return perform(prepare(web::http::methods::GET, path), deadline, cancel, "GET " + server_ + path);
}

ApiResponse ApiClient::send(const web::http::method& method, const std::string& path, const nlohmann::json& body,
                            const std::string& content_type, Deadline deadline) {
  web::http::http_request request = prepare(method, path);
  request.set_body(body.dump(), content_type);
  return perform(request, deadline, pplx::cancellation_token::none(), method + " " + server_ + path);
}

std::unique_ptr<WatchStream> ApiClient::watch(const std::string& path, ApiResponse& refused,
                                              pplx::cancellation_token cancel_watch) {
  // Its own source, so that dropping the stream closes its connection alone.
  pplx::cancellation_token_source cancel = pplx::cancellation_token_source::create_linked_source(cancel_watch);
  web::http::http_response response;
  try {
    response = watches_.request(prepare(web::http::methods::GET, path), cancel.get_token()).get();
  } catch (const std::exception& error) {
    throw ApiUnreachable("watch " + server_ + path + " failed: " + error.what());
  }
  if (response.status_code() != web::http::status_codes::OK) {
    refused = finish(std::move(response));
    return nullptr;
  }
  return std::make_unique<WatchStream>(std::move(response), std::move(cancel));
}

}  // namespace snigate::controller::kube
