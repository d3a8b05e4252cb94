// Which build of EdgeFlow this is (edgeflow --version), and the set-up check
// that every rank of a job runs the same one.
#pragma once

#include <string>
#include <vector>

namespace edgeflow {

// "0.6.0 (commit 9b569f1abc12, Release)"; "-dirty" marks a commit with
// uncommitted changes.
std::string build_description();

// Fails (kBadInput) when a rank's build differs from rank 0's, naming the
// rank, its host and both builds. builds[r] and hosts[r] are rank r's.
void check_same_build(const std::vector<std::string>& builds,
                      const std::vector<std::string>& hosts);

}  // namespace edgeflow
