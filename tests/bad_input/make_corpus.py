#!/usr/bin/python3
"""Writes the bad-input corpus of tests/bad_input/cases.txt into OUT_DIR.

Every file is small and deterministic (fixed seeds, no timestamps): broken
models (truncated, inconsistent, unsupported), broken inputs (.npy, images,
lists), broken cluster files and profile caches, and the valid models the
cases start from.

    /usr/bin/python3 tests/bad_input/make_corpus.py OUT_DIR
"""
import os
import struct
import sys
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 13


def rng(seed):
    return np.random.default_rng(seed)


def init(name, array):
    return numpy_helper.from_array(np.asarray(array, dtype=np.float32), name)


def image_input(name="image", dims=(1, 3, 8, 8), elem=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, elem, list(dims))


def output(name, dims=None):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, dims)


def model(nodes, inputs, outputs, inits=(), opset=OPSET, name="bad"):
    graph = helper.make_graph(nodes, name, inputs, outputs, list(inits))
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                          producer_name="edgeflow-bad-input")
    m.ir_version = 8
    return m


def save(out, name, m):
    with open(os.path.join(out, name), "wb") as f:
        f.write(m.SerializeToString())


def conv_weights(seed, o, i, k=3):
    r = rng(seed)
    return init("w", r.uniform(-0.5, 0.5, (o, i, k, k))), init("b", r.uniform(-0.1, 0.1, o))


