// One worker's event loop: an edge-triggered epoll set in which each socket is registered once,
// deadlines kept in an intrusive tree (no allocation, no syscall to arm one), and a queue other
// threads post work to. Asio keeps the control thread (signals, admin, control socket); the
// connection path needs none of its per-wait re-arming.
#pragma once

#include <sys/epoll.h>

#include <boost/intrusive/set.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "io/unique_fd.h"

namespace snigate::io {

using Clock = std::chrono::steady_clock;

class EventLoop {
 public:
  // What a registered descriptor's readiness is delivered to. `tag` tells apart the descriptors
  // one owner registers (a connection's client and backend sockets).
  class Watcher {
   public:
    virtual void on_ready(std::uint32_t events, unsigned tag) = 0;
    virtual ~Watcher() = default;
  };

  // A deadline: on_timer() runs once it has passed, unless disarmed first.
  class Timer : public boost::intrusive::set_base_hook<boost::intrusive::link_mode<boost::intrusive::auto_unlink>,
                                                       boost::intrusive::optimize_size<true>> {
   public:
    virtual void on_timer() = 0;
    bool armed() const { return is_linked(); }
    Clock::time_point deadline() const { return deadline_; }
    friend bool operator<(const Timer& a, const Timer& b) { return a.deadline_ < b.deadline_; }

   protected:
    ~Timer() = default;

   private:
    friend class EventLoop;
    Clock::time_point deadline_{};
  };

  static constexpr std::uint32_t kEdgeTriggered = EPOLLET;

  EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Registers `fd` once for `events`; false (errno set) when epoll refuses.
  bool add(int fd, std::uint32_t events, Watcher& watcher, unsigned tag = 0);
  bool modify(int fd, std::uint32_t events, Watcher& watcher, unsigned tag = 0);
  void remove(int fd);

  void arm(Timer& timer, Clock::time_point deadline);
  void disarm(Timer& timer);

  // Destroys `watcher` once the current batch of events has been delivered: an event for it may
  // still be waiting in that batch.
  void retire(std::unique_ptr<Watcher> watcher);

  // Delivers an empty event to `watcher` after the next batch: for work stopped short of EAGAIN
  // (an edge-triggered descriptor would not report it again). cancel_soon() before destroying it.
  void post_soon(Watcher& watcher, unsigned tag);
  void cancel_soon(Watcher& watcher);

  // Thread-safe: runs `task` on the loop's thread.
  void post(std::function<void()> task);

  // Runs until stop(); stop() is thread-safe.
  void run();
  void stop();

  // The time the current batch of events was received: one clock read per batch.
  Clock::time_point now() const { return now_; }

  // Runs what is ready now without waiting: for tests that drive a loop step by step.
  void run_once(std::chrono::milliseconds wait);

 private:
  struct PostedWake : Watcher {
    EventLoop& loop;
    explicit PostedWake(EventLoop& owner) : loop(owner) {}
    void on_ready(std::uint32_t, unsigned) override { loop.run_posted(); }
  };
  using Timers = boost::intrusive::multiset<Timer, boost::intrusive::constant_time_size<false>>;

  int next_timeout_ms() const;
  void run_timers();
  void run_posted();

  UniqueFd epoll_;
  UniqueFd wake_;  // eventfd written by post()
  PostedWake posted_wake_{*this};
  Timers timers_;
  std::vector<std::unique_ptr<Watcher>> retired_;
  std::vector<std::pair<Watcher*, unsigned>> soon_;
  std::vector<std::pair<Watcher*, unsigned>> running_soon_;
  Clock::time_point now_ = Clock::now();
  std::mutex posted_mutex_;
  std::vector<std::function<void()>> posted_;
  bool stopping_ = false;  // read and written on the loop's thread only (stop() posts)
};

}  // namespace snigate::io
