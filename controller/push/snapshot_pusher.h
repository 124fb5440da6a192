// Keeps the dataplane's snapshot equal to the latest translation. A change after a quiet spell is
// pushed at once; the changes of a burst that follows become one push once the burst is quiet (or
// at most `max_delay` after its first offer); nothing is pushed when the content did not change; each push takes the dataplane's generation + 1, learnt on
// every (re)connect, so a restarted dataplane or controller continues the sequence; a dataplane
// that went away is reconnected to with backoff and given the current snapshot.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "backoff.h"
#include "push/control_socket.h"
#include "snapshot/snapshot.h"
#include "stop_signal.h"
#include "telemetry/controller_metrics.h"

namespace snigate::controller::push {

struct PushSettings {
  std::string socket_path{};
  std::chrono::milliseconds quiet_period{20};
  std::chrono::milliseconds max_delay{100};
  std::chrono::milliseconds liveness_check_interval{100};
};

class SnapshotPusher {
 public:
  using Clock = std::chrono::steady_clock;

  SnapshotPusher(PushSettings settings, telemetry::ControllerMetrics& metrics, StopSignal& stop);

  // The snapshot the dataplane should hold (its generation is ignored); `changed_at` is when the
  // change that produced it was seen, for the latency metric. Returns the offer's number: 1, 2, ...
  std::uint64_t offer(snapshot::Snapshot wanted, Clock::time_point changed_at);

  // The number of the latest offer the dataplane holds the content of (acknowledged, or held
  // already when we connected); every offer up to it is served or superseded. 0: none yet.
  std::uint64_t acknowledged_offer() const { return acknowledged_offer_; }

  // Pushes until the stop signal.
  void run();

  // Whether the pusher is connected to the dataplane now and the dataplane acknowledged a snapshot
  // on this connection, or held the one we want when we connected. False from the moment the
  // connection is found broken (within a liveness check interval) until a new one is in sync.
  bool in_sync() const { return in_sync_; }

  // Whether a connection to the dataplane is open: false from the moment the dataplane is found to
  // have closed it (within a liveness check interval) until a reconnect.
  bool connected() const { return connected_; }

 private:
  // Waits for an offer (and, within a burst, its quiet period), then moves it into wanted_; false
  // on a timeout with nothing new, or stop.
  bool take_offer(Clock::time_point& first_change);
  bool connect();
  void deliver(Clock::time_point first_change);
  void drop_connection();
  // Nothing to do: the dataplane holds what we want, or refused it for good.
  bool settled() const;

  static constexpr int kMaxRefusals = 2;

  PushSettings settings_;
  telemetry::ControllerMetrics& metrics_;
  StopSignal& stop_;

  // Shared, never copied: at 10,000 routes a copy of a snapshot costs milliseconds. The content is
  // what counts; the generation of wanted_ is set just before it is sent.
  using SnapshotPointer = std::shared_ptr<snapshot::Snapshot>;

  std::mutex mutex_;
  std::condition_variable offered_;
  SnapshotPointer offer_;
  std::uint64_t offers_ = 0;  // the number of the latest offer
  std::uint64_t offer_number_ = 0;  // of offer_
  Clock::time_point first_offer_at_{};
  Clock::time_point last_offer_at_{};
  std::atomic<bool> in_sync_{false};
  std::atomic<bool> connected_{false};
  std::atomic<std::uint64_t> acknowledged_offer_{0};

  // Owned by the run() thread.
  std::unique_ptr<ControlSocketConnection> connection_;
  SnapshotPointer wanted_;           // the latest offer taken
  std::uint64_t wanted_number_ = 0;  // its offer number
  SnapshotPointer dataplane_holds_;  // content only; generation in dataplane_generation_
  SnapshotPointer refused_;          // not offered again until the content changes
  int refusals_ = 0;                 // of refused_, in a row
  std::uint64_t dataplane_generation_ = 0;
  Clock::time_point last_delivery_at_{};  // read by take_offer() on the same thread
  Backoff reconnect_backoff_{std::chrono::milliseconds(100), std::chrono::milliseconds(5000)};
};

}  // namespace snigate::controller::push
