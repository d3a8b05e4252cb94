#!/usr/bin/python3
"""Tiny ONNX models, one per op / attribute variant EdgeFlow's importer must support.

For every model NAME this writes, into --out (default: models/tiny next to this script):
  NAME.onnx        a few KB; one input "input" (1xCxHxW float32), one output "output"
  NAME.input.npy   deterministic random normal input, float32
  NAME.ref.npy     the expected output, float32
and manifest.txt (one model name per line, in the order below).

References are computed independently of any ONNX runtime, in float64, then stored as float32:
  - models exported from a torch module: that module's forward pass (a float64 copy of it);
  - models built with onnx.helper: torch.nn.functional / numpy code written from the ONNX spec.
Every model passes onnx.checker, and ONNX shape inference must give the reference's shape.
Weights come from a per-model fixed seed (crc32 of the name); BatchNorm running_mean ~ U(-0.1,
0.1), running_var ~ U(0.5, 1.5).

A model whose three files exist is skipped unless --force (the manifest is always rewritten).
Usage: export_tiny.py [--out DIR] [--only a,b,c] [--force] [--list]
"""

import argparse
import copy
import io
import os
import sys
import time
import zlib

import numpy as np

SUFFIXES = (".onnx", ".input.npy", ".ref.npy")
REGISTRY = []  # (name, description, builder)


def log(msg):
    print("export_tiny: " + msg, file=sys.stderr, flush=True)


def tiny(description):
    def register(fn):
        REGISTRY.append((fn.__name__, description, fn))
        return fn
    return register


def seed_of(name):
    return zlib.crc32(name.encode()) & 0x7FFFFFFF


# ---------------------------------------------------------------------------------------------
# helpers: torch-exported models
# ---------------------------------------------------------------------------------------------

def torch_mod():
    import torch
    return torch


def randomize_bn(module):
    torch = torch_mod()
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
                m.running_mean.uniform_(-0.1, 0.1)
                m.running_var.uniform_(0.5, 1.5)
                # random affine too, so scale/shift are exercised
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)


def randomize_ln(module, *norms):
    """Moves the affine parts of LayerNorms away from 1 and 0 (so that folding them is
    checked); returns module."""
    torch = torch_mod()
    with torch.no_grad():
        for n in norms:
            n.weight.uniform_(0.5, 1.5)
            n.bias.uniform_(-0.2, 0.2)
    return module


def torch_model(ctx, make_module, shape, opset=13, fold=True, preserve=False):
    """Build the module with the model's seed, export it, return (model, x, ref)."""
    import onnx
    torch = torch_mod()
    torch.manual_seed(ctx.seed)
    module = make_module(torch.nn)
    randomize_bn(module)
    module.eval()
    x = ctx.input(shape)
    buf = io.BytesIO()
    mode = torch.onnx.TrainingMode.PRESERVE if preserve else torch.onnx.TrainingMode.EVAL
    torch.onnx.export(module, torch.from_numpy(x), buf, opset_version=opset,
                      input_names=["input"], output_names=["output"],
                      do_constant_folding=fold, training=mode)
    model = onnx.load_from_string(buf.getvalue())
    with torch.no_grad():
        ref = copy.deepcopy(module).double()(torch.from_numpy(x).double()).numpy()
    return model, x, ref


class Fn(object):
    """A torch.nn.Module whose forward is a given function of (self, x)."""

    def __new__(cls, nn, forward, **children):
        class _M(nn.Module):
            def __init__(self):
                super().__init__()
                for k, v in children.items():
                    setattr(self, k, v)

            def forward(self, x):
                return forward(self, x)
        return _M()


# ---------------------------------------------------------------------------------------------
# helpers: hand-built models (onnx.helper) with float64 references
# ---------------------------------------------------------------------------------------------

class Graph(object):
    def __init__(self, ctx, opset):
        self.ctx = ctx
        self.opset = opset
        self.nodes = []
        self.inits = []
        self.count = 0

    def fresh(self, base):
        self.count += 1
        return "%s_%d" % (base, self.count)

    def init(self, arr, base="w"):
        from onnx import numpy_helper
        name = self.fresh(base)
        self.inits.append(numpy_helper.from_array(np.asarray(arr), name))
        return name

    def const(self, arr, base="c"):
        from onnx import helper, numpy_helper
        name = self.fresh(base)
        self.nodes.append(helper.make_node("Constant", [], [name], name=name + "_node",
                                           value=numpy_helper.from_array(np.asarray(arr))))
        return name

    def node(self, op, inputs, out=None, **attrs):
        from onnx import helper
        out = out or self.fresh(op.lower())
        self.nodes.append(helper.make_node(op, list(inputs), [out], name=out + "_node", **attrs))
        return out

    def model(self, x, out_name, ref, out_type=None):
        import onnx
        from onnx import helper, TensorProto
        # the last node writes "output"
        last = self.nodes[-1]
        assert last.output[0] == out_name
        last.output[0] = "output"
        g = helper.make_graph(
            self.nodes, self.ctx.name,
            [helper.make_tensor_value_info("input", TensorProto.FLOAT, list(x.shape))],
            [helper.make_tensor_value_info("output", out_type or TensorProto.FLOAT, None)],
            self.inits)
        m = helper.make_model(g, producer_name="edgeflow-export_tiny",
                              opset_imports=[helper.make_opsetid("", self.opset)])
        m.ir_version = min(onnx.IR_VERSION, 8)
        return m, x, ref


def rand_w(rng, shape, gain=1.0):
    fan_in = int(np.prod(shape[1:]))
    return (rng.standard_normal(shape) * gain / np.sqrt(fan_in)).astype(np.float32)


def rand_b(rng, n):
    return rng.uniform(-0.5, 0.5, n).astype(np.float32)


def T(a):
    return torch_mod().from_numpy(np.asarray(a, dtype=np.float64))


def N(t):
    return t.detach().numpy()


def ref_conv(x, w, b=None, strides=(1, 1), pads=(0, 0, 0, 0), dilations=(1, 1), group=1):
    """ONNX Conv, pads = [top, left, bottom, right]."""
    F = torch_mod().nn.functional
    xt = F.pad(T(x), (pads[1], pads[3], pads[0], pads[2]))
    return N(F.conv2d(xt, T(w), None if b is None else T(b), stride=tuple(strides),
                      dilation=tuple(dilations), groups=group))


def ref_bn(x, scale, bias, mean, var, eps):
    s = lambda v: np.asarray(v, np.float64).reshape(1, -1, 1, 1)
    return (x - s(mean)) / np.sqrt(s(var) + eps) * s(scale) + s(bias)


def ref_relu(x):
    return np.maximum(x, 0.0)


class Ctx(object):
    def __init__(self, name):
        self.name = name
        self.seed = seed_of(name)
        self.rng = np.random.RandomState(self.seed)

    def input(self, shape):
        return self.rng.standard_normal((1,) + tuple(shape)).astype(np.float32)


