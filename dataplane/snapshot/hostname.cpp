#include "snapshot/hostname.h"

namespace snigate::hostname {
namespace {

constexpr std::size_t kMaxNameLength = 253;
constexpr std::size_t kMaxLabelLength = 63;

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool is_label_char(char c) {
  c = lower(c);
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

bool is_valid_label(std::string_view label) {
  if (label.empty() || label.size() > kMaxLabelLength) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  for (char c : label) {
    if (!is_label_char(c)) return false;
  }
  return true;
}

}  // namespace

bool is_valid(std::string_view name, bool allow_wildcard) {
  if (name.ends_with('.')) name.remove_suffix(1);
  if (name.size() > kMaxNameLength) return false;
  if (name.starts_with("*.")) {
    if (!allow_wildcard) return false;
    name.remove_prefix(2);
  }
  if (name.empty()) return false;
  while (true) {
    auto dot = name.find('.');
    if (!is_valid_label(name.substr(0, dot))) return false;
    if (dot == std::string_view::npos) return true;
    name.remove_prefix(dot + 1);
  }
}

std::string fold(std::string_view name) {
  if (name.ends_with('.')) name.remove_suffix(1);
  std::string folded(name);
  for (char& c : folded) c = lower(c);
  return folded;
}

std::optional<std::string> normalize(std::string_view name, bool allow_wildcard) {
  if (!is_valid(name, allow_wildcard)) return std::nullopt;
  return fold(name);
}

}  // namespace snigate::hostname
