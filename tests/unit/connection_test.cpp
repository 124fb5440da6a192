// Connection, driven step by step on a worker's event loop in the test's own thread: the client is
// one end of a socket pair, backends are loopback listeners (or addresses whose connect fails at
// once), and the test reads the outcome from the worker's counters.
#include "proxy/connection.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <fstream>
#include <gtest/gtest.h>
#include <iterator>
#include <nlohmann/json.hpp>

#include "log/log.h"
#include "proxy/worker.h"

namespace snigate::proxy {
namespace {

using namespace std::chrono_literals;
using Bytes = std::vector<std::uint8_t>;

struct Capture {
  Bytes bytes;
  std::string sni;
};

Capture capture(const std::string& file) {
  std::ifstream data(std::string(CLIENT_HELLOS_DIR) + "/" + file, std::ios::binary);
  Capture result{Bytes(std::istreambuf_iterator<char>(data), {}), {}};
  std::ifstream manifest(std::string(CLIENT_HELLOS_DIR) + "/manifest.json");
  auto entries = nlohmann::json::parse(manifest).at("captures");
  for (const auto& entry : entries) {
    if (entry.at("file") == file) result.sni = entry.at("sni").get<std::string>();
  }
  return result;
}

// A loopback listener standing in for a backend: accepts and reads on demand.
class Backend {
 public:
  explicit Backend(int backlog = 16) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    EXPECT_EQ(::listen(fd_.get(), backlog), 0);
    port_ = local_endpoint(fd_.get()).port();
  }
  std::uint16_t port() const { return port_; }
  // A connection that fills a backlog-0 queue: further SYNs are dropped, connects hang.
  io::UniqueFd fill() {
    io::UniqueFd client(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    auto endpoint = local_endpoint(fd_.get());
    EXPECT_EQ(::connect(client.get(), endpoint.data(), static_cast<socklen_t>(endpoint.size())), 0);
    return client;
  }
  io::UniqueFd accept() { return io::UniqueFd(::accept4(fd_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC)); }

 private:
  io::UniqueFd fd_;
  std::uint16_t port_ = 0;
};

snapshot::Route route_to(const std::string& hostname, const std::string& address, std::uint16_t port,
                         std::size_t copies = 1) {
  snapshot::Route route;
  route.hostname = hostname;
  for (std::size_t i = 0; i < copies; ++i) route.backends.push_back({address, port, 1});
  return route;
}

class ConnectionTest : public testing::Test {
 protected:
  ConnectionTest() {
    settings_.connect_timeout = 500ms;
    log::set_level(log::Level::warn);  // connection lines would only clutter the test output
  }
  ~ConnectionTest() override { log::set_level(log::Level::info); }

  Worker& worker() {
    if (!worker_) {
      budget_ = std::make_unique<HelloMemoryBudget>(budget_bytes_);
      health_ = std::make_unique<routing::BackendHealth>(settings_.outlier_detection);
      worker_ = std::make_unique<Worker>(0, SharedState{settings_, routes_, limit_, *budget_, *health_},
                                         std::vector<boost::asio::ip::tcp::endpoint>{});
    }
    return *worker_;
  }

  void apply(std::vector<snapshot::Route> routes) {
    snapshot::Snapshot snapshot;
    snapshot.generation = ++generation_;
    snapshot.routes = std::move(routes);
    routes_.apply(std::move(snapshot), control::RouteStore::Ordering::any);
    routes_.release_replaced();
  }

  // A client connection handed to the worker as if accepted; returns the client's end.
  io::UniqueFd connect_client(const Bytes& first_bytes) {
    int pair[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, pair), 0);
    EXPECT_EQ(::send(pair[0], first_bytes.data(), first_bytes.size(), 0), static_cast<ssize_t>(first_bytes.size()));
    worker().on_accepted(io::UniqueFd(pair[1]), {boost::asio::ip::make_address("192.0.2.7"), 40000}, false,
                         routing::kUnscoped);
    return io::UniqueFd(pair[0]);
  }

