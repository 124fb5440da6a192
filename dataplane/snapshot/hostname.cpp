#include "snapshot/hostname.h"

namespace snigate::hostname {
namespace {

constexpr std::size_t kMaxNameLength = 253;
constexpr std::size_t kMaxLabelLength = 63;

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool is_label_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

bool is_valid_label(std::string_view label) {
  if (label.empty() || label.size() > kMaxLabelLength) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  for (char c : label) {
    if (!is_label_char(c)) return false;
  }
  return true;
}

}  // namespace

std::string fold(std::string_view name) {
  if (name.ends_with('.')) name.remove_suffix(1);
  std::string folded(name);
  for (char& c : folded) c = lower(c);
  return folded;
}

std::optional<std::string> normalize(std::string_view name, bool allow_wildcard) {
  std::string folded = fold(name);
  std::string_view rest = folded;
  if (rest.starts_with("*.")) {
    if (!allow_wildcard) return std::nullopt;
    rest.remove_prefix(2);
  }
  if (rest.empty() || folded.size() > kMaxNameLength) return std::nullopt;
  while (true) {
    auto dot = rest.find('.');
    if (!is_valid_label(rest.substr(0, dot))) return std::nullopt;
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  return folded;
}

}  // namespace snigate::hostname
