#include "log/log.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <mutex>

namespace snigate::log {
namespace {

std::atomic<Level> current_level{Level::info};
std::atomic<int> output_fd{STDOUT_FILENO};
std::mutex stdout_mutex;

std::string_view to_string(Level level) {
  switch (level) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
  }
  return "info";
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
  std::lock_guard lock(stdout_mutex);
  while (!lines.empty()) {
    ssize_t written = ::write(output_fd.load(std::memory_order_relaxed), lines.data(), lines.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return;  // the output is gone; logging must never stop the program
    lines.remove_prefix(static_cast<std::size_t>(written));
  }
}

void write(Level level, std::string_view message, nlohmann::json fields) {
  if (!enabled(level)) return;
  nlohmann::json line = {{"time", format_time(std::chrono::system_clock::now())},
                         {"level", to_string(level)},
                         {"msg", message}};
  line.update(fields);
  write_lines(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

}  // namespace snigate::log
