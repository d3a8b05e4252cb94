// Set-up messages: a status byte, then the serialized plan.
#include "cli/setup.h"

#include "edgeflow/runtime.h"

namespace edgeflow {

void scatter_plans(Transport& transport, const std::vector<planpb::RankPlan>& plans) {
  for (int peer = 1; peer < transport.world_size(); ++peer) {
    std::string bytes(1, '\0');
    bytes += plans.at(peer).SerializeAsString();
    transport.send_bytes(bytes, peer, kTagSetup);
  }
}

void scatter_failure(Transport& transport, ExitCode code) {
  for (int peer = 1; peer < transport.world_size(); ++peer)
    transport.send_bytes(std::string(1, static_cast<char>(code)), peer, kTagSetup);
}

planpb::RankPlan receive_plan(Transport& transport, double timeout_s) {
  const std::string bytes = transport.recv_bytes(0, kTagSetup, timeout_s);
  if (bytes.empty()) fail_runtime("set-up: empty message from rank 0");
  if (bytes[0] != 0) throw QuietExit{static_cast<ExitCode>(static_cast<unsigned char>(bytes[0]))};
  planpb::RankPlan plan;
  if (!plan.ParseFromArray(bytes.data() + 1, static_cast<int>(bytes.size() - 1)))
    fail_input("plan: the message from rank 0 does not parse");
  return plan;
}

void confirm_ready(Transport& transport, const std::string& own_error, ExitCode own_code) {
  std::string mine;
  if (!own_error.empty()) mine = std::string(1, static_cast<char>(own_code)) + own_error;
  const std::vector<std::string> all = transport.gather(mine, 0);
  std::string verdict(1, '\0');
  if (transport.rank() == 0)
    for (size_t r = 0; r < all.size(); ++r)
      if (!all[r].empty()) {
        verdict = all[r];
        if (r > 0) verdict.insert(1, "rank " + std::to_string(r) + ": ");
        break;
      }
  transport.broadcast(&verdict, 0);
  if (verdict[0] == 0) return;
  const auto code = static_cast<ExitCode>(static_cast<unsigned char>(verdict[0]));
  if (transport.rank() == 0) throw Error(code, verdict.substr(1));
  throw QuietExit{code};
}

}  // namespace edgeflow
