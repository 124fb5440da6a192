#include "control/snapshot_server.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
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

// The first bytes of a body that is being read; it grows with what arrives, never ahead of it,
// so that a length prefix of 64 MiB costs nothing until the bytes are sent.
constexpr std::size_t kFirstBodyChunk = 64 * 1024;

// The cheap test for {"get": ...}: its first key. A snapshot document never starts with "get",
// and so is parsed once, by snapshot::decode, not first by a general JSON parser.
bool is_get_request(std::string_view request) {
  auto skip_space = [&] {
    while (!request.empty() && (request.front() == ' ' || request.front() == '\n' || request.front() == '\r' ||
                                request.front() == '\t')) {
      request.remove_prefix(1);
    }
  };
  skip_space();
  if (!request.starts_with('{')) return false;
  request.remove_prefix(1);
  skip_space();
  return request.starts_with("\"get\"");
}

// One controller connection: request, answer, repeat, until the peer closes. Between requests it
// may stay idle (the controller keeps its connection); a request, once its first byte is here,
// must arrive whole, and its answer be taken, within the request timeout each, or the connection
// is closed. Applying it takes what it takes.
class ControlSession : public std::enable_shared_from_this<ControlSession> {
 public:
  ControlSession(stream_protocol::socket socket, RouteStore& routes, SnapshotApplier& applier,
                 SnapshotServer::Limits limits, std::shared_ptr<std::size_t> open_sessions)
      : socket_(std::move(socket)),
        deadline_(socket_.get_executor()),
        routes_(routes),
        applier_(applier),
        limits_(limits),
        open_sessions_(std::move(open_sessions)) {
    ++*open_sessions_;
  }
  ~ControlSession() { --*open_sessions_; }

  void read_header() {
    header_read_ = 0;
    read_header_part();
  }

  void answer_and_close(std::string answer) {
    reply_ = std::move(answer);
    prefix_ = length_prefix(reply_.size());
    arm_deadline();
    std::array buffers{boost::asio::buffer(prefix_), boost::asio::buffer(reply_)};
    boost::asio::async_write(socket_, buffers, [self = shared_from_this()](const boost::system::error_code&, std::size_t) {
      boost::system::error_code ignored;
      self->socket_.close(ignored);
      self->deadline_.cancel();
    });
  }

 private:
  void read_header_part() {
    socket_.async_read_some(
        boost::asio::buffer(header_.data() + header_read_, header_.size() - header_read_),
        [self = shared_from_this()](const boost::system::error_code& error, std::size_t count) {
          if (error) return;
          if (self->header_read_ == 0) self->arm_deadline();  // a request has begun
          self->header_read_ += count;
          if (self->header_read_ < self->header_.size()) {
            self->read_header_part();
          } else {
            self->read_body();
          }
        });
  }

