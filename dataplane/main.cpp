// snigate-dataplane: see --help, README.md and docs/dataplane.md.
#include <sys/resource.h>

#include <csignal>
#include <iostream>

#include "dataplane.h"
#include "log/log.h"
#include "options.h"
#include "proxy/descriptor_plan.h"

#ifndef SNIGATE_VERSION
#define SNIGATE_VERSION "dev"
#endif

namespace {

// Each proxied connection needs many descriptors: take all the kernel allows us.
rlim_t raise_open_file_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);
  ::getrlimit(RLIMIT_NOFILE, &limit);
  return limit.rlim_cur;
}

}  // namespace

int main(int argc, char* argv[]) {
  snigate::Options options;
  try {
    options = snigate::parse_options(argc, argv);
  } catch (const std::exception& error) {
    std::cerr << "snigate-dataplane: " << error.what() << "\n";
    return 2;
  }
  if (options.help) {
    std::cout << snigate::usage();
    return 0;
  }
  if (options.version) {
    std::cout << "snigate-dataplane " << SNIGATE_VERSION << "\n";
    return 0;
  }
  snigate::log::set_level(options.log_level);
  // Workers never wait for stdout: a slow reader costs dropped (and counted) lines, not traffic.
  snigate::log::BackgroundWriter log_writer;
  // A peer that closes while we splice to it must surface as EPIPE, not kill the process.
  std::signal(SIGPIPE, SIG_IGN);
  auto plan = snigate::proxy::plan_descriptors(raise_open_file_limit(), options.workers);
  if (options.max_connections == 0) options.max_connections = plan.max_connections;
  options.proxy.idle_pipes_per_worker = plan.idle_pipes_per_worker;
  try {
    snigate::Dataplane dataplane(std::move(options));
    return dataplane.run();
  } catch (const std::exception& error) {
    snigate::log::write(snigate::log::Level::error, "dataplane failed to start", {{"error", error.what()}});
    std::cerr << "snigate-dataplane: " << error.what() << "\n";
    return 1;
  }
}
