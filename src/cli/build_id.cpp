// The build description comes from the generated cli/build_info.h
// (cmake/build_info.cmake).
#include "cli/build_id.h"

#include "cli/build_info.h"
#include "edgeflow/error.h"

namespace edgeflow {

std::string build_description() {
  return std::string(EDGEFLOW_VERSION) + " (commit " + EDGEFLOW_COMMIT + ", " +
         EDGEFLOW_BUILD_TYPE + ")";
}

void check_same_build(const std::vector<std::string>& builds,
                      const std::vector<std::string>& hosts) {
  for (size_t r = 1; r < builds.size(); ++r)
    if (builds[r] != builds[0])
      fail_input("rank " + std::to_string(r) + " on host '" + hosts.at(r) + "' runs edgeflow " +
                 builds[r] + ", rank 0 on host '" + hosts.at(0) + "' runs " + builds[0] +
                 ": install the same build on every host");
}

}  // namespace edgeflow
