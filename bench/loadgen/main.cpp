// snigate-loadgen: drives one benchmark workload against a proxy (or a backend directly) and
// prints its result as one JSON object on stdout.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <map>
#include <string>
#include <string_view>

#include "../common/client_hello.hpp"
#include "../common/loopback_address.hpp"
#include "../common/open_file_limit.hpp"
#include "bulk_workload.hpp"
#include "connection_workload.hpp"
#include "idle_workload.hpp"

namespace {

constexpr const char* kUsage = R"(usage: snigate-loadgen --workload connections|bulk|idle --target ADDR --sni NAME [options]
  --target ADDR          proxy (or backend) address, 127.x.y.z:PORT
  --sni NAME             server name in the ClientHello
  --hello SHAPE          post-quantum (X25519MLKEM768, ~1.8 KB, default) or classic (512 B)
connections (new connections; churn):
  --concurrency N        connections in flight (closed loop) or cap on them (open loop); default 64
  --rate N               connections started per second, open loop; default 0 = closed loop
  --warmup-ms N          not counted, before the measured window; default 500
  --duration-ms N        measured window; default 5000
  --timeout-ms N         per connection; default 3000
bulk:
  --direction D          upload, download or both; default upload
  --connections N        parallel connections; default 1
  --bytes N              payload per connection and direction, bytes; default 1073741824
  --timeout-ms N         for the whole run; default 120000
idle:
  --connections N        connections to open and hold; default 5000
  --hold-ms N            longest hold; closing stdin ends it earlier; default 60000
  --timeout-ms N         for setting all of them up; default 60000
)";

class Arguments {
public:
    Arguments(int argc, char** argv) {
        for (int i = 1; i < argc; ++i) {
            const std::string_view flag = argv[i];
            if (flag == "--help" || flag == "-h") throw HelpRequested{};
            if (flag.substr(0, 2) != "--" || i + 1 >= argc) {
                throw std::invalid_argument("expected --option VALUE at '" + std::string(flag) + "'");
            }
            values_[std::string(flag.substr(2))] = argv[++i];
        }
    }
    struct HelpRequested {};

    std::string text(const std::string& name, const std::string& fallback = "") {
        used_[name] = true;
        const auto found = values_.find(name);
        if (found != values_.end()) return found->second;
        if (fallback.empty()) throw std::invalid_argument("--" + name + " is required");
        return fallback;
    }
    std::uint64_t number(const std::string& name, std::uint64_t fallback) {
        const auto value = text(name, std::to_string(fallback));
        char* end = nullptr;
        const auto parsed = std::strtoull(value.c_str(), &end, 10);
        if (value.empty() || *end != '\0') throw std::invalid_argument("--" + name + ": not a whole number: " + value);
        return parsed;
    }
    std::chrono::milliseconds milliseconds(const std::string& name, std::uint64_t fallback) {
        return std::chrono::milliseconds(number(name, fallback));
    }
    void reject_unused() const {
        for (const auto& [name, value] : values_) {
            if (!used_.count(name)) throw std::invalid_argument("--" + name + " does not apply to this workload");
        }
    }

private:
    std::map<std::string, std::string> values_;
    std::map<std::string, bool> used_;
};

ClientHelloShape parse_shape(const std::string& text) {
    if (text == "post-quantum") return ClientHelloShape::post_quantum;
    if (text == "classic") return ClientHelloShape::classic;
    throw std::invalid_argument("--hello: expected post-quantum or classic, got " + text);
}

BulkDirection parse_direction(const std::string& text) {
    if (text == "upload") return BulkDirection::upload;
    if (text == "download") return BulkDirection::download;
    if (text == "both") return BulkDirection::both;
    throw std::invalid_argument("--direction: expected upload, download or both, got " + text);
}

std::string run(Arguments& arguments) {
    const auto workload = arguments.text("workload");
    const auto target = parse_loopback_address(arguments.text("target"));
    auto hello = build_client_hello(arguments.text("sni"), parse_shape(arguments.text("hello", "post-quantum")));
    if (workload == "connections") {
        ConnectionWorkloadOptions options;
        options.target = target;
        options.client_hello = std::move(hello);
        options.concurrency = static_cast<unsigned>(arguments.number("concurrency", 64));
        options.rate_per_s = static_cast<double>(arguments.number("rate", 0));
        options.warmup = arguments.milliseconds("warmup-ms", 500);
        options.duration = arguments.milliseconds("duration-ms", 5000);
        options.timeout = arguments.milliseconds("timeout-ms", 3000);
        arguments.reject_unused();
        return run_connection_workload(options).to_json();
    }
    if (workload == "bulk") {
        BulkWorkloadOptions options;
        options.target = target;
        options.client_hello = std::move(hello);
        options.direction = parse_direction(arguments.text("direction", "upload"));
        options.connections = static_cast<unsigned>(arguments.number("connections", 1));
        options.bytes_per_connection = arguments.number("bytes", 1ULL << 30);
        options.timeout = arguments.milliseconds("timeout-ms", 120000);
        arguments.reject_unused();
        return run_bulk_workload(options).to_json();
    }
    if (workload == "idle") {
        IdleWorkloadOptions options;
        options.target = target;
        options.client_hello = std::move(hello);
        options.connections = static_cast<unsigned>(arguments.number("connections", 5000));
        options.hold = arguments.milliseconds("hold-ms", 60000);
        options.setup_timeout = arguments.milliseconds("timeout-ms", 60000);
        arguments.reject_unused();
        return run_idle_workload(options).to_json();
    }
    throw std::invalid_argument("--workload: expected connections, bulk or idle, got " + workload);
}

}  // namespace

int main(int argc, char** argv) {
    try {
        Arguments arguments(argc, argv);
        raise_open_file_limit();
        std::signal(SIGPIPE, SIG_IGN);
        std::printf("%s\n", run(arguments).c_str());
        return 0;
    } catch (const Arguments::HelpRequested&) {
        std::fputs(kUsage, stdout);
        return 0;
    } catch (const std::exception& error) {
        std::fprintf(stderr, "snigate-loadgen: %s\n%s", error.what(), kUsage);
        return 2;
    }
}
