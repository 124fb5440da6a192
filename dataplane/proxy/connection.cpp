#include "proxy/connection.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

#include "io/endpoint_text.h"
#include "log/log.h"
#include "proxy/tcp_sockets.h"
#include "routing/proxy_protocol_header.h"
#include "routing/proxy_protocol_parser.h"
#include "snapshot/source_range.h"
#include "tls/protocol_version.h"

namespace snigate::proxy {
namespace {

using boost::asio::ip::tcp;
using Clock = io::Clock;

// After a fatal alert, how long to keep reading (and discarding) so that the close is a FIN the
// client reads the alert before, not a reset that destroys it.
constexpr auto kLingerTime = std::chrono::seconds(1);
// How soon a direction that could not get a pipe (out of descriptors) tries again.
constexpr auto kPipeRetry = std::chrono::milliseconds(50);
// A connection that lives this long gets keepalive on its backend socket (the client socket
// inherited it from the listener).
constexpr auto kBackendKeepaliveAfter = std::chrono::seconds(5);
constexpr std::uint32_t kClientEvents = EPOLLIN | EPOLLRDHUP | EPOLLET;
constexpr std::uint32_t kBackendEvents = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
// The log shows at most this many of the client's ALPN protocols (and how many it offered).
constexpr std::size_t kLoggedAlpnBytes = 128;

bool speaks_tls(tls::HelloError reason) {
  return reason != tls::HelloError::not_tls && reason != tls::HelloError::http_request &&
         reason != tls::HelloError::sslv2_hello;
}

// An IPv4 client of a dual-stack socket is shown (and put in PROXY headers) as IPv4.
tcp::endpoint unmapped(const tcp::endpoint& endpoint) {
  auto address = endpoint.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return {boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6()), endpoint.port()};
  }
  return endpoint;
}

// The protocols the log shows, each prefixed by its length (a protocol name may hold any byte):
// at most kLoggedAlpnBytes of them, whatever the client offered.
std::string alpn_summary(const tls::ClientHello& hello) {
  std::string summary;
  for (const auto& protocol : hello.alpn) {
    if (summary.size() + protocol.size() + 1 > kLoggedAlpnBytes) break;
    summary += static_cast<char>(protocol.size());
    summary += protocol;
  }
  return summary;
}

// Milliseconds as the log shows them: to the microsecond, or null.
nlohmann::json milliseconds_log_value(std::optional<double> milliseconds) {
  if (!milliseconds) return nullptr;
  return std::round(*milliseconds * 1000) / 1000;
}

nlohmann::json version_log_value(std::uint16_t version) {
  if (version == 0) return nullptr;
  return tls::protocol_version_name(version);
}

std::string_view to_string(Connection::ClosedBy closed_by) {
  switch (closed_by) {
    case Connection::ClosedBy::client: return "client";
    case Connection::ClosedBy::backend: return "backend";
    case Connection::ClosedBy::dataplane: return "dataplane";
    case Connection::ClosedBy::nobody_yet: break;
  }
  return "dataplane";  // finish() names a side before any line is written
}

nlohmann::json alpn_log_value(std::string_view summary) {
  nlohmann::json protocols = nlohmann::json::array();
  while (!summary.empty()) {
    auto length = static_cast<std::uint8_t>(summary[0]);
    protocols.push_back(std::string(summary.substr(1, length)));
    summary.remove_prefix(std::min<std::size_t>(summary.size(), 1 + length));
  }
  return protocols;
}

}  // namespace

Connection::Connection(Worker& worker, io::UniqueFd client, const tcp::endpoint& peer, ConnectionLimit::Slot slot,
                       bool expects_proxy_header, routing::ListenScope scope)
    : worker_(worker),
      slot_(std::move(slot)),
      client_(std::move(client)),
      awaiting_proxy_header_(expects_proxy_header),
      scope_(scope),
      client_endpoint_(unmapped(peer)),
      started_(worker.loop().now()),
      setup_(std::make_unique<Setup>(worker.settings().max_client_hello_bytes, worker.hello_budget())) {
  ++worker_.metrics().active;
}

