#include "controller.h"

#include <algorithm>
#include <csignal>
#include <iostream>
#include <optional>
#include <thread>

#include "events/event_recorder.h"
#include "kube/gateway_api_status_writer.h"
#include "kube/gateway_service_provisioner.h"
#include "kube/ingress_status_writer.h"
#include "kube/leader_elector.h"
#include "kube/publish_service_reader.h"
#include "kube/reflector.h"
#include "push/snapshot_pusher.h"
#include "report/report_writer.h"
#include "telemetry/admin_server.h"
#include "translate/status.h"
#include "translate/translate.h"

namespace snigate::controller {
namespace {

using Clock = std::chrono::steady_clock;

kube::ReflectorSettings reflector_settings(const Options& options) {
  return {.watch_namespace = options.watch_namespace,
          .min_watch_timeout = options.min_watch_timeout,
          .absent_kind_retry = options.absent_kind_retry};
}

translate::TranslationSettings translation_settings(const Options& options) {
  return {.ingress_classes = {options.controller_name, options.ingress_class},
          .default_backend = options.default_backend_service,
          .delegation = options.hostname_delegation,
          .gateway_api = {options.gateway_controller_name, options.gateway_listener_ports, options.gateway_services}};
}

// Every watched kind, each with its own reflector thread. The Gateway API kinds and Namespaces
// only with --gateway-api auto; while a Gateway API CRD is absent its kind counts as listed, empty.
class Reflectors {
 public:
  Reflectors(kube::ApiClient& api, kube::ObjectStore& store, telemetry::ControllerMetrics& metrics, StopSignal& stop,
             const kube::ReflectorSettings& settings, bool gateway_api)
      : services_(api, store, metrics, stop, settings),
        endpoint_slices_(api, store, metrics, stop, settings),
        ingresses_(api, store, metrics, stop, settings),
        ingress_classes_(api, store, metrics, stop, settings) {
    if (!gateway_api) return;
    namespaces_.emplace(api, store, metrics, stop, settings);
    gateway_classes_.emplace(api, store, metrics, stop, settings);
    gateways_.emplace(api, store, metrics, stop, settings);
    tls_routes_.emplace(api, store, metrics, stop, settings);
    reference_grants_.emplace(api, store, metrics, stop, settings);
  }

  bool list_once() {
    bool listed = services_.list_once() && endpoint_slices_.list_once() && ingresses_.list_once() && ingress_classes_.list_once();
    if (namespaces_) {
      listed = listed && namespaces_->list_once() && gateway_classes_->list_once() && gateways_->list_once() &&
               tls_routes_->list_once() && reference_grants_->list_once();
    }
    return listed;
  }

  void start() {
    threads_.emplace_back([this] { services_.run(); });
    threads_.emplace_back([this] { endpoint_slices_.run(); });
    threads_.emplace_back([this] { ingresses_.run(); });
    threads_.emplace_back([this] { ingress_classes_.run(); });
    if (!namespaces_) return;
    threads_.emplace_back([this] { namespaces_->run(); });
    threads_.emplace_back([this] { gateway_classes_->run(); });
    threads_.emplace_back([this] { gateways_->run(); });
    threads_.emplace_back([this] { tls_routes_->run(); });
    threads_.emplace_back([this] { reference_grants_->run(); });
  }

  bool all_synced(const kube::ObjectStore& store) const {
    const bool core = store.synced(kube::Services::kind) && store.synced(kube::EndpointSlices::kind) &&
                      store.synced(kube::Ingresses::kind) && store.synced(kube::IngressClasses::kind);
    if (!namespaces_) return core;
    return core && store.synced(kube::Namespaces::kind) && store.synced(kube::GatewayClasses::kind) &&
           store.synced(kube::Gateways::kind) && store.synced(kube::TLSRoutes::kind) && store.synced(kube::ReferenceGrants::kind);
  }

  ~Reflectors() {
    for (auto& thread : threads_) thread.join();
  }

