// Whole zoo models at one rank against independent engines (PyTorch's output
// saved at export, and OpenCV DNN in-process), and the row-slice property
// layer by layer on real layers. Models come from models/export_zoo.py
// (./run.sh exports them before the tests run).
#include <gtest/gtest.h>
#include <opencv2/dnn.hpp>

#include <filesystem>
#include <random>

#include "edgeflow/io.h"
#include "edgeflow/kernels.h"
#include "edgeflow/onnx_import.h"
#include "edgeflow/runtime.h"

namespace edgeflow {
namespace {

const std::string kZoo = std::string(EDGEFLOW_SOURCE_DIR) + "/models/zoo/";

std::string zoo_file(const std::string& model, const std::string& suffix) {
  const std::string path = kZoo + model + suffix;
  if (!std::filesystem::exists(path))
    ADD_FAILURE() << "missing " << path << ": run ./run.sh test, which exports the zoo";
  return path;
}

// Tests named by their model ("Zoo/ZooModel.MatchesPyTorchWithin1e4/vit_b_16"),
// so that a run can pick or skip models (run.sh skips the transformers under
// ASan).
std::string model_name(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

KernelFactory& kernels() {
  static std::unique_ptr<KernelFactory> factory = make_onednn_factory(2);
  return *factory;
}

class ZooModel : public ::testing::TestWithParam<std::string> {};

TEST_P(ZooModel, MatchesPyTorchWithin1e4) {
  const Graph graph = import_onnx(zoo_file(GetParam(), ".onnx"), {});
  const Tensor input = read_npy(zoo_file(GetParam(), ".input.npy"));
  const Tensor ref = read_npy(zoo_file(GetParam(), ".ref.npy"));
  const std::vector<Tensor> out = run_single(graph, kernels(), input);
  ASSERT_EQ(out.at(0).shape(), ref.shape());
  const double err = relative_max_error(out[0].values(), ref.values());
  RecordProperty("relative_error", std::to_string(err));
  EXPECT_LE(err, 1e-4) << GetParam();
}

// OpenCV DNN (4.6) runs the zoo of CNNs, not the models of modern
// architectures (ConvNeXt, ShuffleNet v2, ViT): those are checked against
// PyTorch only.
class ZooModelOpenCv : public ::testing::TestWithParam<std::string> {};

TEST_P(ZooModelOpenCv, MatchesOpenCvDnnWithin1e4) {
  const Graph graph = import_onnx(zoo_file(GetParam(), ".onnx"), {});
  const Tensor input = read_npy(zoo_file(GetParam(), ".input.npy"));
  cv::dnn::Net net = cv::dnn::readNetFromONNX(zoo_file(GetParam(), ".opencv.onnx"));
  net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
  const Shape& s = input.shape();
  std::vector<float> nchw = storage_to_nchw(s, input.values());
  const int dims[4] = {1, int(s.channels()), int(s.height()), int(s.width())};
  cv::Mat blob(4, dims, CV_32F, nchw.data());
  net.setInput(blob);
  cv::Mat cv_out = net.forward();
  std::vector<float> ref(cv_out.ptr<float>(), cv_out.ptr<float>() + cv_out.total());
  const std::vector<Tensor> out = run_single(graph, kernels(), input);
  ASSERT_EQ(out.at(0).values().size(), ref.size());
  // OpenCV answers in NCHW order; EdgeFlow stores maps (a segmentation output) NHWC.
  EXPECT_LE(relative_max_error(storage_to_nchw(out[0].shape(), out[0].values()), ref), 1e-4)
      << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Zoo, ZooModel,
                         ::testing::Values("resnet18", "resnet50", "googlenet", "inception_v3",
                                           "densenet121", "mobilenet_v2", "squeezenet1_1",
                                           "vgg16", "fcn_resnet50", "mobilenet_v3_small",
                                           "unet_small", "convnext_tiny", "shufflenet_v2_x1_0",
                                           "vit_b_16", "swin_t"),
                         model_name);
INSTANTIATE_TEST_SUITE_P(Zoo, ZooModelOpenCv,
                         ::testing::Values("resnet18", "resnet50", "googlenet", "inception_v3",
                                           "densenet121", "mobilenet_v2", "squeezenet1_1",
                                           "vgg16", "fcn_resnet50", "mobilenet_v3_small",
                                           "unet_small"),
                         model_name);

// Every layer of a real model: its output computed as random row slices, each
// from only the input rows its row map names, stitched, equals the whole.
class ZooLayerSlices : public ::testing::TestWithParam<std::string> {};

TEST_P(ZooLayerSlices, StitchedSlicesEqualTheWholeLayer) {
  const Graph graph = import_onnx(zoo_file(GetParam(), ".onnx"), {});
  const Tensor input = read_npy(zoo_file(GetParam(), ".input.npy"));
  std::vector<Tensor> values(graph.values.size());
  values[graph.input] = input;
  std::mt19937 rng(11);
  for (const Node& node : graph.nodes) {
    const Shape& out_shape = graph.shape_of(node.output);
    const int64_t H = out_shape.height();
    // Kernels read each input from the first row its row map names (a
    // RowSlice from its start row).
    std::vector<const float*> whole_in;
    for (size_t i = 0; i < node.inputs.size(); ++i)
      whole_in.push_back(values[node.inputs[i]].row(
          required_input_rows(graph, node, static_cast<int>(i), RowRange{0, H}).begin));
    Tensor whole(out_shape);
    kernels().make(graph, node, RowRange{0, H})->run(whole_in, whole.data());
    if (!needs_whole_input(node) && H > 1) {
      Tensor stitched(out_shape);
      std::uniform_int_distribution<int64_t> step(1, std::max<int64_t>(1, H / 2));
      for (int64_t a = 0; a < H;) {
        const int64_t b = std::min(H, a + step(rng));
        std::vector<std::vector<float>> copies;  // only the required rows
        std::vector<const float*> in;
        for (size_t i = 0; i < node.inputs.size(); ++i) {
          const Tensor& full = values[node.inputs[i]];
          const RowRange need = required_input_rows(graph, node, int(i), RowRange{a, b});
          copies.emplace_back(full.row(need.begin), full.row(need.end));
        }
        for (auto& c : copies) in.push_back(c.data());
        kernels().make(graph, node, RowRange{a, b})->run(in, stitched.row(a));
        a = b;
      }
      // docs/user-contract.md's bound for any partition against np = 1. (The sanitizer build,
      // gcc -O2, differs from the whole by up to 1.4e-6 on five zoo models.)
      ASSERT_LE(relative_max_error(stitched.values(), whole.values()), 1e-5)
          << GetParam() << " layer '" << node.name << "' (" << op_name(node.op) << ")";
    }
    values[node.output] = std::move(whole);
  }
}

INSTANTIATE_TEST_SUITE_P(Zoo, ZooLayerSlices,
                         ::testing::Values("resnet18", "googlenet", "densenet121",
                                           "mobilenet_v2", "squeezenet1_1", "inception_v3",
                                           "fcn_resnet50", "mobilenet_v3_small", "unet_small",
                                           "convnext_tiny", "shufflenet_v2_x1_0", "vit_b_16",
                                           "swin_t"),
                         model_name);

}  // namespace
}  // namespace edgeflow