Connection::~Connection() {
  --worker_.metrics().active;
  if (holds_route_slot_) route_metrics_->close_one();
  loop().disarm(*this);
}

void Connection::start() {
  if (!loop().add(client_.get(), kClientEvents, *this, client_side)) {
    finish(metrics::Outcome::client_closed, std::string("epoll: ") + std::strerror(errno));
    return;
  }
  if (awaiting_proxy_header_ && !snapshot::in_ranges(worker_.settings().proxy_protocol_from, client_endpoint_.address())) {
    finish(metrics::Outcome::proxy_header_error, "a PROXY protocol listener refuses a source outside --proxy-protocol-from");
    return;
  }
  rearm_timer();
  read_hello();
}

void Connection::close(metrics::Outcome outcome) { finish(outcome, "closed by the dataplane"); }

// ---------------------------------------------------------------------------------------------
// Events and deadlines: the loop delivers readiness; each phase decides what to do with it.

void Connection::on_ready(std::uint32_t events, unsigned tag) {
  auto side = static_cast<Side>(tag);
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP)) readable_[side] = true;
  if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) writable_[side] = true;
  if (events & (EPOLLRDHUP | EPOLLERR | EPOLLHUP)) hung_up_[side] = true;
  switch (phase_) {
    case Phase::reading_hello:
      if (side == client_side) read_hello();
      return;
    case Phase::connecting:
      if (side == backend_side) on_backend_ready();
      return;
    case Phase::splicing:
      run_pumps();
      return;
    case Phase::refusing:
      if (side == client_side) linger();
      return;
    case Phase::done:
      return;
  }
}

Clock::time_point Connection::deadline() const {
  const auto& settings = worker_.settings();
  switch (phase_) {
    case Phase::reading_hello:
      return started_ + settings.client_hello_timeout;
    case Phase::connecting:
      return setup_->attempt_deadline;
    case Phase::splicing: {
      // Each direction is idle on its own; once one has ended, the other gets the shorter
      // half-close timeout.
      bool half_closed = to_backend_->pump.finished() || to_client_->pump.finished();
      auto last = std::max(to_backend_->last_activity, to_client_->last_activity);
      const auto idle = idle_timeout_.count() > 0 ? idle_timeout_ : settings.idle_timeout;
      auto result = last + (half_closed ? std::min(idle, settings.half_close_timeout) : idle);
      if (to_backend_->waiting_for_pipe || to_client_->waiting_for_pipe) {
        result = std::min(result, worker_.loop().now() + kPipeRetry);
      }
      if (!backend_keepalive_set_) result = std::min(result, started_ + kBackendKeepaliveAfter);
      return result;
    }
    case Phase::refusing:
      return setup_->linger_until;
    case Phase::done:
      return Clock::time_point::max();
  }
  return Clock::time_point::max();
}

void Connection::rearm_timer() { loop().arm(*this, deadline()); }

void Connection::on_timer() {
  auto now = loop().now();
  switch (phase_) {
    case Phase::reading_hello:
      if (awaiting_proxy_header_) {
        finish(metrics::Outcome::proxy_header_error, "no complete PROXY protocol header before the hello deadline");
        return;
      }
      ++worker_.metrics().hello_errors[metrics::kHelloTimeoutIndex];
      finish(metrics::Outcome::client_hello_timeout);
      return;
    case Phase::connecting:
      backend_failed("connect timed out");
      connect_to_next_backend();
      return;
    case Phase::splicing: {
      if (!backend_keepalive_set_ && now >= started_ + kBackendKeepaliveAfter) {
        enable_keepalive(backend_.get());
        backend_keepalive_set_ = true;
      }
      bool retry_pipes = to_backend_->waiting_for_pipe || to_client_->waiting_for_pipe;
      to_backend_->waiting_for_pipe = to_client_->waiting_for_pipe = false;
      if (retry_pipes) run_pumps();
      if (phase_ != Phase::splicing) return;
      // Not a pipe retry and not keepalive: the idle deadline, unless activity moved it.
      bool idle = deadline() <= now && !to_backend_->waiting_for_pipe && !to_client_->waiting_for_pipe;
      if (idle) {
        finish(metrics::Outcome::idle_timeout);
      } else {
        rearm_timer();
      }
      return;
    }
    case Phase::refusing:
      finish(setup_->refusal_outcome, setup_->refusal_detail);
      return;
    case Phase::done:
      return;
  }
}

