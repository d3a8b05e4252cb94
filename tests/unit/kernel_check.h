// The kernel-test oracle check: a oneDNN kernel against the naive reference,
// (a) for the whole output, and (b) as random row slices, each computed by a
// kernel made for that slice from a fresh buffer holding exactly its required
// input rows (so a read outside them is caught by ASan), stitched together.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "edgeflow/kernels.h"
#include "graph_builders.h"

namespace edgeflow::test {

constexpr double kKernelTolerance = 1e-5;

// The oneDNN factory shared by all kernel tests (2 threads, made once).
inline KernelFactory& onednn_factory() {
  static std::unique_ptr<KernelFactory> factory = make_onednn_factory(2);
  return *factory;
}

// Inputs uniform in [lo, hi) (the default [-1, 1); positive for Pow and Sqrt).
inline std::vector<Tensor> random_inputs(const Graph& g, std::mt19937& rng, float lo = -1.0f,
                                         float hi = 1.0f) {
  std::vector<Tensor> inputs;
  for (ValueId v : g.nodes.at(0).inputs) {
    const Shape& s = g.shape_of(v);
    inputs.emplace_back(s, random_values(static_cast<size_t>(s.elements()), rng, lo, hi));
  }
  return inputs;
}

// A random partition of [0, height) into contiguous slices; often with a
// 1-row slice at either edge.
inline std::vector<RowRange> random_slices(int64_t height, std::mt19937& rng) {
  std::set<int64_t> cuts;
  const int64_t wanted = uniform_int(rng, 0, std::min<int64_t>(height - 1, 5));
  while (static_cast<int64_t>(cuts.size()) < wanted) cuts.insert(uniform_int(rng, 1, height - 1));
  if (height > 1 && coin(rng, 0.4)) cuts.insert(1);
  if (height > 1 && coin(rng, 0.4)) cuts.insert(height - 1);
  std::vector<RowRange> slices;
  int64_t begin = 0;
  for (int64_t cut : cuts) {
    slices.push_back({begin, cut});
    begin = cut;
  }
  slices.push_back({begin, height});
  return slices;
}

// Every row a slice of its own.
inline std::vector<RowRange> single_row_slices(int64_t height) {
  std::vector<RowRange> slices;
  for (int64_t r = 0; r < height; ++r) slices.push_back({r, r + 1});
  return slices;
}

// Output rows `out` computed by a kernel made for them, reading copies of just
// the required input rows.
inline std::vector<float> run_slice(const Graph& g, const std::vector<Tensor>& inputs,
                                    RowRange out) {
  const Node& node = g.nodes.at(0);
  std::vector<std::vector<float>> buffers;
  std::vector<const float*> pointers;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const RowRange rows = required_input_rows(g, node, static_cast<int>(i), out);
    const int64_t row_elements = inputs[i].shape().row_elements();
    buffers.emplace_back(static_cast<size_t>(rows.size() * row_elements));
    if (!rows.empty())
      std::memcpy(buffers.back().data(), inputs[i].row(rows.begin),
                  buffers.back().size() * sizeof(float));
  }
  for (const auto& b : buffers) pointers.push_back(b.data());
  std::vector<float> dst(
      static_cast<size_t>(out.size() * g.shape_of(node.output).row_elements()));
  onednn_factory().make(g, node, out)->run(pointers, dst.data());
  return dst;
}

// The stitched output of `slices` (a partition of the output rows).
inline std::vector<float> run_stitched(const Graph& g, const std::vector<Tensor>& inputs,
                                       const std::vector<RowRange>& slices) {
  std::vector<float> out;
  for (RowRange s : slices) {
    const std::vector<float> part = run_slice(g, inputs, s);
    out.insert(out.end(), part.begin(), part.end());
  }
  return out;
}

inline std::string slices_str(const std::vector<RowRange>& slices) {
  std::string s;
  for (RowRange r : slices) s += "[" + std::to_string(r.begin) + "," + std::to_string(r.end) + ")";
  return s;
}

// (a) whole output and (b) random slices (and every single row when the
// output is short) against the reference.
inline void expect_kernel_matches_reference(const Graph& g, std::mt19937& rng, float lo = -1.0f,
                                            float hi = 1.0f) {
  const Node& node = g.nodes.at(0);
  const std::vector<Tensor> inputs = random_inputs(g, rng, lo, hi);
  std::vector<const Tensor*> input_ptrs;
  for (const Tensor& t : inputs) input_ptrs.push_back(&t);
  const Tensor ref = reference_forward(g, node, input_ptrs);
  const int64_t height = g.shape_of(node.output).height();

  std::vector<std::vector<RowRange>> partitions = {{RowRange{0, height}}};
  if (!needs_whole_input(node)) {
    partitions.push_back(random_slices(height, rng));
    partitions.push_back(random_slices(height, rng));
    if (height <= 10) partitions.push_back(single_row_slices(height));
  }
  for (const auto& slices : partitions) {
    SCOPED_TRACE("slices " + slices_str(slices));
    std::vector<float> out;
    try {
      out = run_stitched(g, inputs, slices);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "exception: " << e.what();
      continue;
    }
    ASSERT_EQ(out.size(), ref.size());
    EXPECT_LE(relative_max_error(out, ref.values()), kKernelTolerance);
  }
}

// Each partition of the output rows, run slice by slice, against the
// reference, exactly: for the kernels that only move data.
inline void expect_partitions_exact(const Graph& g, const std::vector<Tensor>& inputs,
                                    const std::vector<std::vector<RowRange>>& partitions) {
  std::vector<const Tensor*> input_ptrs;
  for (const Tensor& t : inputs) input_ptrs.push_back(&t);
  const Tensor ref = reference_forward(g, g.nodes.at(0), input_ptrs);
  for (const auto& slices : partitions) {
    SCOPED_TRACE("slices " + slices_str(slices));
    EXPECT_EQ(run_stitched(g, inputs, slices), ref.values());
  }
}

// expect_partitions_exact on random inputs: the whole output, two random
// partitions and, when the output is short, every single row.
inline void expect_kernel_exact(const Graph& g, std::mt19937& rng) {
  const std::vector<Tensor> inputs = random_inputs(g, rng);
  const int64_t height = g.shape_of(g.nodes.at(0).output).height();
  std::vector<std::vector<RowRange>> partitions = {
      {{0, height}}, random_slices(height, rng), random_slices(height, rng)};
  if (height <= 12) partitions.push_back(single_row_slices(height));
  expect_partitions_exact(g, inputs, partitions);
}

}  // namespace edgeflow::test
