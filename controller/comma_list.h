// "a, b ,c" -> {"a", "b", "c"}: how flags and annotations spell lists. Empty items are dropped.
#pragma once

#include <cctype>
#include <string>
#include <string_view>
#include <vector>

namespace snigate::controller {

inline std::vector<std::string> split_comma_list(std::string_view text) {
  std::vector<std::string> items;
  while (!text.empty()) {
    const auto comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.front()))) item.remove_prefix(1);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back()))) item.remove_suffix(1);
    if (!item.empty()) items.emplace_back(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return items;
}

}  // namespace snigate::controller