// ---------------------------------------------------------------------------------------------
// reading_hello: the first read lands in the worker's scratch buffer; bytes are copied into the
// connection only when they must be kept (an incomplete hello, or one to replay).

void Connection::read_hello() {
  auto& setup = *setup_;
  const std::size_t limit = setup.parser.max_input_bytes();
  while (phase_ == Phase::reading_hello && readable_[client_side]) {
    if (setup.received_size >= limit) {
      ++worker_.metrics().hello_errors[metrics::hello_error_index(tls::HelloError::too_large)];
      refuse(tls::AlertDescription::decode_error, metrics::Outcome::client_hello_error, "ClientHello too large");
      return;
    }
    auto scratch = worker_.scratch();
    std::size_t want = std::min(scratch.size(), limit - setup.received_size);
    ssize_t count = ::recv(client_.get(), scratch.data(), want, 0);
    if (count < 0 && errno == EINTR) continue;
    if (count < 0 && errno == EAGAIN) {
      readable_[client_side] = false;
      return;
    }
    if (count <= 0) {
      ++worker_.metrics().hello_errors[metrics::kHelloClientClosedIndex];
      finish(metrics::Outcome::client_closed, count == 0 ? "end of stream" : std::strerror(errno));
      return;
    }
    // A TCP read that returns less than it asked for emptied the socket: any later byte raises a
    // new edge, so no read needs to hear EAGAIN (one splice fewer once proxying starts). Not so
    // once the peer's FIN has been reported: the end of stream is still to be read, and no edge
    // will announce it again.
    if (static_cast<std::size_t>(count) < want && !hung_up_[client_side]) readable_[client_side] = false;
    auto bytes = std::span<const std::uint8_t>(scratch.data(), static_cast<std::size_t>(count));
    if (awaiting_proxy_header_) {
      if (!keep_received(bytes, false)) return;
      const HeaderTaken taken = take_proxy_header();
      if (taken == HeaderTaken::failed) return;
      if (taken == HeaderTaken::need_more || setup.received_size == 0) continue;
      auto status = setup.parser.parse(std::span<const std::uint8_t>(setup.received.get(), setup.received_size));
      if (status != tls::ClientHelloParser::Status::need_more) {
        on_hello_parsed(status);
        return;
      }
      continue;
    }
    if (setup.received_size == 0) {
      // Nearly every hello arrives whole in the first read: parse it where it landed.
      auto status = setup.parser.parse(bytes);
      if (status == tls::ClientHelloParser::Status::error) {
        on_hello_parsed(status);
        return;
      }
      bool complete = status == tls::ClientHelloParser::Status::done;
      if (!keep_received(bytes, complete)) return;
      if (complete) {
        on_hello_parsed(status);
        return;
      }
      continue;
    }
    if (!keep_received(bytes, false)) return;
    auto status = setup.parser.parse(std::span<const std::uint8_t>(setup.received.get(), setup.received_size));
    if (status != tls::ClientHelloParser::Status::need_more) {
      on_hello_parsed(status);
      return;
    }
  }
}

