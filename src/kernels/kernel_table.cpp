// The kernel table (kernel_table.h): one line per op, in OpKind order.
#include "kernels/kernel_table.h"

#include <array>

#include "edgeflow/error.h"

namespace edgeflow::kernels {
namespace {

namespace ref = reference;

const std::array<OpKernels, kOpKindCount> kKernels = {{
    {OpKind::kConv, make_conv_kernel, ref::conv},
    {OpKind::kPool, make_pool_kernel, ref::pool},
    {OpKind::kGlobalAveragePool, make_global_average_pool_kernel, ref::global_average_pool},
    {OpKind::kConcat, make_concat_kernel, ref::concat},
    {OpKind::kActivation, make_activation_kernel, ref::activation},
    {OpKind::kBatchNorm, make_batch_norm_kernel, ref::batch_norm},
    {OpKind::kPad, make_pad_kernel, ref::pad},
    {OpKind::kFlatten, make_flatten_kernel, ref::flatten},
    {OpKind::kGemm, make_gemm_kernel, ref::gemm},
    {OpKind::kConvTranspose, make_conv_transpose_kernel, ref::conv_transpose},
    {OpKind::kResize, make_resize_kernel, ref::resize},
    {OpKind::kBinary, make_binary_kernel, ref::binary},
    {OpKind::kSoftmax, make_softmax_kernel, ref::softmax},
    {OpKind::kReduce, make_reduce_kernel, ref::reduce},
    {OpKind::kMatMul, make_matmul_kernel, ref::matmul},
    {OpKind::kTranspose, make_transpose_kernel, ref::transpose},
    {OpKind::kReshape, make_reshape_kernel, ref::reshape},
    {OpKind::kChannelGather, make_channel_gather_kernel, ref::channel_gather},
    {OpKind::kGlobalMaxPool, make_global_max_pool_kernel, ref::global_max_pool},
    {OpKind::kPRelu, make_prelu_kernel, ref::prelu},
    {OpKind::kLayerNorm, make_layer_norm_kernel, ref::layer_norm},
    {OpKind::kAttention, make_attention_kernel, ref::attention},
    {OpKind::kRowSlice, make_row_slice_kernel, ref::row_slice},
    {OpKind::kRowConcat, make_row_concat_kernel, ref::row_concat},
    {OpKind::kWindowPartition, make_window_partition_kernel, ref::window_partition},
    {OpKind::kWindowReverse, make_window_reverse_kernel, ref::window_reverse},
    {OpKind::kColumnGather, make_column_gather_kernel, ref::column_gather},
    {OpKind::kLrn, make_lrn_kernel, ref::lrn},
    {OpKind::kDepthToSpace, make_depth_to_space_kernel, ref::depth_to_space},
    {OpKind::kSpaceToDepth, make_space_to_depth_kernel, ref::space_to_depth},
    {OpKind::kInstanceNorm, make_instance_norm_kernel, ref::instance_norm},
    {OpKind::kTile, make_tile_kernel, ref::tile},
}};

}  // namespace

const OpKernels& op_kernels(OpKind op) {
  const int index = static_cast<int>(op);
  EF_ASSERT(index >= 0 && index < kOpKindCount);
  const OpKernels& k = kKernels[index];
  EF_ASSERT(k.kind == op && k.make && k.reference && "the kernel table is out of OpKind order");
  return k;
}

}  // namespace edgeflow::kernels