def base_model(h=8, w=8):
    """image 1x3xHxW -> Conv 3x3 (4 ch) -> Relu -> Conv 3x3 (4 ch) -> out: the valid start."""
    w1, b1 = conv_weights(1, 4, 3)
    r = rng(2)
    w2 = init("w2", r.uniform(-0.5, 0.5, (4, 4, 3, 3)))
    b2 = init("b2", r.uniform(-0.1, 0.1, 4))
    nodes = [
        helper.make_node("Conv", ["image", "w", "b"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
        helper.make_node("Conv", ["r1", "w2", "b2"], ["out"], name="conv2", pads=[1, 1, 1, 1]),
    ]
    return model(nodes, [image_input(dims=(1, 3, h, w))], [output("out")], [w1, b1, w2, b2])


def conv_node(inp="image", out="out", name="conv1", **attrs):
    attrs.setdefault("pads", [1, 1, 1, 1])
    return helper.make_node("Conv", [inp, "w", "b"], [out], name=name, **attrs)


def write_models(out):
    base = base_model()
    save(out, "valid.onnx", base)
    blob = base.SerializeToString()
    # Truncated copies of the valid model at several offsets.
    for pct in (1, 10, 30, 50, 70, 90, 99):
        with open(os.path.join(out, f"trunc{pct}.onnx"), "wb") as f:
            f.write(blob[: len(blob) * pct // 100])
    with open(os.path.join(out, "trunc_last_byte.onnx"), "wb") as f:
        f.write(blob[:-1])
    with open(os.path.join(out, "empty.onnx"), "wb"):
        pass
    with open(os.path.join(out, "random.onnx"), "wb") as f:
        f.write(rng(3).integers(0, 256, 4096, dtype=np.uint8).tobytes())
    with open(os.path.join(out, "text.onnx"), "w") as f:
        f.write("this is not a model\n")
    os.makedirs(os.path.join(out, "dir.onnx"), exist_ok=True)

    # Valid, with few rows: layers of 2 and 1 rows at np = 4 (not bad input).
    save(out, "few_rows.onnx", base_model(h=2, w=5))
    save(out, "one_row.onnx", base_model(h=1, w=7))

    w, b = conv_weights(1, 4, 3)
    img = image_input()
    # Initializer shorter than its dims: raw data and typed data.
    short = init("w", rng(1).uniform(-0.5, 0.5, (4, 3, 3, 3)))
    short.raw_data = short.raw_data[:-8]
    save(out, "short_raw_initializer.onnx", model([conv_node()], [img], [output("out")], [short, b]))
    short_typed = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[4, 3, 3, 3],
                              float_data=[0.1] * 50)
    save(out, "short_float_data.onnx",
         model([conv_node()], [img], [output("out")], [short_typed, b]))
    # Negative and absurd dims (no data): nothing may be allocated for them.
    neg = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[4, -3, 3, 3])
    save(out, "negative_dim.onnx", model([conv_node()], [img], [output("out")], [neg, b]))
    huge = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[1 << 20, 1 << 20, 3, 3])
    save(out, "huge_dim.onnx", model([conv_node()], [img], [output("out")], [huge, b]))
    big = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[1 << 15, 1 << 16])
    save(out, "initializer_2g_no_data.onnx", model([conv_node()], [img], [output("out")], [big, b]))
    # A few bytes asking for 16 GiB: ConstantOfShape and a broadcast of two constants
    # (found by fuzz_onnx_import).
    cos = [helper.make_node("Constant", [], ["shp"], name="shape_const",
                            value=helper.make_tensor("v", TensorProto.INT64, [4],
                                                     [1, 4, 32768, 32768])),
           helper.make_node("ConstantOfShape", ["shp"], ["big"], name="make_big"),
           conv_node(out="c"),
           helper.make_node("Mul", ["c", "big"], ["out"], name="mul_big")]
    save(out, "constant_of_shape_huge.onnx", model(cos, [img], [output("out")], [w, b]))
    bc = [helper.make_node("Mul", ["col", "row"], ["big"], name="outer"),
          conv_node(out="c"),
          helper.make_node("Mul", ["c", "big"], ["out"], name="mul_big")]
    bc_inits = [w, b, init("col", np.ones((1, 1, 65536, 1))), init("row", np.ones((1, 1, 1, 65536)))]
    save(out, "broadcast_huge.onnx", model(bc, [img], [output("out")], bc_inits))
    huge_raw = TensorProto(name="w", data_type=TensorProto.FLOAT,
                           dims=[1 << 40, 3, 3, 3], raw_data=b"\0" * 16)
    save(out, "huge_raw_dim.onnx", model([conv_node()], [img], [output("out")], [huge_raw, b]))
    save(out, "huge_input.onnx",
         model([conv_node()], [image_input(dims=(1, 3, 1 << 20, 1 << 20))], [output("out")], [w, b]))
    save(out, "negative_input_dim.onnx",
         model([conv_node()], [image_input(dims=(1, 3, -8, 8))], [output("out")], [w, b]))
    # Graph structure.
    cycle = [
        helper.make_node("Relu", ["image2"], ["a"], name="relu_a"),
        helper.make_node("Add", ["a", "image"], ["image2"], name="add_b"),
        conv_node(inp="a"),
    ]
    save(out, "cycle.onnx", model(cycle, [img], [output("out")], [w, b]))
    save(out, "undefined_input.onnx",
         model([conv_node(inp="ghost")], [img], [output("out")], [w, b]))
    dup = [conv_node(out="x", name="conv1"),
           helper.make_node("Relu", ["image"], ["x"], name="relu_dup"),
           helper.make_node("Relu", ["x"], ["out"], name="relu_out")]
    save(out, "duplicate_output.onnx", model(dup, [img], [output("out")], [w, b]))
    save(out, "output_not_produced.onnx",
         model([conv_node()], [img], [output("nowhere")], [w, b]))
    save(out, "no_outputs.onnx", model([conv_node()], [img], [], [w, b]))
    save(out, "output_is_input.onnx", model([], [img], [output("image")]))
    two = [conv_node(), helper.make_node("Relu", ["second"], ["out2"], name="relu2")]
    save(out, "two_inputs.onnx",
         model(two, [img, image_input("second")], [output("out"), output("out2")], [w, b]))
    save(out, "int_input.onnx",
         model([conv_node()], [image_input(elem=TensorProto.INT64)], [output("out")], [w, b]))
    save(out, "rank3_input.onnx",
         model([conv_node()], [image_input(dims=(3, 8, 8))], [output("out")], [w, b]))
    save(out, "batch2.onnx",
         model([conv_node()], [image_input(dims=(2, 3, 8, 8))], [output("out")], [w, b]))
    # Ops and attributes.
    unsupported = [conv_node(out="c"),
                   helper.make_node("Softmax", ["c"], ["s"], name="softmax1", axis=1),
                   helper.make_node("LSTM", ["s"], ["out"], name="lstm1")]
    save(out, "unsupported_op.onnx", model(unsupported, [img], [output("out")], [w, b]))
    # Forms that import only where a rewrite removes them, and computed-tensor ops
    # supported along one axis only.
    # (a LayerNorm over the last axis of a map regrouped by a Reshape: a Transpose
    # (0, 2, 3, 1) instead would make it a channels-last map, which runs)
    ln = [conv_node(out="c"),
          helper.make_node("Reshape", ["c", "hwc"], ["t"], name="regroup"),
          helper.make_node("LayerNormalization", ["t", "gamma"], ["out"], name="norm_last")]
    save(out, "layer_norm_last_axis_reshaped.onnx",
         model(ln, [img], [output("out")],
               [w, b, init("gamma", np.ones(4)),
                helper.make_tensor("hwc", TensorProto.INT64, [4], [1, 8, 8, 4])], opset=17))
    cols = [conv_node(out="c"),
            helper.make_node("Slice", ["c", "s", "e", "a"], ["out"], name="crop_cols")]
    save(out, "slice_width_computed.onnx", model(cols, [img], [output("out")], [
        w, b, helper.make_tensor("s", TensorProto.INT64, [1], [1]),
        helper.make_tensor("e", TensorProto.INT64, [1], [3]),
        helper.make_tensor("a", TensorProto.INT64, [1], [3])]))
    # Tokens made sequence-first ([T, 1, C], a strided view), then an op that needs the
    # view as a tensor the IR can hold.
    seq = [conv_node(out="c"),
           helper.make_node("Reshape", ["c", "tokens_shape"], ["t"], name="flatten_hw"),
           helper.make_node("Transpose", ["t"], ["tc"], name="to_tokens", perm=[0, 2, 1]),
           helper.make_node("Transpose", ["tc"], ["seq"], name="seq_first", perm=[1, 0, 2]),
           helper.make_node("Relu", ["seq"], ["out"], name="relu_seq")]
    save(out, "sequence_first_relu.onnx", model(seq, [img], [output("out")], [
        w, b, helper.make_tensor("tokens_shape", TensorProto.INT64, [3], [1, 4, 64])]))
    rng_nodes = [helper.make_node("Range", ["zero", "big", "one"], ["r"], name="huge_range"),
                 conv_node(out="c"),
                 helper.make_node("Mul", ["c", "r"], ["out"], name="use_range")]
    save(out, "range_huge.onnx", model(rng_nodes, [img], [output("out")], [
        w, b, helper.make_tensor("zero", TensorProto.INT64, [], [0]),
        helper.make_tensor("big", TensorProto.INT64, [], [1 << 40]),
        helper.make_tensor("one", TensorProto.INT64, [], [1])]))
    custom = [conv_node(out="c"),
              helper.make_node("Frobnicate", ["c"], ["out"], name="frob1", domain="com.example")]
    m = model(custom, [img], [output("out")], [w, b])
    m.opset_import.append(helper.make_opsetid("com.example", 1))
    save(out, "custom_domain_op.onnx", m)
    w5 = init("w", rng(5).uniform(-0.5, 0.5, (4, 3, 3, 3, 3)))
    save(out, "conv_5d_kernel.onnx",
         model([conv_node(pads=[1, 1, 1, 1, 1, 1])], [image_input(dims=(1, 3, 8, 8, 8))],
               [output("out")], [w5, b]))
    save(out, "conv_auto_pad.onnx",
         model([conv_node(auto_pad="SAME_LOWER", pads=None)], [img], [output("out")], [w, b]))
    save(out, "conv_group_mismatch.onnx",
         model([conv_node(group=2)], [img], [output("out")], [w, b]))
    w_c = init("w", rng(6).uniform(-0.5, 0.5, (4, 5, 3, 3)))
    save(out, "conv_channel_mismatch.onnx", model([conv_node()], [img], [output("out")], [w_c, b]))
    save(out, "conv_kernel_too_big.onnx",
         model([conv_node(kernel_shape=[3, 3], pads=[0, 0, 0, 0], strides=[1, 1])],
               [image_input(dims=(1, 3, 2, 2))], [output("out")], [w, b]))
    save(out, "conv_negative_pad.onnx",
         model([conv_node(pads=[-1, 1, 1, 1])], [img], [output("out")], [w, b]))
    save(out, "conv_zero_stride.onnx",
         model([conv_node(strides=[0, 1])], [img], [output("out")], [w, b]))
    gemm_t = [conv_node(out="c"),
              helper.make_node("GlobalAveragePool", ["c"], ["g"], name="gap"),
              helper.make_node("Flatten", ["g"], ["f"], name="flat"),
              helper.make_node("Gemm", ["f", "gw"], ["out"], name="gemm1", transA=1)]
    save(out, "gemm_transa.onnx",
         model(gemm_t, [img], [output("out")], [w, b, init("gw", rng(7).uniform(size=(4, 4)))]))
    bn = [conv_node(out="c"),
          helper.make_node("BatchNormalization", ["c", "s", "bb", "m", "v"], ["out"], name="bn1",
                           epsilon=0.0)]
    bn_inits = [w, b, init("s", np.ones(4)), init("bb", np.zeros(4)), init("m", np.zeros(4)),
                init("v", [1, 0, 1, -1])]
    save(out, "bn_negative_variance.onnx", model(bn, [img], [output("out")], bn_inits))
    # Opsets.
    for opset in (19, 6, 99):
        save(out, f"opset{opset}.onnx",
             model([conv_node()], [img], [output("out")], [w, b], opset=opset))
    # An op used at an opset it is not part of (HardSwish is from opset 14).
    save(out, "op_before_its_opset.onnx",
         model([conv_node(out="c"), helper.make_node("HardSwish", ["c"], ["out"], name="hs1")],
               [img], [output("out")], [w, b], opset=13))
    m = model([conv_node()], [img], [output("out")], [w, b])
    del m.opset_import[:]
    save(out, "no_opset.onnx", m)
    # External data.
    ext = init("w", np.zeros((4, 3, 3, 3)))
    ext.ClearField("raw_data")
    ext.data_location = TensorProto.EXTERNAL
    ext.external_data.add(key="location", value="weights.bin")
    save(out, "external_data.onnx", model([conv_node()], [img], [output("out")], [ext, b]))
    # Dynamic dims.
    dyn = image_input(dims=("batch", 3, "height", "width"))
    save(out, "dynamic.onnx", model([conv_node()], [dyn], [output("out")], [w, b]))
    noshape = helper.make_tensor_value_info("image", TensorProto.FLOAT, None)
    save(out, "no_input_shape.onnx", model([conv_node()], [noshape], [output("out")], [w, b]))


