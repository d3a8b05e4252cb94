// read_npy / write_npy: round trips (with NHWC storage), hand-written files of
// every header version, and every malformed case failing with a message that
// names the file.
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "edgeflow/error.h"
#include "edgeflow/io.h"

namespace edgeflow {
namespace {

namespace fs = std::filesystem;

// A fresh directory under the system temp dir, removed with its contents.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() /
            ("edgeflow_io_npy_" + std::string(info->name()) + "_" + std::to_string(::getpid()));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

// Expects f() to throw an Error with exit status 1 whose message has every
// one of the needles.
template <typename F>
void expect_bad_input(F f, const std::vector<std::string>& needles) {
  try {
    f();
    ADD_FAILURE() << "no Error thrown";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBadInput) << e.what();
    for (const std::string& n : needles)
      EXPECT_NE(std::string(e.what()).find(n), std::string::npos)
          << "message '" << e.what() << "' lacks '" << n << "'";
  }
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good());
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Little-endian bytes of float32 bit patterns.
std::string le_words(const std::vector<uint32_t>& words) {
  std::string s;
  for (uint32_t w : words)
    for (int i = 0; i < 4; ++i) s += static_cast<char>((w >> (8 * i)) & 0xff);
  return s;
}

// A .npy file: magic, version, header length, dict padded with spaces to a
// 64-byte boundary and ended by '\n', then data.
std::string npy_bytes(const std::string& dict, const std::string& data, int major = 1) {
  const size_t prefix = major == 1 ? 10 : 12;
  std::string header = dict;
  const size_t total = (prefix + header.size() + 1 + 63) / 64 * 64;
  header.append(total - prefix - header.size() - 1, ' ');
  header += '\n';
  std::string s("\x93NUMPY", 6);
  s += static_cast<char>(major);
  s += '\0';
  for (size_t i = 0; i < prefix - 8; ++i) s += static_cast<char>((header.size() >> (8 * i)) & 0xff);
  return s + header + data;
}

std::vector<float> random_values(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-3.0f, 3.0f);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

TEST(IoNpy, RoundTripOfRank4KeepsValuesAndWritesNchwOrder) {
  TempDir dir;
  const Shape shape({1, 3, 4, 5});
  const std::vector<float> nchw = random_values(60, 42);
  const Tensor t(shape, nchw_to_storage(shape, nchw));
  const std::string path = dir.file("x.npy");
  write_npy(path, t);

  // The file holds a 64-byte aligned header, then the NCHW values.
  const std::string bytes = read_bytes(path);
  ASSERT_EQ(bytes.size() % 64, 60u * 4 % 64);
  const size_t data_offset = bytes.size() - 60 * 4;
  EXPECT_EQ(data_offset % 64, 0u);
  EXPECT_NE(bytes.find("'shape': (1, 3, 4, 5)"), std::string::npos);
  EXPECT_EQ(bytes[data_offset - 1], '\n');
  std::vector<float> file_values(60);
  std::memcpy(file_values.data(), bytes.data() + data_offset, 60 * 4);
  EXPECT_EQ(file_values, nchw);

  const Tensor back = read_npy(path);
  EXPECT_EQ(back.shape(), shape);
  EXPECT_EQ(back.values(), t.values());
  // Storage is NHWC: element (c=2, h=1, w=3) sits at (h*W + w)*C + c.
  EXPECT_EQ(back.values()[(1 * 5 + 3) * 3 + 2], nchw[(2 * 4 + 1) * 5 + 3]);
}

TEST(IoNpy, RoundTripOfOtherRanksKeepsOnnxOrder) {
  TempDir dir;
  for (const Dims& dims : {Dims{1, 10}, Dims{7}, Dims{}, Dims{2, 3, 4}, Dims{1, 0}}) {
    const Shape shape(dims);
    const Tensor t(shape, random_values(size_t(shape.elements()), 7));
    const std::string path = dir.file("t.npy");
    write_npy(path, t);
    const Tensor back = read_npy(path);
    EXPECT_EQ(back.shape(), shape) << shape.str();
    EXPECT_EQ(back.values(), t.values()) << shape.str();
  }
}

TEST(IoNpy, ReadsHandWrittenVersion1FileIntoNhwcStorage) {
  TempDir dir;
  const std::string path = dir.file("hand.npy");
  // NCHW [1, 2, 2, 2]: channel 0 = 1, -2, 0.5, 0.25; channel 1 = 2, -1, 1.5, 0.
  const std::string data = le_words({0x3F800000, 0xC0000000, 0x3F000000, 0x3E800000,  //
                                     0x40000000, 0xBF800000, 0x3FC00000, 0x00000000});
  const std::string bytes =
      npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 2, 2), }", data);
  ASSERT_EQ(bytes.size(), 128u + 32u);
  write_bytes(path, bytes);
  const Tensor t = read_npy(path);
  EXPECT_EQ(t.shape(), Shape({1, 2, 2, 2}));
  EXPECT_EQ(t.values(), (std::vector<float>{1, 2, -2, -1, 0.5f, 1.5f, 0.25f, 0}));
}

TEST(IoNpy, ReadsVersion2And3HeadersWithAnyKeyOrderAndQuotes) {
  TempDir dir;
  const std::string data = le_words({0x3F800000, 0xC0000000, 0x3F000000});
  for (int major : {2, 3}) {
    const std::string path = dir.file("v" + std::to_string(major) + ".npy");
    write_bytes(path, npy_bytes("{\"shape\": (1,3), \"fortran_order\": False, \"descr\": \"<f4\"}",
                                data, major));
    const Tensor t = read_npy(path);
    EXPECT_EQ(t.shape(), Shape({1, 3}));
    EXPECT_EQ(t.values(), (std::vector<float>{1, -2, 0.5f}));
  }
  const std::string py2 = dir.file("py2.npy");  // Python 2 long literals
  write_bytes(py2, npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (3L,), }", data));
  EXPECT_EQ(read_npy(py2).shape(), Shape({3}));
}

