#include <iostream>

#include "kube/api_client.h"

int main(int argc, char** argv) {
  using namespace snigate::controller::kube;
  ApiClient client(discover_cluster_config(argc > 1 ? std::optional<std::filesystem::path>(argv[1]) : std::nullopt),
                   std::chrono::seconds(600));
  std::cout << client.get("/version").body.dump() << "\n";
}
