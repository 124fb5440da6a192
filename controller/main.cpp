// snigate-controller: keeps a snigate-dataplane's routes equal to what the Kubernetes API says.
#include <unistd.h>

#include <csignal>
#include <iostream>

#include "controller.h"
#include "kube/api_client.h"
#include "kube/cluster_config.h"

int main(int argc, char** argv) {
  using namespace snigate::controller;
  // Blocked before any thread starts, so that every thread inherits the mask and run_controller's
  // sigwait is the one place that receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  Options options;
  try {
    options = parse_options(argc, argv);
  } catch (const UsageError& error) {
    std::cerr << "snigate-controller: " << error.what() << "\n";
    return 2;
  }
  if (options.help) {
    std::cout << usage();
    return 0;
  }
  if (options.version) {
    std::cout << "snigate-controller 0.1.0\n";
    return 0;
  }
  log::set_output(STDERR_FILENO);
  log::set_level(options.log_level);
  try {
    return options.dump_snapshot ? dump_snapshot(options) : run_controller(options);
  } catch (const kube::ConfigError& error) {
    log::write(log::Level::error, "cannot configure the Kubernetes client", {{"error", error.what()}});
  } catch (const kube::ApiUnreachable& error) {
    log::write(log::Level::error, "cannot reach the Kubernetes API", {{"error", error.what()}});
  } catch (const std::exception& error) {
    log::write(log::Level::error, "snigate-controller failed", {{"error", error.what()}});
  }
  return 1;
}
