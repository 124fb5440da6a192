// Structured logging for both programs: one JSON object per line, filtered by --log-level. The
// dataplane logs on stdout; the controller on stderr, since its stdout carries --dump-snapshot.
#pragma once

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

// Writes {"time":..., "level":..., "msg":..., <fields>} as one line and flushes.
void write(Level level, std::string_view message, nlohmann::json fields = nlohmann::json::object());

// Appends pre-formatted lines (each ending in '\n') to stdout in one write, so that the lines of
// different workers never interleave mid-line.
void write_lines(std::string_view lines);

// RFC 3339 UTC time with milliseconds.
std::string format_time(std::chrono::system_clock::time_point time);

}  // namespace snigate::log
