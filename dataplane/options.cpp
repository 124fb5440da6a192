#include "options.h"

#include <charconv>
#include <stdexcept>

#include "cpu_limit.h"

#include "io/endpoint_text.h"

namespace snigate {
namespace {

std::uint64_t parse_number(std::string_view text, std::string_view flag, int base = 10) {
  std::uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
    throw std::invalid_argument(std::string(flag) + ": \"" + std::string(text) + "\" is not a number");
  }
  return value;
}

// "10.0.0.0/16,fd00::/8"
std::vector<snapshot::SourceRange> parse_source_ranges(std::string_view text) {
  std::vector<snapshot::SourceRange> ranges;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    if (!item.empty()) {
      std::string problem;
      auto range = snapshot::SourceRange::parse(item, problem);
      if (!range) throw std::invalid_argument("\"" + std::string(item) + "\" " + problem);
      ranges.push_back(*range);
    }
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
  }
  if (ranges.empty()) throw std::invalid_argument("no address range given");
  return ranges;
}

bool parse_on_off(std::string_view text) {
  if (text == "on") return true;
  if (text == "off") return false;
  throw std::invalid_argument("\"" + std::string(text) + "\" is not on or off");
}

// A share from 0 to 1: "0.25", "1", "0".
double parse_fraction(std::string_view text) {
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, std::chars_format::fixed);
  if (error != std::errc() || end != text.data() + text.size() || text.empty() || !(value >= 0 && value <= 1)) {
    throw std::invalid_argument("\"" + std::string(text) + "\" is not a number from 0 to 1");
  }
  return value;
}

// Whether a connection to one could reach the other: SO_REUSEPORT lets both bind, and the kernel
// would then share that port's clients between a scoped and a plain listener.
bool overlap(const boost::asio::ip::tcp::endpoint& a, const boost::asio::ip::tcp::endpoint& b) {
  return a.port() == b.port() && (a.address() == b.address() || a.address().is_unspecified() || b.address().is_unspecified());
}

void check_scoped_listen(const Options& options) {
  for (const auto& scoped : options.scoped_listen) {
    for (const auto* plain : {&options.listen, &options.optional_listen, &options.proxy_protocol_listen}) {
      for (const auto& other : *plain) {
        if (overlap(scoped, other)) {
          throw std::invalid_argument("--scoped-listen " + io::endpoint_text(scoped) + " overlaps the plain listener " +
                                      io::endpoint_text(other) + ": its clients would reach either");
        }
      }
    }
  }
}

}  // namespace

std::chrono::milliseconds parse_duration(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0) throw std::invalid_argument("\"" + std::string(text) + "\" is not a duration (like 5s, 250ms, 1h)");
  std::uint64_t amount = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + digits, amount);
  std::string_view unit = text.substr(digits);
  std::uint64_t milliseconds_per_unit = unit == "ms"                  ? 1
                                        : (unit == "s" || unit.empty()) ? 1000
                                        : unit == "m"                   ? 60'000
                                        : unit == "h"                   ? 3'600'000
                                                                        : 0;
  if (milliseconds_per_unit == 0) {
    throw std::invalid_argument("\"" + std::string(text) + "\": unknown duration unit (use ms, s, m or h)");
  }
  // Ten years: anything longer is a typo, and deadlines computed from now must not overflow.
  constexpr std::uint64_t kMaxMilliseconds = 10ull * 365 * 24 * 3'600'000;
  if (error != std::errc() || amount > kMaxMilliseconds / milliseconds_per_unit) {
    throw std::invalid_argument("\"" + std::string(text) + "\" is longer than ten years");
  }
  return std::chrono::milliseconds(amount * milliseconds_per_unit);
}

boost::asio::ip::tcp::endpoint parse_endpoint(std::string_view text) { return io::parse_endpoint_text(text); }