  void run_for(std::chrono::milliseconds duration) {
    auto until = std::chrono::steady_clock::now() + duration;
    while (std::chrono::steady_clock::now() < until) worker().loop().run_once(5ms);
  }

  template <class Done>
  bool run_until(Done done, std::chrono::milliseconds limit = 3000ms) {
    auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      if (done()) return true;
      worker().loop().run_once(5ms);
    }
    return false;
  }

  metrics::RouteCounters& counters(const std::string& route) { return routes_.current()->find(route)->counters(0); }
  std::uint64_t outcomes(const std::string& route, metrics::Outcome outcome) {
    return counters(route).connections[static_cast<std::size_t>(outcome)].value();
  }

  ProxySettings settings_;
  control::RouteStore routes_{1};
  ConnectionLimit limit_{1000};
  std::size_t budget_bytes_ = 1 << 20;
  std::unique_ptr<HelloMemoryBudget> budget_;
  std::unique_ptr<routing::BackendHealth> health_;
  std::unique_ptr<Worker> worker_;
  std::uint64_t generation_ = 0;
};

Bytes read_available(int fd) {
  Bytes result(65536);
  ssize_t count = ::recv(fd, result.data(), result.size(), MSG_DONTWAIT);
  result.resize(count > 0 ? static_cast<std::size_t>(count) : 0);
  return result;
}

TEST_F(ConnectionTest, ReplaysTheHelloToTheRoutedBackendAndSplicesBothWays) {
  auto hello = capture("curl.bin");
  Backend backend;
  apply({route_to(hello.sni, "127.0.0.1", backend.port())});
  auto client = connect_client(hello.bytes);
  io::UniqueFd accepted;
  ASSERT_TRUE(run_until([&] { return static_cast<bool>(accepted = backend.accept()); }));
  Bytes got;
  ASSERT_TRUE(run_until([&] {
    auto more = read_available(accepted.get());
    got.insert(got.end(), more.begin(), more.end());
    return got.size() >= hello.bytes.size();
  }));
  EXPECT_EQ(got, hello.bytes);
  ASSERT_EQ(::send(accepted.get(), "pong", 4, 0), 4);
  Bytes answer;
  ASSERT_TRUE(run_until([&] { return !(answer = read_available(client.get())).empty(); }));
  EXPECT_EQ(answer, (Bytes{'p', 'o', 'n', 'g'}));
  accepted.reset();
  client.reset();
  ASSERT_TRUE(run_until([&] { return outcomes(hello.sni, metrics::Outcome::ok) == 1; }));
  EXPECT_EQ(worker().connections(), 0u);
}

// Issue 13, defect 6: a connection held its whole RouteTable (and the generation it routed with)
// until it ended; now a new snapshot frees the old table and the routes the connection does not use.
TEST_F(ConnectionTest, ProxiedConnectionKeepsNeitherTheTableNorItsRoute) {
  auto hello = capture("curl.bin");
  Backend backend;
  apply({route_to(hello.sni, "127.0.0.1", backend.port()), route_to("other.example.com", "127.0.0.1", 1)});
  std::weak_ptr<const routing::RouteTable> table = routes_.current();
  std::weak_ptr<const routing::RouteTarget> target = routes_.current()->find(hello.sni);
  auto client = connect_client(hello.bytes);
  io::UniqueFd accepted;
  ASSERT_TRUE(run_until([&] { return static_cast<bool>(accepted = backend.accept()); }));
  run_for(50ms);
  apply({route_to("new.example.com", "127.0.0.1", 1)});
  EXPECT_TRUE(table.expired());
  EXPECT_TRUE(target.expired());
  EXPECT_EQ(worker().connections(), 1u);
}

