// snigate-controller's parts wired together: four reflectors fill the object store; on every
// change the translation loop computes a snapshot and hands it to the pusher, and hands its
// problems and (on the leader) Ingress status to the report writer, which writes them on its own
// thread.
#pragma once

#include <memory>

#include "options.h"

namespace snigate::controller {

// Runs until SIGTERM or SIGINT (which the caller has blocked in every thread); returns the exit code.
int run_controller(const Options& options);

// --dump-snapshot: lists everything once and prints the snapshot JSON on stdout.
int dump_snapshot(const Options& options);

}  // namespace snigate::controller
