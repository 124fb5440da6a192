// Reflector<Resource> against a scripted HTTP server, for answers the real kube-apiserver gives
// only in states a test cannot bring it into: a watch ended at once with no events (an apiserver
// shutting down, a proxy in between), ResourceVersionTooLarge (an apiserver on an etcd restored
// from a backup), a relist answered 410, and a CRD that is not installed yet.
#include "kube/reflector.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <thread>

#include "io/unique_fd.h"
#include "wait_until.h"

namespace snigate::controller::kube {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::string http_response(int status, const std::string& body) {
  return "HTTP/1.1 " + std::to_string(status) + " Scripted\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

std::string status_body(int code, const std::string& message, const std::string& cause = "") {
  nlohmann::json status = {{"kind", "Status"}, {"status", "Failure"}, {"code", code}, {"message", message}};
  if (!cause.empty()) status["details"]["causes"] = {{{"reason", cause}, {"message", message}}};
  return status.dump();
}

std::string empty_list(const std::string& version) {
  return nlohmann::json{{"metadata", {{"resourceVersion", version}}}, {"items", nlohmann::json::array()}}.dump();
}

// Answers each request on 127.0.0.1 with what `script` returns for its path, one connection at a
// time, and remembers the paths and when they came.
class ScriptedServer {
 public:
  using Script = std::function<std::string(const std::string& path)>;

  explicit ScriptedServer(Script script) : script_(std::move(script)) {
    listener_.reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(listener_.get(), reinterpret_cast<sockaddr*>(&address), length) != 0 || ::listen(listener_.get(), 16) != 0 ||
        ::getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::runtime_error("scripted server: cannot listen");
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }

  ~ScriptedServer() {
    stopping_ = true;
    ::shutdown(listener_.get(), SHUT_RDWR);
    thread_.join();
  }

  ClusterConfig config() const {
    ClusterConfig config;
    config.server = "http://127.0.0.1:" + std::to_string(port_);
    return config;
  }

  std::vector<std::pair<Clock::time_point, std::string>> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

  std::size_t count(std::string_view part) const {
    std::size_t found = 0;
    for (const auto& request : requests()) found += request.second.find(part) != std::string::npos;
    return found;
  }

 private:
  void serve() {
    while (!stopping_) {
      io::UniqueFd connection(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (!connection) continue;
      std::string request;
      char buffer[4096];
      while (request.find("\r\n\r\n") == std::string::npos) {
        const ssize_t received = ::recv(connection.get(), buffer, sizeof buffer, 0);
        if (received <= 0) break;
        request.append(buffer, static_cast<std::size_t>(received));
      }
      const auto path_start = request.find(' ') + 1;
      const std::string path = request.substr(path_start, request.find(' ', path_start) - path_start);
      {
        std::lock_guard lock(mutex_);
        requests_.emplace_back(Clock::now(), path);
      }
      const std::string answer = script_(path);
      ::send(connection.get(), answer.data(), answer.size(), MSG_NOSIGNAL);
    }
  }

  Script script_;
  io::UniqueFd listener_;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_ = false;
  mutable std::mutex mutex_;
  std::vector<std::pair<Clock::time_point, std::string>> requests_;
  std::thread thread_;
};

// A reflector for Services in namespace "ns" on `server`, running until the end of the scope.
class RunningReflector {
 public:
  explicit RunningReflector(const ScriptedServer& server)
      : api_(server.config(), 10s), reflector_(api_, store_, metrics_, stop_, {.watch_namespace = "ns", .min_watch_timeout = 5s}),
        thread_([this] { reflector_.run(); }) {}
  ~RunningReflector() {
    stop_.trigger();
    thread_.join();
  }

