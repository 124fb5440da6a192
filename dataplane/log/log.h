// Structured logging for both programs: one JSON object per line, filtered by --log-level. The
// dataplane logs on stdout; the controller on stderr, since its stdout carries --dump-snapshot.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace snigate::log {

enum class Level { debug, info, warn, error };

std::optional<Level> parse_level(std::string_view name);
void set_level(Level level);
void set_output(int fd);  // default: standard output
bool enabled(Level level);

// Writes {"time":..., "level":..., "msg":..., <fields>} as one line.
void write(Level level, std::string_view message, nlohmann::json fields = nlohmann::json::object());

// Appends pre-formatted lines (each ending in '\n') to the output in one write, so that the lines
// of different threads never interleave mid-line. While a BackgroundWriter runs, this only queues
// them and never waits for the output.
void write_lines(std::string_view lines);

// Lines dropped because the queue was full: the output did not keep up.
std::uint64_t dropped_lines();

// While one exists, log lines go to a bounded queue that a thread of its own writes out, so that a
// slow reader of the output (a full pipe, a stalled log collector) never stalls the threads that
// log; lines that do not fit are dropped and counted. Its destruction writes what is queued,
// giving up after `flush_deadline` (the output may never drain). One at a time, destroyed once
// the threads that log have stopped.
class BackgroundWriter {
 public:
  static constexpr std::size_t kDefaultMaxQueuedBytes = 1024 * 1024;

  explicit BackgroundWriter(std::size_t max_queued_bytes = kDefaultMaxQueuedBytes,
                            std::chrono::milliseconds flush_deadline = std::chrono::seconds(2));
  ~BackgroundWriter();
  BackgroundWriter(const BackgroundWriter&) = delete;
  BackgroundWriter& operator=(const BackgroundWriter&) = delete;

 private:
  std::chrono::milliseconds flush_deadline_;
};

// RFC 3339 UTC time with milliseconds.
std::string format_time(std::chrono::system_clock::time_point time);

}  // namespace snigate::log
