// Structured logging for the controller: one JSON object per line on stderr (stdout carries
// --dump-snapshot's document), filtered by --log-level.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace snigate::controller::log {

enum class Level { debug, info, warn, error };

std::optional<Level> parse_level(std::string_view name);
void set_level(Level level);

// Writes {"time":..., "level":..., "msg":..., <fields>} as one line.
void write(Level level, std::string_view message, nlohmann::json fields = nlohmann::json::object());

}  // namespace snigate::controller::log