def npy_bytes(header, data=b"", version=(1, 0)):
    header = header + " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    return (b"\x93NUMPY" + bytes(version) + struct.pack("<H", len(header)) + header.encode() +
            data)


def conv3x3_pad1(x, w, b):
    """ONNX Conv, 3x3 kernel, pads 1, stride 1, in float64."""
    _, _, h, wd = x.shape
    xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (1, 1), (1, 1)))
    out = np.zeros((1, w.shape[0], h, wd))
    for i in range(3):
        for j in range(3):
            out += np.einsum("nchw,oc->nohw", xp[:, :, i:i + h, j:j + wd], w[:, :, i, j])
    return out + b.reshape(1, -1, 1, 1)


def valid_model_output(x):
    """What valid.onnx (base_model) computes for x."""
    inits = {t.name: numpy_helper.to_array(t).astype(np.float64)
             for t in base_model().graph.initializer}
    r = np.maximum(conv3x3_pad1(x, inits["w"], inits["b"]), 0.0)
    return conv3x3_pad1(r, inits["w2"], inits["b2"]).astype(np.float32)


def write_test_data(out, name, inputs, spoil=False):
    """ONNX test data sets of valid.onnx: NAME/test_data_set_K/{input_0,output_0}.pb."""
    for k, x in enumerate(inputs):
        d = os.path.join(out, name, "test_data_set_%d" % k)
        os.makedirs(d, exist_ok=True)
        y = valid_model_output(x) + (1.0 if spoil else 0.0)
        for file, array in (("input_0.pb", x), ("output_0.pb", y)):
            with open(os.path.join(d, file), "wb") as f:
                f.write(numpy_helper.from_array(array, file[:-3]).SerializeToString())