 private:
  ApiClient api_;
  ObjectStore store_;
  telemetry::ControllerMetrics metrics_;
  StopSignal stop_;
  Reflector<Services> reflector_;
  std::thread thread_;
};

constexpr std::string_view kList = "/api/v1/namespaces/ns/services?";
constexpr std::string_view kWatch = "/api/v1/namespaces/ns/services?watch=true";

TEST(ReflectorRefusals, WatchEndedAtOnceWithNoEventsBacksOff) {
  ScriptedServer server([](const std::string& path) {
    return http_response(200, path.starts_with(kWatch) ? "" : empty_list("5"));
  });
  {
    RunningReflector reflector(server);
    std::this_thread::sleep_for(2500ms);
  }
  // 0.8-1 s, then 1.6-2 s apart: three watches in 2.5 s, where a reflector without backoff makes hundreds.
  EXPECT_LE(server.count("watch=true"), 3u);
}

// The relist at the last version is refused with `refusal`; the quorum list (no resourceVersion,
// paged) must follow at once, not after a backoff of 0.8 s or more.
void expect_quorum_list_at_once(const std::string& refusal) {
  ScriptedServer server([&](const std::string& path) {
    if (path.starts_with(kWatch)) {
      return http_response(200, path.find("resourceVersion=100&") != std::string::npos
                                    ? R"({"type":"ERROR","object":)" + status_body(410, "too old resource version") + "}\n"
                                    : "");
    }
    if (path.find("resourceVersion=0") != std::string::npos) return http_response(200, empty_list("100"));
    if (path.find("resourceVersion=100") != std::string::npos) return refusal;
    return http_response(200, empty_list("90"));
  });
  RunningReflector reflector(server);
  ASSERT_TRUE(test::wait_until([&] { return server.requests().size() >= 4; }, 3s));
  const auto requests = server.requests();
  EXPECT_EQ(requests[0].second, std::string(kList) + "limit=500&resourceVersion=0");
  EXPECT_TRUE(requests[1].second.starts_with(std::string(kWatch))) << requests[1].second;
  EXPECT_EQ(requests[2].second, std::string(kList) + "resourceVersion=100") << "a relist at a version is not paged";
  EXPECT_EQ(requests[3].second, std::string(kList) + "limit=500&resourceVersion=");
  EXPECT_LT(requests[3].first - requests[2].first, 500ms) << "the quorum list waited for a backoff";
}

TEST(ReflectorRefusals, RelistAnswered410IsFollowedByAQuorumListAtOnce) {
  expect_quorum_list_at_once(http_response(410, status_body(410, "The resourceVersion for the provided list is too old.")));
}

TEST(ReflectorRefusals, RelistAnsweredResourceVersionTooLargeIsFollowedByAQuorumListAtOnce) {
  expect_quorum_list_at_once(
      http_response(504, status_body(504, "Too large resource version: 100, current: 90", "ResourceVersionTooLarge")));
}

// A watch from a version the server has not reached yet: the next list must not ask for that
// version again (it would wait for it and fail the same way), but read the latest state.
TEST(ReflectorRefusals, WatchAnsweredResourceVersionTooLargeListsWithAQuorumRead) {
  ScriptedServer server([](const std::string& path) {
    if (path.starts_with(kWatch)) {
      return http_response(504, status_body(504, "Too large resource version: 100, current: 90", "ResourceVersionTooLarge"));
    }
    return http_response(200, empty_list(path.find("resourceVersion=0") != std::string::npos ? "100" : "90"));
  });
  RunningReflector reflector(server);
  ASSERT_TRUE(test::wait_until([&] { return server.requests().size() >= 3; }, 3s));
  const auto requests = server.requests();
  EXPECT_EQ(requests[2].second, std::string(kList) + "limit=500&resourceVersion=");
}

// A watch line that is JSON but not an event threw out of the reflector's thread, which ended
// the process: now it is logged, and the reflector lists again and goes on watching.
TEST(ReflectorRefusals, AWatchLineThatIsNoEventLeadsToAFreshListNotACrash) {
  ScriptedServer server([](const std::string& path) {
    return http_response(200, path.starts_with(kWatch) ? "[1, 2]\n" : empty_list("5"));
  });
  RunningReflector reflector(server);
  EXPECT_TRUE(test::wait_until([&] { return server.count("?resourceVersion=5") >= 1; }, 5s)) << "no relist after the unreadable line";
}

// A Gateway API kind whose CRD is not installed answers 404: the kind counts as listed (empty),
// so the controller stays ready, and it is listed again at the retry interval until it appears.
TEST(ReflectorRefusals, AnAbsentOptionalKindIsListedEmptyAndPickedUpOnceInstalled) {
  std::atomic<bool> installed = false;
  ScriptedServer server([&](const std::string& path) {
    if (!installed) {
      return std::string("HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 18\r\nConnection: close\r\n\r\n404 page not found");
    }
    if (path.find("watch=true") != std::string::npos) return http_response(200, "");
    return http_response(200, nlohmann::json{{"metadata", {{"resourceVersion", "7"}}},
                                             {"items", {{{"metadata", {{"name", "r"}, {"namespace", "shop"}}}}}}}.dump());
  });
  ApiClient api(server.config(), 10s);
  ObjectStore store;
  telemetry::ControllerMetrics metrics;
  StopSignal stop;
  Reflector<TLSRoutes> reflector(api, store, metrics, stop, {.watch_namespace = std::nullopt, .min_watch_timeout = 5s, .page_size = 500, .absent_kind_retry = 300ms});
  std::thread running([&] { reflector.run(); });
  EXPECT_TRUE(test::wait_until([&] { return store.synced(TLSRoutes::kind); }, 3s)) << "an absent kind must count as listed";
  std::this_thread::sleep_for(1s);
  const std::size_t while_absent = server.count("/apis/gateway.networking.k8s.io/v1/tlsroutes?");
  EXPECT_GE(while_absent, 2u) << "looked for again";
  EXPECT_LE(while_absent, 6u) << "looked for at the retry interval, not in a loop";
  installed = true;
  EXPECT_TRUE(test::wait_until([&] { return store.read([](const model::ClusterState& state) { return state.tls_routes.size(); }) == 1u; }, 3s));
  stop.trigger();
  running.join();
}

// A namespace-scoped install may not be granted Namespaces: 403 is absence too, and the kind is
// picked up once granted. A core kind's 403 stays a failure (see the tests above).
TEST(ReflectorRefusals, AnOptionalKindNotGrantedIsListedEmptyAndPickedUpOnceGranted) {
  std::atomic<bool> granted = false;
  ScriptedServer server([&](const std::string& path) {
    if (!granted) {
      return std::string("HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: 9\r\nConnection: close\r\n\r\nforbidden");
    }
    if (path.find("watch=true") != std::string::npos) return http_response(200, "");
    return http_response(200, nlohmann::json{{"metadata", {{"resourceVersion", "7"}}},
                                             {"items", {{{"metadata", {{"name", "shop"}}}}}}}.dump());
  });
  ApiClient api(server.config(), 10s);
  ObjectStore store;
  telemetry::ControllerMetrics metrics;
  StopSignal stop;
  Reflector<Namespaces> reflector(api, store, metrics, stop, {.watch_namespace = std::nullopt, .min_watch_timeout = 5s, .page_size = 500, .absent_kind_retry = 300ms});
  std::thread running([&] { reflector.run(); });
  EXPECT_TRUE(test::wait_until([&] { return store.synced(Namespaces::kind); }, 3s)) << "a kind not granted must count as listed";
  granted = true;
  EXPECT_TRUE(test::wait_until([&] { return store.read([](const model::ClusterState& state) { return state.namespaces.size(); }) == 1u; }, 3s));
  stop.trigger();
  running.join();
}

}  // namespace
}  // namespace snigate::controller::kube
