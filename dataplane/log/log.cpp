#include "log/log.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace snigate::log {
namespace {

std::atomic<Level> current_level{Level::info};
std::atomic<int> output_fd{STDOUT_FILENO};
std::mutex output_mutex;  // one writer to the output at a time, so lines never interleave
std::atomic<std::uint64_t> dropped{0};

std::string_view to_string(Level level) {
  switch (level) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
  }
  return "info";
}

// Writes all of `lines`; false when the output is gone.
bool write_out(std::string_view lines) {
  const int fd = output_fd.load(std::memory_order_relaxed);
  while (!lines.empty()) {
    ssize_t written = ::write(fd, lines.data(), lines.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return false;  // the output is gone; logging must never stop the program
    lines.remove_prefix(static_cast<std::size_t>(written));
  }
  return true;
}

std::uint64_t count_lines(std::string_view text) {
  return static_cast<std::uint64_t>(std::count(text.begin(), text.end(), '\n'));
}

// The queue between the threads that log and the one that writes.
struct Queue {
  std::mutex mutex;
  std::condition_variable changed;
  std::string pending;
  std::size_t max_bytes = 0;
  bool stopping = false;
  bool stopped = false;
  bool abandoned = false;  // left to the writer thread, which frees it when its write returns
  std::thread writer;
};

std::atomic<Queue*> active_queue{nullptr};

// The writer thread: the only one that ever waits for the output.
void drain(Queue& queue) {
  std::string batch;
  std::unique_lock lock(queue.mutex);
  while (true) {
    queue.changed.wait(lock, [&] { return queue.stopping || !queue.pending.empty(); });
    if (queue.pending.empty()) break;  // stopping, and everything written
    batch.swap(queue.pending);
    lock.unlock();
    if (!write_out(batch)) dropped.fetch_add(count_lines(batch), std::memory_order_relaxed);
    batch.clear();
    lock.lock();
  }
  queue.stopped = true;
  queue.changed.notify_all();
  const bool abandoned = queue.abandoned;
  lock.unlock();
  if (abandoned) delete &queue;
}

}  // namespace

std::optional<Level> parse_level(std::string_view name) {
  for (Level level : {Level::debug, Level::info, Level::warn, Level::error}) {
    if (to_string(level) == name) return level;
  }
  return std::nullopt;
}

void set_level(Level level) { current_level.store(level, std::memory_order_relaxed); }

void set_output(int fd) { output_fd.store(fd, std::memory_order_relaxed); }

bool enabled(Level level) { return level >= current_level.load(std::memory_order_relaxed); }

std::uint64_t dropped_lines() { return dropped.load(std::memory_order_relaxed); }

std::string format_time(std::chrono::system_clock::time_point time) {
  auto since_epoch = std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch());
  std::time_t seconds = static_cast<std::time_t>(since_epoch.count() / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  std::size_t length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(text + length, sizeof text - length, ".%03dZ", static_cast<int>(since_epoch.count() % 1000));
  return text;
}

void write_lines(std::string_view lines) {
  if (Queue* queue = active_queue.load(std::memory_order_acquire)) {
    {
      std::lock_guard lock(queue->mutex);  // held for an append, never across a write
      if (queue->pending.size() + lines.size() > queue->max_bytes) {
        dropped.fetch_add(count_lines(lines), std::memory_order_relaxed);
        return;
      }
      queue->pending.append(lines);
    }
    queue->changed.notify_all();
    return;
  }
  std::lock_guard lock(output_mutex);
  write_out(lines);
}

void write(Level level, std::string_view message, nlohmann::json fields) {
  if (!enabled(level)) return;
  nlohmann::json line = {{"time", format_time(std::chrono::system_clock::now())},
                         {"level", to_string(level)},
                         {"msg", message}};
  line.update(fields);
  write_lines(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

BackgroundWriter::BackgroundWriter(std::size_t max_queued_bytes, std::chrono::milliseconds flush_deadline)
    : flush_deadline_(flush_deadline) {
  auto queue = std::make_unique<Queue>();
  queue->max_bytes = max_queued_bytes;
  Queue* expected = nullptr;
  if (!active_queue.compare_exchange_strong(expected, queue.get(), std::memory_order_acq_rel)) {
    throw std::logic_error("a log::BackgroundWriter is already running");
  }
  queue->writer = std::thread([queue = queue.get()] { drain(*queue); });
  queue.release();
}

BackgroundWriter::~BackgroundWriter() {
  Queue* queue = active_queue.load(std::memory_order_acquire);
  std::unique_lock lock(queue->mutex);
  queue->stopping = true;
  queue->changed.notify_all();
  if (!queue->changed.wait_for(lock, flush_deadline_, [&] { return queue->stopped; })) {
    // The output does not drain (a reader that never reads): leave the writer blocked in its
    // write, owning the queue, and write what comes later directly.
    dropped.fetch_add(count_lines(queue->pending), std::memory_order_relaxed);
    queue->pending.clear();
    queue->abandoned = true;
    queue->writer.detach();
    active_queue.store(nullptr, std::memory_order_release);
    return;
  }
  lock.unlock();
  queue->writer.join();
  active_queue.store(nullptr, std::memory_order_release);
  delete queue;
}

}  // namespace snigate::log
