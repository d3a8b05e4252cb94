// The op tables are complete: every OpKind has a descriptor in the IR's op
// table (src/ir/op_table.cpp) with every part, and a kernel maker and a
// reference in the kernel table (src/kernels/kernel_table.cpp), each in
// OpKind order.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "edgeflow/op_descriptor.h"
#include "kernels/kernel_table.h"

namespace edgeflow {
namespace {

TEST(OpTables, EveryOpKindHasACompleteDescriptorAndKernels) {
  std::set<std::string> names;
  for (int i = 0; i < kOpKindCount; ++i) {
    const OpKind op = static_cast<OpKind>(i);
    const OpDescriptor& d = op_descriptor(op);
    EXPECT_EQ(d.kind, op) << "op table entry " << i;
    ASSERT_NE(d.name, nullptr) << "op " << i;
    EXPECT_FALSE(std::string(d.name).empty()) << "op " << i;
    EXPECT_TRUE(names.insert(d.name).second) << "two ops are called " << d.name;
    EXPECT_NE(d.infer_shape, nullptr) << d.name;
    EXPECT_NE(d.reads_whole_input, nullptr) << d.name;
    EXPECT_NE(d.row_map, nullptr) << d.name;
    EXPECT_NE(d.flops, nullptr) << d.name;
    EXPECT_STREQ(op_name(op), d.name);
    const kernels::OpKernels& k = kernels::op_kernels(op);
    EXPECT_EQ(k.kind, op) << d.name;
    EXPECT_NE(k.make, nullptr) << d.name;
    EXPECT_NE(k.reference, nullptr) << d.name;
  }
}

}  // namespace
}  // namespace edgeflow