// Appends `bytes` to what will be replayed. An incomplete hello is charged to the process-wide
// budget; false (the client refused) when the budget is spent.
bool Connection::keep_received(std::span<const std::uint8_t> bytes, bool complete) {
  auto& setup = *setup_;
  std::size_t needed = setup.received_size + bytes.size();
  if (needed > setup.received_capacity) {
    std::size_t capacity =
        complete ? needed : std::min(std::max(needed, setup.received_capacity * 2), setup.parser.max_input_bytes());
    if (!complete && !setup.charge.hold(capacity + setup.parser.reassembly_bytes())) {
      ++worker_.metrics().hello_errors[metrics::hello_error_index(tls::HelloError::too_large)];
      refuse(tls::AlertDescription::decode_error, metrics::Outcome::client_hello_error,
             "incomplete ClientHellos hold the whole --client-hello-memory");
      return false;
    }
    auto grown = std::make_unique<std::uint8_t[]>(capacity);
    if (setup.received_size > 0) std::memcpy(grown.get(), setup.received.get(), setup.received_size);
    setup.received = std::move(grown);
    setup.received_capacity = capacity;
  }
  std::memcpy(setup.received.get() + setup.received_size, bytes.data(), bytes.size());
  setup.received_size = needed;
  return true;
}

// The load balancer's header comes first; what follows it is the client's, kept for the hello.
Connection::HeaderTaken Connection::take_proxy_header() {
  auto& setup = *setup_;
  const auto header =
      routing::parse_proxy_header(std::span<const std::uint8_t>(setup.received.get(), setup.received_size));
  if (header.status == routing::InboundProxyHeader::Status::need_more) return HeaderTaken::need_more;
  if (header.status == routing::InboundProxyHeader::Status::error) {
    finish(metrics::Outcome::proxy_header_error, std::string(header.error));
    return HeaderTaken::failed;
  }
  // LOCAL and UNKNOWN (health checks) name no client: the connection is the balancer's own.
  if (header.source) client_endpoint_ = unmapped(*header.source);
  setup.received_size -= header.length;
  std::memmove(setup.received.get(), setup.received.get() + header.length, setup.received_size);
  awaiting_proxy_header_ = false;
  return HeaderTaken::done;
}

void Connection::on_hello_parsed(tls::ClientHelloParser::Status status) {
  auto& parser = setup_->parser;
  setup_->charge.hold(0);
  if (status == tls::ClientHelloParser::Status::done) {
    worker_.metrics().client_hello_wait.observe(loop().now() - started_);
    server_name_ = parser.hello().server_name;
    alpn_ = alpn_summary(parser.hello());
    alpn_offered_ = static_cast<std::uint32_t>(parser.hello().alpn_offered);
    tls_legacy_version_ = parser.hello().legacy_version;
    tls_offered_version_ = parser.hello().offered_version();
    route();
    return;
  }
  auto reason = parser.error();
  ++worker_.metrics().hello_errors[metrics::hello_error_index(reason)];
  if (speaks_tls(reason)) {
    refuse(tls::AlertDescription::decode_error, metrics::Outcome::client_hello_error, parser.error_detail());
  } else {
    finish(metrics::Outcome::client_hello_error, parser.error_detail());
  }
}

