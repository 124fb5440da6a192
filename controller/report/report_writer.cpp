#include "report/report_writer.h"

namespace snigate::controller::report {

ReportWriter::ReportWriter(events::EventRecorder& events, kube::IngressStatusWriter& status, StopSignal& stop)
    : events_(events), status_(status), stop_(stop) {
  stop_.on_stop([this] {
    std::lock_guard lock(mutex_);
    handed_over_.notify_all();
  });
}

void ReportWriter::hand_over(Report report) {
  std::lock_guard lock(mutex_);
  pending_ = std::move(report);
  handed_over_.notify_all();
}

void ReportWriter::run() {
  while (true) {
    Report report;
    {
      std::unique_lock lock(mutex_);
      handed_over_.wait(lock, [this] { return pending_ || stop_.stopped(); });
      if (stop_.stopped()) return;
      report = std::move(*pending_);
      pending_.reset();
    }
    events_.observe(report.problems, events::EventRecorder::Clock::now());
    status_.write(report.status_updates);
  }
}

}  // namespace snigate::controller::report
