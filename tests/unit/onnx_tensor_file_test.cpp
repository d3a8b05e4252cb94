// read_onnx_tensor: the input_0.pb / output_0.pb files of ONNX test data sets
// as tensors in storage order, whatever their element type, and files that
// are not tensors refused naming them.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "onnx_import_checks.h"

namespace edgeflow::onnx_test {
namespace {

std::string write_file(const std::string& name, const std::string& bytes) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            (name + "." + std::to_string(::getpid()))).string();
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

TEST(OnnxTensorFile, FloatDoubleAndIntegerTensorsInStorageOrder) {
  onnx::TensorProto t;
  ModelBuilder::fill_float(t, "input_0", {1, 2, 1, 2}, {1, 2, 3, 4});  // NCHW
  const std::string path = write_file("input_0.pb", t.SerializeAsString());
  const Tensor x = read_onnx_tensor(path);
  EXPECT_EQ(x.shape(), Shape({1, 2, 1, 2}));
  EXPECT_EQ(x.values(), (std::vector<float>{1, 3, 2, 4}));  // NHWC

  onnx::TensorProto d;
  d.set_data_type(onnx::TensorProto::DOUBLE);
  d.add_dims(1), d.add_dims(3);
  for (double v : {0.25, -2.0, 7.5}) d.add_double_data(v);
  const std::string dpath = write_file("output_0.pb", d.SerializeAsString());
  EXPECT_EQ(read_onnx_tensor(dpath).values(), (std::vector<float>{0.25f, -2.0f, 7.5f}));

  onnx::TensorProto i;
  i.set_data_type(onnx::TensorProto::INT64);
  i.add_dims(1), i.add_dims(2);
  i.add_int64_data(3), i.add_int64_data(-1);
  const std::string ipath = write_file("classes.pb", i.SerializeAsString());
  EXPECT_EQ(read_onnx_tensor(ipath).values(), (std::vector<float>{3, -1}));
  for (const std::string& p : {path, dpath, ipath}) std::filesystem::remove(p);
}

TEST(OnnxTensorFile, WhatIsNotATensorIsRefusedNamingTheFile) {
  const std::string garbage = write_file("garbage.pb", std::string("\xff\xff\xff junk", 8));
  EXPECT_MESSAGE_HAS(import_error_of([&] { read_onnx_tensor(garbage); }),
                     "tensor '" + garbage + "': not a serialized ONNX TensorProto");
  onnx::TensorProto scalar;
  ModelBuilder::fill_float(scalar, "s", {}, {1});
  const std::string spath = write_file("scalar.pb", scalar.SerializeAsString());
  EXPECT_MESSAGE_HAS(import_error_of([&] { read_onnx_tensor(spath); }), "a scalar");
  EXPECT_MESSAGE_HAS(import_error_of([&] { read_onnx_tensor("/nonexistent/input_0.pb"); }),
                     "tensor '/nonexistent/input_0.pb': cannot open");
  for (const std::string& p : {garbage, spath}) std::filesystem::remove(p);
}

}  // namespace
}  // namespace edgeflow::onnx_test
