// The program's flags (docs/user-contract.md), parsed identically on every rank.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "edgeflow/partition.h"
#include "edgeflow/tensor.h"

namespace edgeflow {

struct Options {
  std::string model;
  std::string input;                 // -i: file, directory or .txt list; empty: synthetic
  std::optional<Dims> input_shape;   // --input-shape
  std::string save_output;           // --save-output
  std::string json;                  // --json (JSON Lines)
  std::string labels;                // --labels
  std::string trace;                 // --trace
  std::string plan_dot;              // --plan-dot
  std::string profile_cache;         // --profile-cache
  bool reprofile = false;            // --reprofile
  int refine_rounds = 2;             // --refine-rounds
  bool plan_only = false;            // --plan-only
  std::string cluster;               // --cluster (emulated devices and links)
  int repeat = 1;                    // -n/--repeat
  int topk = 5;
  int threads = 0;                   // 0: cores per rank on this host
  int inflight = 1;
  double timeout_s = 60.0;
  bool verify = false;
  bool quiet = false;                // no per-input lines, no progress
  std::string ground_truth;          // --ground-truth (CSV path,label)
  bool resume = false;               // --resume (with --json)
  bool fail_fast = false;            // --fail-fast
  std::string progress = "auto";     // --progress auto|bar|lines|none
  std::string partitioner = "edgeflow";
  uint64_t seed = 1;
  PlanKinds plan_kinds{};             // --plan-kinds (default: every kind)
  std::array<float, 3> mean{0.485f, 0.456f, 0.406f};
  std::array<float, 3> std{0.229f, 0.224f, 0.225f};
  bool normalize = true;
  bool help = false;
  bool version = false;
};

// Parses argv; bad usage throws Error(kBadInput) naming the flag.
Options parse_options(int argc, char** argv);

// The --help text.
std::string usage_text();

}  // namespace edgeflow