def conv_layer(g, x_name, x_val, cout, k, strides=(1, 1), pads=(0, 0, 0, 0), dil=(1, 1),
               group=1, bias=True, gain=1.0):
    """Add a Conv with random weights; return (output name, reference value)."""
    rng = g.ctx.rng
    cin = x_val.shape[1]
    kh, kw = (k, k) if isinstance(k, int) else k
    w = rand_w(rng, (cout, cin // group, kh, kw), gain)
    b = rand_b(rng, cout) if bias else None
    inputs = [x_name, g.init(w, "W")] + ([g.init(b, "B")] if bias else [])
    out = g.node("Conv", inputs, kernel_shape=[kh, kw], strides=list(strides),
                 pads=list(pads), dilations=list(dil), group=group)
    return out, ref_conv(x_val, w, b, strides, pads, dil, group)


# ---------------------------------------------------------------------------------------------
# the models
# ---------------------------------------------------------------------------------------------

# --- Conv ----------------------------------------------------------------------------------

@tiny("Conv 1x1, stride 1, bias")
def conv_k1(ctx):
    return torch_model(ctx, lambda nn: nn.Conv2d(5, 7, 1), (5, 11, 9))


@tiny("Conv 3x3, pad 1, stride 1")
def conv_k3_p1(ctx):
    return torch_model(ctx, lambda nn: nn.Conv2d(4, 6, 3, padding=1), (4, 13, 11))


@tiny("Conv 5x5, stride 2, pad 2")
def conv_k5_s2_p2(ctx):
    return torch_model(ctx, lambda nn: nn.Conv2d(3, 8, 5, stride=2, padding=2), (3, 17, 13))


@tiny("Conv 3x3, stride 2, no padding, even H")
def conv_k3_s2_nopad(ctx):
    return torch_model(ctx, lambda nn: nn.Conv2d(6, 5, 3, stride=2), (6, 16, 9))


@tiny("Conv 3x3, dilation 2, pad 2")
def conv_dilation2(ctx):
    return torch_model(ctx, lambda nn: nn.Conv2d(6, 6, 3, padding=2, dilation=2), (6, 15, 9))


@tiny("Conv 3x3, groups 2")
def conv_groups2(ctx):
    return torch_model(ctx, lambda nn: nn.Conv2d(6, 4, 3, padding=1, groups=2), (6, 9, 13))


@tiny("depthwise Conv 3x3 (groups = C), stride 2, pad 1")
def conv_depthwise_s2(ctx):
    return torch_model(ctx, lambda nn: nn.Conv2d(8, 8, 3, stride=2, padding=1, groups=8),
                       (8, 11, 17))


@tiny("depthwise Conv with channel multiplier 2 (groups = C_in, C_out = 2 C_in)")
def conv_depthwise_mult2(ctx):
    return torch_model(ctx, lambda nn: nn.Conv2d(4, 8, 3, padding=1, groups=4), (4, 10, 7))


@tiny("Conv without bias input")
def conv_nobias(ctx):
    return torch_model(ctx, lambda nn: nn.Conv2d(5, 6, 3, padding=1, bias=False), (5, 7, 12))


@tiny("non-square kernels: Conv 1x7 pad (0,3) -> Relu -> Conv 7x1 pad (3,0) (inception_v3)")
def conv_k1x7_k7x1(ctx):
    return torch_model(ctx, lambda nn: nn.Sequential(
        nn.Conv2d(4, 5, (1, 7), padding=(0, 3)), nn.ReLU(),
        nn.Conv2d(5, 6, (7, 1), padding=(3, 0))), (4, 9, 13))


@tiny("asymmetric pads: Conv 3x3 pads t0 l2 b1 r0 -> Relu -> Conv 3x5 stride 2 pads t2 l1 b1 r2")
def conv_asym_pads(ctx):
    g = Graph(ctx, 13)
    x = ctx.input((5, 10, 13))
    a, va = conv_layer(g, "input", x, 6, 3, pads=(0, 2, 1, 0))
    r = g.node("Relu", [a])
    vr = ref_relu(va)
    c, vc = conv_layer(g, r, vr, 4, (3, 5), strides=(2, 2), pads=(2, 1, 1, 2))
    return g.model(x, c, vc)


# --- BatchNormalization ----------------------------------------------------------------------

def bn_params(rng, c):
    return (rng.uniform(0.5, 1.5, c).astype(np.float32),   # scale
            rng.uniform(-0.2, 0.2, c).astype(np.float32),  # bias
            rng.uniform(-0.1, 0.1, c).astype(np.float32),  # running mean
            rng.uniform(0.5, 1.5, c).astype(np.float32))   # running var


@tiny("Conv (no bias) -> BatchNormalization (epsilon 1e-3) -> Relu, BN a separate node")
def conv_bn_relu(ctx):
    g = Graph(ctx, 13)
    x = ctx.input((4, 11, 9))
    c, vc = conv_layer(g, "input", x, 6, 3, pads=(1, 1, 1, 1), bias=False)
    p = bn_params(ctx.rng, 6)
    bn = g.node("BatchNormalization", [c] + [g.init(v, n) for v, n in
                                             zip(p, ("scale", "bias", "mean", "var"))],
                epsilon=1e-3)
    vb = ref_bn(vc, *p, eps=1e-3)
    r = g.node("Relu", [bn])
    return g.model(x, r, ref_relu(vb))


@tiny("torch export keeping BN (training=PRESERVE): Conv -> BN -> Relu -> Conv -> BN")
def conv_bn_torch(ctx):
    return torch_model(ctx, lambda nn: nn.Sequential(
        nn.Conv2d(3, 6, 3, padding=1), nn.BatchNorm2d(6), nn.ReLU(),
        nn.Conv2d(6, 5, 3, stride=2, padding=1), nn.BatchNorm2d(5)), (3, 9, 14),
        preserve=True)


@tiny("standalone BatchNormalization after Concat (densenet): Concat -> BN -> Relu -> Conv, x2")
def bn_after_concat(ctx):
    torch = torch_mod()

    def fwd(m, x):
        a = torch.relu(m.c0(x))
        y = torch.cat([x, a], 1)
        y = m.c1(torch.relu(m.bn1(y)))
        y = torch.cat([x, a, y], 1)
        return m.c2(torch.relu(m.bn2(y)))
    return torch_model(ctx, lambda nn: Fn(
        nn, fwd, c0=nn.Conv2d(4, 3, 3, padding=1), bn1=nn.BatchNorm2d(7),
        c1=nn.Conv2d(7, 3, 1), bn2=nn.BatchNorm2d(10), c2=nn.Conv2d(10, 5, 3, padding=1)),
        (4, 9, 11))


# --- Relu / Clip -----------------------------------------------------------------------------

@tiny("Relu on the graph input (no producer to fuse into) -> Conv -> Relu")
def relu_input(ctx):
    torch = torch_mod()
    return torch_model(ctx, lambda nn: Fn(
        nn, lambda m, x: torch.relu(m.c(torch.relu(x))), c=nn.Conv2d(3, 5, 3, padding=1)),
        (3, 7, 10))


@tiny("opset 9 Clip, attribute form min=0 max=6 (ReLU6) between two Convs")
def clip_op9_attr(ctx):
    g = Graph(ctx, 9)
    x = ctx.input((3, 11, 13))
    a, va = conv_layer(g, "input", x, 6, 3, pads=(1, 1, 1, 1), gain=12.0)
    c = g.node("Clip", [a], min=0.0, max=6.0)
    vcl = np.clip(va, 0.0, 6.0)
    b, vb = conv_layer(g, c, vcl, 4, 1)
    return g.model(x, b, vb)


@tiny("opset 10 Clip, attribute form: only min (on the input), only max (on the output)")
def clip_op10_attr_minmax_only(ctx):
    g = Graph(ctx, 10)
    x = ctx.input((4, 9, 8))
    c = g.node("Clip", ["input"], min=-0.3)
    vc = np.maximum(x.astype(np.float64), np.float32(-0.3))
    a, va = conv_layer(g, c, vc, 5, 3, pads=(1, 1, 1, 1))
    d = g.node("Clip", [a], max=0.4)
    return g.model(x, d, np.minimum(va, np.float32(0.4)))


@tiny("opset 11 Clip, input form, min and max from initializers (-0.5, 0.8)")
def clip_op11_inputs(ctx):
    g = Graph(ctx, 11)
    x = ctx.input((5, 13, 7))
    a, va = conv_layer(g, "input", x, 6, 3, pads=(1, 1, 1, 1))
    lo = g.init(np.array(-0.5, np.float32), "min")
    hi = g.init(np.array(0.8, np.float32), "max")
    c = g.node("Clip", [a, lo, hi])
    vcl = np.clip(va, np.float32(-0.5), np.float32(0.8))
    b, vb = conv_layer(g, c, vcl, 3, 3, pads=(1, 1, 1, 1))
    return g.model(x, b, vb)


@tiny("opset 13 Clip, input form: only min (Constant node), only max (initializer, min empty)")
def clip_op13_min_only_max_only(ctx):
    g = Graph(ctx, 13)
    x = ctx.input((4, 8, 15))
    a, va = conv_layer(g, "input", x, 5, 3, pads=(1, 1, 1, 1))
    lo = g.const(np.array(-0.2, np.float32), "min")
    c = g.node("Clip", [a, lo])
    vcl = np.maximum(va, np.float32(-0.2))
    b, vb = conv_layer(g, c, vcl, 6, 1)
    hi = g.init(np.array(0.3, np.float32), "max")
    d = g.node("Clip", [b, "", hi])
    return g.model(x, d, np.minimum(vb, np.float32(0.3)))


# --- Add / Concat ----------------------------------------------------------------------------

def ref_lrn(x, size, alpha, beta, bias):
    c = x.shape[1]
    down, up = (size - 1) // 2, (size - 1) - (size - 1) // 2
    sq = x * x
    s = np.zeros_like(x)
    for k in range(c):
        s[:, k] = sq[:, max(0, k - down):min(c, k + up + 1)].sum(axis=1)
    return x / (bias + alpha / size * s) ** beta


@tiny("opset 9 LRN as AlexNet and GoogLeNet v1 use it (size 5, across channels), then one of "
      "even size 4 (its window reaches one channel further up than down)")
def lrn_op9(ctx):
    g = Graph(ctx, 9)
    x = ctx.input((7, 9, 8))
    a, va = conv_layer(g, "input", x, 8, 3, pads=(1, 1, 1, 1), gain=3.0)
    n = g.node("LRN", [a], size=5, alpha=1e-2, beta=0.75, bias=2.0)
    vn = ref_lrn(va, 5, 1e-2, 0.75, 2.0)
    m = g.node("LRN", [n], size=4, alpha=0.5, beta=0.5, bias=1.0)
    return g.model(x, m, ref_lrn(vn, 4, 0.5, 0.5, 1.0))


def ref_depth_to_space(x, b, mode):
    n, c, h, w = x.shape
    if mode == "DCR":
        t = x.reshape(n, b, b, c // (b * b), h, w).transpose(0, 3, 4, 1, 5, 2)
    else:
        t = x.reshape(n, c // (b * b), b, b, h, w).transpose(0, 1, 4, 2, 5, 3)
    return t.reshape(n, c // (b * b), h * b, w * b)


def ref_space_to_depth(x, b):
    n, c, h, w = x.shape
    t = x.reshape(n, c, h // b, b, w // b, b).transpose(0, 3, 5, 1, 2, 4)
    return t.reshape(n, c * b * b, h // b, w // b)


@tiny("opset 13 DepthToSpace in both modes (DCR, CRD: super-resolution heads) and "
      "SpaceToDepth (detection backbones), blocks of 2 and 3")
def depth_space_op13(ctx):
    g = Graph(ctx, 13)
    x = ctx.input((4, 6, 5))
    a, va = conv_layer(g, "input", x, 18, 3, pads=(1, 1, 1, 1))
    d = g.node("DepthToSpace", [a], blocksize=3, mode="DCR")          # [2, 18, 15]
    vd = ref_depth_to_space(va, 3, "DCR")
    b, vb = conv_layer(g, d, vd, 8, 3, pads=(1, 1, 1, 1))
    e = g.node("DepthToSpace", [b], blocksize=2, mode="CRD")          # [2, 36, 30]
    ve = ref_depth_to_space(vb, 2, "CRD")
    s = g.node("SpaceToDepth", [e], blocksize=3)                      # [18, 12, 10]
    vs = ref_space_to_depth(ve, 3)
    o, vo = conv_layer(g, s, vs, 5, 1)
    return g.model(x, o, vo)


@tiny("opset 9 InstanceNormalization (style transfer networks) between Convs: per-channel "
      "statistics over H and W, a whole unit")
def instance_norm_op9(ctx):
    torch = torch_mod()

    def make(nn):
        m = nn.Sequential(nn.Conv2d(3, 6, 3, padding=1), nn.InstanceNorm2d(6, affine=True),
                          nn.ReLU(), nn.Conv2d(6, 4, 3, padding=1))
        with torch.no_grad():
            m[1].weight.uniform_(0.5, 1.5)
            m[1].bias.uniform_(-0.5, 0.5)
        return m
    return torch_model(ctx, make, (3, 9, 11), opset=9)


@tiny("opset 9 ImageScaler (scale and per-channel bias, the Caffe2-era preprocessing) on the "
      "input, then a Conv")
def image_scaler_op9(ctx):
    g = Graph(ctx, 9)
    x = ctx.input((3, 8, 7))
    bias = [-0.5, 0.25, 1.0]
    s = g.node("ImageScaler", ["input"], scale=0.5, bias=bias)
    vs = 0.5 * x.astype(np.float64) + np.array(bias).reshape(1, 3, 1, 1)
    a, va = conv_layer(g, s, vs, 4, 3, pads=(1, 1, 1, 1))
    return g.model(x, a, va)


@tiny("opset 9 unary ops of the Model Zoo's exporters: Floor and Ceil of the input, Elu "
      "(alpha 0.7, fused into its Conv), Selu, Softplus, Softsign, Abs, Neg, Exp, Log")
def unary_ops_op9(ctx):
    g = Graph(ctx, 9)
    x = ctx.input((3, 10, 9))
    xd = x.astype(np.float64)
    f = g.node("Floor", ["input"])
    a, va = conv_layer(g, f, np.floor(xd), 5, 3, pads=(1, 1, 1, 1))
    e = g.node("Elu", [a], alpha=0.7)
    ve = np.where(va < 0, 0.7 * np.expm1(va), va)
    s = g.node("Selu", [e])
    alpha, gamma = 1.6732632423543772, 1.0507009873554805
    vs = gamma * np.where(ve < 0, alpha * np.expm1(ve), ve)
    b, vb = conv_layer(g, s, vs, 4, 1)
    p = g.node("Softplus", [b])
    vp = np.log1p(np.exp(vb))
    q = g.node("Softsign", [p])
    vq = vp / (1.0 + np.abs(vp))
    n = g.node("Neg", [g.node("Abs", [q])])
    lg = g.node("Log", [g.node("Exp", [n])])
    vlg = -np.abs(vq)
    c = g.node("Ceil", ["input"])
    cc, vcc = conv_layer(g, c, np.ceil(xd), 4, 3, pads=(1, 1, 1, 1))
    o = g.node("Add", [lg, cc])
    return g.model(x, o, vlg + vcc)


@tiny("opset 9 Sum, Max, Min and Mean of two or three inputs, as Caffe2-lineage zoo models "
      "write residual adds: maps, a per-channel initializer and a scalar, broadcast")
def sum_max_min_mean_op9(ctx):
    g = Graph(ctx, 9)
    rng = ctx.rng
    x = ctx.input((4, 9, 7))
    a, va = conv_layer(g, "input", x, 6, 3, pads=(1, 1, 1, 1))
    r = g.node("Relu", [a])
    vr = np.maximum(va, 0.0)
    bias = rng.standard_normal((6, 1, 1)).astype(np.float32)
    s = g.node("Sum", [a, r, g.init(bias, "bias")])
    vs = va + vr + bias.astype(np.float64)
    m = g.node("Max", [s, a])
    vm = np.maximum(vs, va)
    n = g.node("Min", [m, g.init(np.array(1.5, np.float32), "cap")])
    vn = np.minimum(vm, np.float32(1.5))
    b, vb = conv_layer(g, n, vn, 5, 1)
    c, vc = conv_layer(g, r, vr, 5, 1)
    o = g.node("Mean", [b, c, b])
    return g.model(x, o, (vb + vc + vb) / 3.0)


@tiny("residual block: Conv-BN-Relu-Conv-BN, Add with the block input, Relu")
def add_residual(ctx):
    torch = torch_mod()

    def fwd(m, x):
        y = torch.relu(m.bn1(m.c1(x)))
        y = m.bn2(m.c2(y))
        return torch.relu(y + x)
    return torch_model(ctx, lambda nn: Fn(
        nn, fwd, c1=nn.Conv2d(6, 6, 3, padding=1, bias=False), bn1=nn.BatchNorm2d(6),
        c2=nn.Conv2d(6, 6, 3, padding=1, bias=False), bn2=nn.BatchNorm2d(6)), (6, 11, 9))


@tiny("Add of two Conv branches followed by Relu")
def add_relu(ctx):
    torch = torch_mod()
    return torch_model(ctx, lambda nn: Fn(
        nn, lambda m, x: torch.relu(m.a(x) + m.b(x)),
        a=nn.Conv2d(5, 4, 3, stride=2, padding=1), b=nn.Conv2d(5, 4, 1, stride=2)),
        (5, 13, 10))


@tiny("Conv -> PRelu with a slope per channel (torch nn.PReLU(C)) -> Conv")
def prelu_per_channel(ctx):
    torch = torch_mod()

    def make(nn):
        prelu = nn.PReLU(6)
        with torch.no_grad():
            prelu.weight.uniform_(-0.5, 0.8)  # distinct slopes, some negative
        return nn.Sequential(nn.Conv2d(4, 6, 3, padding=1), prelu, nn.Conv2d(6, 5, 3, padding=1))
    return torch_model(ctx, make, (4, 11, 9))


@tiny("Conv -> PRelu with one slope for all (torch nn.PReLU()) -> residual Add")
def prelu_shared_residual(ctx):
    torch = torch_mod()
    return torch_model(ctx, lambda nn: Fn(
        nn, lambda m, x: m.p(m.c(x)) + x, c=nn.Conv2d(5, 5, 3, padding=1), p=nn.PReLU()),
        (5, 10, 7))


@tiny("Concat of 2 branches on channels (Conv1x1-Relu, Conv3x3-Relu)")
def concat2(ctx):
    torch = torch_mod()
    return torch_model(ctx, lambda nn: Fn(
        nn, lambda m, x: torch.cat([torch.relu(m.a(x)), torch.relu(m.b(x))], 1),
        a=nn.Conv2d(5, 3, 1), b=nn.Conv2d(5, 4, 3, padding=1)), (5, 9, 13))


@tiny("Concat of 3 branches on channels (Conv 1x1, 3x3, 5x5)")
def concat3(ctx):
    torch = torch_mod()
    return torch_model(ctx, lambda nn: Fn(
        nn, lambda m, x: torch.cat([m.a(x), m.b(x), m.c(x)], 1),
        a=nn.Conv2d(3, 2, 1), b=nn.Conv2d(3, 3, 3, padding=1),
        c=nn.Conv2d(3, 4, 5, padding=2)), (3, 13, 7))


# --- MaxPool ---------------------------------------------------------------------------------

def conv_then(nn, cin, pool):
    return nn.Sequential(nn.Conv2d(cin, cin, 3, padding=1), pool)


@tiny("Conv -> MaxPool 3x3 stride 2, no pad, ceil_mode 0")
def maxpool_k3s2(ctx):
    return torch_model(ctx, lambda nn: conv_then(nn, 4, nn.MaxPool2d(3, 2)), (4, 13, 10))


@tiny("Conv -> MaxPool 3x3 stride 2, no pad, ceil_mode 1 (googlenet)")
def maxpool_k3s2_ceil(ctx):
    return torch_model(ctx, lambda nn: conv_then(nn, 4, nn.MaxPool2d(3, 2, ceil_mode=True)),
                       (4, 14, 11))


@tiny("Conv -> MaxPool 3x3 stride 2, pad 1 (resnet)")
def maxpool_k3s2_pad1(ctx):
    return torch_model(ctx, lambda nn: conv_then(nn, 4, nn.MaxPool2d(3, 2, padding=1)),
                       (4, 15, 12))


@tiny("Conv -> MaxPool 3x3 stride 2, pad 1, ceil_mode 1")
def maxpool_k3s2_pad1_ceil(ctx):
    return torch_model(ctx, lambda nn: conv_then(
        nn, 3, nn.MaxPool2d(3, 2, padding=1, ceil_mode=True)), (3, 12, 9))


@tiny("Conv -> MaxPool 2x2 stride 2, ceil_mode 1, odd sizes (googlenet maxpool4)")
def maxpool_k2s2_ceil(ctx):
    return torch_model(ctx, lambda nn: conv_then(nn, 4, nn.MaxPool2d(2, 2, ceil_mode=True)),
                       (4, 9, 11))


@tiny("Conv -> MaxPool 3x3 stride 1, pad 1, ceil_mode 1 (googlenet pool branch)")
def maxpool_k3s1_pad1_ceil(ctx):
    return torch_model(ctx, lambda nn: conv_then(
        nn, 5, nn.MaxPool2d(3, 1, padding=1, ceil_mode=True)), (5, 9, 7))


# --- AveragePool -----------------------------------------------------------------------------

def avgpool_model(ctx, shape, k, s, p, ceil, incl):
    g = Graph(ctx, 13)
    x = ctx.input(shape)
    a, va = conv_layer(g, "input", x, shape[0], 3, pads=(1, 1, 1, 1))
    out = g.node("AveragePool", [a], kernel_shape=[k, k], strides=[s, s], pads=[p] * 4,
                 ceil_mode=int(ceil), count_include_pad=int(incl))
    F = torch_mod().nn.functional
    ref = N(F.avg_pool2d(T(va), k, s, p, ceil_mode=bool(ceil), count_include_pad=bool(incl)))
    return g.model(x, out, ref)


@tiny("Conv -> AveragePool 2x2 stride 2, odd sizes (densenet transition)")
def avgpool_k2s2(ctx):
    return avgpool_model(ctx, (4, 9, 13), 2, 2, 0, False, False)


@tiny("Conv -> AveragePool 3x3 stride 2 pad 1, count_include_pad 1")
def avgpool_k3s2_pad1_incl(ctx):
    return avgpool_model(ctx, (5, 11, 8), 3, 2, 1, False, True)


@tiny("Conv -> AveragePool 3x3 stride 2 pad 1, count_include_pad 0")
def avgpool_k3s2_pad1_excl(ctx):
    return avgpool_model(ctx, (5, 11, 8), 3, 2, 1, False, False)


@tiny("Conv -> AveragePool 3x3 stride 2 pad 1, ceil_mode 1, count_include_pad 1 "
      "(last window: divisor counts the pad row, not the part past it, as PyTorch does)")
def avgpool_k3s2_pad1_ceil_incl(ctx):
    return avgpool_model(ctx, (4, 12, 10), 3, 2, 1, True, True)


@tiny("Conv -> AveragePool 3x3 stride 2 pad 1, ceil_mode 1, count_include_pad 0")
def avgpool_k3s2_pad1_ceil_excl(ctx):
    return avgpool_model(ctx, (4, 12, 10), 3, 2, 1, True, False)


@tiny("torch avg_pool2d(3, 1, 1) with count_include_pad: exported as Pad (Constant pads) -> "
      "AveragePool (inception_v3)")
def avgpool_torch_pad(ctx):
    return torch_model(ctx, lambda nn: conv_then(nn, 5, nn.AvgPool2d(3, 1, padding=1)),
                       (5, 9, 7))


# --- GlobalAveragePool / Flatten / Gemm --------------------------------------------------------

@tiny("Conv -> GlobalAveragePool as the output (1xCx1x1)")
def gap_out(ctx):
    return torch_model(ctx, lambda nn: nn.Sequential(
        nn.Conv2d(7, 6, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1)), (7, 11, 9))


@tiny("Conv -> Relu -> GlobalAveragePool -> Flatten -> Gemm (torch Linear: transB 1)")
def gap_flatten_gemm(ctx):
    return torch_model(ctx, lambda nn: nn.Sequential(
        nn.Conv2d(5, 8, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        nn.Linear(8, 10)), (5, 13, 11))


def with_global_max_pool(exported):
    """torch exports adaptive_max_pool2d(x, 1) as a MaxPool over the whole map;
    write it as the GlobalMaxPool it is (same output, same reference)."""
    model, x, ref = exported
    for node in model.graph.node:
        if node.op_type == "MaxPool":
            node.op_type = "GlobalMaxPool"
            del node.attribute[:]
    return model, x, ref


@tiny("Conv -> Relu -> GlobalMaxPool -> Flatten -> Gemm")
def gmp_flatten_gemm(ctx):
    return with_global_max_pool(torch_model(ctx, lambda nn: nn.Sequential(
        nn.Conv2d(5, 8, 3, padding=1), nn.ReLU(), nn.AdaptiveMaxPool2d(1), nn.Flatten(),
        nn.Linear(8, 10)), (5, 13, 11)))


@tiny("CBAM channel gate: x * sigmoid(mlp(GlobalAveragePool(x)) + mlp(GlobalMaxPool(x)))")
def cbam_channel_gate(ctx):
    torch = torch_mod()

    def fwd(m, x):
        y = torch.relu(m.c(x))
        avg = m.fc2(torch.relu(m.fc1(torch.nn.functional.adaptive_avg_pool2d(y, 1))))
        mx = m.fc2(torch.relu(m.fc1(torch.nn.functional.adaptive_max_pool2d(y, 1))))
        return m.out(y * torch.sigmoid(avg + mx))
    return with_global_max_pool(torch_model(ctx, lambda nn: Fn(
        nn, fwd, c=nn.Conv2d(4, 8, 3, padding=1), fc1=nn.Conv2d(8, 4, 1), fc2=nn.Conv2d(4, 8, 1),
        out=nn.Conv2d(8, 6, 3, padding=1)), (4, 12, 9)))


@tiny("Conv -> GlobalAveragePool -> Flatten -> Gemm transB 0, alpha 0.5, beta 2, C [K]")
def gemm_transb0_alpha_beta(ctx):
    g = Graph(ctx, 13)
    x = ctx.input((6, 9, 11))
    a, va = conv_layer(g, "input", x, 8, 3, pads=(1, 1, 1, 1))
    p = g.node("GlobalAveragePool", [a])
    f = g.node("Flatten", [p], axis=1)
    vf = va.mean(axis=(2, 3))
    B = (ctx.rng.standard_normal((8, 12)) / np.sqrt(8)).astype(np.float32)  # [K_in, K_out]
    C = rand_b(ctx.rng, 12)
    out = g.node("Gemm", [f, g.init(B, "B"), g.init(C, "C")], alpha=0.5, beta=2.0, transB=0)
    ref = 0.5 * vf @ B.astype(np.float64) + 2.0 * C.astype(np.float64)[None, :]
    return g.model(x, out, ref)


@tiny("Conv -> Flatten of the whole map (NCHW order) -> Gemm transB 1, alpha 1.5, beta 0.75, "
      "C [1,K]")
def flatten_gemm_alpha_beta(ctx):
    g = Graph(ctx, 13)
    x = ctx.input((3, 7, 5))
    a, va = conv_layer(g, "input", x, 4, 3, strides=(1, 1), pads=(1, 1, 1, 1))
    f = g.node("Flatten", [a], axis=1)
    vf = va.reshape(1, -1)
    k = vf.shape[1]
    B = (ctx.rng.standard_normal((9, k)) / np.sqrt(k)).astype(np.float32)  # [K_out, K_in]
    C = rand_b(ctx.rng, 9).reshape(1, 9)
    out = g.node("Gemm", [f, g.init(B, "B"), g.init(C, "C")], alpha=1.5, beta=0.75, transB=1)
    ref = 1.5 * vf @ B.astype(np.float64).T + 0.75 * C.astype(np.float64)
    return g.model(x, out, ref)


# --- Pad -------------------------------------------------------------------------------------

def ref_pad(x, top, left, bottom, right, value):
    return np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)), mode="constant",
                  constant_values=value)


@tiny("opset 10 Pad, attribute form: pads t1 l2 b2 r0, value 0.5, between Convs")
def pad_op10_attr(ctx):
    g = Graph(ctx, 10)
    x = ctx.input((4, 9, 11))
    a, va = conv_layer(g, "input", x, 5, 3, pads=(1, 1, 1, 1))
    p = g.node("Pad", [a], mode="constant", pads=[0, 0, 1, 2, 0, 0, 2, 0], value=0.5)
    vp = ref_pad(va, 1, 2, 2, 0, np.float32(0.5))
    b, vb = conv_layer(g, p, vp, 3, 3)
    return g.model(x, b, vb)


@tiny("opset 18 forms: ReduceMean with axes as an input, Pad with axes (H and W only), "
      "Split by num_outputs (uneven: 2, 2, 1 channels) -> Concat -> Conv")
def opset18_forms(ctx):
    from onnx import helper
    g = Graph(ctx, 18)
    x = ctx.input((3, 7, 6))
    a, va = conv_layer(g, "input", x, 5, 3, pads=(1, 1, 1, 1))
    m = g.node("ReduceMean", [a, g.init(np.array([1], np.int64), "axes")], keepdims=1)
    d = g.node("Sub", [a, m])
    vd = va - va.mean(axis=1, keepdims=True)
    p = g.node("Pad", [d, g.init(np.array([1, 2, 0, 3], np.int64), "pads"),
                       g.init(np.array(0.5, np.float32), "value"),
                       g.init(np.array([2, 3], np.int64), "axes")], mode="constant")
    vp = ref_pad(vd, 1, 2, 0, 3, np.float32(0.5))
    parts = [g.fresh("part") for _ in range(3)]
    g.nodes.append(helper.make_node("Split", [p], parts, name=parts[0] + "_node", axis=1,
                                    num_outputs=3))
    c = g.node("Concat", [parts[2], parts[0], parts[1]], axis=1)
    vc = np.concatenate([vp[:, 4:5], vp[:, 0:2], vp[:, 2:4]], axis=1)
    b, vb = conv_layer(g, c, vc, 4, 3, strides=(2, 2))
    return g.model(x, b, vb)


@tiny("opset 11 Pad, input form: pads initializer t2 l0 b1 r3, constant_value -0.25, -> Conv")
def pad_op11_input(ctx):
    g = Graph(ctx, 11)
    x = ctx.input((3, 8, 13))
    a, va = conv_layer(g, "input", x, 4, 1)
    pads = g.init(np.array([0, 0, 2, 0, 0, 0, 1, 3], np.int64), "pads")
    val = g.init(np.array(-0.25, np.float32), "value")
    p = g.node("Pad", [a, pads, val], mode="constant")
    vp = ref_pad(va, 2, 0, 1, 3, np.float32(-0.25))
    b, vb = conv_layer(g, p, vp, 5, 3, strides=(2, 2))
    return g.model(x, b, vb)


@tiny("opset 13 Pad, pads from a Constant node (t1 l1 b0 r2), no constant_value (0) -> MaxPool")
def pad_op13_const_node(ctx):
    g = Graph(ctx, 13)
    x = ctx.input((4, 11, 10))
    a, va = conv_layer(g, "input", x, 4, 3, pads=(1, 1, 1, 1))
    pads = g.const(np.array([0, 0, 1, 1, 0, 0, 0, 2], np.int64), "pads")
    p = g.node("Pad", [a, pads])
    vp = ref_pad(va, 1, 1, 0, 2, 0.0)
    out = g.node("MaxPool", [p], kernel_shape=[3, 3], strides=[2, 2])
    F = torch_mod().nn.functional
    return g.model(x, out, N(F.max_pool2d(T(vp), 3, 2)))


# --- Constant / Identity / Dropout -------------------------------------------------------------

@tiny("Conv weights and bias from Constant nodes (two Convs)")
def constant_nodes(ctx):
    g = Graph(ctx, 13)
    x = ctx.input((5, 9, 7))
    w1 = rand_w(ctx.rng, (6, 5, 3, 3))
    b1 = rand_b(ctx.rng, 6)
    a = g.node("Conv", ["input", g.const(w1, "W"), g.const(b1, "B")], kernel_shape=[3, 3],
               pads=[1, 1, 1, 1])
    va = ref_conv(x, w1, b1, pads=(1, 1, 1, 1))
    r = g.node("Relu", [a])
    w2 = rand_w(ctx.rng, (4, 6, 1, 1))
    b = g.node("Conv", [r, g.const(w2, "W")], kernel_shape=[1, 1])
    return g.model(x, b, ref_conv(ref_relu(va), w2))


@tiny("Identity on an initializer shared by two Convs (torch de-dup style), Identity on an "
      "activation, Dropout (opset 13, ratio input)")
def identity_dropout(ctx):
    g = Graph(ctx, 13)
    x = ctx.input((6, 10, 9))
    w1 = rand_w(ctx.rng, (6, 6, 3, 3))
    w2 = rand_w(ctx.rng, (5, 6, 3, 3))
    shared_b = np.full(6, 0.1, np.float32)
    b_init = g.init(shared_b, "B")
    b_copy = g.node("Identity", [b_init])
    a = g.node("Conv", ["input", g.init(w1, "W"), b_init], kernel_shape=[3, 3],
               pads=[1, 1, 1, 1])
    va = ref_conv(x, w1, shared_b, pads=(1, 1, 1, 1))
    i = g.node("Identity", [a])
    r = g.node("Relu", [i])
    ratio = g.init(np.array(0.3, np.float32), "ratio")
    d = g.node("Dropout", [r, ratio])
    w2_init = g.init(w2, "W")
    w2_copy = g.node("Identity", [w2_init])
    b2 = rand_b(ctx.rng, 5)
    b2_init = g.init(b2, "B")
    b = g.node("Conv", [d, w2_copy, b2_init], kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    vb = ref_conv(ref_relu(va), w2, b2, pads=(1, 1, 1, 1))
    # second use of the shared bias through the Identity: a 1x1 Conv 5 -> 6
    w3 = rand_w(ctx.rng, (6, 5, 1, 1))
    c = g.node("Conv", [b, g.init(w3, "W"), b_copy], kernel_shape=[1, 1])
    return g.model(x, c, ref_conv(vb, w3, shared_b))


@tiny("opset 10 Dropout (ratio attribute) -> Relu")
def dropout_op10(ctx):
    g = Graph(ctx, 10)
    x = ctx.input((3, 7, 11))
    a, va = conv_layer(g, "input", x, 4, 3, pads=(1, 1, 1, 1))
    d = g.node("Dropout", [a], ratio=0.5)
    r = g.node("Relu", [d])
    return g.model(x, r, ref_relu(va))


# --- shape subgraph folding to a constant ------------------------------------------------------

def shape_reshape_model(ctx, opset):
    g = Graph(ctx, opset)
    x = ctx.input((4, 9, 7))
    a, va = conv_layer(g, "input", x, 5, 3, strides=(2, 2), pads=(1, 1, 1, 1))
    r = g.node("Relu", [a])
    vr = ref_relu(va)
    shp = g.node("Shape", [r])
    idx = g.const(np.array(0, np.int64), "idx")
    n = g.node("Gather", [shp, idx], axis=0)
    minus1 = g.const(np.array(-1, np.int64), "minus1")
    if opset >= 13:
        axes = g.const(np.array([0], np.int64), "axes")
        un = g.node("Unsqueeze", [n, axes])
        um = g.node("Unsqueeze", [minus1, axes])
    else:
        un = g.node("Unsqueeze", [n], axes=[0])
        um = g.node("Unsqueeze", [minus1], axes=[0])
    cat = g.node("Concat", [un, um], axis=0)
    resh = g.node("Reshape", [r, cat])
    vf = vr.reshape(1, -1)
    k = vf.shape[1]
    B = (ctx.rng.standard_normal((6, k)) / np.sqrt(k)).astype(np.float32)
    C = rand_b(ctx.rng, 6)
    out = g.node("Gemm", [resh, g.init(B, "B"), g.init(C, "C")], transB=1)
    ref = vf @ B.astype(np.float64).T + C.astype(np.float64)[None, :]
    return g.model(x, out, ref)


@tiny("opset 9: Conv -> Relu -> Shape -> Gather -> Unsqueeze (axes attr) -> Concat(N, -1) -> "
      "Reshape to [1,K] -> Gemm")
def shape_reshape_op9(ctx):
    return shape_reshape_model(ctx, 9)


@tiny("opset 13: Conv -> Relu -> Shape -> Gather -> Unsqueeze (axes input) -> Concat(N, -1) -> "
      "Reshape to [1,K] -> Gemm")
def shape_reshape_op13(ctx):
    return shape_reshape_model(ctx, 13)


@tiny("torch x.view(1, -1) exported without constant folding: Constant -> Unsqueeze -> Concat "
      "-> Reshape -> Gemm")
def reshape_torch_nofold(ctx):
    torch = torch_mod()

    def fwd(m, x):
        y = torch.relu(m.c(x))
        return m.fc(y.view(y.size(0), -1))
    return torch_model(ctx, lambda nn: Fn(nn, fwd, c=nn.Conv2d(3, 4, 3),
                                          fc=nn.Linear(4 * 9 * 6, 7)), (3, 11, 8), fold=False)


# --- one small conv net at several opsets ------------------------------------------------------

def small_net(nn):
    torch = torch_mod()

    def fwd(m, x):
        y = m.relu6(m.bn1(m.c1(x)))                      # Conv(+BN folded) -> Clip
        y = m.pool(y)                                     # MaxPool 3x3 s2 p1
        z = torch.relu(m.bn2(m.dw(y)))                    # depthwise Conv -> Relu
        z = m.pw(z)                                       # 1x1 Conv
        y = torch.relu(z + y)                             # Add -> Relu
        y = m.avg(y)                                      # Pad -> AveragePool
        y = torch.flatten(m.gap(y), 1)                    # GlobalAveragePool -> Flatten
        return m.fc(m.drop(y))                            # (Dropout dropped) -> Gemm
    return Fn(nn, fwd, c1=nn.Conv2d(3, 8, 3, padding=1), bn1=nn.BatchNorm2d(8),
              relu6=nn.ReLU6(), pool=nn.MaxPool2d(3, 2, padding=1),
              dw=nn.Conv2d(8, 8, 3, padding=1, groups=8), bn2=nn.BatchNorm2d(8),
              pw=nn.Conv2d(8, 8, 1), avg=nn.AvgPool2d(3, 1, padding=1),
              gap=nn.AdaptiveAvgPool2d(1), drop=nn.Dropout(0.2), fc=nn.Linear(8, 10))


def small_net_at(ctx, opset):
    # the same seed for every opset: one network, five exports
    ctx.seed = seed_of("smallnet")
    ctx.rng = np.random.RandomState(ctx.seed)
    return torch_model(ctx, small_net, (3, 15, 11), opset=opset)


@tiny("small conv net (Conv, Clip, MaxPool, depthwise Conv, Add, Relu, Pad, AveragePool, "
      "GlobalAveragePool, Flatten, Gemm) exported at opset 9")
def smallnet_op9(ctx):
    return small_net_at(ctx, 9)


@tiny("the same small conv net exported at opset 11")
def smallnet_op11(ctx):
    return small_net_at(ctx, 11)


@tiny("the same small conv net exported at opset 13")
def smallnet_op13(ctx):
    return small_net_at(ctx, 13)


@tiny("the same small conv net exported at opset 15")
def smallnet_op15(ctx):
    return small_net_at(ctx, 15)


@tiny("the same small conv net exported at opset 17")
def smallnet_op17(ctx):
    return small_net_at(ctx, 17)


# --- ConvTranspose -----------------------------------------------------------------------------

@tiny("ConvTranspose 2x2 stride 2 (U-Net upsampling), bias")
def conv_transpose_k2s2(ctx):
    return torch_model(ctx, lambda nn: nn.Sequential(
        nn.Conv2d(4, 6, 3, padding=1), nn.ConvTranspose2d(6, 3, 2, stride=2)), (4, 7, 5))


@tiny("ConvTranspose 3x3 stride 2 pad 1 output_padding 1 -> Relu (fused)")
def conv_transpose_k3s2_p1_op1(ctx):
    return torch_model(ctx, lambda nn: nn.Sequential(
        nn.ConvTranspose2d(5, 4, 3, stride=2, padding=1, output_padding=1), nn.ReLU()),
        (5, 6, 7))


@tiny("ConvTranspose groups 2, dilation 2, stride 3 (rows no input reaches: bias only), pad 1")
def conv_transpose_groups_dilation(ctx):
    return torch_model(ctx, lambda nn: nn.ConvTranspose2d(
        4, 6, (3, 2), stride=3, padding=1, dilation=2, groups=2), (4, 5, 6))


# --- Resize / Upsample -------------------------------------------------------------------------

def resize_ref(x, coeffs, **kw):
    from onnx.backend.test.case.node.resize import interpolate_nd
    return interpolate_nd(np.asarray(x, np.float64), coeffs, **kw)


def resize_model(ctx, opset, shape, attrs, scales=None, sizes=None, coeffs=None, **kw):
    """Conv -> Resize(attrs) with scales or sizes; reference from ONNX's own numpy
    interpolate_nd (onnx.backend.test.case.node.resize)."""
    g = Graph(ctx, opset)
    x = ctx.input(shape)
    a, va = conv_layer(g, "input", x, shape[0], 3, pads=(1, 1, 1, 1))
    if sizes is not None:
        inputs = [a, g.init(np.array([], np.float32), "roi"), g.init(np.array([], np.float32), "s"),
                  g.init(np.array(sizes, np.int64), "sizes")]
        ref = resize_ref(va, coeffs, output_size=sizes, **kw)
    else:
        inputs = [a, g.init(np.array([], np.float32), "roi"),
                  g.init(np.array(scales, np.float32), "scales")]
        ref = resize_ref(va, coeffs, scale_factors=np.array(scales, np.float64), **kw)
    out = g.node("Resize", inputs, **attrs)
    return g.model(x, out, ref)


def nearest(mode):
    from onnx.backend.test.case.node.resize import nearest_coeffs
    return lambda r: nearest_coeffs(r, mode=mode)


def linear(r):
    from onnx.backend.test.case.node.resize import linear_coeffs
    return linear_coeffs(r)


@tiny("torch nearest x2 (Resize asymmetric, nearest_mode floor, scales)")
def resize_nearest_torch(ctx):
    torch = torch_mod()
    F = torch.nn.functional
    return torch_model(ctx, lambda nn: Fn(
        nn, lambda m, x: m.b(F.interpolate(m.a(x), scale_factor=2, mode="nearest")),
        a=nn.Conv2d(3, 4, 3, padding=1), b=nn.Conv2d(4, 3, 3, padding=1)), (3, 7, 6))


@tiny("Resize nearest round_prefer_floor, half_pixel, sizes (down on H, up on W)")
def resize_nearest_round_floor_half_pixel(ctx):
    return resize_model(ctx, 13, (3, 11, 5), dict(mode="nearest"), sizes=[1, 3, 7, 12],
                        coeffs=nearest("round_prefer_floor"),
                        coordinate_transformation_mode="half_pixel")


@tiny("Resize nearest round_prefer_ceil, asymmetric, scales 1.5 x 0.5")
def resize_nearest_round_ceil_asymmetric(ctx):
    return resize_model(ctx, 13, (2, 8, 10), dict(mode="nearest", nearest_mode="round_prefer_ceil",
                                                  coordinate_transformation_mode="asymmetric"),
                        scales=[1, 1, 1.5, 0.5], coeffs=nearest("round_prefer_ceil"),
                        coordinate_transformation_mode="asymmetric")


@tiny("Resize nearest ceil, half_pixel, sizes")
def resize_nearest_ceil_half_pixel(ctx):
    return resize_model(ctx, 13, (2, 6, 7), dict(mode="nearest", nearest_mode="ceil"),
                        sizes=[1, 2, 13, 5], coeffs=nearest("ceil"),
                        coordinate_transformation_mode="half_pixel")


@tiny("Resize nearest floor, align_corners, sizes")
def resize_nearest_floor_align_corners(ctx):
    return resize_model(ctx, 13, (2, 5, 6), dict(mode="nearest", nearest_mode="floor",
                                                 coordinate_transformation_mode="align_corners"),
                        sizes=[1, 2, 12, 9], coeffs=nearest("floor"),
                        coordinate_transformation_mode="align_corners")


@tiny("torch bilinear x2, align_corners=False (Resize linear half_pixel, scales)")
def resize_linear_torch(ctx):
    torch = torch_mod()
    F = torch.nn.functional
    return torch_model(ctx, lambda nn: Fn(
        nn, lambda m, x: m.b(F.interpolate(m.a(x), scale_factor=2, mode="bilinear",
                                           align_corners=False)),
        a=nn.Conv2d(3, 4, 3, padding=1), b=nn.Conv2d(4, 3, 3, padding=1)), (3, 6, 7))


@tiny("torch bilinear to a size, align_corners=True (Resize linear align_corners, sizes)")
def resize_linear_align_corners_torch(ctx):
    torch = torch_mod()
    F = torch.nn.functional
    return torch_model(ctx, lambda nn: Fn(
        nn, lambda m, x: F.interpolate(m.a(x), size=(13, 8), mode="bilinear", align_corners=True),
        a=nn.Conv2d(3, 4, 3, padding=1)), (3, 5, 6))


@tiny("Resize linear pytorch_half_pixel, sizes down to 4 x 1 (the out == 1 rule)")
def resize_linear_pytorch_half_pixel(ctx):
    return resize_model(ctx, 13, (3, 11, 7), dict(mode="linear",
                                                  coordinate_transformation_mode="pytorch_half_pixel"),
                        sizes=[1, 3, 4, 1], coeffs=linear,
                        coordinate_transformation_mode="pytorch_half_pixel")


@tiny("opset 11 Resize nearest tf_half_pixel_for_nearest, scales 2 x 1.5")
def resize_op11_tf_half_pixel(ctx):
    g = Graph(ctx, 11)
    x = ctx.input((2, 5, 6))
    a, va = conv_layer(g, "input", x, 2, 3, pads=(1, 1, 1, 1))
    out = g.node("Resize", [a, g.init(np.array([], np.float32), "roi"),
                            g.init(np.array([1, 1, 2, 1.5], np.float32), "scales")],
                 mode="nearest", coordinate_transformation_mode="tf_half_pixel_for_nearest")
    # x_original = (x + 0.5) / scale, nearest round_prefer_floor, clamped
    def idx(n_out, n_in, s):
        v = (np.arange(n_out) + 0.5) / s
        f = np.floor(v)
        i = np.where(v - f > 0.5, f + 1, f)
        return np.clip(i, 0, n_in - 1).astype(int)
    ref = va[:, :, idx(10, 5, 2.0)][:, :, :, idx(9, 6, 1.5)]
    return g.model(x, out, ref)


def asymmetric_ref(v, scales, linear_mode):
    """Upsample / Resize-10 as ONNX Runtime: asymmetric coordinates; nearest rounds down,
    or up on an axis that shrinks; linear interpolates with edge clamping."""
    out = v
    for axis, s in ((2, scales[2]), (3, scales[3])):
        n_in = out.shape[axis]
        n_out = int(np.floor(n_in * s))
        c = np.arange(n_out) / s
        if not linear_mode:
            i = np.ceil(c) if s < 1 else np.floor(c)
            out = np.take(out, np.clip(i, 0, n_in - 1).astype(int), axis=axis)
        else:
            c = np.clip(c, 0, n_in - 1)
            i0 = np.floor(c).astype(int)
            i1 = np.minimum(i0 + 1, n_in - 1)
            w = (c - i0).reshape([-1 if k == axis else 1 for k in range(4)])
            out = np.take(out, i0, axis=axis) * (1 - w) + np.take(out, i1, axis=axis) * w
    return out


@tiny("opset 10 Resize nearest, scales 2 (H) x 0.5 (W): floor up, ceil down")
def resize_op10_nearest(ctx):
    g = Graph(ctx, 10)
    x = ctx.input((3, 5, 9))
    a, va = conv_layer(g, "input", x, 3, 3, pads=(1, 1, 1, 1))
    scales = [1, 1, 2.0, 0.5]
    out = g.node("Resize", [a, g.init(np.array(scales, np.float32), "scales")], mode="nearest")
    return g.model(x, out, asymmetric_ref(va, scales, False))


@tiny("opset 9 Upsample nearest, scales 2 x 3")
def upsample_op9_nearest(ctx):
    g = Graph(ctx, 9)
    x = ctx.input((3, 4, 5))
    a, va = conv_layer(g, "input", x, 3, 3, pads=(1, 1, 1, 1))
    scales = [1, 1, 2.0, 3.0]
    out = g.node("Upsample", [a, g.init(np.array(scales, np.float32), "scales")], mode="nearest")
    return g.model(x, out, asymmetric_ref(va, scales, False))


@tiny("opset 9 Upsample linear (asymmetric), scales 2 x 2")
def upsample_op9_linear(ctx):
    g = Graph(ctx, 9)
    x = ctx.input((2, 5, 4))
    a, va = conv_layer(g, "input", x, 2, 3, pads=(1, 1, 1, 1))
    scales = [1, 1, 2.0, 2.0]
    out = g.node("Upsample", [a, g.init(np.array(scales, np.float32), "scales")], mode="linear")
    return g.model(x, out, asymmetric_ref(va, scales, True))


# --- opsets 7 and 8 -----------------------------------------------------------------------------

@tiny("opset 7 network as the Model Zoo's Caffe2-era models write it: ImageScaler, Conv, "
      "BatchNormalization (spatial = 1 given), Relu, LRN, MaxPool, a residual Sum of three, "
      "Dropout with its mask output, Upsample-7 (scales an attribute), Reshape by an "
      "initializer, Gemm, Softmax (2-D coerced)")
def caffe2_style_op7(ctx):
    from onnx import helper
    g = Graph(ctx, 7)
    rng = ctx.rng
    x = ctx.input((3, 10, 8))
    bias = [0.1, -0.2, 0.3]
    s = g.node("ImageScaler", ["input"], scale=0.8, bias=bias)
    vs = 0.8 * x.astype(np.float64) + np.array(bias).reshape(1, 3, 1, 1)
    a, va = conv_layer(g, s, vs, 6, 3, pads=(1, 1, 1, 1), bias=False)
    p = bn_params(rng, 6)
    bn = g.node("BatchNormalization", [a] + [g.init(v, n) for v, n in
                                             zip(p, ("scale", "bias", "mean", "var"))],
                epsilon=1e-5, spatial=1)
    r = g.node("Relu", [bn])
    vr = ref_relu(ref_bn(va, *p, eps=1e-5))
    n = g.node("LRN", [r], size=3, alpha=1e-2, beta=0.75, bias=1.0)
    vn = ref_lrn(vr, 3, 1e-2, 0.75, 1.0)
    mp = g.node("MaxPool", [n], kernel_shape=[2, 2], strides=[2, 2])          # [6, 5, 4]
    vmp = vn.reshape(1, 6, 5, 2, 4, 2).max(axis=(3, 5))
    b1, vb1 = conv_layer(g, mp, vmp, 6, 3, pads=(1, 1, 1, 1))
    b2, vb2 = conv_layer(g, mp, vmp, 6, 1)
    sm = g.node("Sum", [b1, b2, mp])
    vsm = vb1 + vb2 + vmp
    d = g.fresh("dropout")
    g.nodes.append(helper.make_node("Dropout", [sm], [d, d + "_mask"], name=d + "_node",
                                    ratio=0.3))
    up = g.node("Upsample", [d], mode="nearest", scales=[1.0, 1.0, 2.0, 2.0])  # [6, 10, 8]
    vup = asymmetric_ref(vsm, [1, 1, 2.0, 2.0], False)
    c, vc = conv_layer(g, up, vup, 2, 3, strides=(2, 2), pads=(1, 1, 1, 1))   # [2, 5, 4]
    f = g.node("Reshape", [c, g.init(np.array([1, -1], np.int64), "shape")])
    w = rand_w(rng, (7, 40))
    bb = rand_b(rng, 7)
    gm = g.node("Gemm", [f, g.init(w, "W"), g.init(bb, "C")], transB=1)
    vg = vc.reshape(1, -1) @ w.T.astype(np.float64) + bb
    sf = g.node("Softmax", [gm])
    e = np.exp(vg - vg.max(axis=1, keepdims=True))
    return g.model(x, sf, e / e.sum(axis=1, keepdims=True))


@tiny("opset 8 forms: BatchNormalization with spatial = 0 (statistics per element, [C, H, W]), "
      "Upsample-7 linear 2 x 3, an SE gate through Squeeze and Unsqueeze by attribute, and Max "
      "with opset 8's broadcasting")
def bn_upsample_forms_op8(ctx):
    g = Graph(ctx, 8)
    rng = ctx.rng
    x = ctx.input((3, 6, 5))
    a, va = conv_layer(g, "input", x, 4, 3, pads=(1, 1, 1, 1))
    dims = (4, 6, 5)
    scale = rng.uniform(0.5, 1.5, dims).astype(np.float32)
    shift = rng.uniform(-0.2, 0.2, dims).astype(np.float32)
    mean = rng.uniform(-0.1, 0.1, dims).astype(np.float32)
    var = rng.uniform(0.5, 1.5, dims).astype(np.float32)
    bn = g.node("BatchNormalization", [a] + [g.init(v, n) for v, n in
                                             zip((scale, shift, mean, var),
                                                 ("scale", "bias", "mean", "var"))],
                epsilon=1e-3, spatial=0)
    d64 = lambda v: v.astype(np.float64)[None]
    vb = (va - d64(mean)) / np.sqrt(d64(var) + 1e-3) * d64(scale) + d64(shift)
    up = g.node("Upsample", [bn], mode="linear", scales=[1.0, 1.0, 2.0, 3.0])  # [4, 12, 15]
    vup = asymmetric_ref(vb, [1, 1, 2.0, 3.0], True)
    c, vc = conv_layer(g, up, vup, 5, 3, pads=(1, 1, 1, 1))
    gp = g.node("GlobalAveragePool", [c])
    sq = g.node("Squeeze", [gp], axes=[2, 3])                                  # [1, 5]
    us = g.node("Unsqueeze", [g.node("Sigmoid", [sq])], axes=[2, 3])           # [1, 5, 1, 1]
    vgate = 1.0 / (1.0 + np.exp(-vc.mean(axis=(2, 3), keepdims=True)))
    m = g.node("Mul", [c, us])
    floor = rng.uniform(-0.3, 0.0, (5, 1, 1)).astype(np.float32)
    o = g.node("Max", [m, g.init(floor, "floor")])
    return g.model(x, o, np.maximum(vc * vgate, floor.astype(np.float64)))


# --- ArgMax, Tile, Expand ---------------------------------------------------------------------

@tiny("segmentation output: Conv -> Relu -> Conv to 5 classes -> ArgMax over the channels "
      "(keepdims 0), the INT64 indices the graph's output")
def argmax_segmentation_op13(ctx):
    from onnx import TensorProto
    g = Graph(ctx, 13)
    x = ctx.input((3, 9, 7))
    a, va = conv_layer(g, "input", x, 6, 3, pads=(1, 1, 1, 1))
    r = g.node("Relu", [a])
    c, vc = conv_layer(g, r, ref_relu(va), 5, 3, pads=(1, 1, 1, 1))
    o = g.node("ArgMax", [c], axis=1, keepdims=0)
    return g.model(x, o, np.argmax(vc, axis=1).astype(np.float64), TensorProto.INT64)


@tiny("opset 12 ArgMin with select_last_index over channels of values with ties (Floor of "
      "twice a Conv), Cast to float, then a Conv")
def argmin_last_index_op12(ctx):
    g = Graph(ctx, 12)
    x = ctx.input((2, 8, 6))
    a, va = conv_layer(g, "input", x, 6, 3, pads=(1, 1, 1, 1), gain=2.0)
    f = g.node("Floor", [g.node("Mul", [a, g.init(np.array(2.0, np.float32), "two")])])
    vf = np.floor(2.0 * va.astype(np.float32)).astype(np.float64)
    m = g.node("ArgMin", [f], axis=1, select_last_index=1)                      # [1, 8, 6]
    last = vf.shape[1] - 1 - np.argmin(vf[:, ::-1], axis=1)
    vm = last[:, None].astype(np.float64)
    cf = g.node("Cast", [m], to=1)
    c, vc = conv_layer(g, cf, vm, 3, 3, pads=(1, 1, 1, 1))
    return g.model(x, c, vc)


@tiny("Tile and Expand of computed tensors: an SE gate Expanded over the pixels, a map Tiled "
      "along C and W (row-local) and along H (reads every row), each then a Conv")
def tile_expand_op13(ctx):
    g = Graph(ctx, 13)
    x = ctx.input((3, 6, 5))
    a, va = conv_layer(g, "input", x, 4, 3, pads=(1, 1, 1, 1))
    gate = g.node("Sigmoid", [g.node("GlobalAveragePool", [a])])                # [1, 4, 1, 1]
    vgate = 1.0 / (1.0 + np.exp(-va.mean(axis=(2, 3), keepdims=True)))
    e = g.node("Expand", [gate, g.init(np.array([1, 4, 6, 5], np.int64), "shape")])
    s = g.node("Add", [a, e])
    vs = va + np.broadcast_to(vgate, va.shape)
    t = g.node("Tile", [s, g.init(np.array([1, 2, 1, 2], np.int64), "repeats")])  # [1, 8, 6, 10]
    vt = np.tile(vs, (1, 2, 1, 2))
    b, vb = conv_layer(g, t, vt, 3, 3, pads=(1, 1, 1, 1))
    h = g.node("Tile", [b, g.init(np.array([1, 1, 3, 1], np.int64), "repeats_h")])  # [1, 3, 18, 10]
    vh = np.tile(vb, (1, 1, 3, 1))
    c, vc = conv_layer(g, h, vh, 2, 3, strides=(2, 1), pads=(1, 1, 1, 1))
    return g.model(x, c, vc)


# --- activations ------------------------------------------------------------------------------

@tiny("Conv -> LeakyRelu 0.1 (fused), Conv -> Sigmoid, -> Tanh (standalone on a Concat)")
def activations_leaky_sigmoid_tanh(ctx):
    torch = torch_mod()

    def fwd(m, x):
        a = m.leaky(m.a(x))
        b = torch.sigmoid(m.b(x))
        return torch.tanh(torch.cat([a, b], 1) * 2.0)
    return torch_model(ctx, lambda nn: Fn(nn, fwd, a=nn.Conv2d(3, 4, 3, padding=1),
                                          b=nn.Conv2d(3, 2, 1), leaky=nn.LeakyReLU(0.1)),
                       (3, 9, 7))


@tiny("mobilenet_v3 block at opset 13: HardSwish as x * HardSigmoid(x), squeeze-excite "
      "(GlobalAveragePool -> Conv -> Relu -> Conv -> HardSigmoid -> Mul(scale, x))")
def hardswish_se_op13(ctx):
    def fwd(m, x):
        y = m.hs(m.bn(m.dw(m.hs(m.c(x)))))
        s = m.hsig(m.fc2(torch_mod().relu(m.fc1(m.pool(y)))))
        return m.out(s * y)
    return torch_model(ctx, lambda nn: Fn(
        nn, fwd, c=nn.Conv2d(3, 8, 3, padding=1), dw=nn.Conv2d(8, 8, 3, padding=1, groups=8),
        bn=nn.BatchNorm2d(8), hs=nn.Hardswish(), pool=nn.AdaptiveAvgPool2d(1),
        fc1=nn.Conv2d(8, 4, 1), fc2=nn.Conv2d(4, 8, 1), hsig=nn.Hardsigmoid(),
        out=nn.Conv2d(8, 5, 1)), (3, 11, 9))


@tiny("opset 14: HardSwish and HardSigmoid ops")
def hardswish_op14(ctx):
    return torch_model(ctx, lambda nn: nn.Sequential(
        nn.Conv2d(3, 6, 3, padding=1), nn.Hardswish(), nn.Conv2d(6, 4, 1), nn.Hardsigmoid()),
        (3, 8, 10), opset=14)


@tiny("SiLU as x * Sigmoid(x) (fused to Swish), GELU (exact: Div, Erf, Add, Mul)")
def silu_gelu_erf(ctx):
    return torch_model(ctx, lambda nn: nn.Sequential(
        nn.Conv2d(3, 6, 3, padding=1), nn.SiLU(), nn.Conv2d(6, 5, 1), nn.GELU()), (3, 7, 9))


@tiny("Sqrt and Pow(x, 2.0) and Pow(x, tensor exponent [C,1,1]) on positive maps")
def sqrt_pow(ctx):
    torch = torch_mod()

    def fwd(m, x):
        p = torch.sigmoid(m.c(x)) + 0.1                     # positive
        return torch.sqrt(p) + torch.pow(p, 2.0) + torch.pow(p, m.e)
    return torch_model(ctx, lambda nn: Fn(
        nn, fwd, c=nn.Conv2d(3, 4, 3, padding=1),
        e=nn.Parameter(torch.tensor([0.5, 1.5, 2.0, 3.0]).reshape(4, 1, 1))), (3, 6, 5))


# --- broadcasting binary ops --------------------------------------------------------------------

@tiny("Sub(1, x) (constant first), 2 / x (Reciprocal), Mul/Add/Sub/Div by per-channel and "
      "scalar constants, Div of two maps")
def binary_constants(ctx):
    torch = torch_mod()

    def fwd(m, x):
        a = torch.sigmoid(m.a(x)) + 0.5
        b = 1.0 - a
        c = 2.0 / a
        d = a * m.scale + m.shift
        return (b - c) / (d * d + 1.0) - 0.25 * a
    return torch_model(ctx, lambda nn: Fn(
        nn, fwd, a=nn.Conv2d(3, 4, 3, padding=1),
        scale=nn.Parameter(torch.tensor([0.5, -1.0, 2.0, 1.5]).reshape(1, 4, 1, 1)),
        shift=nn.Parameter(torch.tensor([0.1, 0.2, -0.3, 0.0]).reshape(4, 1, 1))), (3, 7, 8))


@tiny("CBAM-style attention: channel mean and max (ReduceMean/ReduceMax keepdims over C), "
      "Concat, Conv 7x7, Sigmoid, Mul by the [1,1,H,W] map; an outer-product broadcast "
      "[1,C,H,1] * [1,1,1,W]")
def broadcast_spatial_attention(ctx):
    torch = torch_mod()

    def fwd(m, x):
        y = m.c(x)
        att = torch.cat([y.mean(1, keepdim=True), y.amax(1, keepdim=True)], 1)
        y = y * torch.sigmoid(m.s(att))
        rows = y.mean(3, keepdim=True)                      # [1, C, H, 1]: row-local
        cols = y.mean((1, 2), keepdim=True)                 # [1, 1, 1, W]: whole
        return y + rows * cols
    return torch_model(ctx, lambda nn: Fn(nn, fwd, c=nn.Conv2d(3, 6, 3, padding=1),
                                          s=nn.Conv2d(2, 1, 7, padding=3)), (3, 13, 9))


@tiny("Div(c, x) with a per-channel constant first (oneDNN cannot broadcast a first operand) "
      "and Sub(x, c) with the constant of higher rank ([1,C,1,1] against [1,C,H,W])")
def div_constant_first(ctx):
    g = Graph(ctx, 13)
    x = ctx.input((3, 7, 6))
    a, va = conv_layer(g, "input", x, 3, 3, pads=(1, 1, 1, 1))
    s = g.node("Sigmoid", [a])
    p = g.node("Add", [s, g.init(np.array(0.5, np.float32), "half")])
    vp = 1.0 / (1.0 + np.exp(-va)) + 0.5
    c = np.array([1.0, -2.0, 3.0], np.float32).reshape(3, 1, 1)
    d = g.node("Div", [g.init(c, "c"), p])
    k = np.array([0.25, 0.5, -0.75], np.float32).reshape(1, 3, 1, 1)
    out = g.node("Sub", [d, g.init(k, "k")])
    return g.model(x, out, c.astype(np.float64)[None] / vp - k.astype(np.float64))


# --- reductions, Softmax ----------------------------------------------------------------------

@tiny("ReduceMean over H and W keepdims (TF-style squeeze-excite) -> Conv -> Sigmoid -> Mul; "
      "ReduceSum over W")
def reduce_mean_hw(ctx):
    torch = torch_mod()

    def fwd(m, x):
        y = m.c(x)
        s = torch.sigmoid(m.fc(y.mean((2, 3), keepdim=True)))
        return (y * s).sum(3, keepdim=True)
    return torch_model(ctx, lambda nn: Fn(nn, fwd, c=nn.Conv2d(3, 6, 3, padding=1),
                                          fc=nn.Conv2d(6, 6, 1)), (3, 9, 8))


@tiny("ReduceMean over C keepdims 0 ([1,H,W], rank 3) -> Unsqueeze -> Conv; Squeeze of a "
      "[1,C,1,1] pooled vector")
def reduce_keepdims0_squeeze(ctx):
    torch = torch_mod()

    def fwd(m, x):
        y = m.a(x)
        z = m.b(y.mean(1).unsqueeze(1))                         # rank 3 -> 4
        return z * m.fc(m.pool(y).squeeze(3).squeeze(2)).unsqueeze(2).unsqueeze(3)
    return torch_model(ctx, lambda nn: Fn(
        nn, fwd, a=nn.Conv2d(3, 5, 3, padding=1), b=nn.Conv2d(1, 4, 3, padding=1),
        pool=nn.AdaptiveAvgPool2d(1), fc=nn.Linear(5, 4)), (3, 8, 7))


@tiny("opset 13 Softmax over channels (per pixel: row-local) of a segmentation head")
def softmax_op13_channels(ctx):
    torch = torch_mod()
    return torch_model(ctx, lambda nn: Fn(
        nn, lambda m, x: torch.softmax(m.c(x), 1), c=nn.Conv2d(3, 5, 3, padding=1)), (3, 9, 6))


def softmax_coerced_ref(v, axis):
    shape = v.shape
    flat = v.reshape(int(np.prod(shape[:axis])), -1)
    e = np.exp(flat - flat.max(axis=1, keepdims=True))
    return (e / e.sum(axis=1, keepdims=True)).reshape(shape)


@tiny("opset 11 Softmax, default axis 1 on a map: over all of C*H*W (a whole unit)")
def softmax_op11_axis1(ctx):
    g = Graph(ctx, 11)
    x = ctx.input((3, 5, 4))
    a, va = conv_layer(g, "input", x, 3, 3, pads=(1, 1, 1, 1))
    out = g.node("Softmax", [a])
    return g.model(x, out, softmax_coerced_ref(va, 1))


@tiny("opset 11 Softmax axis 2 (over H*W per channel) and axis 3 (over W: row-local)")
def softmax_op11_axis2_axis3(ctx):
    g = Graph(ctx, 11)
    x = ctx.input((3, 6, 5))
    a, va = conv_layer(g, "input", x, 3, 3, pads=(1, 1, 1, 1))
    s2 = g.node("Softmax", [a], axis=2)
    s3 = g.node("Softmax", [a], axis=3)
    out = g.node("Add", [s2, s3])
    return g.model(x, out, softmax_coerced_ref(va, 2) + softmax_coerced_ref(va, 3))


# --- Transpose, Reshape, MatMul -----------------------------------------------------------------

@tiny("tokens: Conv -> flatten(2) -> transpose(1,2) [1,HW,C] -> Linear (MatMul + Add) -> GELU "
      "-> Linear -> Softmax(-1) -> transpose back -> Reshape to a map -> Conv")
def tokens_matmul(ctx):
    torch = torch_mod()

    def fwd(m, x):
        y = m.a(x)
        n, c, h, w = y.shape
        t = y.flatten(2).transpose(1, 2)
        t = torch.softmax(m.l2(m.act(m.l1(t))), -1)
        return m.b(t.transpose(1, 2).reshape(n, c, h, w))
    return torch_model(ctx, lambda nn: Fn(
        nn, fwd, a=nn.Conv2d(3, 6, 3, stride=2, padding=1), l1=nn.Linear(6, 12), act=nn.GELU(),
        l2=nn.Linear(12, 6), b=nn.Conv2d(6, 4, 1)), (3, 9, 10))


@tiny("self-attention over tokens: q k^T (MatMul of two computed tensors, k transposed), "
      "scaled Softmax, @ v, residual")
def attention(ctx):
    torch = torch_mod()

    def fwd(m, x):
        y = m.a(x)
        n, c, h, w = y.shape
        t = y.flatten(2).transpose(1, 2)                     # [1, HW, C]
        q, k, v = m.q(t), m.k(t), m.v(t)
        att = torch.softmax(q @ k.transpose(1, 2) / 2.0, -1)
        t = t + att @ v
        return t.transpose(1, 2).reshape(n, c, h, w)
    return torch_model(ctx, lambda nn: Fn(
        nn, fwd, a=nn.Conv2d(3, 4, 3, stride=2, padding=1), q=nn.Linear(4, 4, bias=False),
        k=nn.Linear(4, 4, bias=False), v=nn.Linear(4, 4)), (3, 10, 8))


@tiny("ConvNeXt stem and block: Conv 2x2 s2, LayerNorm2d (Transpose -> LayerNorm op by op -> "
      "Transpose), depthwise 7x7, Transpose -> LayerNorm -> Linear -> GELU -> Linear -> "
      "Transpose, layer scale, residual Add (channels-last layers run on the NHWC map)")
def convnext_block(ctx):
    torch = torch_mod()
    F = torch.nn.functional

    def fwd(m, x):
        y = m.stem(x)
        y = F.layer_norm(y.permute(0, 2, 3, 1), (8,), m.n0.weight, m.n0.bias, 1e-6)
        y = y.permute(0, 3, 1, 2)
        t = m.dw(y).permute(0, 2, 3, 1)
        t = m.l2(m.act(m.l1(m.n1(t)))).permute(0, 3, 1, 2)
        return m.head(y + m.gamma * t)

    def make(nn):
        mod = Fn(nn, fwd, stem=nn.Conv2d(3, 8, 2, stride=2), n0=nn.LayerNorm(8, eps=1e-6),
                 dw=nn.Conv2d(8, 8, 7, padding=3, groups=8), n1=nn.LayerNorm(8, eps=1e-6),
                 l1=nn.Linear(8, 32), act=nn.GELU(), l2=nn.Linear(32, 8),
                 gamma=nn.Parameter(torch.rand(8, 1, 1) + 0.5), head=nn.Conv2d(8, 4, 1))
        return randomize_ln(mod, mod.n0, mod.n1)
    return torch_model(ctx, make, (3, 26, 22))


@tiny("opset 17 LayerNormalization: over channels between Transposes (-> one LayerNorm on the "
      "NHWC map), Linear over channels, and over the last axis of [1,HW,C] tokens")
def layernorm_op17(ctx):
    torch = torch_mod()

    def fwd(m, x):
        y = m.a(x)
        n, c, h, w = y.shape
        y = m.l1(m.n1(y.permute(0, 2, 3, 1))).permute(0, 3, 1, 2)
        t = m.n2(y.flatten(2).transpose(1, 2))
        return m.b(t.transpose(1, 2).reshape(n, 6, h, w))

    def make(nn):
        mod = Fn(nn, fwd, a=nn.Conv2d(3, 5, 3, padding=1), n1=nn.LayerNorm(5), l1=nn.Linear(5, 6),
                 n2=nn.LayerNorm(6), b=nn.Conv2d(6, 4, 3, padding=1))
        return randomize_ln(mod, mod.n1, mod.n2)
    return torch_model(ctx, make, (3, 11, 9), opset=17)


@tiny("channels of a computed map: chunk (Slice), torch.split (Split), a strided Slice and "
      "an index list with a repeat (Gather), and a ShuffleNet v2 block (Slice after a "
      "channel shuffle, composed into one gather each)")
def channel_slices(ctx):
    torch = torch_mod()

    def fwd(m, x):
        y = m.a(x)                                              # 8 channels
        a, b = y.chunk(2, 1)
        c, d = torch.split(y, [3, 5], 1)
        e = y[:, [7, 0, 2, 2]]
        z = torch.cat([a + b, e, c, d[:, ::2]], 1)              # 14 channels
        n, ch, h, w = z.shape
        z = z.view(n, 2, ch // 2, h, w).transpose(1, 2).contiguous().view(n, ch, h, w)
        left, right = z.chunk(2, 1)
        return m.b(torch.cat([left, m.r(right)], 1))
    return torch_model(ctx, lambda nn: Fn(
        nn, fwd, a=nn.Conv2d(3, 8, 3, padding=1), r=nn.Conv2d(7, 7, 3, padding=1),
        b=nn.Conv2d(14, 4, 1)), (3, 9, 7))


@tiny("ShuffleNet channel shuffle (Reshape [1,g,C/g,H,W] -> Transpose -> Reshape: one "
      "row-local channel permute) between grouped Convs")
def channel_shuffle(ctx):
    def fwd(m, x):
        y = m.a(x)
        n, c, h, w = y.shape
        y = y.view(n, 3, c // 3, h, w).transpose(1, 2).contiguous().view(n, c, h, w)
        return m.b(y)
    return torch_model(ctx, lambda nn: Fn(
        nn, fwd, a=nn.Conv2d(6, 12, 3, padding=1, groups=3), b=nn.Conv2d(12, 6, 1, groups=3)),
        (6, 8, 7))


@tiny("torchvision's VisionTransformer, small (opset 14): patch embedding, class token "
      "Concat with the patch tokens (-> RowConcat), position embedding, two encoder layers of "
      "nn.MultiheadAttention (sequence-first Transposes, in-projection sliced into q/k/v, "
      "heads split -> strided views -> one Attention node), MLP with GELU, the class token "
      "picked by a Gather (-> RowSlice) for the head")
def vit_small(ctx):
    torch = torch_mod()

    def make(nn):
        import torchvision
        vit = torchvision.models.VisionTransformer(
            image_size=32, patch_size=8, num_layers=2, num_heads=4, hidden_dim=16, mlp_dim=32,
            num_classes=10)
        with torch.no_grad():  # the class token and the head start at zero
            for p in vit.parameters():
                if not torch.any(p):
                    p.normal_(0.0, 0.5)
        return vit
    return torch_model(ctx, make, (3, 32, 32), opset=14)


@tiny("Swin (torchvision's own blocks, opset 17): channels-last [1, H, W, C] tensors after a "
      "Permute, window partitions of 2x2 and their reverse (-> WindowPartition, "
      "WindowReverse), shifted windows by torch.roll (Slices and Concats along H -> RowSlice, "
      "RowConcat; along W -> ColumnGather), windowed attention with the relative-position bias "
      "and the shift mask, patch merging (strided Slices, Concat of channels), LayerNorms, MLPs")
def swin_small(ctx):
    torch = torch_mod()

    def make(nn):
        import torchvision
        swin = torchvision.models.SwinTransformer(
            patch_size=[4, 4], embed_dim=8, depths=[2, 2], num_heads=[2, 2], window_size=[2, 2],
            stochastic_depth_prob=0.0, num_classes=10)
        with torch.no_grad():  # the relative-position tables start near zero
            for name, p in swin.named_parameters():
                if "relative_position" in name:
                    p.normal_(0.0, 1.0)
        return swin
    return torch_model(ctx, make, (3, 32, 32), opset=17)


@tiny("attention as timm and Swin write it: one q/k/v Linear reshaped [1, N, 3, h, d], permuted "
      "(2, 0, 3, 1, 4) and unbound by Gathers (-> channel thirds of the projection), q scaled, "
      "q @ k^T, Softmax, @ v, heads merged, output projection, residual")
def attention_fused_qkv(ctx):
    torch = torch_mod()

    def fwd(m, x):
        y = m.a(x)                                           # [1, 12, 4, 5]
        t = y.flatten(2).transpose(1, 2)                     # [1, 20, 12]
        n, c, h = t.shape[1], t.shape[2], 3
        qkv = m.qkv(t).reshape(1, n, 3, h, c // h).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = torch.softmax((q * (c // h) ** -0.5) @ k.transpose(-2, -1), -1)
        o = (attn @ v).transpose(1, 2).reshape(1, n, c)
        return m.proj(o) + t
    return torch_model(ctx, lambda nn: Fn(
        nn, fwd, a=nn.Conv2d(3, 12, 3, stride=2, padding=1), qkv=nn.Linear(12, 36),
        proj=nn.Linear(12, 12)), (3, 8, 10))


@tiny("rows of tokens: a constant row block before and after computed tokens (Concat along "
      "the rows -> RowConcat), every second row (Slice with a step -> RowSlice), the last row "
      "(Gather -1 -> RowSlice), and rows of a map (Slice along H -> RowSlice)")
def token_rows(ctx):
    torch = torch_mod()

    def fwd(m, x):
        y = m.a(x)                                   # [1, 6, 8, 5]
        t = y.flatten(2).transpose(1, 2)             # [1, 40, 6]
        t = torch.cat([m.first.expand(1, 2, 6), t, m.last], dim=1)  # [1, 43, 6]
        every2 = m.l(t[:, 1::2])                     # [1, 21, 6]
        last = t[:, -1]                              # [1, 6]
        rows = m.b(y[:, :, 2:7])                     # [1, 4, 5, 5]
        return every2.sum(1) + last + rows.mean((2, 3)).sum(1, keepdim=True)
    return torch_model(ctx, lambda nn: Fn(
        nn, fwd, a=nn.Conv2d(3, 6, 3, stride=2, padding=1), l=nn.Linear(6, 6),
        b=nn.Conv2d(6, 4, 3, padding=1), first=nn.Parameter(torch.randn(1, 1, 6)),
        last=nn.Parameter(torch.randn(1, 1, 6))), (3, 16, 10))


@tiny("torch F.pad to a skip's size computed from shapes (Shape, Gather, Sub, Div, Concat, "
      "ConstantOfShape, Slice, Transpose, Reshape, Cast: all folded) -> Pad -> Concat")
def pad_shape_subgraph(ctx):
    torch = torch_mod()
    F = torch.nn.functional

    def fwd(m, x):
        skip = m.a(x)
        y = m.up(m.down(skip))
        dy, dx = skip.shape[2] - y.shape[2], skip.shape[3] - y.shape[3]
        y = F.pad(y, [dx // 2, dx - dx // 2, dy // 2, dy - dy // 2])
        return m.b(torch.cat([skip, y], 1))
    return torch_model(ctx, lambda nn: Fn(
        nn, fwd, a=nn.Conv2d(3, 4, 3, padding=1), down=nn.MaxPool2d(2),
        up=nn.ConvTranspose2d(4, 4, 2, stride=2), b=nn.Conv2d(8, 3, 3, padding=1)), (3, 11, 9))


@tiny("Constant kinds feeding Mul/Add: value_float, a double tensor (Cast to float), a "
      "sparse_value; Split of an initializer into two per-channel vectors")
def constant_kinds_split(ctx):
    from onnx import helper, numpy_helper, TensorProto
    g = Graph(ctx, 13)
    x = ctx.input((3, 6, 5))
    a, va = conv_layer(g, "input", x, 4, 3, pads=(1, 1, 1, 1))
    half = g.fresh("half")
    g.nodes.append(helper.make_node("Constant", [], [half], name=half + "_node", value_float=0.5))
    dbl = g.fresh("dbl")
    g.nodes.append(helper.make_node("Constant", [], [dbl], name=dbl + "_node",
                                    value=numpy_helper.from_array(
                                        np.array([[[1.5]], [[-0.5]], [[2.0]], [[1.0]]], np.float64))))
    sp = g.fresh("sparse")
    sparse = helper.make_sparse_tensor(
        numpy_helper.from_array(np.array([3.0, -2.0], np.float32), "values"),
        numpy_helper.from_array(np.array([1, 3], np.int64), "indices"), [4, 1, 1])
    g.nodes.append(helper.make_node("Constant", [], [sp], name=sp + "_node", sparse_value=sparse))
    both = g.init(np.array([0.1, 0.2, 0.3, 0.4, 1.0, 2.0, 3.0, 4.0], np.float32).reshape(8, 1, 1))
    s0, s1 = g.fresh("s0"), g.fresh("s1")
    g.nodes.append(helper.make_node("Split", [both, g.init(np.array([4, 4], np.int64), "parts")],
                                    [s0, s1], name=s0 + "_node", axis=0))
    y = g.node("Mul", [a, half])
    y = g.node("Mul", [y, g.node("Cast", [dbl], to=TensorProto.FLOAT)])
    y = g.node("Add", [y, sp])
    y = g.node("Mul", [y, s1])
    out = g.node("Add", [y, s0])
    c = np.array([1.5, -0.5, 2.0, 1.0]).reshape(1, 4, 1, 1)
    sv = np.array([0, 3.0, 0, -2.0]).reshape(1, 4, 1, 1)
    ref = (va * 0.5 * c + sv) * np.arange(1, 5).reshape(1, 4, 1, 1) + \
        np.array([0.1, 0.2, 0.3, 0.4], np.float32).astype(np.float64).reshape(1, 4, 1, 1)
    return g.model(x, out, ref)


# --- a small DAG -----------------------------------------------------------------------------

@tiny("DAG: stem, diamond (two branches re-joined by Add), residual block, 3-branch "
      "inception Concat with a MaxPool branch, stride-2 Conv, GlobalAveragePool, Flatten, Gemm")
def dag(ctx):
    torch = torch_mod()

    def fwd(m, x):
        s = torch.relu(m.stem(x))
        d = torch.relu(m.da(s)) + torch.relu(m.db(s))                 # diamond
        r = torch.relu(m.bn1(m.r1(d)))
        r = torch.relu(m.bn2(m.r2(r)) + d)                            # residual
        b1 = torch.relu(m.i1(r))
        b2 = torch.relu(m.i2b(torch.relu(m.i2a(r))))
        b3 = torch.relu(m.i3(m.ipool(r)))
        y = torch.cat([b1, b2, b3], 1)                                # inception
        y = torch.relu(m.down(y))
        return m.fc(torch.flatten(m.gap(y), 1))
    return torch_model(ctx, lambda nn: Fn(
        nn, fwd, stem=nn.Conv2d(6, 8, 3, padding=1),
        da=nn.Conv2d(8, 8, 1), db=nn.Conv2d(8, 8, 3, padding=1),
        r1=nn.Conv2d(8, 8, 3, padding=1, bias=False), bn1=nn.BatchNorm2d(8),
        r2=nn.Conv2d(8, 8, 3, padding=1, bias=False), bn2=nn.BatchNorm2d(8),
        i1=nn.Conv2d(8, 4, 1), i2a=nn.Conv2d(8, 4, 1), i2b=nn.Conv2d(4, 6, 3, padding=1),
        ipool=nn.MaxPool2d(3, 1, padding=1), i3=nn.Conv2d(8, 3, 1),
        down=nn.Conv2d(13, 8, 3, stride=2, padding=1), gap=nn.AdaptiveAvgPool2d(1),
        fc=nn.Linear(8, 10)), (6, 13, 11))


# ---------------------------------------------------------------------------------------------

# Ops of opsets 1-9 that later onnx packages dropped from their schemas (ImageScaler was an
# experimental op of the Caffe2 era); models with them skip onnx.checker.
RETIRED_OPS = {"ImageScaler"}


def check_model(name, model, x, ref):
    """onnx.checker, and ONNX shape inference must agree with the reference's shape (where it
    can infer one: it does not fold the Shape -> ... -> Reshape subgraphs)."""
    import onnx
    from onnx import helper, shape_inference, TensorProto
    assert x.dtype == np.float32 and x.ndim == 4 and x.shape[0] == 1
    assert np.all(np.isfinite(ref)), name
    opset = max(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))
    # ArgMax's indices are INT64 in ONNX (EdgeFlow's output holds them as floats)
    out_type = model.graph.output[0].type.tensor_type.elem_type or TensorProto.FLOAT
    retired = {n.op_type for n in model.graph.node} & RETIRED_OPS
    if opset > onnx.defs.onnx_opset_version() or retired:
        # this onnx package predates the opset, or no longer knows an op the Model Zoo's old
        # models use: its checker cannot judge the model (the reference, computed
        # independently, still checks EdgeFlow's reading of it)
        model.graph.output[0].CopyFrom(
            helper.make_tensor_value_info("output", out_type, list(ref.shape)))
        return
    inferred = shape_inference.infer_shapes(model, check_type=True, strict_mode=True,
                                             data_prop=True)
    out = [o for o in inferred.graph.output if o.name == "output"]
    assert len(model.graph.output) == 1 and out, "%s: one output named 'output'" % name
    tt = out[0].type.tensor_type
    if tt.HasField("shape"):
        # a dim inference leaves open (Swin's window masks defeat it) is not a mismatch
        dims = [d.dim_value if d.HasField("dim_value") else r
                for d, r in zip(tt.shape.dim, ref.shape)]
        if len(tt.shape.dim) != ref.ndim or dims != list(ref.shape):
            raise RuntimeError("%s: ONNX shape inference gives %s, reference has %s"
                               % (name, dims, list(ref.shape)))
    # declare the output shape (hand-built graphs declare only the type)
    model.graph.output[0].CopyFrom(
        helper.make_tensor_value_info("output", out_type, list(ref.shape)))
    onnx.checker.check_model(model, full_check=True)


def save(path, write):
    d, b = os.path.split(path)
    tmp = os.path.join(d, ".tmp-%d-%s" % (os.getpid(), b))
    with open(tmp, "wb") as f:
        write(f)
    os.replace(tmp, path)


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=os.path.join(here, "tiny"), help="output directory")
    ap.add_argument("--only", default="", help="comma-separated model names (default: all)")
    ap.add_argument("--force", action="store_true", help="re-export even if files exist")
    ap.add_argument("--list", action="store_true", help="print name and description, exit")
    args = ap.parse_args(argv)

    names = [n for n, _, _ in REGISTRY]
    if args.list:
        for n, d, _ in REGISTRY:
            print("%-28s %s" % (n, d))
        return 0
    only = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = [n for n in only if n not in names]
    if unknown:
        log("unknown model(s): %s (see --list)" % ", ".join(unknown))
        return 1
    os.makedirs(args.out, exist_ok=True)

    todo = [(n, fn) for n, _, fn in REGISTRY
            if (not only or n in only)
            and (args.force or not all(os.path.exists(os.path.join(args.out, n + s))
                                       for s in SUFFIXES))]
    t0 = time.time()
    if todo:
        import warnings
        warnings.filterwarnings("ignore")
        torch = torch_mod()
        torch.set_num_threads(1)
        for n, fn in todo:
            model, x, ref = fn(Ctx(n))
            ref = np.ascontiguousarray(ref, dtype=np.float32)
            check_model(n, model, x, ref)
            base = os.path.join(args.out, n)
            save(base + ".input.npy", lambda f: np.save(f, x))
            save(base + ".ref.npy", lambda f: np.save(f, ref))
            data = model.SerializeToString()
            save(base + ".onnx", lambda f: f.write(data))
            log("%-28s opset %-2d %6d B  in %s -> out %s"
                % (n, model.opset_import[0].version, len(data), list(x.shape),
                   list(ref.shape)))
    manifest = "".join(n + "\n" for n in names)
    mpath = os.path.join(args.out, "manifest.txt")
    if not os.path.exists(mpath) or open(mpath).read() != manifest:
        save(mpath, lambda f: f.write(manifest.encode()))
    log("%d model(s) exported, %d present, to %s in %.1fs"
        % (len(todo), len(names) - len(todo) if not only else len(only) - len(todo),
           args.out, time.time() - t0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
