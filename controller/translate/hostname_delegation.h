// Which namespaces may claim which hostnames: the operator's answer to "can a tenant capture
// another tenant's names?" (as DNS delegates a zone, or Gateway API's listener hostnames and
// allowedRoutes). Each rule delegates hostname patterns to a namespace:
//   "a.example.com"    that name only
//   "*.a.example.com"  every name below a.example.com, at any depth, wildcards included
//   "*"                every name
// A claimed hostname is decided by the most specific pattern that covers it: only the namespaces
// delegated that pattern may claim it. A name no pattern covers may be claimed by any namespace,
// so without rules nothing is restricted, and a rule "platform=*" makes every name opt-in.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace snigate::controller::translate {

class HostnameDelegation {
 public:
  // One rule, as the --hostname-delegation flag spells it: "NAMESPACE=PATTERN[,PATTERN...]".
  // Returns the reason when the rule does not parse.
  std::optional<std::string> add_rule(std::string_view rule);

  // Whether `namespace_name` may claim `hostname` (normalized; "*." prefix for wildcard claims).
  bool allows(const std::string& namespace_name, const std::string& hostname) const;
  // The namespaces that may claim `hostname`, for the message of a refused claim; empty: anyone.
  std::vector<std::string> delegates_of(const std::string& hostname) const;

  bool empty() const { return rules_.empty(); }

 private:
  struct Rule {
    std::string namespace_name;
    std::string pattern;  // normalized: "a.example.com", "*.a.example.com" or "*"
  };

  // The most specific pattern covering `hostname`, or nullopt.
  std::optional<std::string> governing_pattern(const std::string& hostname) const;

  std::vector<Rule> rules_;
};

}  // namespace snigate::controller::translate
