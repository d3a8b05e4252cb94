// --input PATH: which files it names (a file, a directory tree or a .txt list)
// and how one of them becomes a model input tensor.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "edgeflow/error.h"
#include "edgeflow/io.h"

namespace edgeflow {
namespace fs = std::filesystem;
namespace {

constexpr const char* kImageExtensions[] = {".jpg", ".jpeg", ".png", ".bmp", ".ppm",
                                            ".pgm", ".tif", ".tiff", ".webp"};
constexpr const char* kExpected =
    "expected an image, a .npy, a .npz, an ONNX TensorProto .pb, a .txt list or a directory";

std::string lower_extension(const std::string& path) {
  std::string ext = fs::path(path).extension().string();
  for (char& c : ext) c = char(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

bool is_list_path(const std::string& path) { return lower_extension(path) == ".txt"; }

std::string type_text(const std::string& path) {
  const std::string ext = fs::path(path).extension().string();
  return ext.empty() ? "no extension" : "unknown file type '" + ext + "'";
}

// Images and .npy files under dir, recursively, sorted by path string.
std::vector<std::string> walk_directory(const std::string& dir) {
  std::vector<std::string> found;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    if (!it->is_regular_file(type_ec)) continue;
    const std::string p = it->path().string();
    if (is_image_path(p) || is_npy_path(p) || is_npz_path(p) ||
        it->path().filename() == "input_0.pb")
      found.push_back(p);
  }
  if (ec) fail_input("input directory '" + dir + "': cannot be read: " + ec.message());
  if (found.empty())
    fail_input("input directory '" + dir +
               "': contains no images, .npy/.npz files or ONNX test data (input_0.pb)");
  std::sort(found.begin(), found.end());
  return found;
}

// The inputs a .txt list names, in list order.
std::vector<std::string> read_list(const std::string& list) {
  std::ifstream in(list);
  if (!in) fail_input("input list '" + list + "': cannot open: " + std::strerror(errno));
  const fs::path base = fs::path(list).parent_path();
  std::vector<std::string> inputs;
  std::string line;
  for (int line_no = 1; std::getline(in, line); ++line_no) {
    const size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    const size_t last = line.find_last_not_of(" \t\r");
    fs::path p(line.substr(first, last - first + 1));
    if (p.is_relative()) p = base / p;
    const std::string entry = p.string();
    const std::string where = "input list '" + list + "' line " + std::to_string(line_no) + ": '" +
                              entry + "'";
    std::error_code ec;
    const fs::file_status status = fs::status(entry, ec);
    if (is_list_path(entry)) {
      fail_input(where + " is a list; lists cannot be nested");
    } else if (is_image_path(entry) || is_npy_path(entry) || is_npz_path(entry) ||
               is_tensor_proto_path(entry)) {
      inputs.push_back(entry);  // a missing file is that input's error when loaded
    } else if (fs::is_directory(status)) {
      const std::vector<std::string> sub = walk_directory(entry);
      inputs.insert(inputs.end(), sub.begin(), sub.end());
    } else if (!fs::exists(status)) {
      fail_input(where + " does not exist");
    } else {
      fail_input(where + ": " + type_text(entry) + " (" + kExpected + ")");
    }
  }
  if (in.bad()) fail_input("input list '" + list + "': cannot be read");
  if (inputs.empty()) fail_input("input list '" + list + "': lists no inputs");
  return inputs;
}

}  // namespace

bool is_image_path(const std::string& path) {
  const std::string ext = lower_extension(path);
  return std::any_of(std::begin(kImageExtensions), std::end(kImageExtensions),
                     [&](const char* e) { return ext == e; });
}

bool is_npy_path(const std::string& path) { return lower_extension(path) == ".npy"; }

bool is_tensor_proto_path(const std::string& path) { return lower_extension(path) == ".pb"; }

std::vector<std::string> expand_inputs(const std::string& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) fail_input("input '" + path + "': no such file or directory");
  if (fs::is_directory(status)) return walk_directory(path);
  if (!fs::is_regular_file(status))
    fail_input("input '" + path + "': not a regular file or a directory");
  if (is_image_path(path) || is_npy_path(path) || is_npz_path(path) ||
      is_tensor_proto_path(path))
    return {path};
  if (is_list_path(path)) return read_list(path);
  fail_input("input '" + path + "': " + type_text(path) + " (" + kExpected + ")");
}

Tensor fit_input_shape(Tensor t, const Shape& input_shape, const std::string& what,
                       InputConversions* done) {
  if (t.shape() == input_shape) return t;
  const Dims& want = input_shape.dims;
  if (t.shape().rank() + 1 == want.size() && want[0] == 1 &&
      std::equal(want.begin() + 1, want.end(), t.shape().dims.begin())) {
    if (done) done->added_n = true;
    // [C, H, W] in row-major order is [1, C, H, W]'s NCHW order.
    return Tensor(input_shape, nchw_to_storage(input_shape, t.values()));
  }
  fail_input(what + ": shape " + t.shape().str() + " does not match the model input shape " +
             input_shape.str());
}

Tensor load_input(const std::string& path, const Shape& input_shape, const Preprocess& pp,
                  InputConversions* done) {
  if (is_npy_path(path)) {
    Tensor t = read_npy(path, done ? &done->from_float64 : nullptr);
    return fit_input_shape(std::move(t), input_shape, "npy '" + path + "'", done);
  }
  if (is_npz_path(path)) {
    Tensor t = read_npz(path, done ? &done->from_float64 : nullptr);
    return fit_input_shape(std::move(t), input_shape, "npz '" + path + "'", done);
  }
  if (is_image_path(path)) return load_image(path, input_shape, pp);
  fail_input("input '" + path + "': " + type_text(path) + " (expected an image, a .npy or a .npz)");
}

std::string stored_output_path(const std::string& input) {
  const fs::path p(input);
  const std::string name = p.filename().string();
  if (name.rfind("input_", 0) != 0 || lower_extension(name) != ".pb") return "";
  const fs::path out = p.parent_path() / ("output_" + name.substr(6));
  std::error_code ec;
  return fs::is_regular_file(out, ec) ? out.string() : "";
}

}  // namespace edgeflow
