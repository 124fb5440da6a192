#include "kube/kube_time.h"

#include <cstdio>
#include <ctime>

namespace snigate::controller::kube {
namespace {

std::string format(std::chrono::system_clock::time_point time, bool with_microseconds) {
  const auto seconds = std::chrono::system_clock::to_time_t(time);
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count() % 1'000'000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[80];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday,
                utc.tm_hour, utc.tm_min, utc.tm_sec);
  std::string result = text;
  if (with_microseconds) {
    std::snprintf(text, sizeof text, ".%06d", static_cast<int>(micros));
    result += text;
  }
  return result + "Z";
}

}  // namespace

std::string to_time(std::chrono::system_clock::time_point time) { return format(time, false); }
std::string to_micro_time(std::chrono::system_clock::time_point time) { return format(time, true); }

}  // namespace snigate::controller::kube