  void arm_deadline() {
    deadline_.expires_after(limits_.request_timeout);
    deadline_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
      if (error) return;
      log::write(log::Level::warn, "control request timed out; closing its connection",
                 {{"timeout_ms", self->limits_.request_timeout.count()}});
      boost::system::error_code ignored;
      self->socket_.close(ignored);
    });
  }

  void read_body() {
    length_ = (std::size_t{header_[0]} << 24) | (std::size_t{header_[1]} << 16) | (std::size_t{header_[2]} << 8) |
              header_[3];
    if (length_ > kMaxMessageBytes) {
      answer_and_close(json{{"ok", false},
                            {"error", "message of " + std::to_string(length_) + " bytes exceeds the limit of " +
                                          std::to_string(kMaxMessageBytes)}}
                           .dump());
      return;
    }
    body_.clear();
    body_read_ = 0;
    read_body_part();
  }

  void read_body_part() {
    if (body_read_ == length_) {
      respond();
      return;
    }
    if (body_read_ == body_.size()) body_.resize(std::min(length_, std::max(kFirstBodyChunk, body_.size() * 2)));
    socket_.async_read_some(boost::asio::buffer(body_.data() + body_read_, body_.size() - body_read_),
                            [self = shared_from_this()](const boost::system::error_code& error, std::size_t count) {
                              if (error) return;
                              self->body_read_ += count;
                              self->read_body_part();
                            });
  }

  // Decoding and applying happen on the applier's thread; the answer is written from this one. The
  // deadline is the peer's, not ours: it stops while we work, and starts again for the answer.
  void respond() {
    deadline_.cancel();
    applier_.post([self = shared_from_this()] {
      std::string reply = SnapshotServer::handle(self->body_, self->routes_);
      boost::asio::post(self->socket_.get_executor(), [self, reply = std::move(reply)]() mutable {
        self->write_reply(std::move(reply));
      });
      // The answer is on its way: the replaced table (12,000 routes take milliseconds to free) is
      // freed now, and here, off the control thread.
      self->routes_.release_replaced();
    });
  }

  void write_reply(std::string reply) {
    std::string().swap(body_);  // a big snapshot's text is not kept while the connection idles
    arm_deadline();
    reply_ = std::move(reply);
    prefix_ = length_prefix(reply_.size());
    std::array buffers{boost::asio::buffer(prefix_), boost::asio::buffer(reply_)};
    boost::asio::async_write(socket_, buffers,
                             [self = shared_from_this()](const boost::system::error_code& error, std::size_t) {
                               self->deadline_.cancel();
                               if (!error) self->read_header();
                             });
  }

  stream_protocol::socket socket_;
  boost::asio::steady_timer deadline_;
  RouteStore& routes_;
  SnapshotApplier& applier_;
  const SnapshotServer::Limits limits_;
  std::shared_ptr<std::size_t> open_sessions_;  // on the control thread only
  std::array<std::uint8_t, 4> header_{};
  std::size_t header_read_ = 0;
  std::size_t length_ = 0;
  std::string body_;
  std::size_t body_read_ = 0;
  std::array<std::uint8_t, 4> prefix_{};
  std::string reply_;
};

}  // namespace

SnapshotServer::SnapshotServer(boost::asio::io_context& io, std::string path, mode_t mode, RouteStore& routes,
                               SnapshotApplier& applier, Limits limits)
    : path_(std::move(path)),
      acceptor_(io),
      routes_(routes),
      applier_(applier),
      limits_(limits),
      open_sessions_(std::make_shared<std::size_t>(0)) {
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
      const bool over_limit = *open_sessions_ >= limits_.max_sessions;
      auto session = std::make_shared<ControlSession>(std::move(socket), routes_, applier_, limits_, open_sessions_);
      if (!trusted) {
        log::write(log::Level::warn, "control socket peer refused", {{"uid", peer_uid}});
        session->answer_and_close(json{{"ok", false}, {"error", "peer uid is neither root nor the dataplane's"}}.dump());
      } else if (over_limit) {
        log::write(log::Level::warn, "control connection refused: too many open",
                   {{"max_sessions", limits_.max_sessions}});
        session->answer_and_close(json{{"ok", false},
                                       {"error", "too many control connections (at most " +
                                                     std::to_string(limits_.max_sessions) + ")"}}
                                      .dump());
      } else {
        session->read_header();
      }
    }
    accept();
  });
}

std::string SnapshotServer::handle(std::string_view request, RouteStore& routes) {
  if (is_get_request(request)) {
    json parsed = json::parse(request, nullptr, false);
    if (!parsed.is_object() || parsed.size() != 1 || parsed["get"] != "snapshot") {
      return json{{"ok", false}, {"error", "unknown request"}}.dump();
    }
    auto table = routes.current();
    return table ? snapshot::encode(table->snapshot()) : json{{"ok", false}, {"error", "no snapshot applied yet"}}.dump();
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
  const std::uint64_t unchanged_before = routes.stats().unchanged;
  if (auto refusal = routes.apply(std::move(snapshot), RouteStore::Ordering::strict)) {
    std::string reason = "snapshot rejected: " + *refusal;
    log::write(log::Level::warn, "snapshot rejected", {{"generation", generation}, {"reason", reason}});
    return json{{"generation", generation}, {"ok", false}, {"error", reason}}.dump();
  }
  const auto stats = routes.stats();
  if (stats.unchanged != unchanged_before) {
    log::write(log::Level::info, "snapshot unchanged", {{"generation", generation}});
  } else {
    log::write(log::Level::info, "snapshot applied",
               {{"generation", generation}, {"routes", route_count}, {"apply_seconds", stats.last_apply_seconds}});
  }
  return json{{"generation", generation}, {"ok", true}}.dump();
}

}  // namespace snigate::control
