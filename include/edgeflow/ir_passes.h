// IR-level rewrites and checks: BatchNorm folding, activation fusion, dead
// node removal, shape inference and a validator. Plain data, no third-party
// types; the importer runs them, tests and tools may run them on any Graph.
#pragma once

#include "edgeflow/ir.h"

namespace edgeflow {

// Output shape of `node` from the shapes of its inputs in `graph` and its
// attributes. Throws Error (kBadInput) "node 'x' (Op): ..." when the inputs do
// not fit the op (channel mismatch, window larger than the padded input, ...).
Shape infer_output_shape(const Graph& graph, const Node& node);

// Removes the Transposes around channels-last layers: every Transpose
// (0,2,3,1) of a map whose readers, and theirs, are all ops with a form over
// the channel axis (activations, Binary, a Reduce, Softmax or LayerNorm over
// the last axis, a MatMul by a constant [C, K]) up to Transposes (0,3,1,2)
// is removed with those Transposes, and the ops act on the channels of the
// NHWC-stored map instead (the MatMul as a 1x1 Conv). Values do not change.
// Returns the number of channels-last regions absorbed.
int absorb_channels_last_transposes(Graph& graph);

// A Linear layer (a MatMul by a constant [C, K], its bias and activation)
// as the 1x1 convolution over the channels of a map that computes it.
ConvAttrs pointwise_conv(const MatMulAttrs& linear);

// Rewrites the op-by-op layer normalization (ReduceMean, Sub, Pow 2 or
// Mul(d, d), ReduceMean, Add epsilon, Sqrt, Div) over an axis that is
// innermost in storage into one kLayerNorm (scale 1, shift 0). Returns the
// number of rewrites.
int fuse_layer_norms(Graph& graph);

// Rewrites GELU's exported form, x * (Erf(x / sqrt 2) + 1) * 0.5 (either
// order of the two Muls; x * (1/sqrt 2) too), into a Gelu activation. Returns
// the number of rewrites.
int fuse_gelus(Graph& graph);

// Folds every Binary Mul, Div, Add or Sub by a constant that varies only
// along the output channels (a bias, a layer scale, an affine map after a
// normalization) into the Conv (no activation, no residual) or LayerNorm
// producing its input, when nothing else reads that input. Returns the
// number of ops folded.
int fold_channel_affines(Graph& graph);

// Composes every ChannelGather reading another ChannelGather into one that
// reads the other's input (a channel shuffle and the two halves ShuffleNet v2
// slices from it: each half is one gather, the shuffle is gone when nothing
// else reads it). Returns the number of gathers composed.
int compose_channel_gathers(Graph& graph);

// Rewrites every mean (max) reduction over H and W of a map, dims kept, into
// a GlobalAveragePool (GlobalMaxPool): the same values, by a kernel made for
// it (ShuffleNet v2 and TF-style models pool with ReduceMean). Returns the
// number of rewrites.
int reductions_to_global_pools(Graph& graph);

// Folds every kBatchNorm whose input comes from a kConv that has no other
// consumer, is not a graph output and has no activation yet into that conv:
//   W'[o] = W[o] * scale[o],  b'[o] = b[o] * scale[o] + shift[o].
// Returns the number of BatchNorms folded.
int fold_batchnorms(Graph& graph);

// Fuses every standalone kActivation oneDNN can run as a post-op (not Erf)
// into its producer (kConv, kGemm, kBatchNorm, kConvTranspose, kBinary)
// when the producer has no other consumer, is not a graph output and has no
// activation yet. Returns the number of activations fused.
int fuse_activations(Graph& graph);

// Rewrites Mul(x, Sigmoid(x)) into Swish(x) and Mul(x, HardSigmoid(x) with
// alpha 1/6, beta 1/2) into HardSwish(x) (how exporters write SiLU and
// HardSwish before opset 14), when the gate has no other consumer. Returns
// the number of rewrites.
int fuse_gated_activations(Graph& graph);

// Fuses every Add (a kBinary Add of two same-shape maps, no constant) one of whose inputs comes from a kConv that has no other
// consumer, is not a graph output, has no activation and no residual yet, and
// whose pads stay within its kernel (Window::pads_within_extent), into
// that conv: the conv takes the other input as its residual (ConvAttrs::
// residual) and the Add's activation, and moves to the Add's place in the
// node order. Of two such convs, the later one is fused. Returns the number
// of Adds fused.
int fuse_residual_adds(Graph& graph);

// Fuses every kConcat whose only reader is a kBatchNorm with no activation or
// a ReLU into that BatchNorm, which then takes the Concat's inputs (it
// normalizes their channel concatenation; DenseNet's Concat -> BN -> ReLU):
// the concatenated map is written once, normalized, instead of written and
// read again. Returns the number of Concats fused.
int fuse_concat_batchnorms(Graph& graph);

// Feature splits: splits every Gemm whose weight holds at least `min_weights`
// values into `shards` Gemms over consecutive ranges of its output features
// (fewer when it has fewer features), joined by a Concat that takes the
// Gemm's place, name and output value. Each shard is a layer of its own that
// reads the whole input, so the partitioner can run the shards on different
// ranks at once. Each output feature is the same dot product as before, so
// results do not change. Returns the number of Gemms split.
int shard_gemms(Graph& graph, int shards, int64_t min_weights);

// The same for convs on small maps: every Conv (one group, no fused residual)
// whose weight holds at least `min_weights` values, with at least two output
// channels per shard, and whose output has fewer than `min_rows_per_shard`
// rows per shard (a row split would give each rank a thin slice, whose
// kernel runs far below the speed of the whole map), split by output
// channels; each shard reads the whole input, the Concat joins the channels.
// Returns the number of Convs split.
int shard_convs(Graph& graph, int shards, int64_t min_weights, int64_t min_rows_per_shard);

// Removes nodes whose outputs reach no graph output, and values no node or
// graph input/output refers to. Returns the number of nodes removed.
int remove_dead_nodes(Graph& graph);

// Checks the invariants every later stage relies on: ids in range, one
// producer per value, nodes in topological order, attributes of the op's
// kind, weights that fit their inputs, stored shapes equal to
// infer_output_shape, an NCHW input with N = 1. Throws Error (kBadInput)
// "invalid graph: ..." naming the node or value at fault.
void validate_graph(const Graph& graph);

// absorb_channels_last_transposes, fuse_layer_norms, fuse_gelus,
// fold_channel_affines, reductions_to_global_pools, compose_channel_gathers,
// fold_batchnorms, fuse_gated_activations,
// fuse_activations, fuse_residual_adds, fuse_concat_batchnorms,
// remove_dead_nodes, then validate_graph.
void optimize_graph(Graph& graph);

}  // namespace edgeflow