void Connection::route() {
  auto table = worker_.routes().current();
  auto target = table ? table->find(scope_, server_name_) : nullptr;
  if (!target) {
    // A scoped listener stands for a Gateway API listener, whose clients (and the conformance
    // suite, which counts only EOF or a reset) expect an unrouted name's connection to be closed.
    setup_->refuse_without_alert = scope_ != routing::kUnscoped;
    refuse(tls::AlertDescription::unrecognized_name, metrics::Outcome::no_route,
           !table                        ? "no routes applied yet"
           : scope_ != routing::kUnscoped ? "no route for this name on listen_port " + std::to_string(scope_)
                                          : "no route for this name and no default backend");
    return;
  }
  // The counters outlive the target: a connection keeps them, not the route's backends.
  route_metrics_ = target->metrics();
  route_name_ = target->name();
  counters_ = &target->counters(worker_.index());
  const routing::RouteLimits limits = target->limits();  // the route's, for its ALPN routes too
  setup_->refuse_without_alert = limits.refusal == snapshot::Refusal::close;
  if (limits.idle_timeout.count() > 0) idle_timeout_ = limits.idle_timeout;
  const routing::RouteTarget& name_target = *target;  // its limits hold for its ALPN routes too; `table` keeps it
  if (auto by_alpn = target->for_alpn(setup_->parser.hello().alpn)) {
    target = std::move(by_alpn);
  } else if (!target->admits(client_endpoint_.address())) {
    refuse(tls::AlertDescription::access_denied, metrics::Outcome::source_denied,
           "the client's address is outside the route's allow_source_ranges");
    return;
  }
  // After the source ranges, so that a denied client spends none of its allowance; before the
  // connection count, so that a client over its rate holds none of the route's connections.
  if (!name_target.admits_rate(client_endpoint_.address(), loop().now())) {
    refuse(tls::AlertDescription::internal_error, metrics::Outcome::source_rate_limited,
           "the client's address is over the route's source_connection_rate");
    return;
  }
  if (!route_metrics_->try_open(limits.max_connections)) {
    refuse(tls::AlertDescription::internal_error, metrics::Outcome::route_full,
           "the route holds its max_connections (" + std::to_string(limits.max_connections) + ")");
    return;
  }
  holds_route_slot_ = true;
  if (target->backends().empty()) {
    refuse(tls::AlertDescription::internal_error, metrics::Outcome::no_backend, "the route has no backends");
    return;
  }
  const std::size_t first = target->first_backend(worker_.index());
  if (first >= target->backends().size()) {
    refuse(tls::AlertDescription::internal_error, metrics::Outcome::no_backend,
           "the connection fell on the route's refused_weight share");
    return;
  }
  const auto& settings = worker_.settings();
  setup_->attempts.emplace(target->backends().size(), first,
                           BackendAttempts::Limits{settings.max_connect_attempts,
                                                   limits.connect_timeout.count() > 0 ? limits.connect_timeout
                                                                                      : settings.connect_timeout,
                                                   settings.connect_budget},
                           loop().now());
  if (target->proxy_protocol() != snapshot::ProxyProtocol::none) {
    setup_->preamble = routing::proxy_protocol_header(target->proxy_protocol(), client_endpoint_,
                                                      unmapped(local_endpoint(client_.get())), server_name_);
  }
  // The connection keeps the one route it needs, not the table: a new snapshot frees the rest.
  setup_->target = std::move(target);
  phase_ = Phase::connecting;
  connect_to_next_backend();
}

// ---------------------------------------------------------------------------------------------
// connecting: a loop over the backends, never a recursion, however many fail at once.

void Connection::connect_to_next_backend() {
  auto& setup = *setup_;
  const auto& backends = setup.target->backends();
  const auto& health = worker_.backend_health();
  const auto ejected = [&](std::size_t index) { return health.ejected(backends[index], loop().now()); };
  while (auto index = setup.attempts->next(loop().now(), ejected)) {
    const auto& backend = backends[*index];
    switch (start_connect(backend)) {
      case ConnectStart::in_progress:
        setup.attempt_deadline = setup.attempts->attempt_deadline(loop().now());
        rearm_timer();
        return;
      case ConnectStart::connected:
        on_backend_ready();
        return;
      case ConnectStart::failed:
        backend_failed(std::strerror(errno));
        continue;
      case ConnectStart::out_of_descriptors:
        // The process's state, not the backend's: no failure counted, no other backend tried.
        refuse(tls::AlertDescription::internal_error, metrics::Outcome::connect_failed,
               std::string("no socket for the backend: ") + std::strerror(errno));
        return;
    }
  }
  std::string reason = setup.attempts->budget_spent(loop().now())
                           ? "connect budget spent"
                           : "tried " + std::to_string(setup.attempts->tried()) + " of " +
                                 std::to_string(setup.target->backends().size()) + " backends";
  refuse(tls::AlertDescription::internal_error, metrics::Outcome::connect_failed,
         reason + (backend_endpoint_ ? ", last: " + io::endpoint_text(*backend_endpoint_) : std::string()));
}

