// Every tiny op model (models/export_tiny.py, listed in models/tiny/manifest.txt)
// at one rank against the reference saved at export (PyTorch's output, or a
// float64 numpy computation of the hand-built ones), and against ONNX
// Runtime's output saved beside it (tests/ort/ort_outputs.js): the ops as a
// user's model meets them, not only kernel against kernel.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "edgeflow/io.h"
#include "edgeflow/kernels.h"
#include "edgeflow/onnx_import.h"
#include "edgeflow/runtime.h"

namespace edgeflow {
namespace {

const std::string kTiny = std::string(EDGEFLOW_SOURCE_DIR) + "/models/tiny/";

std::vector<std::string> tiny_model_names() {
  std::vector<std::string> names;
  std::ifstream manifest(kTiny + "manifest.txt");
  for (std::string name; std::getline(manifest, name);)
    if (!name.empty()) names.push_back(name);
  return names;
}

TEST(TinyModels, EachMatchesItsExportedReferenceWithin1e4) {
  const std::vector<std::string> names = tiny_model_names();
  ASSERT_FALSE(names.empty()) << "missing " << kTiny
                              << "manifest.txt: run ./run.sh test, which exports the tiny models";
  std::unique_ptr<KernelFactory> factory = make_onednn_factory(1);
  for (const std::string& name : names) {
    SCOPED_TRACE(name);
    const Graph graph = import_onnx(kTiny + name + ".onnx", {});
    const Tensor input = read_npy(kTiny + name + ".input.npy");
    const Tensor ref = read_npy(kTiny + name + ".ref.npy");
    const std::vector<Tensor> out = run_single(graph, *factory, input);
    ASSERT_EQ(out.at(0).shape(), ref.shape());
    EXPECT_LE(relative_max_error(out[0].values(), ref.values()), 1e-4);
  }
}

// Models ONNX Runtime does not run: tests/ort/not_run_by_ort.txt, "name | why".
std::set<std::string> not_run_by_ort() {
  std::set<std::string> names;
  std::ifstream list(std::string(EDGEFLOW_SOURCE_DIR) + "/tests/ort/not_run_by_ort.txt");
  for (std::string line; std::getline(list, line);) {
    if (line.empty() || line[0] == '#') continue;
    const std::string name = line.substr(0, line.find_first_of(" |"));
    if (!name.empty()) names.insert(name);
  }
  return names;
}

TEST(TinyModels, EachMatchesOnnxRuntimeWithin1e4) {
  const std::vector<std::string> names = tiny_model_names();
  ASSERT_FALSE(names.empty()) << "missing " << kTiny << "manifest.txt";
  const std::set<std::string> skipped = not_run_by_ort();
  std::unique_ptr<KernelFactory> factory = make_onednn_factory(1);
  size_t compared = 0;
  for (const std::string& name : names) {
    SCOPED_TRACE(name);
    if (skipped.count(name)) continue;
    const std::string ort_path = kTiny + name + ".ort.npy";
    ASSERT_TRUE(std::filesystem::exists(ort_path))
        << "missing " << ort_path << ": run ./run.sh setup, which saves ONNX Runtime's outputs";
    const Graph graph = import_onnx(kTiny + name + ".onnx", {});
    const Tensor ort = read_npy(ort_path);
    const std::vector<Tensor> out = run_single(graph, *factory, read_npy(kTiny + name + ".input.npy"));
    ASSERT_EQ(out.at(0).shape(), ort.shape());
    EXPECT_LE(relative_max_error(out[0].values(), ort.values()), 1e-4);
    ++compared;
  }
  EXPECT_EQ(compared + skipped.size(), names.size()) << "not_run_by_ort.txt names a model "
                                                        "the manifest does not";
}

}  // namespace
}  // namespace edgeflow
