// .npy files (NumPy format 1.0/2.0/3.0): float32 (or float64, read as
// float32) little-endian, C order.
//
//   "\x93NUMPY" | major minor | header_len (u16 LE for 1.0, u32 LE for 2.0/3.0)
//   | header: Python dict literal, space padded, '\n' | data: prod(shape) floats
//
// Reading validates the magic, the dict, the dtype and that the data size the
// shape implies is exactly what the file holds, before allocating.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "edgeflow/error.h"
#include "edgeflow/io.h"

namespace edgeflow {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;
constexpr uint64_t kMaxHeaderBytes = 1 << 20;  // real headers are < 200 bytes

[[noreturn]] void fail_npy(const std::string& path, const std::string& what) {
  fail_input("npy '" + path + "': " + what);
}

void swap_bytes_if_big_endian(std::vector<float>& values) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  for (float& v : values) {
    uint32_t u;
    std::memcpy(&u, &v, 4);
    u = __builtin_bswap32(u);
    std::memcpy(&v, &u, 4);
  }
#else
  (void)values;
#endif
}

std::string shape_text(const Dims& dims) {
  std::string s = "(";
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(dims[i]);
  }
  if (dims.size() == 1) s += ',';
  return s + ")";
}

// The fields of a .npy header dict.
struct NpyHeader {
  std::string descr;
  bool fortran_order = false;
  Dims shape;
};

// Parses the header dict, e.g.
//   {'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 224, 224), }
class HeaderParser {
 public:
  HeaderParser(const std::string& path, const std::string& text) : path_(path), text_(text) {}

  NpyHeader parse() {
    NpyHeader h;
    bool seen_descr = false, seen_order = false, seen_shape = false;
    skip_space();
    expect('{');
    for (;;) {
      skip_space();
      if (peek() == '}') break;
      const std::string key = parse_string();
      skip_space();
      expect(':');
      skip_space();
      if (key == "descr") {
        check_once(seen_descr, key);
        h.descr = parse_string();
      } else if (key == "fortran_order") {
        check_once(seen_order, key);
        h.fortran_order = parse_bool();
      } else if (key == "shape") {
        check_once(seen_shape, key);
        h.shape = parse_tuple();
      } else {
        fail("unexpected key '" + key + "'");
      }
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() != '}') fail("expected ',' or '}'");
    }
    ++pos_;
    skip_space();
    if (pos_ != text_.size()) fail("unexpected text after the closing '}'");
    if (!seen_descr) fail("key 'descr' is missing");
    if (!seen_order) fail("key 'fortran_order' is missing");
    if (!seen_shape) fail("key 'shape' is missing");
    return h;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    fail_npy(path_, "malformed header: " + what + " at offset " + std::to_string(pos_));
  }
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void skip_space() {
    for (char c = peek(); c == ' ' || c == '\t' || c == '\r' || c == '\n'; c = peek()) ++pos_;
  }
  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  void check_once(bool& seen, const std::string& key) {
    if (seen) fail("duplicate key '" + key + "'");
    seen = true;
  }
  std::string parse_string() {
    const char quote = peek();
    if (quote != '\'' && quote != '"') fail("expected a quoted string");
    const size_t end = text_.find(quote, pos_ + 1);
    if (end == std::string::npos) fail("unterminated string");
    std::string s = text_.substr(pos_ + 1, end - pos_ - 1);
    pos_ = end + 1;
    return s;
  }
  bool parse_bool() {
    if (text_.compare(pos_, 4, "True") == 0) {
      pos_ += 4;
      return true;
    }
    if (text_.compare(pos_, 5, "False") == 0) {
      pos_ += 5;
      return false;
    }
    fail("expected True or False");
  }
  int64_t parse_dim() {
    if (!(peek() >= '0' && peek() <= '9')) fail("expected a non-negative integer");
    int64_t v = 0;
    while (peek() >= '0' && peek() <= '9') {
      const int digit = peek() - '0';
      if (v > (std::numeric_limits<int64_t>::max() - digit) / 10) fail("dimension too large");
      v = v * 10 + digit;
      ++pos_;
    }
    if (peek() == 'L') ++pos_;  // Python 2 long literal
    return v;
  }
  Dims parse_tuple() {
    Dims dims;
    expect('(');
    skip_space();
    while (peek() != ')') {
      dims.push_back(parse_dim());
      skip_space();
      if (peek() == ',') {
        ++pos_;
        skip_space();
      } else if (peek() != ')') {
        fail("expected ',' or ')' in shape");
      }
    }
    ++pos_;
    return dims;
  }

  const std::string& path_;
  const std::string& text_;
  size_t pos_ = 0;
};

