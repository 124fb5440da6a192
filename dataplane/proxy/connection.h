// One client connection, from the first byte to the last, in four phases:
//
//   reading_hello ──▶ connecting ──▶ splicing ──▶ done
//         └────────────┴──▶ refusing (fatal alert, linger) ──▶ done
//
// reading_hello: read the ClientHello under a deadline and a process-wide memory budget, then
//   route it. connecting: try backends one after the other (bounded in count and time) while
//   nothing has reached any; the replayed hello is what surfaces a failed connect. splicing: both
//   directions move through pipes; each has its own activity stamp. The sockets are registered
//   once, edge-triggered; `ready_` remembers what epoll reported until a syscall says EAGAIN.
//
// Owned by its worker (listed intrusively) and destroyed by the event loop after the batch of
// events in which it finished.
#pragma once

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "io/event_loop.h"
#include "io/unique_fd.h"
#include "metrics/worker_metrics.h"
#include "proxy/backend_attempts.h"
#include "proxy/backend_timing.h"
#include "proxy/connection_limit.h"
#include "proxy/hello_memory_budget.h"
#include "proxy/splice_pump.h"
#include "proxy/worker.h"
#include "routing/route_table.h"
#include "tls/alert.h"
#include "tls/client_hello_parser.h"

namespace snigate::proxy {

class Connection final : public io::EventLoop::Watcher, public io::EventLoop::Timer, public ConnectionHook {
 public:
  enum class Phase : std::uint8_t { reading_hello, connecting, splicing, refusing, done };
  // Which side ended the connection first, for the access log: the first end of stream or socket
  // error either way, else the dataplane (a refusal, a timeout, a drain).
  enum class ClosedBy : std::uint8_t { nobody_yet, client, backend, dataplane };

  // `expects_proxy_header`: the peer is a load balancer, which must be trusted and send a PROXY
  // protocol header before the client's bytes; the client is then the one the header names.
  // `scope`: the routes its listener serves (routing::kUnscoped, or a --scoped-listen port).
  Connection(Worker& worker, io::UniqueFd client, const boost::asio::ip::tcp::endpoint& peer,
             ConnectionLimit::Slot slot, bool expects_proxy_header = false,
             routing::ListenScope scope = routing::kUnscoped);
  ~Connection() override;

  // Registers the client socket and reads the hello that TCP_DEFER_ACCEPT let arrive first.
  void start();
  void close(metrics::Outcome outcome);

  Phase phase() const { return phase_; }

 private:
  enum Side : unsigned { client_side = 0, backend_side = 1 };
  enum class ConnectStart { in_progress, connected, failed, out_of_descriptors };
  enum class Replay { done, blocked, refused_by_backend, failed };

  // Everything that only matters until splicing starts, freed then: a proxied connection keeps
  // neither its hello bytes, nor its parser, nor its route's backend list.
  struct Setup {
    Setup(std::size_t max_client_hello, HelloMemoryBudget& budget) : parser(max_client_hello), charge(budget) {}
    tls::ClientHelloParser parser;
    std::unique_ptr<std::uint8_t[]> received;  // every byte read before routing: replayed to the backend
    std::size_t received_size = 0;
    std::size_t received_capacity = 0;
    HelloMemoryBudget::Charge charge;  // for a hello still incomplete
    std::shared_ptr<const routing::RouteTarget> target;
    std::optional<BackendAttempts> attempts;
    io::Clock::time_point attempt_deadline{};
    std::string preamble;  // PROXY protocol header
    std::size_t replayed = 0;  // bytes of preamble and then received written to the backend
    std::array<std::uint8_t, 7> alert{};
    bool refuse_without_alert = false;  // the route's refusal: close
    io::Clock::time_point linger_until{};
    metrics::Outcome refusal_outcome = metrics::Outcome::ok;
    std::string refusal_detail;
  };