Connection::ConnectStart Connection::start_connect(const tcp::endpoint& backend) {
  backend_endpoint_ = backend;
  backend_timing_.connect_started = BackendTiming::since(started_, loop().now());
  readable_[backend_side] = writable_[backend_side] = false;
  backend_ = open_backend_socket(backend.protocol());
  if (!backend_) {
    return errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM ? ConnectStart::out_of_descriptors
                                                                                    : ConnectStart::failed;
  }
  bool connected = ::connect(backend_.get(), backend.data(), static_cast<socklen_t>(backend.size())) == 0;
  if (!connected && errno != EINPROGRESS) return ConnectStart::failed;
  if (!loop().add(backend_.get(), kBackendEvents, *this, backend_side)) return ConnectStart::failed;
  writable_[backend_side] = connected;
  return connected ? ConnectStart::connected : ConnectStart::in_progress;
}

void Connection::on_backend_ready() {
  if (!writable_[backend_side]) return;
  switch (write_replay()) {
    case Replay::done:
      worker_.backend_health().connect_succeeded(*backend_endpoint_);
      counters_->backend_connect.observe(
          std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double, std::milli>(*backend_timing_.connect_ms())));
      start_splicing();
      return;
    case Replay::blocked:
      return;
    case Replay::refused_by_backend:
      backend_failed(std::strerror(errno));
      connect_to_next_backend();
      return;
    case Replay::failed:
      ended_by(ClosedBy::backend);
      finish(metrics::Outcome::reset, std::string("replaying the ClientHello: ") + std::strerror(errno));
      return;
  }
}

// No SO_ERROR query: the first sendmsg is where a failed connect surfaces (refused, unreachable,
// reset during the handshake). Nothing has reached that backend, so the next one may be tried.
Connection::Replay Connection::write_replay() {
  auto& setup = *setup_;
  while (setup.replayed < setup.preamble.size() + setup.received_size) {
    iovec parts[2];
    int count = 0;
    if (setup.replayed < setup.preamble.size()) {
      parts[count++] = {setup.preamble.data() + setup.replayed, setup.preamble.size() - setup.replayed};
    }
    std::size_t hello_offset = setup.replayed > setup.preamble.size() ? setup.replayed - setup.preamble.size() : 0;
    parts[count++] = {setup.received.get() + hello_offset, setup.received_size - hello_offset};
    msghdr message{};
    message.msg_iov = parts;
    message.msg_iovlen = static_cast<std::size_t>(count);
    ssize_t sent = ::sendmsg(backend_.get(), &message, MSG_NOSIGNAL);
    if (sent > 0) {
      // The first byte the backend socket takes is where its connect is known to have completed.
      if (setup.replayed == 0) backend_timing_.connected = BackendTiming::since(started_, loop().now());
      setup.replayed += static_cast<std::size_t>(sent);
      continue;
    }
    if (sent < 0 && errno == EINTR) continue;
    if (sent < 0 && errno == EAGAIN) {
      writable_[backend_side] = false;
      return Replay::blocked;
    }
    return setup.replayed == 0 ? Replay::refused_by_backend : Replay::failed;
  }
  return Replay::done;
}

void Connection::backend_failed(const std::string& reason) {
  ++counters_->connect_failures;
  worker_.backend_health().connect_failed(*backend_endpoint_, loop().now());
  if (log::enabled(log::Level::debug)) {
    log::write(log::Level::debug, "backend connect failed",
               {{"backend", io::endpoint_text(*backend_endpoint_)}, {"error", reason}});
  }
  backend_.reset();  // closing removes it from the epoll set
  setup_->replayed = 0;
}

// ---------------------------------------------------------------------------------------------
// splicing

void Connection::start_splicing() {
  phase_ = Phase::splicing;
  bytes_from_client_ = static_cast<std::uint32_t>(setup_->received_size);
  counters_->bytes_from_client += setup_->received_size;
  setup_.reset();
  auto now = loop().now();
  to_backend_.emplace(worker_.pipes(), client_.get(), backend_.get(), client_side, backend_side, now);
  to_client_.emplace(worker_.pipes(), backend_.get(), client_.get(), backend_side, client_side, now);
  rearm_timer();
  // Only what epoll has reported is tried: usually neither side has anything to say yet.
  run_pumps();
}

