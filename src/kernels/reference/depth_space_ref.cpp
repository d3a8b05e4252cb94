// Reference DepthToSpace and SpaceToDepth, as ONNX defines them: reshapes
// and a transpose of [1, C, H, W], written as index maps on NCHW indices.
//   DCR: [1, b, b, C', H, W] -> transpose (0, 3, 4, 1, 5, 2) -> [1, C', H*b, W*b]
//   CRD: [1, C', b, b, H, W] -> transpose (0, 1, 4, 2, 5, 3) -> [1, C', H*b, W*b]
//   SpaceToDepth: [1, C, H/b, b, W/b, b] -> transpose (0, 3, 5, 1, 2, 4)
//                 -> [1, C*b*b, H/b, W/b]
// Maps are stored NHWC: element (c, h, w) of [1, C, H, W] is at (h*W + w)*C + c.
#include "kernels/reference/reference_ops.h"

namespace edgeflow::reference {
namespace {

int64_t at(const Dims& d, int64_t c, int64_t h, int64_t w) { return (h * d[3] + w) * d[1] + c; }

}  // namespace

Tensor depth_to_space(const Graph& graph, const Node& node, const Inputs& inputs) {
  const DepthSpaceAttrs& a = std::get<DepthSpaceAttrs>(node.attrs);
  const Tensor& x = *inputs.at(0);
  Tensor y(graph.shape_of(node.output));
  const Dims& in = x.shape().dims;
  const Dims& out = y.shape().dims;
  const int64_t b = a.block, c_out = out[1];
  for (int64_t c = 0; c < c_out; ++c)
    for (int64_t h = 0; h < out[2]; ++h)
      for (int64_t w = 0; w < out[3]; ++w) {
        const int64_t i = h % b, j = w % b;
        const int64_t source = a.crd ? c * b * b + i * b + j : (i * b + j) * c_out + c;
        y.data()[at(out, c, h, w)] = x.data()[at(in, source, h / b, w / b)];
      }
  return y;
}

Tensor space_to_depth(const Graph& graph, const Node& node, const Inputs& inputs) {
  const int64_t b = std::get<DepthSpaceAttrs>(node.attrs).block;
  const Tensor& x = *inputs.at(0);
  Tensor y(graph.shape_of(node.output));
  const Dims& in = x.shape().dims;
  const Dims& out = y.shape().dims;
  for (int64_t c = 0; c < out[1]; ++c)
    for (int64_t h = 0; h < out[2]; ++h)
      for (int64_t w = 0; w < out[3]; ++w) {
        const int64_t block = c / in[1], source = c % in[1];
        y.data()[at(out, c, h, w)] =
            x.data()[at(in, source, h * b + block / b, w * b + block % b)];
      }
  return y;
}

}  // namespace edgeflow::reference