  struct Direction {
    Direction(io::PipePool& pipes, int from_fd, int to_fd, Side from_side, Side to_side, io::Clock::time_point now)
        : pump(pipes, from_fd, to_fd), from(from_side), to(to_side), last_activity(now) {}
    SplicePump pump;
    Side from;
    Side to;
    io::Clock::time_point last_activity;
    std::uint64_t bytes = 0;
    bool waiting_for_pipe = false;
  };

  void on_ready(std::uint32_t events, unsigned tag) override;
  void on_timer() override;
  void rearm_timer();
  io::Clock::time_point deadline() const;

  // reading_hello
  void read_hello();
  bool keep_received(std::span<const std::uint8_t> bytes, bool complete);
  enum class HeaderTaken { need_more, done, failed };
  HeaderTaken take_proxy_header();  // from the bytes received so far
  void on_hello_parsed(tls::ClientHelloParser::Status status);
  void route();
  // connecting
  void connect_to_next_backend();
  ConnectStart start_connect(const boost::asio::ip::tcp::endpoint& backend);
  Replay write_replay();
  void on_backend_ready();
  void backend_failed(const std::string& reason);
  // splicing
  void start_splicing();
  void run_pumps();
  bool pump(Direction& direction);  // true when it should run again
  void want_writable(Side side);
  // refusing and the end
  void refuse(tls::AlertDescription alert, metrics::Outcome outcome, std::string detail);
  void linger();
  void finish(metrics::Outcome outcome, std::string detail = {});
  void log(metrics::Outcome outcome, const std::string& detail);
  void ended_by(ClosedBy side) {
    if (closed_by_ == ClosedBy::nobody_yet) closed_by_ = side;
  }
  static ClosedBy closed_by(Side side) { return side == client_side ? ClosedBy::client : ClosedBy::backend; }

  int fd(Side side) const { return side == client_side ? client_.get() : backend_.get(); }
  io::EventLoop& loop() { return worker_.loop(); }

  Worker& worker_;
  ConnectionLimit::Slot slot_;
  io::UniqueFd client_;
  io::UniqueFd backend_;
  Phase phase_ = Phase::reading_hello;
  std::array<bool, 2> readable_{true, false};  // until a read says EAGAIN
  std::array<bool, 2> writable_{true, false};
  std::array<bool, 2> hung_up_{false, false};  // EPOLLRDHUP (or an error) reported
  bool client_writes_watched_ = false;        // EPOLLOUT added to the client's registration
  bool backend_keepalive_set_ = false;
  bool awaiting_proxy_header_;
  bool holds_route_slot_ = false;  // counted in route_metrics_'s open connections
  ClosedBy closed_by_ = ClosedBy::nobody_yet;
  std::uint16_t tls_legacy_version_ = 0;   // of the parsed hello; 0: none
  std::uint16_t tls_offered_version_ = 0;  // ClientHello::offered_version()
  routing::ListenScope scope_;
  std::chrono::milliseconds idle_timeout_{0};  // the route's; 0: --idle-timeout

  boost::asio::ip::tcp::endpoint client_endpoint_;
  std::optional<boost::asio::ip::tcp::endpoint> backend_endpoint_;  // the one connected to, or tried last
  // Narrowed and placed to fill padding, as are the access log's fields above and below: every
  // idle connection pays sizeof(Connection), 536 bytes on x86-64.
  std::uint32_t alpn_offered_ = 0;  // a hello of at most 16 MiB holds fewer protocols
  io::Clock::time_point started_;
  std::unique_ptr<Setup> setup_;
  // The route's counters and name, nothing more of it.
  std::shared_ptr<metrics::RouteMetrics> route_metrics_;
  metrics::RouteCounters* counters_ = nullptr;
  std::string route_name_;
  std::string server_name_;
  std::string alpn_;  // what the log shows: the first protocols, each prefixed by its length
  BackendTiming backend_timing_;

  std::uint32_t bytes_from_client_ = 0;  // the replayed hello (at most 2 × 16 MiB); to_backend_ counts the rest
  std::optional<Direction> to_backend_;
  std::optional<Direction> to_client_;
};

}  // namespace snigate::proxy
