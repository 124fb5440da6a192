// The thread that decodes snapshots and builds route tables, one at a time, so that the control
// thread (signals, /healthz, /readyz, /metrics, the control socket's I/O) never waits for a big
// snapshot: /healthz is the liveness probe, and a probe that times out restarts the pod.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <thread>
#include <utility>

namespace snigate::control {

class SnapshotApplier {
 public:
  SnapshotApplier() : work_(io_.get_executor()), thread_([this] { io_.run(); }) {}
  // Jobs not started yet are dropped: the process is stopping.
  ~SnapshotApplier() {
    io_.stop();
    thread_.join();
  }
  SnapshotApplier(const SnapshotApplier&) = delete;
  SnapshotApplier& operator=(const SnapshotApplier&) = delete;

  // Runs `job` on the applier's thread, after those posted before it.
  template <typename Job>
  void post(Job&& job) {
    boost::asio::post(io_, std::forward<Job>(job));
  }

 private:
  boost::asio::io_context io_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
};

}  // namespace snigate::control