// NumPy's default dtype: float64 values are cast to float32, and said so.
TEST(IoNpy, Float64IsReadAsFloat32) {
  TempDir dir;
  const std::string path = dir.file("f8_ok.npy");
  std::string data;
  for (double v : {0.5, -1.25, 3.0, 1e-3}) data.append(reinterpret_cast<const char*>(&v), 8);
  write_bytes(path, npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 4), }", data));
  bool cast = false;
  const Tensor t = read_npy(path, &cast);
  EXPECT_TRUE(cast);
  EXPECT_EQ(t.shape(), Shape({1, 4}));
  EXPECT_EQ(t.values(), (std::vector<float>{0.5f, -1.25f, 3.0f, 1e-3f}));
}

TEST(IoNpy, MalformedFilesFailWithBadInputNamingTheFile) {
  TempDir dir;
  const std::string four = le_words({0, 0, 0, 0});
  const std::string good_dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 4), }";
  struct Case {
    std::string name;
    std::string bytes;
    std::string needle;
  };
  std::string bad_magic = npy_bytes(good_dict, four);
  bad_magic[1] = 'X';
  std::string bad_version = npy_bytes(good_dict, four);
  bad_version[6] = 4;
  std::string lying_header_len = npy_bytes(good_dict, four);
  lying_header_len[8] = '\xff';
  lying_header_len[9] = '\x7f';
  const std::vector<Case> cases = {
      {"empty.npy", "", "bad magic"},
      {"magic.npy", bad_magic, "bad magic"},
      {"png.npy", "\x89PNG\r\n\x1a\n....", "bad magic"},
      {"version.npy", bad_version, "version 4.0"},
      {"header_len.npy", lying_header_len, "truncated header"},
      {"f8.npy", npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 4), }", four),
       "needs 32 bytes of data but the file holds 16"},
      {"f2.npy", npy_bytes("{'descr': '<f2', 'fortran_order': False, 'shape': (1, 8), }", four),
       "'<f2'"},
      {"big_endian.npy",
       npy_bytes("{'descr': '>f4', 'fortran_order': False, 'shape': (1, 4), }", four), "'>f4'"},
      {"int.npy", npy_bytes("{'descr': '<i4', 'fortran_order': False, 'shape': (1, 4), }", four),
       "'<i4'"},
      {"fortran.npy",
       npy_bytes("{'descr': '<f4', 'fortran_order': True, 'shape': (1, 4), }", four),
       "fortran_order"},
      {"truncated.npy", npy_bytes(good_dict, four.substr(0, 13)), "truncated"},
      {"lies.npy",
       npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }", four),
       "needs 8 bytes of data but the file holds 16"},
      {"no_shape.npy", npy_bytes("{'descr': '<f4', 'fortran_order': False, }", four),
       "'shape' is missing"},
      {"extra_key.npy",
       npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), 'x': 1}", four),
       "unexpected key 'x'"},
      {"negative.npy",
       npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1, -4), }", four),
       "malformed header"},
      {"garbage.npy", npy_bytes("not a dict", four), "malformed header"},
      {"trailing.npy", npy_bytes(good_dict + " junk", four), "malformed header"},
      {"batch2.npy",
       npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 1, 1, 2), }", four),
       "N must be 1"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string path = dir.file(c.name);
    write_bytes(path, c.bytes);
    expect_bad_input([&] { read_npy(path); }, {"npy '" + path + "'", c.needle});
  }
}

TEST(IoNpy, HugeShapeFailsBeforeAllocating) {
  TempDir dir;
  const std::string four = le_words({0, 0, 0, 0});
  // 3e10 floats (120 GB) and 4e15 floats: allocating would throw bad_alloc or
  // length_error, not Error, and fail this test.
  const std::string huge = dir.file("huge.npy");
  write_bytes(huge, npy_bytes(
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 100000, 100000), }", four));
  expect_bad_input(
      [&] { read_npy(huge); },
      {"npy '" + huge + "'", "needs 120000000000 bytes of data but the file holds 16"});
  const std::string huger = dir.file("huger.npy");
  write_bytes(huger, npy_bytes(
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 1000000, 1000), }", four));
  expect_bad_input([&] { read_npy(huger); }, {"npy '" + huger + "'", "needs"});
  // A shape whose byte count overflows 64 bits.
  const std::string overflow = dir.file("overflow.npy");
  write_bytes(overflow, npy_bytes("{'descr': '<f4', 'fortran_order': False, "
                                  "'shape': (4611686018427387904, 4611686018427387904), }",
                                  four));
  expect_bad_input([&] { read_npy(overflow); }, {"npy '" + overflow + "'", "too large"});
}

TEST(IoNpy, MissingFileAndDirectoryFailNamingThePath) {
  TempDir dir;
  const std::string missing = dir.file("missing.npy");
  expect_bad_input([&] { read_npy(missing); }, {"npy '" + missing + "'", "no such file"});
  const std::string folder = dir.file("folder.npy");
  fs::create_directory(folder);
  expect_bad_input([&] { read_npy(folder); }, {"npy '" + folder + "'", "not a regular file"});
}

TEST(IoNpy, WriteFailureNamesThePath) {
  TempDir dir;
  const std::string path = dir.file("no_such_dir/out.npy");
  const Tensor t(Shape({1, 2}), std::vector<float>{1, 2});
  expect_bad_input([&] { write_npy(path, t); }, {"npy '" + path + "'", "cannot open for writing"});
}

}  // namespace
}  // namespace edgeflow
