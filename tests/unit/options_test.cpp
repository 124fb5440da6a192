// snigate-dataplane's command line: durations, endpoints, defaults and the error texts users see.
#include "options.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace snigate {
namespace {

using namespace std::chrono_literals;
using boost::asio::ip::make_address;
using boost::asio::ip::tcp;

Options parse(std::vector<const char*> flags) {
  flags.insert(flags.begin(), "snigate-dataplane");
  return parse_options(static_cast<int>(flags.size()), flags.data());
}

// The message parse_options refuses `flags` with, or a failure when it accepts them.
std::string refusal(std::vector<const char*> flags) {
  try {
    parse(std::move(flags));
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  ADD_FAILURE() << "accepted";
  return {};
}

TEST(Options, DurationsTakeAUnit) {
  EXPECT_EQ(parse_duration("250ms"), 250ms);
  EXPECT_EQ(parse_duration("5s"), 5s);
  EXPECT_EQ(parse_duration("30m"), 30min);
  EXPECT_EQ(parse_duration("1h"), 1h);
}

TEST(Options, BareNumberIsSeconds) { EXPECT_EQ(parse_duration("7"), 7s); }

TEST(Options, DurationWithoutDigitsIsRefused) {
  for (const char* text : {"", "s", "-1s", " 5s"}) {
    EXPECT_THROW(parse_duration(text), std::invalid_argument) << text;
  }
}

TEST(Options, DurationWithAnUnknownUnitNamesTheUnits) {
  try {
    parse_duration("5d");
    FAIL() << "accepted";
  } catch (const std::invalid_argument& error) {
    EXPECT_STREQ(error.what(), "\"5d\": unknown duration unit (use ms, s, m or h)");
  }
  EXPECT_THROW(parse_duration("1.5s"), std::invalid_argument);
  EXPECT_THROW(parse_duration("5 s"), std::invalid_argument);
}

TEST(Options, DurationTooLongToRepresentIsRefused) {
  EXPECT_THROW(parse_duration("99999999999999999999s"), std::invalid_argument);
  // Fits in 64 bits as hours, but not as milliseconds: must not wrap into a short or negative timeout.
  EXPECT_THROW(parse_duration("9999999999999h"), std::invalid_argument);
  EXPECT_THROW(parse_duration("18446744073709551615ms"), std::invalid_argument);
}

TEST(Options, EndpointsAreIpv4OrBracketedIpv6) {
  EXPECT_EQ(parse_endpoint("0.0.0.0:8443"), tcp::endpoint(make_address("0.0.0.0"), 8443));
  EXPECT_EQ(parse_endpoint("[::1]:9090"), tcp::endpoint(make_address("::1"), 9090));
  EXPECT_EQ(parse_endpoint("[::]:8443"), tcp::endpoint(make_address("::"), 8443));
  EXPECT_EQ(parse_endpoint("127.0.0.1:0"), tcp::endpoint(make_address("127.0.0.1"), 0));
}

TEST(Options, EndpointsMayBeUnbracketedIpv6LikeAPodIpFromTheDownwardApi) {
  // The chart writes "$(POD_IP):9090"; the kubelet substitutes an IPv6 pod IP without brackets.
  EXPECT_EQ(parse_endpoint("fd00:10:244::7:9090"), tcp::endpoint(make_address("fd00:10:244::7"), 9090));
  EXPECT_EQ(parse_endpoint("::1:9090"), tcp::endpoint(make_address("::1"), 9090));
}

TEST(Options, EndpointErrorsSayWhatIsWrong) {
  auto message = [](const char* text) {
    try {
      parse_endpoint(text);
    } catch (const std::invalid_argument& error) {
      return std::string(error.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(message("127.0.0.1"), "\"127.0.0.1\" has no :port");
  EXPECT_EQ(message("localhost:9090"), "\"localhost\" is not an IP address");
  EXPECT_EQ(message("127.0.0.1:65536"), "port 65536 out of range");
  EXPECT_EQ(message("127.0.0.1:http"), "port: \"http\" is not a number");
  EXPECT_EQ(message("127.0.0.1:"), "port: \"\" is not a number");
}

TEST(Options, RoutesFileOrControlSocketIsRequired) {
  EXPECT_EQ(refusal({}), "one of --routes or --control-socket is required");
  EXPECT_EQ(refusal({"--listen", "127.0.0.1:8443"}), "one of --routes or --control-socket is required");
  EXPECT_NO_THROW(parse({"--routes", "/etc/snigate/routes.json"}));
  EXPECT_NO_THROW(parse({"--control-socket", "/run/snigate/control.sock"}));
}

TEST(Options, DefaultsAreThoseTheHelpTextPromises) {
  Options options = parse({"--routes", "routes.json"});
  EXPECT_EQ(options.listen, (std::vector<tcp::endpoint>{{make_address("0.0.0.0"), 8443}}));
  // Issue 13, defect 12: IPv6 clients too, where the host has IPv6.
  EXPECT_EQ(options.optional_listen, (std::vector<tcp::endpoint>{{make_address("::"), 8443}}));
  EXPECT_EQ(options.admin_listen, tcp::endpoint(make_address("127.0.0.1"), 9090));
  EXPECT_GE(options.workers, 1u);
  EXPECT_EQ(options.control_socket_mode, 0600u);
  EXPECT_EQ(options.proxy.client_hello_timeout, 5s);
  EXPECT_EQ(options.proxy.connect_timeout, 5s);
  EXPECT_EQ(options.proxy.idle_timeout, 1h);
  EXPECT_EQ(options.drain_timeout, 30s);
  EXPECT_EQ(options.max_connections, 0u);
  EXPECT_EQ(options.proxy.max_client_hello_bytes, 65536u);
  EXPECT_EQ(options.log_level, log::Level::info);
  EXPECT_TRUE(options.proxy.access_log);
  EXPECT_EQ(options.proxy.access_log_sample, 1.0);
  EXPECT_EQ(options.proxy.outlier_detection.failures, 5u);
  EXPECT_EQ(options.proxy.outlier_detection.ejection, 10s);
  EXPECT_EQ(options.proxy.outlier_detection.max_ejection, 5min);
}

TEST(Options, OutlierDetectionFlags) {
  const Options options = parse({"--routes", "r.json", "--outlier-failures", "0", "--outlier-ejection", "30s",
                                 "--outlier-max-ejection=1h"});
  EXPECT_EQ(options.proxy.outlier_detection.failures, 0u);
  EXPECT_EQ(options.proxy.outlier_detection.ejection, 30s);
  EXPECT_EQ(options.proxy.outlier_detection.max_ejection, 1h);
  EXPECT_EQ(refusal({"--routes", "r.json", "--outlier-ejection", "10m"}),
            "--outlier-ejection must be positive and at most --outlier-max-ejection");
  EXPECT_EQ(refusal({"--routes", "r.json", "--outlier-failures", "1000001"}), "--outlier-failures must be at most 1000000");
}

TEST(Options, ReadsEveryFlag) {
  Options options = parse({"--listen", "127.0.0.1:8443", "--listen=[::1]:8443", "--workers", "3", "--routes",
                           "routes.json", "--control-socket", "/run/c.sock", "--control-socket-mode", "0660",
                           "--admin-listen", "[::1]:9091", "--client-hello-timeout", "2s", "--connect-timeout",
                           "750ms", "--idle-timeout", "10m", "--drain-timeout", "1m", "--max-connections", "5000",
                           "--max-client-hello", "32768", "--log-level", "debug", "--access-log", "off",
                           "--access-log-sample=0.25"});
  EXPECT_EQ(options.listen, (std::vector<tcp::endpoint>{{make_address("127.0.0.1"), 8443}, {make_address("::1"), 8443}}));
  EXPECT_EQ(options.workers, 3u);
  EXPECT_EQ(options.routes_file, "routes.json");
  EXPECT_EQ(options.control_socket, "/run/c.sock");
  EXPECT_EQ(options.control_socket_mode, 0660u);
  EXPECT_EQ(options.admin_listen, tcp::endpoint(make_address("::1"), 9091));
  EXPECT_EQ(options.proxy.client_hello_timeout, 2s);
  EXPECT_EQ(options.proxy.connect_timeout, 750ms);
  EXPECT_EQ(options.proxy.idle_timeout, 10min);
  EXPECT_EQ(options.drain_timeout, 1min);
  EXPECT_EQ(options.max_connections, 5000u);
  EXPECT_EQ(options.proxy.max_client_hello_bytes, 32768u);
  EXPECT_EQ(options.log_level, log::Level::debug);
  EXPECT_FALSE(options.proxy.access_log);
  EXPECT_EQ(options.proxy.access_log_sample, 0.25);
}

TEST(Options, AccessLogSampleIsAShareFromZeroToOne) {
  for (const char* share : {"0", "1", "0.5", "1.0", ".1"}) {
    EXPECT_NO_THROW(parse({"--routes", "r.json", "--access-log-sample", share})) << share;
  }
  EXPECT_EQ(parse({"--routes", "r.json", "--access-log-sample", "0"}).proxy.access_log_sample, 0.0);
  for (const char* share : {"1.5", "-0.1", "half", "", "nan", "inf", "1e-1", "0.5x"}) {
    EXPECT_EQ(refusal({"--routes", "r.json", "--access-log-sample", share}),
              std::string("--access-log-sample: \"") + share + "\" is not a number from 0 to 1");
  }
}

TEST(Options, AccessLogIsOnOrOff) {
  EXPECT_TRUE(parse({"--routes", "r.json", "--access-log", "on"}).proxy.access_log);
  EXPECT_EQ(refusal({"--routes", "r.json", "--access-log", "yes"}), "--access-log: \"yes\" is not on or off");
}

TEST(Options, UnknownFlagIsNamedWithAPointerToHelp) {
  EXPECT_EQ(refusal({"--routes", "r.json", "--listne", "127.0.0.1:1"}), "unknown flag --listne (see --help)");
  EXPECT_EQ(refusal({"--routes", "r.json", "--bogus=1"}), "unknown flag --bogus (see --help)");
  EXPECT_EQ(refusal({"routes.json"}), "unknown flag routes.json (see --help)");
}

TEST(Options, FlagErrorsNameTheFlag) {
  EXPECT_EQ(refusal({"--routes"}), "--routes needs a value");
  EXPECT_EQ(refusal({"--routes", "r.json", "--listen", "localhost:8443"}),
            "--listen: \"localhost\" is not an IP address");
  EXPECT_EQ(refusal({"--routes", "r.json", "--idle-timeout", "5x"}),
            "--idle-timeout: \"5x\": unknown duration unit (use ms, s, m or h)");
  EXPECT_EQ(refusal({"--routes", "r.json", "--workers", "many"}), "--workers: \"many\" is not a number");
  EXPECT_EQ(refusal({"--routes", "r.json", "--log-level", "verbose"}),
            "--log-level: \"verbose\" is not debug, info, warn or error");
}

TEST(Options, ValuesOutOfRangeAreRefused) {
  EXPECT_EQ(refusal({"--routes", "r.json", "--workers", "0"}), "--workers must be 1-1024");
  EXPECT_EQ(refusal({"--routes", "r.json", "--max-client-hello", "16383"}), "--max-client-hello must be 16384-16777216");
  EXPECT_EQ(refusal({"--routes", "r.json", "--control-socket-mode", "1777"}),
            "--control-socket-mode must be at most 0777");
  EXPECT_EQ(refusal({"--routes", "r.json", "--control-socket-mode", "0680"}),
            "--control-socket-mode: \"0680\" is not a number");
  EXPECT_EQ(refusal({"--routes", "r.json", "--connect-timeout", "0s"}), "timeouts must be greater than zero");
}

TEST(Options, ProxyProtocolListenersNeedTheBalancersTheyTrust) {
  const Options options = parse({"--routes", "r.json", "--proxy-protocol-listen", "0.0.0.0:8443",
                                 "--proxy-protocol-from", "10.0.0.0/16,fd00::/8", "--proxy-protocol-from=192.0.2.7"});
  EXPECT_EQ(options.proxy_protocol_listen, (std::vector<tcp::endpoint>{{make_address("0.0.0.0"), 8443}}));
  EXPECT_TRUE(options.listen.empty()) << "no default listener beside the balancer's";
  std::vector<std::string> trusted;
  for (const auto& range : options.proxy.proxy_protocol_from) trusted.push_back(range.to_string());
  EXPECT_EQ(trusted, (std::vector<std::string>{"10.0.0.0/16", "fd00::/8", "192.0.2.7/32"}));
  EXPECT_EQ(refusal({"--routes", "r.json", "--proxy-protocol-listen", "0.0.0.0:8443"}),
            "--proxy-protocol-listen needs --proxy-protocol-from: whoever may send the header decides what client "
            "address every connection has");
  EXPECT_EQ(refusal({"--routes", "r.json", "--proxy-protocol-from", "10.0.0.1/8"}),
            "--proxy-protocol-from: \"10.0.0.1/8\" has address bits set past its /8 prefix");
  EXPECT_EQ(refusal({"--routes", "r.json", "--proxy-protocol-from", ","}), "--proxy-protocol-from: no address range given");
}

TEST(Options, ScopedListenersLeaveTheDefaultListenerInPlace) {
  const Options options = parse({"--routes", "r.json", "--scoped-listen", "127.0.0.1:10001", "--scoped-listen=[::1]:10002"});
  EXPECT_EQ(options.scoped_listen,
            (std::vector<tcp::endpoint>{{make_address("127.0.0.1"), 10001}, {make_address("::1"), 10002}}));
  EXPECT_EQ(options.listen, (std::vector<tcp::endpoint>{{make_address("0.0.0.0"), 8443}}));
  EXPECT_EQ(options.optional_listen, (std::vector<tcp::endpoint>{{make_address("::"), 8443}}));
  const Options beside = parse({"--routes", "r.json", "--listen", "127.0.0.1:8443", "--scoped-listen", "127.0.0.1:10001"});
  EXPECT_EQ(beside.listen, (std::vector<tcp::endpoint>{{make_address("127.0.0.1"), 8443}}));
  EXPECT_TRUE(beside.optional_listen.empty());
}

TEST(Options, AScopedListenerMayNotShareAPlainListenersAddress) {
  EXPECT_EQ(refusal({"--routes", "r.json", "--scoped-listen", "127.0.0.1:8443"}),
            "--scoped-listen 127.0.0.1:8443 overlaps the plain listener 0.0.0.0:8443: its clients would reach either");
  EXPECT_EQ(refusal({"--routes", "r.json", "--listen", "127.0.0.1:9000", "--scoped-listen", "0.0.0.0:9000"}),
            "--scoped-listen 0.0.0.0:9000 overlaps the plain listener 127.0.0.1:9000: its clients would reach either");
  EXPECT_EQ(refusal({"--routes", "r.json", "--scoped-listen", "127.0.0.1:0"}), "--scoped-listen needs a port, 1-65535");
  EXPECT_EQ(refusal({"--routes", "r.json", "--scoped-listen", "localhost:10001"}).rfind("--scoped-listen: ", 0), 0u);
  EXPECT_NO_THROW(parse({"--routes", "r.json", "--listen", "127.0.0.1:9000", "--scoped-listen", "127.0.0.2:9000"}))
      << "another address, another socket";
}

TEST(Options, DrainIsAnsweredForLoopbackUnlessOtherSourcesAreNamed) {
  const auto texts = [](const std::vector<snapshot::SourceRange>& ranges) {
    std::vector<std::string> out;
    for (const auto& range : ranges) out.push_back(range.to_string());
    return out;
  };
  EXPECT_EQ(texts(parse({"--routes", "r.json"}).admin_drain_from), (std::vector<std::string>{"127.0.0.0/8", "::1/128"}));
  EXPECT_EQ(texts(parse({"--routes", "r.json", "--admin-drain-from", "10.0.0.0/8", "--admin-drain-from=192.0.2.7"})
                      .admin_drain_from),
            (std::vector<std::string>{"10.0.0.0/8", "192.0.2.7/32"}))
      << "naming sources replaces loopback";
  EXPECT_EQ(refusal({"--routes", "r.json", "--admin-drain-from", "10.0.0.1/8"}),
            "--admin-drain-from: \"10.0.0.1/8\" has address bits set past its /8 prefix");
}

TEST(Options, EmptyInlineValueDoesNotSwallowTheNextFlag) {
  Options options = parse({"--control-socket", "/run/c.sock", "--routes=", "--workers", "2"});
  EXPECT_EQ(options.routes_file, "");
  EXPECT_EQ(options.workers, 2u);
}

TEST(Options, HelpAndVersionNeedNoRoutes) {
  EXPECT_TRUE(parse({"--help"}).help);
  EXPECT_TRUE(parse({"-h"}).help);
  EXPECT_TRUE(parse({"--version"}).version);
}

TEST(Options, HelpListsEveryFlag) {
  for (const char* flag : {"--listen", "--workers", "--routes", "--control-socket", "--control-socket-mode",
                           "--admin-listen", "--client-hello-timeout", "--connect-timeout", "--idle-timeout",
                           "--drain-timeout", "--max-connections", "--max-client-hello", "--log-level", "--help",
                           "--version", "--proxy-protocol-listen", "--proxy-protocol-from", "--admin-drain-from",
                           "--access-log", "--access-log-sample", "--scoped-listen"}) {
    EXPECT_NE(usage().find(std::string("  ") + flag + " "), std::string::npos) << flag;
  }
}

}  // namespace
}  // namespace snigate
