// Input and output files of the user's contract (docs/user-contract.md): .npy tensors,
// preprocessed images, input lists, labels and top-k, --input-shape text and
// JSON Lines records. Every failure a user can fix is an Error with exit
// status 1 whose message names the file (or text) at fault.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "edgeflow/tensor.h"

namespace edgeflow {

// ---- .npy -------------------------------------------------------------------

// Reads a float32 (or float64, cast to float32: *cast_from_float64 is then
// set) little-endian C-order .npy (format 1.0, 2.0 or 3.0) into a tensor of
// its logical (ONNX) shape, in storage order; a rank-4 array must have N = 1.
// Header and file size are checked before any allocation.
Tensor read_npy(const std::string& path, bool* cast_from_float64 = nullptr);

// The same of a .npy held in memory; `name` stands for its path in messages.
Tensor parse_npy_bytes(const std::string& name, const std::string& bytes,
                       bool* cast_from_float64 = nullptr);

// Reads the input array of a .npz (numpy.savez or savez_compressed: a zip of
// .npy files, stored or deflated): its only array, else the one named
// 'input', else 'arr_0' (the first positional one); otherwise fails listing
// the names. Sizes are checked before anything is inflated.
Tensor read_npz(const std::string& path, bool* cast_from_float64 = nullptr);

// True if the file name ends in .npz (any case).
bool is_npz_path(const std::string& path);

// Writes a full (non-slice) tensor as a float32 little-endian .npy (format
// 1.0) in ONNX order, truncating any existing file.
void write_npy(const std::string& path, const Tensor& t);

// ---- images -----------------------------------------------------------------

// Image preprocessing (docs/user-contract.md): per-channel RGB mean and std, applied after
// scaling to [0, 1] unless normalize is false.
struct Preprocess {
  std::array<float, 3> mean{0.485f, 0.456f, 0.406f};
  std::array<float, 3> std{0.229f, 0.224f, 0.225f};
  bool normalize = true;
};

// Decodes an image and turns it into a [1, 3, H, W] tensor (input_shape):
// RGB, shorter side resized to round(H / 0.875) (bilinear), centre crop to
// H x W, scaled to [0, 1], then (x - mean) / std unless !normalize.
Tensor load_image(const std::string& path, const Shape& input_shape, const Preprocess& pp);

// ---- inputs -----------------------------------------------------------------

// True if the file name ends in an image extension OpenCV decodes
// (jpg jpeg png bmp ppm pgm tif tiff webp, any case).
bool is_image_path(const std::string& path);

// True if the file name ends in .npy (any case).
bool is_npy_path(const std::string& path);

// True if the file name ends in .pb (any case): a serialized ONNX TensorProto,
// as the input_0.pb of an ONNX test data set (read by the onnx module's
// read_onnx_tensor).
bool is_tensor_proto_path(const std::string& path);

// The inputs named by an --input PATH, in order: an image, .npy, .npz or .pb
// file is itself; a directory is walked recursively, keeping images, .npy and
// .npz files and the input_0.pb of ONNX test data sets (test_data_set_N/), sorted by
// path (byte order); a .txt lists paths one per line (blank lines and
// #-lines skipped, relative paths relative to the list's folder; a listed
// directory is expanded, listed files are checked when loaded).
std::vector<std::string> expand_inputs(const std::string& path);

// What was done to an input file's tensor to fit the model's input.
struct InputConversions {
  bool from_float64 = false;  // float64 values cast to float32
  bool added_n = false;       // [C, H, W] given the leading N = 1
};

// `t` (read from `what`) as the model's input_shape: as it is, or a [C, H, W]
// tensor given the leading 1 (done->added_n then).
Tensor fit_input_shape(Tensor t, const Shape& input_shape, const std::string& what,
                       InputConversions* done);

// Loads one input for a model whose input is input_shape: a .npy or .npz
// (float32 or float64, of input_shape or without its N) or an image
// preprocessed with pp;
// *done (if given) says what was converted.
Tensor load_input(const std::string& path, const Shape& input_shape, const Preprocess& pp,
                  InputConversions* done = nullptr);

// The expected output stored beside an input of an ONNX test data set
// (output_K.pb for input_K.pb), or "" when there is none.
std::string stored_output_path(const std::string& input);

// ---- labels and top-k -------------------------------------------------------

// Reads a labels file: one label per line, trailing '\r' stripped.
std::vector<std::string> read_labels(const std::string& path);

// The k best (index, score) pairs, by score descending then index ascending;
// NaN scores rank last; k is clamped to [0, scores.size()].
std::vector<std::pair<int, float>> top_k(const std::vector<float>& scores, int k);

// ---- --input-shape ----------------------------------------------------------

// Parses "NxCxHxW"-style text (any rank >= 1, positive decimal dims).
Dims parse_shape(const std::string& text);

// ---- JSON Lines -------------------------------------------------------------

// A JSON object built member by member, in insertion order. Strings are
// escaped (quotes, backslash, control characters; invalid UTF-8 becomes
// U+FFFD); non-finite numbers are written as null.
class JsonObject {
 public:
  JsonObject& add_string(const std::string& key, const std::string& value);
  JsonObject& add_number(const std::string& key, double value);
  JsonObject& add_number(const std::string& key, float value);  // as a float: 0.1f is 0.1
  JsonObject& add_int(const std::string& key, int64_t value);
  JsonObject& add_bool(const std::string& key, bool value);
  JsonObject& add_null(const std::string& key);
  JsonObject& add_numbers(const std::string& key, const std::vector<double>& values);
  JsonObject& add_numbers(const std::string& key, const std::vector<float>& values);
  JsonObject& add_ints(const std::string& key, const std::vector<int64_t>& values);
  JsonObject& add_strings(const std::string& key, const std::vector<std::string>& values);
  JsonObject& add_object(const std::string& key, const JsonObject& value);
  JsonObject& add_objects(const std::string& key, const std::vector<JsonObject>& values);

  // The object as one line of compact JSON: {"key":value,...}.
  std::string str() const;
  bool empty() const { return body_.empty(); }

 private:
  void add_member(const std::string& key, const std::string& json_value);
  std::string body_;  // members, comma separated, without braces
};

// JSON text of a string (quoted, escaped) and of a number (shortest form that
// reads back as the same double / float; null if not finite).
std::string json_string(const std::string& s);
std::string json_number(double value);
std::string json_number(float value);

// A JSON Lines file: each write is one complete line, flushed at once, so an
// interrupted run keeps every finished record. Not thread-safe.
class JsonLinesWriter {
 public:
  // Opens (truncates) path for writing.
  explicit JsonLinesWriter(const std::string& path);

  // Writes obj as one line and flushes it to the OS.
  void write(const JsonObject& obj);

  const std::string& path() const { return path_; }

 private:
  struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::string path_;
  std::unique_ptr<std::FILE, FileCloser> file_;
};

}  // namespace edgeflow