 private:
  kube::Reflector<kube::Services> services_;
  kube::Reflector<kube::EndpointSlices> endpoint_slices_;
  kube::Reflector<kube::Ingresses> ingresses_;
  kube::Reflector<kube::IngressClasses> ingress_classes_;
  std::optional<kube::Reflector<kube::Namespaces>> namespaces_;
  std::optional<kube::Reflector<kube::GatewayClasses>> gateway_classes_;
  std::optional<kube::Reflector<kube::Gateways>> gateways_;
  std::optional<kube::Reflector<kube::TLSRoutes>> tls_routes_;
  std::optional<kube::Reflector<kube::ReferenceGrants>> reference_grants_;
  std::vector<std::thread> threads_;
};

// A pod's dataplane keeps accepting clients while its preStop hook pauses, and drains after that;
// the controller gets SIGTERM at the start of it all. Until the dataplane exits, its routes must
// follow the cluster, so everything keeps running until the dataplane closes the control socket,
// `limit` passes or a second signal comes.
void keep_routing_until_the_dataplane_exits(const push::SnapshotPusher& pusher, std::chrono::milliseconds limit,
                                            const sigset_t& signals) {
  if (limit <= std::chrono::milliseconds::zero() || !pusher.connected()) return;
  log::write(log::Level::info, "routing on until the dataplane exits", {{"limit_seconds", limit.count() / 1000.0}});
  const auto deadline = Clock::now() + limit;
  while (pusher.connected()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left <= std::chrono::milliseconds::zero()) {
      log::write(log::Level::warn, "the dataplane is still running at the end of --wait-for-dataplane; stopping");
      return;
    }
    const auto step = std::min(left, std::chrono::milliseconds(100));
    const timespec timeout{.tv_sec = 0, .tv_nsec = static_cast<long>(step.count()) * 1'000'000};
    if (sigtimedwait(&signals, nullptr, &timeout) > 0) {
      log::write(log::Level::info, "second stop signal: stopping now");
      return;
    }
  }
  log::write(log::Level::info, "the dataplane closed the control socket; stopping");
}

}  // namespace

int dump_snapshot(const Options& options) {
  kube::ApiClient api(kube::discover_cluster_config(options.kubeconfig), 2 * options.min_watch_timeout);
  kube::ObjectStore store;
  telemetry::ControllerMetrics metrics;
  StopSignal stop;
  Reflectors reflectors(api, store, metrics, stop, reflector_settings(options), options.gateway_api);
  if (!reflectors.list_once()) return 1;
  const translate::TranslationSettings settings = translation_settings(options);
  const translate::Translation translation =
      store.read([&](const model::ClusterState& state) { return translate::translate(state, settings); });
  for (const auto& problem : translation.problems) {
    log::write(log::Level::warn, problem.message,
               {{"object", problem.object.kind + " " + problem.object.qualified_name()}, {"reason", problem.reason}});
  }
  std::cout << nlohmann::json::parse(snapshot::encode(translation.snapshot)).dump(2) << std::endl;
  return 0;
}

