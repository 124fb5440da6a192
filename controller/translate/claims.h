// What each source kind contributes to a snapshot before conflicts are settled: an object's claim
// on a hostname, with the route it asks for (whose backends may be empty: the name is still held).
#pragma once

#include <string>
#include <vector>

#include "snapshot/snapshot.h"
#include "translate/problem.h"

namespace snigate::controller::translate {

struct RouteClaim {
  ObjectRef owner;
  snapshot::Route route;
  // Not empty: a claim on only the clients that offer one of these ALPN protocols (an ACME
  // solver's "acme-tls/1"), settled into the name's route as one of its alpn_routes.
  std::vector<std::string> alpn = {};
};

struct Claims {
  std::vector<RouteClaim> routes;
  std::vector<Problem> problems;

  void report(const ObjectRef& object, std::string reason, std::string message) {
    problems.push_back({object, std::move(reason), std::move(message)});
  }
};

}  // namespace snigate::controller::translate
