#include "translate/translate.h"

#include <algorithm>

#include "translate/conflicts.h"
#include "translate/service_annotations.h"

namespace snigate::controller::translate {

Translation translate(const ClusterState& state, const IngressClassSelection& selection) {
  Claims claims;
  claim_annotated_services(state, claims);
  Translation translation;
  translation.our_ingresses = claim_ingresses(state, selection, claims);
  settle_conflicts(claims, translation.snapshot);
  translation.problems = std::move(claims.problems);
  std::sort(translation.problems.begin(), translation.problems.end());
  translation.problems.erase(std::unique(translation.problems.begin(), translation.problems.end()), translation.problems.end());
  return translation;
}

}  // namespace snigate::controller::translate
