// The op registry: ONNX op type (default domain) -> converter. An op missing
// here is reported as unsupported before anything is built.
#include <map>

#include "onnx_internal.h"

namespace edgeflow::onnx_import {

Converter find_converter(const onnx::NodeProto& node) {
  static const std::map<std::string, Converter> kConverters = {
      {"Conv", convert_conv},
      {"MaxPool", convert_max_pool},
      {"AveragePool", convert_average_pool},
      {"GlobalAveragePool", convert_global_average_pool},
      {"GlobalMaxPool", convert_global_max_pool},
      {"BatchNormalization", convert_batch_norm},
      {"LayerNormalization", convert_layer_norm},
      {"Relu", convert_relu},
      {"Clip", convert_clip},
      {"Add", convert_add},
      {"Gemm", convert_gemm},
      {"Pad", convert_pad},
      {"Identity", convert_identity},
      {"Dropout", convert_dropout},
      {"Constant", convert_constant},
      {"Shape", convert_shape},
      {"Gather", convert_gather},
      {"Slice", convert_slice},
      {"Concat", convert_concat},
      {"Reshape", convert_reshape},
      {"Flatten", convert_flatten},
      {"Unsqueeze", convert_unsqueeze},
      {"Squeeze", convert_squeeze},
      {"Cast", convert_cast},
      {"ConvTranspose", convert_conv_transpose},
      {"Resize", convert_resize},
      {"Upsample", convert_upsample},
      {"LeakyRelu", convert_leaky_relu},
      {"PRelu", convert_prelu},
      {"Sigmoid", convert_sigmoid},
      {"HardSigmoid", convert_hard_sigmoid},
      {"HardSwish", convert_hard_swish},
      {"Tanh", convert_tanh},
      {"Erf", convert_erf},
      {"Sqrt", convert_sqrt},
      {"Reciprocal", convert_reciprocal},
      {"Sub", convert_sub},
      {"Mul", convert_mul},
      {"Div", convert_div},
      {"Pow", convert_pow},
      {"ReduceMean", convert_reduce},
      {"ReduceMax", convert_reduce},
      {"ReduceMin", convert_reduce},
      {"ReduceSum", convert_reduce},
      {"Softmax", convert_softmax},
      {"MatMul", convert_matmul},
      {"Transpose", convert_transpose},
      {"Split", convert_split},
      {"ConstantOfShape", convert_constant_of_shape},
      {"Equal", convert_equal},
      {"Less", convert_less},
      {"Greater", convert_greater},
      {"Not", convert_not},
      {"Mod", convert_mod},
      {"Where", convert_where},
      {"Expand", convert_expand},
      {"Range", convert_range},
      {"ScatterND", convert_scatter_nd},
  };
  if (!node.domain().empty() && node.domain() != "ai.onnx") return nullptr;
  auto it = kConverters.find(node.op_type());
  return it == kConverters.end() ? nullptr : it->second;
}

}  // namespace edgeflow::onnx_import
