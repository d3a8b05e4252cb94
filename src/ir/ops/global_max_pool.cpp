// GlobalMaxPool: the maximum of every channel over H and W.
#include "ir/ops/op_internal.h"

namespace edgeflow::op_detail {

const OpDescriptor& global_max_pool_op() {
  static const OpDescriptor d{OpKind::kGlobalMaxPool, "GlobalMaxPool", shape_detail::global_pool_shape,
                              always_whole, whole_rows, flops_per_input_element};
  return d;
}

}  // namespace edgeflow::op_detail
