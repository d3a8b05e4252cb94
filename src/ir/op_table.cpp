// The op table: every OpKind's descriptor, in OpKind order.
#include <array>

#include "edgeflow/error.h"
#include "ir/ops/op_internal.h"

namespace edgeflow {
namespace {

using namespace op_detail;

using DescriptorFn = const OpDescriptor& (*)();
// One line per op, in OpKind order (checked below and by a test).
constexpr std::array<DescriptorFn, kOpKindCount> kOps = {
    conv_op,           pool_op,    global_average_pool_op, concat_op,     activation_op,
    batch_norm_op,     pad_op,     flatten_op,             gemm_op,       conv_transpose_op,
    resize_op,         binary_op,  softmax_op,             reduce_op,     matmul_op,
    transpose_op,      reshape_op, channel_gather_op,     global_max_pool_op, prelu_op,
    layer_norm_op,     attention_op, row_slice_op,         row_concat_op, window_partition_op,
    window_reverse_op, column_gather_op, lrn_op, depth_to_space_op, space_to_depth_op,
    instance_norm_op,  tile_op,
};

}  // namespace

const OpDescriptor& op_descriptor(OpKind op) {
  const int index = static_cast<int>(op);
  EF_ASSERT(index >= 0 && index < kOpKindCount);
  const OpDescriptor& d = kOps[index]();
  EF_ASSERT(d.kind == op && "the op table is out of OpKind order");
  return d;
}

const char* op_name(OpKind op) { return op_descriptor(op).name; }

double layer_flops(const Graph& graph, const Node& node) {
  return op_descriptor(node.op).flops(graph, node);
}

}  // namespace edgeflow
