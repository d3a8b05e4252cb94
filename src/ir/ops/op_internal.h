// The pieces the op descriptors of src/ir/ops/ share (src/ir only): row maps
// of the common kinds, generic answers, and each op's descriptor.
#pragma once

#include "edgeflow/op_descriptor.h"
#include "ir/shape_internal.h"

namespace edgeflow::op_detail {

// Row maps of input `input` of `node`.
RowMap whole_rows(const Graph& graph, const Node& node, int input);
// The same rows, or all (one) rows of an input broadcast along H.
RowMap same_rows(const Graph& graph, const Node& node, int input);
// Windows of `w` over the rows (conv, pool).
RowMap window_rows(const Graph& graph, const Node& node, int input, const Window& w);

inline bool never_whole(const Node&) { return false; }
inline bool always_whole(const Node&) { return true; }
// One operation per output element (data movement and elementwise ops).
double flops_per_element(const Graph& graph, const Node& node);
// One operation per element of input 0 (reductions, global pools).
double flops_per_input_element(const Graph& graph, const Node& node);
double output_elements(const Graph& graph, const Node& node);
double input_elements(const Graph& graph, const Node& node, int input);

const OpDescriptor& conv_op();
const OpDescriptor& pool_op();
const OpDescriptor& global_average_pool_op();
const OpDescriptor& concat_op();
const OpDescriptor& activation_op();
const OpDescriptor& batch_norm_op();
const OpDescriptor& pad_op();
const OpDescriptor& flatten_op();
const OpDescriptor& gemm_op();
const OpDescriptor& conv_transpose_op();
const OpDescriptor& resize_op();
const OpDescriptor& binary_op();
const OpDescriptor& softmax_op();
const OpDescriptor& reduce_op();
const OpDescriptor& matmul_op();
const OpDescriptor& transpose_op();
const OpDescriptor& reshape_op();
const OpDescriptor& channel_gather_op();
const OpDescriptor& global_max_pool_op();
const OpDescriptor& prelu_op();
const OpDescriptor& layer_norm_op();
const OpDescriptor& attention_op();
const OpDescriptor& row_slice_op();
const OpDescriptor& row_concat_op();
const OpDescriptor& window_partition_op();
const OpDescriptor& window_reverse_op();
const OpDescriptor& column_gather_op();
const OpDescriptor& lrn_op();
const OpDescriptor& depth_to_space_op();
const OpDescriptor& space_to_depth_op();
const OpDescriptor& instance_norm_op();
const OpDescriptor& tile_op();

}  // namespace edgeflow::op_detail
