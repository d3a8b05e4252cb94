// One input of the job as the model takes it, whatever file it came in: an
// image, a .npy or an ONNX TensorProto (.pb, from an ONNX test data set).
// Conversions (a float64 cast, an added N) are noted on stderr, once per kind
// and job.
#pragma once

#include <string>

#include "edgeflow/io.h"

namespace edgeflow {

Tensor load_model_input(const std::string& path, const Shape& input_shape, const Preprocess& pp);

}  // namespace edgeflow