void Connection::run_pumps() {
  bool again = true;
  while (again && phase_ == Phase::splicing) {
    again = pump(*to_backend_);
    if (phase_ != Phase::splicing) return;
    again = pump(*to_client_) || again;
  }
}

bool Connection::pump(Direction& direction) {
  auto& splice = direction.pump;
  if (splice.finished() || direction.waiting_for_pipe) return false;
  bool can_write = splice.holds_bytes() && writable_[direction.to];
  bool can_read = !splice.holds_bytes() && readable_[direction.from];
  if (!can_write && !can_read) return false;
  std::uint64_t before = direction.bytes;
  auto status = splice.transfer(direction.bytes);
  if (direction.from == backend_side && backend_timing_.first_byte == BackendTiming::kNever &&
      (direction.bytes != before || splice.holds_bytes())) {
    backend_timing_.first_byte = BackendTiming::since(started_, loop().now());
  }
  if (direction.bytes != before) {
    direction.last_activity = loop().now();
    auto moved = direction.bytes - before;
    (direction.from == client_side ? counters_->bytes_from_client : counters_->bytes_to_client) += moved;
  }
  switch (status) {
    case SplicePump::Status::want_read:
      readable_[direction.from] = false;
      return false;
    case SplicePump::Status::want_write:
      writable_[direction.to] = false;
      want_writable(direction.to);
      return false;
    case SplicePump::Status::yielded:
      // Its share for this turn: the rest of the batch goes first, then this pump again.
      loop().post_soon(*this, direction.from);
      return false;
    case SplicePump::Status::want_pipe:
      direction.waiting_for_pipe = true;
      rearm_timer();
      return false;
    case SplicePump::Status::finished:
      ended_by(closed_by(direction.from));
      // The end of stream is activity too: the half-close timeout counts from it.
      direction.last_activity = loop().now();
      if (to_backend_->pump.finished() && to_client_->pump.finished()) {
        finish(metrics::Outcome::ok);
      } else {
        // Half-close: pass the end of stream on and keep the other direction flowing.
        ::shutdown(fd(direction.to), SHUT_WR);
        rearm_timer();
      }
      return false;
    case SplicePump::Status::failed:
      switch (splice.failed_at()) {
        case SplicePump::FailedAt::source: ended_by(closed_by(direction.from)); break;
        case SplicePump::FailedAt::destination: ended_by(closed_by(direction.to)); break;
        case SplicePump::FailedAt::pipe: ended_by(ClosedBy::dataplane); break;
      }
      finish(metrics::Outcome::reset, std::strerror(splice.error()));
      return false;
  }
  return false;
}

void Connection::want_writable(Side side) {
  // The backend is registered for writability from the start (its connect needs it); the client
  // only once a write to it first blocks, which short connections never see.
  if (side != client_side || client_writes_watched_) return;
  client_writes_watched_ = true;
  loop().modify(client_.get(), kClientEvents | EPOLLOUT, *this, client_side);
}

// ---------------------------------------------------------------------------------------------
// refusing and the end

void Connection::refuse(tls::AlertDescription alert, metrics::Outcome outcome, std::string detail) {
  phase_ = Phase::refusing;
  ended_by(ClosedBy::dataplane);
  backend_.reset();
  auto& setup = *setup_;
  setup.refusal_outcome = outcome;
  setup.refusal_detail = std::move(detail);
  setup.alert = tls::fatal_alert(alert, setup.parser.hello().record_version);
  setup.linger_until = loop().now() + kLingerTime;
  rearm_timer();
  if (!setup.refuse_without_alert) {
    ssize_t sent = ::send(client_.get(), setup.alert.data(), setup.alert.size(), MSG_NOSIGNAL);
    if (sent != static_cast<ssize_t>(setup.alert.size())) {
      finish(setup.refusal_outcome, setup.refusal_detail);
      return;
    }
  }
  ::shutdown(client_.get(), SHUT_WR);
  readable_[client_side] = true;
  linger();
}