uint64_t read_le(const unsigned char* p, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// The .npy held by `in`, `file_size` bytes long; `path` names it in messages.
Tensor parse_npy(const std::string& path, std::istream& in, uint64_t file_size,
                 bool* cast_from_float64) {
  unsigned char prefix[12] = {};
  if (file_size < kMagicSize + 2 || !in.read(reinterpret_cast<char*>(prefix), kMagicSize + 2) ||
      std::memcmp(prefix, kMagic, kMagicSize) != 0)
    fail_npy(path, "bad magic (not a .npy file)");
  const int major = prefix[6], minor = prefix[7];
  if ((major != 1 && major != 2 && major != 3) || minor != 0)
    fail_npy(path, "unsupported format version " + std::to_string(major) + "." +
                       std::to_string(minor) + " (expected 1.0, 2.0 or 3.0)");
  const int len_bytes = major == 1 ? 2 : 4;
  const uint64_t prefix_size = kMagicSize + 2 + len_bytes;
  if (file_size < prefix_size || !in.read(reinterpret_cast<char*>(prefix + 8), len_bytes))
    fail_npy(path, "truncated header");
  const uint64_t header_len = read_le(prefix + 8, len_bytes);
  if (header_len > file_size - prefix_size)
    fail_npy(path, "truncated header (header length " + std::to_string(header_len) +
                       " exceeds the file size " + std::to_string(file_size) + ")");
  if (header_len > kMaxHeaderBytes)
    fail_npy(path, "header of " + std::to_string(header_len) + " bytes is too large");

  std::string text(header_len, '\0');
  if (!in.read(text.data(), static_cast<std::streamsize>(header_len)))
    fail_npy(path, "truncated header");
  const NpyHeader header = HeaderParser(path, text).parse();

  if (header.descr != "<f4" && header.descr != "<f8")
    fail_npy(path, "dtype '" + header.descr +
                       "' is not supported (float32 '<f4', or float64 '<f8' cast to float32)");
  const bool doubles = header.descr == "<f8";
  const uint64_t element_bytes = doubles ? 8 : 4;
  if (header.fortran_order)
    fail_npy(path, "fortran_order True is not supported (only C order)");

  uint64_t elements = 1;
  for (int64_t d : header.shape) {
    if (d != 0 && elements > std::numeric_limits<uint64_t>::max() / 8 / uint64_t(d))
      fail_npy(path, "shape " + shape_text(header.shape) + " is too large");
    elements *= uint64_t(d);
  }
  const uint64_t data_bytes = elements * element_bytes;
  const uint64_t file_data_bytes = file_size - prefix_size - header_len;
  if (data_bytes != file_data_bytes)
    fail_npy(path, "shape " + shape_text(header.shape) + " needs " + std::to_string(data_bytes) +
                       " bytes of data but the file holds " + std::to_string(file_data_bytes) +
                       (data_bytes > file_data_bytes ? " (truncated)" : ""));
  const Shape shape(header.shape);
  if (shape.rank() == 4 && shape.dims[0] != 1)
    fail_npy(path, "shape " + shape.str() + " has N = " + std::to_string(shape.dims[0]) +
                       "; N must be 1");

  std::vector<float> values(elements);
  if (doubles) {
    std::vector<double> wide(elements);
    if (!in.read(reinterpret_cast<char*>(wide.data()), static_cast<std::streamsize>(data_bytes)))
      fail_npy(path, "cannot read the data");
    static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "float64 .npy on big-endian hosts");
    for (size_t i = 0; i < wide.size(); ++i) values[i] = static_cast<float>(wide[i]);
    if (cast_from_float64) *cast_from_float64 = true;
  } else {
    if (!in.read(reinterpret_cast<char*>(values.data()), static_cast<std::streamsize>(data_bytes)))
      fail_npy(path, "cannot read the data");
    swap_bytes_if_big_endian(values);
  }
  return Tensor(shape, nchw_to_storage(shape, values));
}

}  // namespace

Tensor read_npy(const std::string& path, bool* cast_from_float64) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) fail_npy(path, "no such file");
  if (!fs::is_regular_file(status)) fail_npy(path, "not a regular file");
  const uint64_t file_size = fs::file_size(path, ec);
  if (ec) fail_npy(path, "cannot read its size: " + ec.message());
  std::ifstream in(path, std::ios::binary);
  if (!in) fail_npy(path, std::string("cannot open: ") + std::strerror(errno));
  return parse_npy(path, in, file_size, cast_from_float64);
}

Tensor parse_npy_bytes(const std::string& name, const std::string& bytes,
                       bool* cast_from_float64) {
  std::istringstream in(bytes);
  return parse_npy(name, in, bytes.size(), cast_from_float64);
}

void write_npy(const std::string& path, const Tensor& t) {
  EF_ASSERT(!t.is_slice());
  EF_ASSERT(static_cast<int64_t>(t.size()) == t.shape().elements());

  std::string header =
      "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape_text(t.shape().dims) + ", }";
  // Pad with spaces so that the data starts on a 64-byte boundary.
  const bool v1 = header.size() + 1 + 64 <= 0xffff;
  const size_t prefix_size = kMagicSize + 2 + (v1 ? 2 : 4);
  const size_t total = (prefix_size + header.size() + 1 + 63) / 64 * 64;
  header.append(total - prefix_size - header.size() - 1, ' ');
  header += '\n';

  std::string bytes(kMagic, kMagicSize);
  bytes += static_cast<char>(v1 ? 1 : 2);
  bytes += '\0';
  const uint64_t len = header.size();
  for (size_t i = 0; i < (v1 ? 2u : 4u); ++i) bytes += static_cast<char>((len >> (8 * i)) & 0xff);
  bytes += header;

  std::vector<float> values = storage_to_nchw(t.shape(), t.values());
  swap_bytes_if_big_endian(values);

  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, Closer> f(std::fopen(path.c_str(), "wb"));
  if (!f) fail_npy(path, std::string("cannot open for writing: ") + std::strerror(errno));
  const bool ok =
      std::fwrite(bytes.data(), 1, bytes.size(), f.get()) == bytes.size() &&
      (values.empty() ||
       std::fwrite(values.data(), sizeof(float), values.size(), f.get()) == values.size());
  if (!ok) fail_npy(path, std::string("cannot write: ") + std::strerror(errno));
  if (std::fclose(f.release()) != 0)
    fail_npy(path, std::string("cannot write: ") + std::strerror(errno));
}

}  // namespace edgeflow
