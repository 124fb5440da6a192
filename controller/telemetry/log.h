// The controller logs with the structured logger both programs share (dataplane/log/log.h), on
// stderr: its stdout carries --dump-snapshot's document.
#pragma once

#include "log/log.h"

namespace snigate::controller {
namespace log = ::snigate::log;
}  // namespace snigate::controller
