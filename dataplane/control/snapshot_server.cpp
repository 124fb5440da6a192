#include "control/snapshot_server.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <memory>
#include <nlohmann/json.hpp>

#include "log/log.h"
#include "snapshot/snapshot.h"

namespace snigate::control {
namespace {

using boost::asio::local::stream_protocol;
using nlohmann::json;

bool peer_is_trusted(int fd, uid_t& peer_uid) {
  ucred credentials{};
  socklen_t length = sizeof credentials;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) return false;
  peer_uid = credentials.uid;
  return credentials.uid == 0 || credentials.uid == ::getuid();
}

std::array<std::uint8_t, 4> length_prefix(std::size_t length) {
  return {static_cast<std::uint8_t>(length >> 24), static_cast<std::uint8_t>(length >> 16),
          static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length)};
}

// One controller connection: request, answer, repeat, until the peer closes.
class ControlSession : public std::enable_shared_from_this<ControlSession> {
 public:
  ControlSession(stream_protocol::socket socket, RouteStore& routes) : socket_(std::move(socket)), routes_(routes) {}

  void read_header() {
    boost::asio::async_read(socket_, boost::asio::buffer(header_),
                            [self = shared_from_this()](const boost::system::error_code& error, std::size_t) {
                              if (!error) self->read_body();
                            });
  }

  void answer_and_close(std::string answer) {
    reply_ = std::move(answer);
    prefix_ = length_prefix(reply_.size());
    std::array buffers{boost::asio::buffer(prefix_), boost::asio::buffer(reply_)};
    boost::asio::async_write(socket_, buffers, [self = shared_from_this()](const boost::system::error_code&, std::size_t) {
      boost::system::error_code ignored;
      self->socket_.close(ignored);
    });
  }

 private:
  void read_body() {
    std::size_t length = (std::size_t{header_[0]} << 24) | (std::size_t{header_[1]} << 16) |
                         (std::size_t{header_[2]} << 8) | header_[3];
    if (length > kMaxMessageBytes) {
      answer_and_close(json{{"ok", false},
                            {"error", "message of " + std::to_string(length) + " bytes exceeds the limit of " +
                                          std::to_string(kMaxMessageBytes)}}
                           .dump());
      return;
    }
    body_.resize(length);
    boost::asio::async_read(socket_, boost::asio::buffer(body_),
                            [self = shared_from_this()](const boost::system::error_code& error, std::size_t) {
                              if (!error) self->respond();
                            });
  }

  void respond() {
    reply_ = SnapshotServer::handle(body_, routes_);
    prefix_ = length_prefix(reply_.size());
    std::array buffers{boost::asio::buffer(prefix_), boost::asio::buffer(reply_)};
    boost::asio::async_write(socket_, buffers,
                             [self = shared_from_this()](const boost::system::error_code& error, std::size_t) {
                               // The answer is on its way: now the replaced table may be freed.
                               self->routes_.release_replaced();
                               if (!error) self->read_header();
                             });
  }

  stream_protocol::socket socket_;
  RouteStore& routes_;
  std::array<std::uint8_t, 4> header_{};
  std::string body_;
  std::array<std::uint8_t, 4> prefix_{};
  std::string reply_;
};

}  // namespace

SnapshotServer::SnapshotServer(boost::asio::io_context& io, std::string path, mode_t mode, RouteStore& routes)
    : path_(std::move(path)), acceptor_(io), routes_(routes) {
  struct stat existing {};
  if (::lstat(path_.c_str(), &existing) == 0 && S_ISSOCK(existing.st_mode)) ::unlink(path_.c_str());
  acceptor_.open(stream_protocol());
  // Created with the final mode so that no other user can connect in the window before chmod.
  mode_t previous = ::umask(static_cast<mode_t>(~mode & 0777));
  boost::system::error_code error;
  acceptor_.bind(stream_protocol::endpoint(path_), error);
  ::umask(previous);
  if (error) throw boost::system::system_error(error, "control socket " + path_);
  if (::chmod(path_.c_str(), mode) != 0) {
    throw boost::system::system_error(errno, boost::system::system_category(), "chmod " + path_);
  }
  acceptor_.listen();
}

SnapshotServer::~SnapshotServer() { close(); }

void SnapshotServer::start() { accept(); }

void SnapshotServer::close() {
  if (!acceptor_.is_open()) return;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  ::unlink(path_.c_str());
}

void SnapshotServer::accept() {
  acceptor_.async_accept([this](const boost::system::error_code& error, stream_protocol::socket socket) {
    if (error == boost::asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (!error) {
      uid_t peer_uid = 0;
      bool trusted = peer_is_trusted(socket.native_handle(), peer_uid);
      auto session = std::make_shared<ControlSession>(std::move(socket), routes_);
      if (trusted) {
        session->read_header();
      } else {
        log::write(log::Level::warn, "control socket peer refused", {{"uid", peer_uid}});
        session->answer_and_close(json{{"ok", false}, {"error", "peer uid is neither root nor the dataplane's"}}.dump());
      }
    }
    accept();
  });
}

std::string SnapshotServer::handle(std::string_view request, RouteStore& routes) {
  // A {"get": ...} request is a few bytes. A snapshot document is parsed once, by
  // snapshot::decode: at 10,000 routes a general JSON parse first would cost milliseconds.
  constexpr std::size_t kLargestGetRequest = 256;
  if (request.size() <= kLargestGetRequest) {
    json parsed = json::parse(request, nullptr, false);
    if (parsed.is_object() && parsed.size() == 1 && parsed.contains("get")) {
      if (parsed["get"] != "snapshot") return json{{"ok", false}, {"error", "unknown request"}}.dump();
      auto table = routes.current();
      return table ? snapshot::encode(table->snapshot()) : json{{"ok", false}, {"error", "no snapshot applied yet"}}.dump();
    }
  }

  snapshot::Snapshot snapshot;
  try {
    snapshot = snapshot::decode(request);
  } catch (const snapshot::InvalidSnapshot& invalid) {
    routes.count_rejection();
    std::string reason = std::string("snapshot rejected: ") + invalid.what();
    log::write(log::Level::warn, "snapshot rejected", {{"reason", reason}});
    return json{{"ok", false}, {"error", reason}}.dump();
  }
  std::uint64_t generation = snapshot.generation;
  std::size_t route_count = snapshot.routes.size();
  if (auto refusal = routes.apply(std::move(snapshot), RouteStore::Ordering::strict)) {
    std::string reason = "snapshot rejected: " + *refusal;
    log::write(log::Level::warn, "snapshot rejected", {{"generation", generation}, {"reason", reason}});
    return json{{"generation", generation}, {"ok", false}, {"error", reason}}.dump();
  }
  log::write(log::Level::info, "snapshot applied",
             {{"generation", generation}, {"routes", route_count}, {"apply_seconds", routes.stats().last_apply_seconds}});
  return json{{"generation", generation}, {"ok", true}}.dump();
}

}  // namespace snigate::control
