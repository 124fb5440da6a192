// snigate-controller's parts wired together: four reflectors fill the object store; on every
// change the translation loop computes a snapshot, hands it to the pusher, records Events for new
// problems and, on the leader, writes Ingress status.
#pragma once

#include <memory>

#include "options.h"

namespace snigate::controller {

// Runs until SIGTERM or SIGINT (which the caller has blocked in every thread); returns the exit code.
int run_controller(const Options& options);

// --dump-snapshot: lists everything once and prints the snapshot JSON on stdout.
int dump_snapshot(const Options& options);

}  // namespace snigate::controller
