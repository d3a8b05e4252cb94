// Every tiny op model (models/export_tiny.py, listed in models/tiny/manifest.txt)
// at one rank against the reference saved at export (PyTorch's output, or a
// float64 numpy computation of the hand-built ones): the ops as a user's
// model meets them, not only kernel against kernel.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

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

}  // namespace
}  // namespace edgeflow