// Issue 13, defect 1: connect() and connect_failed() recursed once per backend whose connect
// failed at once; 50,000 of them ended the process with SIGSEGV. Now the loop stops after
// --max-connect-attempts and the client gets internal_error.
TEST_F(ConnectionTest, FiftyThousandBackendsFailingAtOnceEndAfterTheAttemptCap) {
  auto hello = capture("curl.bin");
  settings_.max_connect_attempts = 4;
  // The loopback net's broadcast address: connect(2) fails with ENETUNREACH without sending.
  apply({route_to(hello.sni, "127.255.255.255", 443, 50000)});
  auto client = connect_client(hello.bytes);
  ASSERT_TRUE(run_until([&] { return outcomes(hello.sni, metrics::Outcome::connect_failed) == 1; }));
  EXPECT_EQ(counters(hello.sni).connect_failures.value(), 4u);
  Bytes alert = read_available(client.get());
  ASSERT_EQ(alert.size(), 7u);
  EXPECT_EQ(alert[0], 21);  // an alert record
  EXPECT_EQ(alert[6], static_cast<std::uint8_t>(tls::AlertDescription::internal_error));
}

// Passive outlier detection: once a backend has refused --outlier-failures connects in a row,
// connections go straight to the others; when every backend is ejected they are tried anyway.
TEST_F(ConnectionTest, ABackendFailingInARowIsPassedOverUntilEveryBackendIs) {
  auto hello = capture("curl.bin");
  settings_.outlier_detection = {3, 10s, 10s};
  const std::uint16_t closed_port = Backend(0).port();  // nothing listens there once it is gone
  Backend live;
  snapshot::Route route = route_to(hello.sni, "127.0.0.1", closed_port);
  route.backends.push_back({"127.0.0.1", live.port(), 1});
  apply({route});
  const boost::asio::ip::tcp::endpoint dead{boost::asio::ip::make_address("127.0.0.1"), closed_port};
  std::vector<io::UniqueFd> clients;
  std::vector<io::UniqueFd> accepted;
  const auto served = [&] {
    clients.push_back(connect_client(hello.bytes));
    io::UniqueFd backend_end;
    if (!run_until([&] { return static_cast<bool>(backend_end = live.accept()); })) return false;
    accepted.push_back(std::move(backend_end));
    return true;
  };
  // Every other connection starts at the closed port (round robin), fails over to the live one.
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(served()) << i;
  EXPECT_EQ(counters(hello.sni).connect_failures.value(), 3u);
  EXPECT_TRUE(health_->ejected(dead, std::chrono::steady_clock::now()));
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(served()) << i;
  EXPECT_EQ(counters(hello.sni).connect_failures.value(), 3u) << "the ejected backend was not tried again";

  // A route whose only backend is ejected still tries it: ejection never leaves a route dark.
  apply({route_to(hello.sni, "127.0.0.1", closed_port)});
  clients.push_back(connect_client(hello.bytes));
  ASSERT_TRUE(run_until([&] { return outcomes(hello.sni, metrics::Outcome::connect_failed) == 1; }));
  EXPECT_EQ(counters(hello.sni).connect_failures.value(), 4u);
}

TEST_F(ConnectionTest, ConnectBudgetEndsAttemptsAtBackendsThatNeverAnswer) {
  auto hello = capture("curl.bin");
  settings_.connect_timeout = 100ms;
  settings_.connect_budget = 250ms;
  settings_.max_connect_attempts = 100;
  // Listeners whose accept queue is full drop SYNs: connects to them hang.
  std::vector<std::unique_ptr<Backend>> full;
  std::vector<io::UniqueFd> fillers;
  snapshot::Route route;
  route.hostname = hello.sni;
  for (int i = 0; i < 8; ++i) {
    full.push_back(std::make_unique<Backend>(0));
    fillers.push_back(full.back()->fill());
    route.backends.push_back({"127.0.0.1", full.back()->port(), 1});
  }
  apply({route});
  auto started = std::chrono::steady_clock::now();
  auto client = connect_client(hello.bytes);
  ASSERT_TRUE(run_until([&] { return read_available(client.get()).size() == 7; }, 5000ms)) << "the alert";
  EXPECT_LT(std::chrono::steady_clock::now() - started, 600ms);
  EXPECT_LE(counters(hello.sni).connect_failures.value(), 3u);
}

