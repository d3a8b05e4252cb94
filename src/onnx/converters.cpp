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
      {"BatchNormalization", convert_batch_norm},
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
  };
  if (!node.domain().empty() && node.domain() != "ai.onnx") return nullptr;
  auto it = kConverters.find(node.op_type());
  return it == kConverters.end() ? nullptr : it->second;
}

}  // namespace edgeflow::onnx_import