def write_inputs(out):
    good = rng(8).uniform(-1, 1, (1, 3, 8, 8)).astype(np.float32)
    np.save(os.path.join(out, "good.npy"), good)
    np.save(os.path.join(out, "float64.npy"), good.astype(np.float64))
    np.save(os.path.join(out, "chw.npy"), good[0])
    other = rng(9).uniform(-1, 1, (1, 3, 8, 8)).astype(np.float32)
    write_test_data(out, "test_data", [good, other])
    write_test_data(out, "test_data_wrong", [good], spoil=True)
    with open(os.path.join(out, "garbage.pb"), "wb") as f:
        f.write(b"\xff\xff\xff not a tensor")
    with open(os.path.join(out, "labels3.txt"), "w") as f:
        f.write("a\nb\nc\n")
    # .npz: numpy.savez (stored, zip64), savez_compressed with a named input,
    # two arrays without one named 'input', a truncated archive, and a member
    # declaring 1 GiB inflated from a few bytes.
    np.savez(os.path.join(out, "savez.npz"), good)
    np.savez_compressed(os.path.join(out, "compressed.npz"), other=other, input=good)
    np.savez(os.path.join(out, "ambiguous.npz"), a=good, b=other)
    data = open(os.path.join(out, "savez.npz"), "rb").read()
    with open(os.path.join(out, "truncated.npz"), "wb") as f:
        f.write(data[:len(data) // 2])
    import zipfile
    bomb = os.path.join(out, "bomb.npz")
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("arr_0.npy", b"\0" * 1000)
    raw = bytearray(open(bomb, "rb").read())
    entry = raw.rfind(b"PK\x01\x02")
    raw[entry + 24:entry + 28] = struct.pack("<I", 1 << 30)
    with open(bomb, "wb") as f:
        f.write(raw)
    np.save(os.path.join(out, "int32.npy"), (good * 10).astype(np.int32))
    np.save(os.path.join(out, "wrong_shape.npy"), good[:, :, :4, :4].copy())
    np.save(os.path.join(out, "wrong_channels.npy"), np.zeros((1, 1, 8, 8), np.float32))
    np.save(os.path.join(out, "big_endian.npy"), good.astype(">f4"))
    np.save(os.path.join(out, "fortran.npy"), np.asfortranarray(good))
    raw = good.tobytes()
    with open(os.path.join(out, "truncated_data.npy"), "wb") as f:
        f.write(npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 8, 8), }",
                          raw[:100]))
    with open(os.path.join(out, "corrupt_header.npy"), "wb") as f:
        f.write(npy_bytes("{'descr': '<f4', 'fortran_order': Fals", raw))
    with open(os.path.join(out, "bad_magic.npy"), "wb") as f:
        f.write(b"\x93NUMPZ" + npy_bytes("{'descr': '<f4', 'fortran_order': False, "
                                          "'shape': (1, 3, 8, 8), }", raw)[6:])
    with open(os.path.join(out, "huge_shape.npy"), "wb") as f:
        f.write(npy_bytes("{'descr': '<f4', 'fortran_order': False, "
                          "'shape': (1, 3, 4000000000, 4000000000), }", raw))
    with open(os.path.join(out, "negative_shape.npy"), "wb") as f:
        f.write(npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1, -3, 8, 8), }",
                          raw))
    with open(os.path.join(out, "huge_header_len.npy"), "wb") as f:
        f.write(b"\x93NUMPY\x02\x00" + struct.pack("<I", 0xFFFFFFF0) + b"{'descr'")
    with open(os.path.join(out, "empty.npy"), "wb"):
        pass

    # Images: garbage behind a PNG signature, a truncated PNG, a text file
    # named .jpg.
    png = png_bytes(16, 16)
    with open(os.path.join(out, "garbage.png"), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + rng(9).integers(0, 256, 512, dtype=np.uint8).tobytes())
    with open(os.path.join(out, "truncated.png"), "wb") as f:
        f.write(png[: len(png) // 2])
    with open(os.path.join(out, "huge_dims.png"), "wb") as f:  # 100000 x 100000 declared
        f.write(png_bytes(16, 16, declared=(100000, 100000)))
    with open(os.path.join(out, "text.jpg"), "w") as f:
        f.write("not an image\n")
    with open(os.path.join(out, "good.png"), "wb") as f:
        f.write(png)
    with open(os.path.join(out, "data.bin"), "wb") as f:
        f.write(b"\0" * 64)

    # Lists and directories.
    with open(os.path.join(out, "list_missing.txt"), "w") as f:
        f.write(os.path.join(out, "good.npy") + "\n" + os.path.join(out, "absent.npy") + "\n")
    with open(os.path.join(out, "list_empty.txt"), "w") as f:
        f.write("\n")
    with open(os.path.join(out, "list_nested.txt"), "w") as f:
        f.write(os.path.join(out, "list_empty.txt") + "\n")
    with open(os.path.join(out, "list_bad_entries.txt"), "w") as f:
        f.write(os.path.join(out, "int32.npy") + "\n" + os.path.join(out, "garbage.png") + "\n")
    os.makedirs(os.path.join(out, "empty_dir"), exist_ok=True)
    with open(os.path.join(out, "empty_dir", "notes.md"), "w") as f:
        f.write("no inputs here\n")
    # Labels.
    with open(os.path.join(out, "labels_empty.txt"), "w"):
        pass


def png_bytes(width, height, declared=None):
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = b"".join(b"\0" + bytes((x * 16 + y) % 256 for x in range(width * 3))
                    for y in range(height))
    dw, dh = declared or (width, height)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", dw, dh, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def write_cluster_and_cache(out):
    device = 'devices {{ name: "d{0}" speed: 0.5 bandwidth_mbps: 1000 latency_us: 100 }}\n'
    with open(os.path.join(out, "cluster_corrupt.txtpb"), "w") as f:
        f.write("devices { name: \"d0\" speed: 0.5 bandwidth_mbps: \n")
    with open(os.path.join(out, "cluster_binary.txtpb"), "wb") as f:
        f.write(rng(10).integers(0, 256, 256, dtype=np.uint8).tobytes())
    with open(os.path.join(out, "cluster_three.txtpb"), "w") as f:
        f.write("".join(device.format(i) for i in range(3)))
    with open(os.path.join(out, "cluster_empty.txtpb"), "w"):
        pass
    with open(os.path.join(out, "cluster_zero_speed.txtpb"), "w") as f:
        f.write(device.format(0) + device.format(1).replace("speed: 0.5", "speed: 0"))
    with open(os.path.join(out, "cluster_nan_bandwidth.txtpb"), "w") as f:
        f.write(device.format(0) + device.format(1).replace("1000", "nan"))
    with open(os.path.join(out, "cluster_negative_latency.txtpb"), "w") as f:
        f.write(device.format(0) + device.format(1).replace("latency_us: 100", "latency_us: -5"))
    with open(os.path.join(out, "cluster_unknown_field.txtpb"), "w") as f:
        f.write(device.format(0) + device.format(1).replace("speed:", "sped:"))
    # Profile caches: not an error, a warning and a new measurement.
    with open(os.path.join(out, "cache_corrupt.txtpb"), "w") as f:
        f.write("key: \"model=1;ranks=2\" world_size: 2 layers { layer: \"conv1\" ranks { al")
    with open(os.path.join(out, "cache_binary.txtpb"), "wb") as f:
        f.write(rng(11).integers(0, 256, 300, dtype=np.uint8).tobytes())
    with open(os.path.join(out, "cache_other_key.txtpb"), "w") as f:
        f.write('key: "model=0;ranks=2;hosts=elsewhere" world_size: 2 usable: true usable: true\n')


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_corpus.py OUT_DIR")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    write_models(out)
    write_inputs(out)
    write_cluster_and_cache(out)


if __name__ == "__main__":
    main()
