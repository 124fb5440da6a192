#include "control/admin_server.h"

#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <memory>

#include "snapshot/source_range.h"

namespace snigate::control {
namespace {

using boost::asio::ip::tcp;

constexpr std::size_t kMaxRequestBytes = 8192;
constexpr auto kRequestTimeout = std::chrono::seconds(5);
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(100);

std::string http_response(int status, std::string_view reason, std::string_view content_type, std::string_view body,
                          bool with_body = true) {
  return "HTTP/1.0 " + std::to_string(status) + " " + std::string(reason) + "\r\nContent-Type: " +
         std::string(content_type) + "\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + (with_body ? std::string(body) : std::string());
}

class AdminSession : public std::enable_shared_from_this<AdminSession> {
 public:
  AdminSession(tcp::socket socket, const AdminServer& server, std::shared_ptr<std::size_t> open_sessions)
      : socket_(std::move(socket)),
        deadline_(socket_.get_executor()),
        request_(kMaxRequestBytes),
        server_(server),
        open_sessions_(std::move(open_sessions)) {
    ++*open_sessions_;
  }
  ~AdminSession() { --*open_sessions_; }

  void start() {
    deadline_.expires_after(kRequestTimeout);
    deadline_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
      if (!error) self->socket_.close();
    });
    boost::asio::async_read_until(socket_, request_, "\r\n\r\n",
                                  [self = shared_from_this()](const boost::system::error_code& error, std::size_t) {
                                    if (error) {
                                      self->deadline_.cancel();
                                      return;
                                    }
                                    self->answer();
                                  });
  }

 private:
  void answer() {
    std::istream stream(&request_);
    std::string method, target;
    stream >> method >> target;
    boost::system::error_code error;
    const auto peer = socket_.remote_endpoint(error);
    response_ = server_.respond(method, target, error ? boost::asio::ip::address() : peer.address());
    boost::asio::async_write(socket_, boost::asio::buffer(response_),
                             [self = shared_from_this()](const boost::system::error_code&, std::size_t) {
                               boost::system::error_code ignored;
                               self->socket_.shutdown(tcp::socket::shutdown_both, ignored);
                               self->socket_.close(ignored);
                               self->deadline_.cancel();
                             });
  }

  tcp::socket socket_;
  boost::asio::steady_timer deadline_;
  boost::asio::streambuf request_;
  std::string response_;
  const AdminServer& server_;
  std::shared_ptr<std::size_t> open_sessions_;  // on the control thread only
};

}  // namespace

AdminServer::AdminServer(boost::asio::io_context& io, const tcp::endpoint& endpoint, Handlers handlers,
                         std::size_t max_connections)
    : acceptor_(io, endpoint),
      retry_timer_(io),
      handlers_(std::move(handlers)),
      max_connections_(max_connections),
      open_sessions_(std::make_shared<std::size_t>(0)) {}

void AdminServer::start() { accept(); }

void AdminServer::close() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  retry_timer_.cancel();
}

void AdminServer::accept() {
  acceptor_.async_accept([this](const boost::system::error_code& error, tcp::socket socket) {
    if (error == boost::asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (!error) {
      // Each connection has kRequestTimeout to be answered; beyond max_connections_ open ones a
      // new one is closed at once (a probe that sees it retries; a flood costs no memory).
      if (*open_sessions_ < max_connections_) {
        std::make_shared<AdminSession>(std::move(socket), *this, open_sessions_)->start();
      }
      accept();
      return;
    }
    // Out of descriptors (the proxy may have taken them all): retrying at once would spin.
    retry_timer_.expires_after(kAcceptRetryDelay);
    retry_timer_.async_wait([this](const boost::system::error_code& timer_error) {
      if (!timer_error) accept();
    });
  });
}

std::string AdminServer::respond(std::string_view method, std::string_view target,
                                 const boost::asio::ip::address& peer) const {
  target = target.substr(0, target.find('?'));
  if (target == "/drain" && handlers_.drain) {
    if (method != "POST") return http_response(405, "Method Not Allowed", "text/plain", "POST only\n");
    if (!snapshot::in_ranges(handlers_.drain_from, peer)) {
      return http_response(403, "Forbidden", "text/plain", "POST /drain is answered only for --admin-drain-from\n");
    }
    return http_response(200, "OK", "text/plain", handlers_.drain());
  }
  if (method != "GET" && method != "HEAD") return http_response(405, "Method Not Allowed", "text/plain", "GET only\n");
  bool with_body = method == "GET";  // HEAD: the same headers, no body
  if (target == "/metrics") {
    return http_response(200, "OK", "text/plain; version=0.0.4", handlers_.metrics(), with_body);
  }
  if (target == "/healthz") return http_response(200, "OK", "text/plain", "ok\n", with_body);
  if (target == "/routes" && handlers_.routes) {
    return http_response(200, "OK", "application/json", handlers_.routes(), with_body);
  }
  if (target == "/readyz") {
    return handlers_.ready() ? http_response(200, "OK", "text/plain", "ready\n", with_body)
                             : http_response(503, "Service Unavailable", "text/plain", "not ready\n", with_body);
  }
  return http_response(404, "Not Found", "text/plain", "not found\n", with_body);
}

}  // namespace snigate::control
