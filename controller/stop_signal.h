// Shutdown, shared by every thread of the controller: sleeps that end early when it is time to
// stop, and callbacks that interrupt blocking calls (an open watch, a socket read).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <vector>

namespace snigate::controller {

class StopSignal {
 public:
  void trigger() {
    std::vector<std::function<void()>> callbacks;
    {
      std::lock_guard lock(mutex_);
      if (stopped_) return;
      stopped_ = true;
      callbacks.swap(callbacks_);
    }
    changed_.notify_all();
    for (auto& callback : callbacks) callback();
  }

  bool stopped() const {
    std::lock_guard lock(mutex_);
    return stopped_;
  }

  // Sleeps for `duration`; returns false (at once) when stopping.
  template <typename Rep, typename Period>
  bool sleep_for(std::chrono::duration<Rep, Period> duration) const {
    std::unique_lock lock(mutex_);
    return !changed_.wait_for(lock, duration, [this] { return stopped_; });
  }

  // Runs `callback` on trigger(), or now if already stopped.
  void on_stop(std::function<void()> callback) {
    {
      std::lock_guard lock(mutex_);
      if (!stopped_) {
        callbacks_.push_back(std::move(callback));
        return;
      }
    }
    callback();
  }

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  bool stopped_ = false;
  std::vector<std::function<void()>> callbacks_;
};

}  // namespace snigate::controller
