#include "io/event_loop.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <system_error>

namespace snigate::io {
namespace {

constexpr int kEventsPerWait = 256;

std::uint64_t key_of(EventLoop::Watcher& watcher, unsigned tag) {
  // Watchers are at least 8-byte aligned: the low bits carry the tag.
  return reinterpret_cast<std::uintptr_t>(&watcher) | tag;
}

}  // namespace

EventLoop::EventLoop()
    : epoll_(::epoll_create1(EPOLL_CLOEXEC)), wake_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (!epoll_ || !wake_) throw std::system_error(errno, std::generic_category(), "creating an event loop");
  if (!add(wake_.get(), EPOLLIN | EPOLLET, posted_wake_)) {
    throw std::system_error(errno, std::generic_category(), "registering the event loop's wake-up");
  }
}

bool EventLoop::add(int fd, std::uint32_t events, Watcher& watcher, unsigned tag) {
  epoll_event event{};
  event.events = events;
  event.data.u64 = key_of(watcher, tag);
  return ::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &event) == 0;
}

bool EventLoop::modify(int fd, std::uint32_t events, Watcher& watcher, unsigned tag) {
  epoll_event event{};
  event.events = events;
  event.data.u64 = key_of(watcher, tag);
  return ::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, fd, &event) == 0;
}

void EventLoop::remove(int fd) { ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr); }

void EventLoop::arm(Timer& timer, Clock::time_point deadline) {
  if (timer.is_linked()) timers_.erase(timers_.iterator_to(timer));
  timer.deadline_ = deadline;
  timers_.insert(timer);
}

void EventLoop::disarm(Timer& timer) {
  if (timer.is_linked()) timers_.erase(timers_.iterator_to(timer));
}

void EventLoop::post_soon(Watcher& watcher, unsigned tag) { soon_.emplace_back(&watcher, tag); }

void EventLoop::cancel_soon(Watcher& watcher) {
  std::erase_if(soon_, [&](const auto& entry) { return entry.first == &watcher; });
  for (auto& entry : running_soon_) {
    if (entry.first == &watcher) entry.first = nullptr;
  }
}

void EventLoop::retire(std::unique_ptr<Watcher> watcher) { retired_.push_back(std::move(watcher)); }

void EventLoop::post(std::function<void()> task) {
  {
    std::lock_guard lock(posted_mutex_);
    posted_.push_back(std::move(task));
  }
  std::uint64_t one = 1;
  [[maybe_unused]] auto written = ::write(wake_.get(), &one, sizeof one);
}

void EventLoop::stop() {
  post([this] { stopping_ = true; });
}

int EventLoop::next_timeout_ms() const {
  if (!soon_.empty()) return 0;
  if (timers_.empty()) return -1;
  auto until = timers_.begin()->deadline_ - Clock::now();
  if (until <= Clock::duration::zero()) return 0;
  // Rounded up: waking a little late is harmless, waking early would spin until the deadline.
  return static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(until).count());
}

void EventLoop::run() {
  while (!stopping_) run_once(std::chrono::milliseconds(-1));
}

void EventLoop::run_once(std::chrono::milliseconds wait) {
  std::array<epoll_event, kEventsPerWait> events;
  int timeout = next_timeout_ms();
  if (wait.count() >= 0 && (timeout < 0 || timeout > wait.count())) timeout = static_cast<int>(wait.count());
  int count = ::epoll_wait(epoll_.get(), events.data(), kEventsPerWait, timeout);
  now_ = Clock::now();
  for (int i = 0; i < count; ++i) {
    auto key = events[static_cast<std::size_t>(i)].data.u64;
    auto* watcher = reinterpret_cast<Watcher*>(key & ~std::uint64_t{7});
    watcher->on_ready(events[static_cast<std::size_t>(i)].events, static_cast<unsigned>(key & 7));
  }
  running_soon_.swap(soon_);
  for (auto& [watcher, tag] : running_soon_) {
    // An entry whose watcher finished earlier in this list was cancelled (set to null).
    if (watcher) watcher->on_ready(0, tag);
  }
  running_soon_.clear();
  run_timers();
  retired_.clear();
}

void EventLoop::run_timers() {
  while (!timers_.empty() && timers_.begin()->deadline_ <= now_) {
    Timer& timer = *timers_.begin();
    timers_.erase(timers_.begin());
    timer.on_timer();
  }
}

void EventLoop::run_posted() {
  std::uint64_t ignored;
  [[maybe_unused]] auto read = ::read(wake_.get(), &ignored, sizeof ignored);
  std::vector<std::function<void()>> tasks;
  {
    std::lock_guard lock(posted_mutex_);
    tasks.swap(posted_);
  }
  for (auto& task : tasks) task();
}

}  // namespace snigate::io
