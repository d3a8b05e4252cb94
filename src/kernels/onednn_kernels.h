// The oneDNN kernels, one maker per op (one file each); the factory picks one
// by node.op. Each builds its primitives for one output row range.
#pragma once

#include <memory>

#include "edgeflow/ir.h"
#include "edgeflow/kernels.h"
#include "kernels/onednn_common.h"

namespace edgeflow::kernels {

using KernelPtr = std::unique_ptr<Kernel>;

KernelPtr make_conv_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                           RowRange out);
KernelPtr make_pool_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                           RowRange out);
KernelPtr make_concat_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                             RowRange out);
KernelPtr make_activation_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                                 RowRange out);
// `activation` over `elements` floats (in place when dst is the input).
KernelPtr make_elementwise_activation(const OnednnContext& ctx, const Activation& activation,
                                      int64_t elements);
KernelPtr make_batch_norm_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                                 RowRange out);
KernelPtr make_pad_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                          RowRange out);
KernelPtr make_global_average_pool_kernel(const OnednnContext& ctx, const Graph& graph,
                                          const Node& node, RowRange out);
KernelPtr make_global_max_pool_kernel(const OnednnContext& ctx, const Graph& graph,
                                          const Node& node, RowRange out);
KernelPtr make_prelu_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                            RowRange out);
KernelPtr make_flatten_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                              RowRange out);
KernelPtr make_gemm_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                           RowRange out);
KernelPtr make_conv_transpose_kernel(const OnednnContext& ctx, const Graph& graph,
                                     const Node& node, RowRange out);
KernelPtr make_resize_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                             RowRange out);
KernelPtr make_binary_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                             RowRange out);
KernelPtr make_softmax_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                              RowRange out);
KernelPtr make_reduce_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                             RowRange out);
KernelPtr make_matmul_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                             RowRange out);
// linear.cpp: a Linear layer (is_linear_layer), which make_matmul_kernel
// hands over.
KernelPtr make_linear_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                             RowRange out);
KernelPtr make_transpose_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                                RowRange out);
KernelPtr make_reshape_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                              RowRange out);
KernelPtr make_layer_norm_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                                 RowRange out);
KernelPtr make_channel_gather_kernel(const OnednnContext& ctx, const Graph& graph,
                                      const Node& node, RowRange out);
KernelPtr make_attention_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                                RowRange out);
KernelPtr make_row_slice_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                                RowRange out);
KernelPtr make_row_concat_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                                 RowRange out);
// window_tokens.cpp
KernelPtr make_window_partition_kernel(const OnednnContext& ctx, const Graph& graph,
                                       const Node& node, RowRange out);
KernelPtr make_window_reverse_kernel(const OnednnContext& ctx, const Graph& graph,
                                     const Node& node, RowRange out);
KernelPtr make_column_gather_kernel(const OnednnContext& ctx, const Graph& graph,
                                    const Node& node, RowRange out);
KernelPtr make_lrn_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                          RowRange out);
KernelPtr make_depth_to_space_kernel(const OnednnContext& ctx, const Graph& graph,
                                     const Node& node, RowRange out);
KernelPtr make_space_to_depth_kernel(const OnednnContext& ctx, const Graph& graph,
                                     const Node& node, RowRange out);
KernelPtr make_instance_norm_kernel(const OnednnContext& ctx, const Graph& graph,
                                    const Node& node, RowRange out);
KernelPtr make_tile_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                           RowRange out);

}  // namespace edgeflow::kernels
