// The op registry: ONNX op type (default domain) -> converter and the opsets
// it is part of. An op missing here, or outside its opsets, is reported as
// unsupported before anything is built. docs/coverage.md lists the same ops
// (a unit test holds the two together).
#include <algorithm>

#include "edgeflow/onnx_import.h"
#include "onnx_internal.h"

namespace edgeflow::onnx_import {

const std::vector<OpSupport>& supported_ops() {
  static const std::vector<OpSupport> kOps = {
      {"Conv", convert_conv, 1, kLatest},
      {"MaxPool", convert_max_pool, 1, kLatest},
      {"AveragePool", convert_average_pool, 1, kLatest},
      {"GlobalAveragePool", convert_global_average_pool, 1, kLatest},
      {"GlobalMaxPool", convert_global_max_pool, 1, kLatest},
      {"BatchNormalization", convert_batch_norm, 1, kLatest},
      {"LayerNormalization", convert_layer_norm, 17, kLatest},
      {"LRN", convert_lrn, 1, kLatest},
      {"InstanceNormalization", convert_instance_norm, 1, kLatest},
      {"ImageScaler", convert_image_scaler, 1, 9},
      {"DepthToSpace", convert_depth_to_space, 1, kLatest},
      {"SpaceToDepth", convert_space_to_depth, 1, kLatest},
      {"Relu", convert_relu, 1, kLatest},
      {"Clip", convert_clip, 1, kLatest},
      {"Add", convert_add, 1, kLatest},
      {"Gemm", convert_gemm, 1, kLatest},
      {"Pad", convert_pad, 1, kLatest},
      {"Identity", convert_identity, 1, kLatest},
      {"Dropout", convert_dropout, 1, kLatest},
      {"Constant", convert_constant, 1, kLatest},
      {"Shape", convert_shape, 1, kLatest},
      {"Gather", convert_gather, 1, kLatest},
      {"Slice", convert_slice, 1, kLatest},
      {"Concat", convert_concat, 1, kLatest},
      {"Reshape", convert_reshape, 1, kLatest},
      {"Flatten", convert_flatten, 1, kLatest},
      {"Unsqueeze", convert_unsqueeze, 1, kLatest},
      {"Squeeze", convert_squeeze, 1, kLatest},
      {"Cast", convert_cast, 1, kLatest},
      {"ConvTranspose", convert_conv_transpose, 1, kLatest},
      {"Resize", convert_resize, 10, kLatest},
      {"Upsample", convert_upsample, 7, 10},
      {"LeakyRelu", convert_leaky_relu, 1, kLatest},
      {"PRelu", convert_prelu, 1, kLatest},
      {"Sigmoid", convert_sigmoid, 1, kLatest},
      {"HardSigmoid", convert_hard_sigmoid, 1, kLatest},
      {"HardSwish", convert_hard_swish, 14, kLatest},
      {"Tanh", convert_tanh, 1, kLatest},
      {"Erf", convert_erf, 9, kLatest},
      {"Sqrt", convert_sqrt, 1, kLatest},
      {"Reciprocal", convert_reciprocal, 1, kLatest},
      {"Elu", convert_elu, 1, kLatest},
      {"Selu", convert_selu, 1, kLatest},
      {"Softplus", convert_softplus, 1, kLatest},
      {"Softsign", convert_softsign, 1, kLatest},
      {"Abs", convert_abs, 1, kLatest},
      {"Neg", convert_neg, 1, kLatest},
      {"Exp", convert_exp, 1, kLatest},
      {"Log", convert_log, 1, kLatest},
      {"Floor", convert_floor, 1, kLatest},
      {"Ceil", convert_ceil, 1, kLatest},
      {"Sub", convert_sub, 1, kLatest},
      {"Mul", convert_mul, 1, kLatest},
      {"Div", convert_div, 1, kLatest},
      {"Pow", convert_pow, 1, kLatest},
      {"Sum", convert_sum, 1, kLatest},
      {"Mean", convert_mean, 1, kLatest},
      {"Max", convert_max, 1, kLatest},
      {"Min", convert_min, 1, kLatest},
      {"ReduceMean", convert_reduce, 1, kLatest},
      {"ReduceMax", convert_reduce, 1, kLatest},
      {"ReduceMin", convert_reduce, 1, kLatest},
      {"ReduceSum", convert_reduce, 1, kLatest},
      {"ArgMax", convert_arg_reduce, 1, kLatest},
      {"ArgMin", convert_arg_reduce, 1, kLatest},
      {"Softmax", convert_softmax, 1, kLatest},
      {"MatMul", convert_matmul, 1, kLatest},
      {"Transpose", convert_transpose, 1, kLatest},
      {"Split", convert_split, 1, kLatest},
      {"ConstantOfShape", convert_constant_of_shape, 9, kLatest},
      {"Equal", convert_equal, 1, kLatest},
      {"Less", convert_less, 1, kLatest},
      {"Greater", convert_greater, 1, kLatest},
      {"Not", convert_not, 1, kLatest},
      {"Mod", convert_mod, 10, kLatest},
      {"Where", convert_where, 9, kLatest},
      {"Expand", convert_expand, 8, kLatest},
      {"Tile", convert_tile, 1, kLatest},
      {"Range", convert_range, 11, kLatest},
      {"ScatterND", convert_scatter_nd, 11, kLatest},
  };
  return kOps;
}

const OpSupport* find_op(const onnx::NodeProto& node) {
  if (!node.domain().empty() && node.domain() != "ai.onnx") return nullptr;
  const std::vector<OpSupport>& ops = supported_ops();
  auto it = std::find_if(ops.begin(), ops.end(),
                         [&](const OpSupport& s) { return s.op == node.op_type(); });
  return it == ops.end() ? nullptr : &*it;
}

}  // namespace edgeflow::onnx_import

namespace edgeflow {

std::vector<SupportedOnnxOp> supported_onnx_ops() {
  using namespace onnx_import;
  std::vector<SupportedOnnxOp> out;
  for (const OpSupport& s : supported_ops())
    out.push_back({s.op, std::max<int64_t>(s.first_opset, kMinOpset),
                   s.last_opset == kLatest ? kMaxOpset : s.last_opset});
  return out;
}

}  // namespace edgeflow