std::string usage() {
  return R"(Usage: snigate-dataplane [flags]

Routes TLS connections by SNI without terminating TLS: reads the ClientHello, picks a backend from
the current route snapshot, replays the bytes it read and splices both directions.

Routes come from --routes FILE (re-read on SIGHUP) and/or --control-socket PATH (pushed by
snigate-controller); at least one is required. Format: docs/snapshot.md.

Flags:
  --listen ADDR:PORT           address to accept clients on; repeatable, IPv4 or [IPv6]
                               (default, without any --proxy-protocol-listen: 0.0.0.0:8443 and,
                               where the host has IPv6, [::]:8443)
  --scoped-listen ADDR:PORT    address to accept clients on for the routes whose listen_port is
                               PORT, and for no others: no unscoped route, no default backend;
                               a name without a route there is refused by closing the
                               connection, without a TLS alert (repeatable, IPv4 or [IPv6]; the
                               default --listen still applies; PORT must not also be a --listen
                               or --proxy-protocol-listen port on an overlapping address)
  --proxy-protocol-listen ADDR:PORT
                               address to accept clients on behind a load balancer that sends
                               a PROXY protocol header (v1 or v2) first: its client address is
                               the one logged, matched against source ranges and passed on;
                               a connection without a valid header within the hello deadline
                               is closed (repeatable; needs --proxy-protocol-from)
  --proxy-protocol-from CIDRS  comma-separated load balancer addresses (10.0.0.0/16,fd00::/8)
                               trusted to send PROXY headers; others are refused on those
                               listeners (repeatable)
  --workers N                  worker threads, each with its own epoll loop and SO_REUSEPORT
                               listener (default: the CPUs this process may run on, capped by
                               its container's CPU quota, cgroup v2 or v1, rounded up)
  --routes FILE                route snapshot file (JSON); SIGHUP re-reads it
  --control-socket PATH        Unix socket on which the controller pushes snapshots
  --control-socket-mode OCTAL  permissions of the control socket (default 0600)
  --admin-listen ADDR:PORT     /metrics, /healthz, /readyz, /routes, /drain (default 127.0.0.1:9090)
  --admin-drain-from CIDRS     comma-separated sources whose POST /drain is obeyed: the process
                               stops accepting and /readyz fails, live connections go on
                               (default 127.0.0.0/8,::1/128; repeatable)
  --client-hello-timeout DUR   deadline for the complete ClientHello (default 5s)
  --connect-timeout DUR        deadline for each backend connection attempt (default 5s)
  --connect-budget DUR         deadline for all of a connection's attempts together (default 10s)
  --max-connect-attempts N     backends tried per connection, at most (default 4)
  --outlier-failures N         connects failed in a row after which a backend is passed over
                               (ejected) by every route; 0 turns ejection off (default 5)
  --outlier-ejection DUR       the first ejection; each one in a row doubles it (default 10s)
  --outlier-max-ejection DUR   the longest ejection (default 5m)
  --idle-timeout DUR           close a proxied connection idle this long both ways (default 1h)
  --half-close-timeout DUR     once one direction has ended, close the connection when the other
                               has been idle this long (default 1m)
  --drain-timeout DUR          on SIGTERM, how long open connections may finish (default 30s)
  --max-connections N          open client connections beyond which new ones are closed at once
                               (default: from the open-file limit, six descriptors each, as a
                               busy connection holds two sockets and two pipes, after the
                               workers' pooled pipes and 64 for the process)
  --max-client-hello BYTES     largest ClientHello handshake accepted (default 65536, min 16384)
  --client-hello-memory BYTES  memory all incomplete ClientHellos may hold together; a client
                               whose partial hello would exceed it is refused (default 67108864)
  --log-level LEVEL            debug, info, warn or error (default info; connection lines are info)
  --access-log on|off          one JSON line per connection, at info level (default on; fields:
                               docs/dataplane.md, "Access log")
  --access-log-sample FRACTION share of the connections that end well (outcome ok) that are
                               logged, 0 to 1, spread evenly, per worker (default 1); every
                               other connection is always logged
  --help                       this text
  --version                    print the version

Durations take a unit: ms, s, m or h (5s, 250ms, 1h).
Signals: SIGTERM/SIGINT stop accepting and drain, then exit; SIGHUP re-reads --routes.
)";
}

Options parse_options(int argc, const char* const argv[]) {
  Options options;
  options.admin_listen = parse_endpoint("127.0.0.1:9090");
  for (int i = 1; i < argc; ++i) {
    std::string_view flag = argv[i];
    std::string inline_value;
    bool has_inline = false;  // "--flag=" gives an empty value; it must not take the next argument
    if (auto equals = flag.find('='); flag.starts_with("--") && equals != std::string_view::npos) {
      inline_value = std::string(flag.substr(equals + 1));
      flag = flag.substr(0, equals);
      has_inline = true;
    }
    auto value = [&]() -> std::string {
      if (has_inline) return inline_value;
      if (i + 1 >= argc) throw std::invalid_argument(std::string(flag) + " needs a value");
      return argv[++i];
    };
    auto with_flag = [&](auto parse) {
      std::string text = value();
      try {
        return parse(text);
      } catch (const std::invalid_argument& error) {
        throw std::invalid_argument(std::string(flag) + ": " + error.what());
      }
    };
    if (flag == "--help" || flag == "-h") {
      options.help = true;
    } else if (flag == "--version") {
      options.version = true;
    } else if (flag == "--listen") {
      options.listen.push_back(with_flag(parse_endpoint));
    } else if (flag == "--scoped-listen") {
      options.scoped_listen.push_back(with_flag(parse_endpoint));
      if (options.scoped_listen.back().port() == 0) throw std::invalid_argument("--scoped-listen needs a port, 1-65535");
    } else if (flag == "--proxy-protocol-listen") {
      options.proxy_protocol_listen.push_back(with_flag(parse_endpoint));
    } else if (flag == "--proxy-protocol-from") {
      for (const auto& range : with_flag(parse_source_ranges)) options.proxy.proxy_protocol_from.push_back(range);
    } else if (flag == "--workers") {
      options.workers = parse_number(value(), flag);
      if (options.workers == 0 || options.workers > 1024) throw std::invalid_argument("--workers must be 1-1024");
    } else if (flag == "--routes") {
      options.routes_file = value();
    } else if (flag == "--control-socket") {
      options.control_socket = value();
    } else if (flag == "--control-socket-mode") {
      options.control_socket_mode = static_cast<mode_t>(parse_number(value(), flag, 8));
      if (options.control_socket_mode > 0777) throw std::invalid_argument("--control-socket-mode must be at most 0777");
    } else if (flag == "--admin-listen") {
      options.admin_listen = with_flag(parse_endpoint);
    } else if (flag == "--admin-drain-from") {
      for (const auto& range : with_flag(parse_source_ranges)) options.admin_drain_from.push_back(range);
    } else if (flag == "--client-hello-timeout") {
      options.proxy.client_hello_timeout = with_flag(parse_duration);
    } else if (flag == "--connect-timeout") {
      options.proxy.connect_timeout = with_flag(parse_duration);
    } else if (flag == "--connect-budget") {
      options.proxy.connect_budget = with_flag(parse_duration);
    } else if (flag == "--max-connect-attempts") {
      options.proxy.max_connect_attempts = parse_number(value(), flag);
      if (options.proxy.max_connect_attempts == 0) throw std::invalid_argument("--max-connect-attempts must be at least 1");
    } else if (flag == "--outlier-failures") {
      const auto failures = parse_number(value(), flag);
      if (failures > 1'000'000) throw std::invalid_argument("--outlier-failures must be at most 1000000");
      options.proxy.outlier_detection.failures = static_cast<std::uint32_t>(failures);
    } else if (flag == "--outlier-ejection") {
      options.proxy.outlier_detection.ejection = with_flag(parse_duration);
    } else if (flag == "--outlier-max-ejection") {
      options.proxy.outlier_detection.max_ejection = with_flag(parse_duration);
    } else if (flag == "--idle-timeout") {
      options.proxy.idle_timeout = with_flag(parse_duration);
    } else if (flag == "--half-close-timeout") {
      options.proxy.half_close_timeout = with_flag(parse_duration);
    } else if (flag == "--client-hello-memory") {
      options.proxy.client_hello_memory = parse_number(value(), flag);
    } else if (flag == "--drain-timeout") {
      options.drain_timeout = with_flag(parse_duration);
    } else if (flag == "--max-connections") {
      options.max_connections = parse_number(value(), flag);
    } else if (flag == "--max-client-hello") {
      options.proxy.max_client_hello_bytes = parse_number(value(), flag);
      if (options.proxy.max_client_hello_bytes < 16384 || options.proxy.max_client_hello_bytes > (1u << 24)) {
        throw std::invalid_argument("--max-client-hello must be 16384-16777216");
      }
    } else if (flag == "--access-log") {
      options.proxy.access_log = with_flag(parse_on_off);
    } else if (flag == "--access-log-sample") {
      options.proxy.access_log_sample = with_flag(parse_fraction);
    } else if (flag == "--log-level") {
      std::string level = value();
      auto parsed = log::parse_level(level);
      if (!parsed) throw std::invalid_argument("--log-level: \"" + level + "\" is not debug, info, warn or error");
      options.log_level = *parsed;
    } else {
      throw std::invalid_argument("unknown flag " + std::string(flag) + " (see --help)");
    }
  }
  if (options.help || options.version) return options;
  if (!options.proxy_protocol_listen.empty() && options.proxy.proxy_protocol_from.empty()) {
    throw std::invalid_argument("--proxy-protocol-listen needs --proxy-protocol-from: whoever may send the header decides "
                                "what client address every connection has");
  }
  if (options.listen.empty() && options.proxy_protocol_listen.empty()) {
    options.listen.push_back(parse_endpoint("0.0.0.0:8443"));
    options.optional_listen.push_back(parse_endpoint("[::]:8443"));
  }
  check_scoped_listen(options);
  if (options.workers == 0) options.workers = usable_cpus();
  if (const auto& outliers = options.proxy.outlier_detection; outliers.ejection <= std::chrono::milliseconds(0) ||
                                                             outliers.max_ejection < outliers.ejection) {
    throw std::invalid_argument("--outlier-ejection must be positive and at most --outlier-max-ejection");
  }
  if (options.admin_drain_from.empty()) options.admin_drain_from = parse_source_ranges("127.0.0.0/8,::1/128");
  if (options.routes_file.empty() && options.control_socket.empty()) {
    throw std::invalid_argument("one of --routes or --control-socket is required");
  }
  for (auto timeout : {options.proxy.client_hello_timeout, options.proxy.connect_timeout, options.proxy.connect_budget,
                       options.proxy.idle_timeout, options.proxy.half_close_timeout}) {
    if (timeout.count() == 0) throw std::invalid_argument("timeouts must be greater than zero");
  }
  return options;
}

}  // namespace snigate
