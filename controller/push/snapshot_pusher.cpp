#include "push/snapshot_pusher.h"

#include <nlohmann/json.hpp>

#include "telemetry/log.h"

namespace snigate::controller::push {
namespace {

// The generation is the pusher's to number; two snapshots with the same routes are the same.
bool same_content(const std::shared_ptr<snapshot::Snapshot>& a, const std::shared_ptr<snapshot::Snapshot>& b) {
  if (a == b) return true;
  if (!a || !b) return false;
  return a->routes == b->routes && a->default_backend == b->default_backend;
}

}  // namespace

SnapshotPusher::SnapshotPusher(PushSettings settings, telemetry::ControllerMetrics& metrics, StopSignal& stop)
    : settings_(std::move(settings)), metrics_(metrics), stop_(stop) {
  stop_.on_stop([this] {
    std::lock_guard lock(mutex_);
    offered_.notify_all();
  });
}

std::uint64_t SnapshotPusher::offer(snapshot::Snapshot wanted, Clock::time_point changed_at) {
  std::lock_guard lock(mutex_);
  if (!offer_) first_offer_at_ = changed_at;
  offer_ = std::make_shared<snapshot::Snapshot>(std::move(wanted));
  offer_number_ = ++offers_;
  last_offer_at_ = Clock::now();
  offered_.notify_all();
  return offer_number_;
}

bool SnapshotPusher::take_offer(Clock::time_point& first_change) {
  std::unique_lock lock(mutex_);
  offered_.wait_for(lock, settings_.liveness_check_interval, [this] { return offer_ || stop_.stopped(); });
  if (!offer_) return false;
  // A change after a quiet spell goes at once. Within a burst (an offer soon after the last
  // push), wait while offers keep coming, but never past max_delay from the first one.
  const bool in_burst = first_offer_at_ - last_delivery_at_ < settings_.quiet_period;
  while (in_burst && !stop_.stopped()) {
    const auto deadline = std::min(last_offer_at_ + settings_.quiet_period, first_offer_at_ + settings_.max_delay);
    if (Clock::now() >= deadline) break;
    offered_.wait_until(lock, deadline);
  }
  wanted_ = std::move(offer_);
  wanted_number_ = offer_number_;
  offer_.reset();
  first_change = first_offer_at_;
  return true;
}

void SnapshotPusher::run() {
  // When the change that the dataplane has not acknowledged yet was seen; unset: nothing pending.
  constexpr Clock::time_point kUnset{};
  Clock::time_point unacknowledged_since = kUnset;
  while (!stop_.stopped()) {
    if (Clock::time_point first_change; take_offer(first_change) && unacknowledged_since == kUnset) {
      unacknowledged_since = first_change;
    }
    if (!wanted_ || stop_.stopped()) continue;
    if (connection_ && connection_->peer_closed()) {
      log::write(log::Level::warn, "the dataplane closed the control socket; reconnecting", {{"socket", settings_.socket_path}});
      drop_connection();
    }
    if (!connection_ && !connect()) {
      if (!stop_.sleep_for(reconnect_backoff_.next())) return;
      continue;
    }
    if (settled()) {
      if (same_content(dataplane_holds_, wanted_)) {
        in_sync_ = true;
        acknowledged_offer_ = wanted_number_;
      }
      unacknowledged_since = kUnset;
      continue;
    }
    deliver(unacknowledged_since == kUnset ? Clock::now() : unacknowledged_since);
    if (settled()) unacknowledged_since = kUnset;
  }
}

bool SnapshotPusher::connect() {
  try {
    connection_ = std::make_unique<ControlSocketConnection>(settings_.socket_path);
    const std::string answer = connection_->exchange(R"({"get":"snapshot"})");
    const nlohmann::json parsed = nlohmann::json::parse(answer, nullptr, false);
    if (parsed.is_object() && parsed.value("ok", true) == false) {
      dataplane_holds_.reset();  // "no snapshot applied yet": a fresh dataplane
      dataplane_generation_ = 0;
    } else {
      dataplane_holds_ = std::make_shared<snapshot::Snapshot>(snapshot::decode(answer));
      dataplane_generation_ = dataplane_holds_->generation;
    }
    reconnect_backoff_.reset();
    connected_ = true;
    log::write(log::Level::info, "connected to the dataplane",
               {{"socket", settings_.socket_path}, {"generation", dataplane_generation_}});
    return true;
  } catch (const std::exception& error) {
    metrics_.push_failures++;
    log::write(log::Level::warn, "cannot reach the dataplane", {{"socket", settings_.socket_path}, {"error", error.what()}});
    drop_connection();
    return false;
  }
}

void SnapshotPusher::deliver(Clock::time_point first_change) {
  wanted_->generation = dataplane_generation_ + 1;
  nlohmann::json answer;
  try {
    answer = nlohmann::json::parse(connection_->exchange(snapshot::encode(*wanted_)), nullptr, false);
  } catch (const ControlSocketError& error) {
    metrics_.push_failures++;
    log::write(log::Level::warn, "push failed; reconnecting", {{"error", error.what()}});
    drop_connection();
    return;
  }
  if (answer.is_object() && answer.value("ok", false)) {
    dataplane_generation_ = wanted_->generation;
    dataplane_holds_ = wanted_;
    last_delivery_at_ = Clock::now();
    metrics_.pushes++;
    const double seconds = std::chrono::duration<double>(Clock::now() - first_change).count();
    metrics_.observe_push_latency(seconds);
    in_sync_ = true;
    acknowledged_offer_ = wanted_number_;
    log::write(log::Level::info, "snapshot pushed",
               {{"generation", wanted_->generation}, {"routes", wanted_->routes.size()}, {"latency_seconds", seconds}});
    return;
  }
  metrics_.push_rejections++;
  const std::string reason = answer.is_object() ? answer.value("error", answer.dump()) : "an answer that is not JSON";
  refusals_ = same_content(refused_, wanted_) ? refusals_ + 1 : 1;
  refused_ = wanted_;
  log::write(log::Level::error, "the dataplane rejected the snapshot",
             {{"generation", wanted_->generation}, {"reason", reason}, {"retried", refusals_ < kMaxRefusals}});
  // A refusal may come from a generation race with another writer: learn the generation again
  // and retry once; a snapshot refused for its content waits for the next change.
  drop_connection();
}

bool SnapshotPusher::settled() const {
  return same_content(dataplane_holds_, wanted_) || (same_content(refused_, wanted_) && refusals_ >= kMaxRefusals);
}

void SnapshotPusher::drop_connection() {
  in_sync_ = false;
  connected_ = false;
  connection_.reset();
}

}  // namespace snigate::controller::push