int run_controller(const Options& options) {
  kube::ApiClient api(kube::discover_cluster_config(options.kubeconfig), 2 * options.min_watch_timeout);
  log::write(log::Level::info, "snigate-controller starting",
             {{"server", api.server()}, {"namespace", options.watch_namespace.value_or("")}, {"identity", options.identity}});
  kube::ObjectStore store;
  telemetry::ControllerMetrics metrics;
  StopSignal stop;

  push::SnapshotPusher pusher({.socket_path = *options.control_socket,
                               .quiet_period = options.push_quiet_period,
                               .max_delay = options.push_max_delay},
                              metrics, stop);
  std::unique_ptr<kube::LeaderElector> elector;
  if (options.leader_elect) {
    elector = std::make_unique<kube::LeaderElector>(
        api,
        kube::LeaderElectionSettings{.namespace_name = options.leader_election_namespace,
                                     .lease_name = options.leader_election_id,
                                     .identity = options.identity},
        metrics, stop);
  } else {
    metrics.leader = 1;
  }
  const auto is_leader = [&] { return !elector || elector->is_leader(); };
  events::EventRecorder events(api, metrics, options.identity, is_leader);
  kube::IngressStatusWriter status_writer(api, metrics, is_leader);
  const translate::PublishSettings publish{options.publish_service, options.publish_status_addresses};
  std::optional<kube::PublishServiceReader> publish_service;
  if (publish.service) publish_service.emplace(api, *publish.service);
  // Runs on the report thread: reading the publish Service is an API call.
  const auto published_load_balancer = [&]() -> std::optional<translate::LoadBalancerStatus> {
    if (!publish.enabled() || !is_leader()) return std::nullopt;
    static const std::optional<model::Service> no_service;
    return translate::published_load_balancer(publish, publish_service ? publish_service->current() : no_service);
  };
  // What the TLSRoutes show is read from the store on the report thread, once per pass: the
  // translation never sees it (model::ClusterState::upsert), so our own writes cost it nothing.
  kube::GatewayApiStatusWriter gateway_api_status_writer(api, metrics, options.gateway_controller_name, is_leader, [&] {
    return store.read(
        [&](const model::ClusterState& state) { return kube::tls_routes_showing_our_parents(state, options.gateway_controller_name); });
  });
  std::optional<kube::GatewayServiceProvisioner> gateway_services;
  if (options.gateway_services) gateway_services.emplace(api, *options.gateway_services, is_leader);
  report::ReportWriter reporter(events, status_writer, gateway_api_status_writer, gateway_services ? &*gateway_services : nullptr,
                                published_load_balancer,
                                [&] { return pusher.acknowledged_offer(); }, stop);

  Reflectors reflectors(api, store, metrics, stop, reflector_settings(options), options.gateway_api);
  telemetry::AdminServer admin(options.admin_listen, metrics, [&] { return reflectors.all_synced(store) && pusher.in_sync(); });

  std::thread pushing([&] { pusher.run(); });
  std::thread reporting([&] { reporter.run(); });
  std::thread electing;
  if (elector) electing = std::thread([&] { elector->run(); });
  reflectors.start();

  std::thread translating([&] {
    translate::Translator translator(translation_settings(options));
    std::uint64_t translated_version = 0;
    std::vector<translate::OurIngress> our_ingresses;
    std::vector<translate::Problem> problems;
    std::shared_ptr<const translate::GatewayApiStatus> gateway_api;
    std::uint64_t offer = 0;
    while (!stop.stopped()) {
      const std::uint64_t version = store.wait_for_change(translated_version, std::chrono::seconds(1));
      if (stop.stopped() || !reflectors.all_synced(store)) continue;
      // Whatever goes wrong in one pass, the last good snapshot keeps serving and the next
      // change is translated again: this thread must not end the controller.
      try {
        const auto changed_at = Clock::now();
        if (version != translated_version) {
          translated_version = version;
          translate::Translation translation =
              store.read([&](const model::ClusterState& state) { return translator.translate(state); });
          metrics.translations++;
          metrics.routes = translation.snapshot.routes.size();
          offer = pusher.offer(std::move(translation.snapshot), changed_at);
          problems = std::move(translation.problems);
          our_ingresses = std::move(translation.our_ingresses);
          gateway_api = std::make_shared<const translate::GatewayApiStatus>(std::move(translation.gateway_api));
        }
        // Handed over every second too, so that a replica that just became leader catches up, and
        // Gateways become Programmed once the dataplane acknowledged their routes.
        reporter.hand_over({problems, our_ingresses, gateway_api, offer});
      } catch (const std::exception& error) {
        metrics.translation_failures++;
        log::write(log::Level::error, "translation pass failed; the last good snapshot keeps serving", {{"error", error.what()}});
      }
    }
  });

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  int received = 0;
  sigwait(&signals, &received);
  log::write(log::Level::info, "stopping", {{"signal", received == SIGTERM ? "SIGTERM" : "SIGINT"}});
  keep_routing_until_the_dataplane_exits(pusher, options.wait_for_dataplane, signals);
  stop.trigger();
  store.wake_all();
  translating.join();
  pushing.join();
  reporting.join();
  if (electing.joinable()) electing.join();
  return 0;
}

}  // namespace snigate::controller