// Issue 13, defect 4: a process out of descriptors is not a backend failure: no failure is counted
// against the route and no other backend is tried.
TEST_F(ConnectionTest, NoDescriptorForTheBackendSocketIsNoBackendFailure) {
  auto hello = capture("curl.bin");
  Backend first, second;
  apply({route_to(hello.sni, "127.0.0.1", first.port()), route_to("unused.example.com", "127.0.0.1", second.port())});
  worker();
  int pair[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, pair), 0);
  io::UniqueFd client(pair[0]);
  ASSERT_EQ(::send(pair[0], hello.bytes.data(), hello.bytes.size(), 0), static_cast<ssize_t>(hello.bytes.size()));
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
  rlimit tight = saved;
  tight.rlim_cur = static_cast<rlim_t>(std::max(pair[0], pair[1]));  // nothing above the pair
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &tight), 0);
  worker().on_accepted(io::UniqueFd(pair[1]), {boost::asio::ip::make_address("192.0.2.7"), 40000}, false,
                         routing::kUnscoped);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &saved), 0);
  ASSERT_TRUE(run_until([&] { return read_available(client.get()).size() == 7; })) << "an internal_error alert";
  EXPECT_EQ(counters(hello.sni).connect_failures.value(), 0u);
}

// Issue 13, defect 12: one activity stamp for both directions let a half-closed connection live
// for the whole idle timeout (an hour by default).
TEST_F(ConnectionTest, HalfClosedConnectionEndsAfterTheHalfCloseTimeout) {
  auto hello = capture("curl.bin");
  settings_.half_close_timeout = 150ms;
  Backend backend;
  apply({route_to(hello.sni, "127.0.0.1", backend.port())});
  auto client = connect_client(hello.bytes);
  io::UniqueFd accepted;
  ASSERT_TRUE(run_until([&] { return static_cast<bool>(accepted = backend.accept()); }));
  settings_.idle_timeout = 300ms;
  run_for(200ms);  // silence before the half-close does not count against the half-close timeout
  ASSERT_EQ(::shutdown(client.get(), SHUT_WR), 0);
  auto closed_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(run_until([&] { return outcomes(hello.sni, metrics::Outcome::idle_timeout) == 1; }));
  EXPECT_GE(std::chrono::steady_clock::now() - closed_at, 140ms);
}

// Issue 13, defect 3: each slow client could hold about 100 KiB of incomplete hello. Partial
// hellos now draw on one process-wide budget; a client that would overdraw it is refused, and a
// hello that arrives whole needs none of it.
TEST_F(ConnectionTest, PartialHellosBeyondTheMemoryBudgetAreRefusedWholeOnesServed) {
  budget_bytes_ = 12000;
  auto hello = capture("curl.bin");
  Backend backend;
  apply({route_to(hello.sni, "127.0.0.1", backend.port())});
  Bytes partial = {22, 3, 1, 0x40, 0x00, 1, 0, 0x3f, 0xfc};  // a 16 KiB record, its hello header
  partial.resize(7000, 0xab);
  auto first = connect_client(partial);
  run_for(20ms);
  EXPECT_GT(budget_->in_use(), 0u);
  auto second = connect_client(partial);
  run_for(20ms);
  EXPECT_EQ(worker().metrics().hello_errors[metrics::hello_error_index(tls::HelloError::too_large)].value(), 1u);
  auto whole = connect_client(hello.bytes);
  io::UniqueFd accepted;
  EXPECT_TRUE(run_until([&] { return static_cast<bool>(accepted = backend.accept()); }));
  first.reset();
  ASSERT_TRUE(run_until([&] { return budget_->in_use() == 0; }));
}

}  // namespace
}  // namespace snigate::proxy
