// snigate-bench-backend: the server behind every peer in the benchmark suite.
#include <csignal>
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "../common/loopback_address.hpp"
#include "../common/open_file_limit.hpp"
#include "backend_server.hpp"

namespace {

volatile bool stop_requested = false;

void request_stop(int) { stop_requested = true; }

constexpr const char* kUsage = R"(usage: snigate-bench-backend [--reply ADDR] [--sink ADDR] [--source ADDR] [--echo ADDR]...
Reads a TLS ClientHello on each connection (without terminating TLS), then, by listening port:
  --reply ADDR   answer with 128 bytes and close (new-connection and churn workloads)
  --sink ADDR    read an 8-byte big-endian size and that many bytes, answer the size (bulk upload)
  --source ADDR  read an 8-byte big-endian size, send that many bytes, close (bulk download)
  --echo ADDR    echo every byte after the ClientHello (bulk both ways, idle)
ADDR is 127.x.y.z:PORT; every option may repeat. Runs until SIGTERM or SIGINT.
)";

}  // namespace

int main(int argc, char** argv) {
    try {
        std::vector<BackendListener> listeners;
        for (int i = 1; i < argc; ++i) {
            const std::string_view flag = argv[i];
            if (flag == "--help" || flag == "-h") {
                std::fputs(kUsage, stdout);
                return 0;
            }
            if (i + 1 >= argc) throw std::invalid_argument(std::string(flag) + ": missing ADDR");
            const auto address = parse_loopback_address(argv[++i]);
            if (flag == "--reply") listeners.push_back({address, BackendMode::reply});
            else if (flag == "--sink") listeners.push_back({address, BackendMode::sink});
            else if (flag == "--source") listeners.push_back({address, BackendMode::source});
            else if (flag == "--echo") listeners.push_back({address, BackendMode::echo});
            else throw std::invalid_argument("unknown option " + std::string(flag));
        }
        if (listeners.empty()) throw std::invalid_argument("no listener given");
        raise_open_file_limit();
        std::signal(SIGTERM, request_stop);
        std::signal(SIGINT, request_stop);
        std::signal(SIGPIPE, SIG_IGN);
        BackendServer server(listeners);
        server.run(stop_requested);
        return 0;
    } catch (const std::exception& error) {
        std::fprintf(stderr, "snigate-bench-backend: %s\n%s", error.what(), kUsage);
        return 2;
    }
}
