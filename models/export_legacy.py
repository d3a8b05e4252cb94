"""Full-size models in the forms of the ONNX Model Zoo's oldest vision models.

The Model Zoo's Caffe2/CNTK-era models (opsets 7-9) cannot be downloaded here, so
this writes torchvision networks (random weights, like models/export_zoo.py) in
their forms, to run as a user would run those:

  resnet50_caffe2_op7  ResNet-50 at opset 7: BatchNormalization nodes with
                       'spatial' = 1, residual adds as Sum, a Dropout with its
                       mask output before the classifier, Gemm with C
  vgg19_made_fc_op9    VGG-19 at opset 9 whose first fully connected weight
                       (4096 x 25088 floats, 392 MiB) is built by ConstantOfShape,
                       as in the zoo's VGG that the 2^26-element bound refused

Each NAME.onnx comes with NAME.input.npy (seeded) and a manifest.txt, so that
tests/ort/ort_outputs.js can save ONNX Runtime's outputs beside them:

  /usr/bin/python3 models/export_legacy.py [--out models/legacy] [--only NAME]
  NODE_PATH=build/ort/node_modules node tests/ort/ort_outputs.js models/legacy
  mpirun -np 4 build/edgeflow models/legacy/resnet50_caffe2_op7.onnx \\
      --input models/legacy/resnet50_caffe2_op7.input.npy --verify
"""
import argparse
import io
import os
import sys

import numpy as np

MODELS = ["resnet50_caffe2_op7", "vgg19_made_fc_op9"]


def export(module, opset, training_mode=None):
    import onnx
    import torch
    module.eval()
    buf = io.BytesIO()
    kwargs = {} if training_mode is None else {"training": training_mode}
    torch.onnx.export(module, torch.zeros(1, 3, 224, 224), buf, opset_version=opset,
                      input_names=["input"], output_names=["output"],
                      do_constant_folding=True, **kwargs)
    return onnx.load_from_string(buf.getvalue())


def resnet50_caffe2_op7():
    """Exported at opset 9 keeping the BatchNormalization nodes, then written in opset 7's
    forms (every op left means the same at 7)."""
    import torch
    import torchvision
    from onnx import helper
    torch.manual_seed(1)
    m = export(torchvision.models.resnet50(), 9, torch.onnx.TrainingMode.PRESERVE)
    g = m.graph
    nodes = []
    for n in g.node:
        if n.op_type == "Add":  # the residual adds, as Caffe2 wrote them
            n = helper.make_node("Sum", list(n.input), list(n.output), name=n.name)
        elif n.op_type == "BatchNormalization":
            n.attribute.append(helper.make_attribute("spatial", 1))
        elif n.op_type == "Gemm":  # a Dropout with its mask before the classifier
            dropped = n.input[0] + "_dropout"
            nodes.append(helper.make_node("Dropout", [n.input[0]], [dropped, dropped + "_mask"],
                                          name="dropout", ratio=0.5))
            n.input[0] = dropped
        allowed = {"Conv", "BatchNormalization", "Relu", "MaxPool", "Sum",
                   "GlobalAveragePool", "Flatten", "Gemm", "Dropout", "Identity"}
        assert n.op_type in allowed, "unexpected %s in the opset-9 export" % n.op_type
        nodes.append(n)
    del g.node[:]
    g.node.extend(nodes)
    m.opset_import[0].version = 7
    return m


def vgg19_made_fc_op9():
    import torch
    import torchvision
    from onnx import helper, numpy_helper, TensorProto
    torch.manual_seed(2)
    m = export(torchvision.models.vgg19(), 9)
    g = m.graph
    gemm = next(n for n in g.node if n.op_type == "Gemm")
    weight = gemm.input[1]
    init = next(t for t in g.initializer if t.name == weight)
    dims = list(init.dims)
    assert dims == [4096, 25088], dims
    g.initializer.remove(init)
    shape = helper.make_tensor(weight + "_shape", TensorProto.INT64, [2], dims)
    g.node.insert(0, helper.make_node("Constant", [], [weight + "_shape_value"],
                                      name="fc1_weight_shape", value=shape))
    g.node.insert(1, helper.make_node(
        "ConstantOfShape", [weight + "_shape_value"], [weight], name="fc1_weight",
        value=numpy_helper.from_array(np.array([2e-3], np.float32))))
    return m


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=os.path.join(here, "legacy"))
    ap.add_argument("--only", default="", help="comma-separated names (default: all)")
    args = ap.parse_args(argv)
    only = [n for n in args.only.split(",") if n] or MODELS
    unknown = [n for n in only if n not in MODELS]
    if unknown:
        print("export_legacy: unknown model(s) %s (known: %s)" % (unknown, MODELS), file=sys.stderr)
        return 1
    import onnx
    os.makedirs(args.out, exist_ok=True)
    for i, name in enumerate(MODELS):
        if name not in only:
            continue
        model = globals()[name]()
        onnx.checker.check_model(model)
        onnx.save(model, os.path.join(args.out, name + ".onnx"))
        x = np.random.RandomState(100 + i).uniform(-1, 1, (1, 3, 224, 224)).astype(np.float32)
        np.save(os.path.join(args.out, name + ".input.npy"), x)
        print("export_legacy: %s (opset %d)" % (name, model.opset_import[0].version),
              file=sys.stderr)
    with open(os.path.join(args.out, "manifest.txt"), "w") as f:
        f.write("".join(n + "\n" for n in MODELS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
