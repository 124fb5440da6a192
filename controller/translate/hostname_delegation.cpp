#include "translate/hostname_delegation.h"

#include <algorithm>

#include "comma_list.h"
#include "snapshot/hostname.h"

namespace snigate::controller::translate {
namespace {

// How specific a pattern is: an exact name beats every suffix pattern of its length, longer
// suffixes beat shorter ones, and "*" is the least specific of all.
std::size_t specificity(const std::string& pattern) {
  if (pattern == "*") return 0;
  if (pattern.starts_with("*.")) return 2 * (pattern.size() - 1);
  return 2 * pattern.size() + 1;
}

bool covers(const std::string& pattern, const std::string& hostname) {
  if (pattern == "*") return true;
  if (!pattern.starts_with("*.")) return pattern == hostname;
  // "*.a.example.com" covers "x.a.example.com", "x.y.a.example.com", "*.a.example.com", ...
  const std::string_view suffix = std::string_view(pattern).substr(1);  // ".a.example.com"
  return hostname.size() > suffix.size() && hostname.ends_with(suffix);
}

}  // namespace

std::optional<std::string> HostnameDelegation::add_rule(std::string_view rule) {
  const auto equals = rule.find('=');
  if (equals == std::string_view::npos || equals == 0) return "\"" + std::string(rule) + "\" is not NAMESPACE=PATTERN[,PATTERN...]";
  const std::string namespace_name(rule.substr(0, equals));
  if (!hostname::normalize(namespace_name, /*allow_wildcard=*/false) || namespace_name.find('.') != std::string::npos) {
    return "\"" + namespace_name + "\" is not a namespace name";
  }
  const std::vector<std::string> patterns = split_comma_list(rule.substr(equals + 1));
  if (patterns.empty()) return "rule for namespace " + namespace_name + " names no hostname pattern";
  for (const auto& pattern : patterns) {
    if (pattern == "*") {
      rules_.push_back({namespace_name, pattern});
      continue;
    }
    const auto normalized = hostname::normalize(pattern, /*allow_wildcard=*/true);
    if (!normalized) return "\"" + pattern + "\" is not a hostname pattern (a.example.com, *.a.example.com or *)";
    rules_.push_back({namespace_name, *normalized});
  }
  return std::nullopt;
}

std::optional<std::string> HostnameDelegation::governing_pattern(const std::string& hostname) const {
  const Rule* best = nullptr;
  for (const auto& rule : rules_) {
    if (covers(rule.pattern, hostname) && (best == nullptr || specificity(rule.pattern) > specificity(best->pattern))) best = &rule;
  }
  return best ? std::optional<std::string>(best->pattern) : std::nullopt;
}

bool HostnameDelegation::allows(const std::string& namespace_name, const std::string& hostname) const {
  if (rules_.empty()) return true;
  const auto pattern = governing_pattern(hostname);
  if (!pattern) return true;
  return std::any_of(rules_.begin(), rules_.end(),
                     [&](const Rule& rule) { return rule.pattern == *pattern && rule.namespace_name == namespace_name; });
}

std::vector<std::string> HostnameDelegation::delegates_of(const std::string& hostname) const {
  std::vector<std::string> namespaces;
  const auto pattern = governing_pattern(hostname);
  if (!pattern) return namespaces;
  for (const auto& rule : rules_) {
    if (rule.pattern == *pattern) namespaces.push_back(rule.namespace_name);
  }
  return namespaces;
}

}  // namespace snigate::controller::translate