void Connection::linger() {
  auto scratch = worker_.scratch();
  while (readable_[client_side]) {
    ssize_t count = ::recv(client_.get(), scratch.data(), scratch.size(), 0);
    if (count > 0 || (count < 0 && errno == EINTR)) continue;
    if (count < 0 && errno == EAGAIN) {
      readable_[client_side] = false;
      return;
    }
    finish(setup_->refusal_outcome, setup_->refusal_detail);
    return;
  }
}

void Connection::finish(metrics::Outcome outcome, std::string detail) {
  if (phase_ == Phase::done) return;
  phase_ = Phase::done;
  loop().disarm(*this);
  loop().cancel_soon(*this);
  auto& counters = counters_ ? *counters_ : worker_.metrics().unrouted;
  ++counters.connections[static_cast<std::size_t>(outcome)];
  counters.duration.observe(loop().now() - started_);
  ended_by(outcome == metrics::Outcome::client_closed ? ClosedBy::client : ClosedBy::dataplane);
  if (worker_.settings().access_log && log::enabled(log::Level::info) &&
      worker_.access_log_sampler().keep(outcome == metrics::Outcome::ok)) {
    log(outcome, detail);
  }
  // Closing removes the sockets from the epoll set; pipes go back to the pool.
  to_backend_.reset();
  to_client_.reset();
  client_.reset();
  backend_.reset();
  setup_.reset();
  ConnectionHook::unlink();
  loop().retire(std::unique_ptr<io::EventLoop::Watcher>(this));
}

void Connection::log(metrics::Outcome outcome, const std::string& detail) {
  if (setup_ && server_name_.empty()) {  // refused before routing: what the parser saw
    const auto& hello = setup_->parser.hello();
    server_name_ = hello.server_name;
    alpn_ = alpn_summary(hello);
    tls_legacy_version_ = hello.legacy_version;
    tls_offered_version_ = hello.offered_version();
  }
  // Asked only when a line is written, never on the accept path.
  const auto local = local_endpoint(client_.get());
  std::uint64_t to_client = to_client_ ? to_client_->bytes : 0;
  std::uint64_t from_client = bytes_from_client_ + (to_backend_ ? to_backend_->bytes : 0);
  nlohmann::json line = {
      {"time", log::format_time(std::chrono::system_clock::now())},
      {"level", "info"},
      {"msg", "connection"},
      {"client", io::endpoint_text(client_endpoint_)},
      {"local", nullptr},
      {"sni", server_name_},
      {"alpn", alpn_log_value(alpn_)},
      {"route", route_metrics_ ? route_name_ : std::string(metrics::kUnroutedLabel)},
      {"backend", nullptr},
      {"bytes_from_client", from_client},
      {"bytes_to_client", to_client},
      {"duration_ms", std::chrono::duration<double, std::milli>(Clock::now() - started_).count()},
      {"outcome", metrics::to_string(outcome)},
      {"closed_by", to_string(closed_by_)},
      {"connect_ms", milliseconds_log_value(backend_timing_.connect_ms())},
      {"backend_first_byte_ms", milliseconds_log_value(backend_timing_.first_byte_ms())},
      {"tls_version", version_log_value(tls_offered_version_)},
      {"tls_legacy_version", version_log_value(tls_legacy_version_)},
  };
  if (local.port() != 0) line["local"] = io::endpoint_text(unmapped(local));
  if (backend_endpoint_) line["backend"] = io::endpoint_text(*backend_endpoint_);
  if (alpn_offered_ > line["alpn"].size()) line["alpn_offered"] = alpn_offered_;
  if (!detail.empty()) line["detail"] = detail;
  worker_.log_line(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

}  // namespace snigate::proxy
