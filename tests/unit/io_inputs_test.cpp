// expand_inputs and load_input on a temp tree: file, directory walk (sorted,
// recursive, filtered), .txt lists, and the errors naming the path at fault.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

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
            ("edgeflow_io_inputs_" + std::string(info->name()) + "_" + std::to_string(::getpid()));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  // root/name, with parent directories created and, if touch, an empty file.
  std::string file(const std::string& name, bool touch = false) const {
    const fs::path p = path_ / name;
    fs::create_directories(p.parent_path());
    if (touch) std::ofstream{p};
    return p.string();
  }
  std::string root() const { return path_.string(); }

 private:
  fs::path path_;
};

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

// A tree of inputs and non-inputs; files are empty (expand does not load).
void make_tree(const TempDir& dir) {
  for (const char* name : {"data/b.npy", "data/a/z.PNG", "data/a/sub/y.jpg", "data/a10.npy",
                           "data/a2.npy", "data/a-c.webp", "data/notes.md", "data/list.txt",
                           "data/a/sub/README"})
    dir.file(name, true);
  fs::create_directories(dir.file("data/empty_dir"));
}

TEST(IoInputs, FileIsItselfWhateverTheExtensionCase) {
  TempDir dir;
  make_tree(dir);
  for (const char* name : {"data/b.npy", "data/a/z.PNG", "data/a-c.webp"}) {
    const std::string p = dir.file(name);
    EXPECT_EQ(expand_inputs(p), std::vector<std::string>{p});
  }
  EXPECT_TRUE(is_image_path("x.JpEg"));
  EXPECT_TRUE(is_image_path("dir.d/x.tiff"));
  EXPECT_FALSE(is_image_path("x.gif"));
  EXPECT_FALSE(is_image_path(".png"));
  EXPECT_TRUE(is_npy_path("x.NPY"));
  EXPECT_FALSE(is_npy_path("x.npz"));
}

TEST(IoInputs, DirectoryIsWalkedRecursivelySortedKeepingImagesAndNpy) {
  TempDir dir;
  make_tree(dir);
  const std::string root = dir.file("data");
  // Byte order of the path strings: '-' < '/' < '1' < '2' < 'b'.
  const std::vector<std::string> expected = {root + "/a-c.webp", root + "/a/sub/y.jpg",
                                             root + "/a/z.PNG", root + "/a10.npy",
                                             root + "/a2.npy", root + "/b.npy"};
  EXPECT_EQ(expand_inputs(root), expected);
  EXPECT_EQ(expand_inputs(dir.file("data/a/sub")),
            std::vector<std::string>{root + "/a/sub/y.jpg"});
}

// ONNX test data sets: each set's input_0.pb is an input (its output_0.pb
// and other .pb files are not), and stored_output_path finds the output.
TEST(IoInputs, OnnxTestDataSetsGiveTheirInput0AndItsStoredOutput) {
  TempDir dir;
  for (const char* name : {"model/test_data_set_0/input_0.pb", "model/test_data_set_0/output_0.pb",
                           "model/test_data_set_1/input_0.pb", "model/weights.pb"})
    dir.file(name, true);
  const std::string root = dir.file("model");
  const std::vector<std::string> expected = {root + "/test_data_set_0/input_0.pb",
                                             root + "/test_data_set_1/input_0.pb"};
  EXPECT_EQ(expand_inputs(root), expected);
  EXPECT_EQ(stored_output_path(expected[0]), root + "/test_data_set_0/output_0.pb");
  EXPECT_EQ(stored_output_path(expected[1]), "");  // none stored
  EXPECT_EQ(stored_output_path(dir.file("x.npy", true)), "");
  EXPECT_EQ(expand_inputs(root + "/weights.pb"), std::vector<std::string>{root + "/weights.pb"});
}

TEST(IoInputs, TxtListSkipsCommentsAndResolvesRelativeToItsFolder) {
  TempDir dir;
  make_tree(dir);
  const std::string root = dir.file("data");
  const std::string list = dir.file("lists/run.txt");
  std::ofstream(list) << "# inputs for a run\n"
                         "\n"
                         "../data/b.npy\n"
                         "  ../data/a/z.PNG  \r\n"
                         "   # indented comment\n"
                      << root << "/a2.npy\n"
                      << "../data/a/sub\n"
                         "not_yet_there.jpg";  // no final newline
  const std::string base = dir.file("lists");
  const std::vector<std::string> expected = {base + "/../data/b.npy", base + "/../data/a/z.PNG",
                                             root + "/a2.npy", base + "/../data/a/sub/y.jpg",
                                             base + "/not_yet_there.jpg"};
  EXPECT_EQ(expand_inputs(list), expected);
}

TEST(IoInputs, BadPathsFailNamingThem) {
  TempDir dir;
  make_tree(dir);
  const std::string missing = dir.file("nothing/here.png");
  expect_bad_input([&] { expand_inputs(missing); },
                   {"input '" + missing + "'", "no such file or directory"});
  const std::string empty = dir.file("data/empty_dir");
  expect_bad_input([&] { expand_inputs(empty); },
                   {"input directory '" + empty + "'", "no images, .npy/.npz files or ONNX test data"});
  fs::create_directories(dir.file("only_notes"));
  dir.file("only_notes/readme.md", true);
  expect_bad_input([&] { expand_inputs(dir.file("only_notes")); },
                   {"input directory '" + dir.file("only_notes") + "'"});
  const std::string notes = dir.file("data/notes.md");
  expect_bad_input([&] { expand_inputs(notes); },
                   {"input '" + notes + "'", "unknown file type '.md'"});
  const std::string readme = dir.file("data/a/sub/README");
  expect_bad_input([&] { expand_inputs(readme); }, {"input '" + readme + "'", "no extension"});
}

TEST(IoInputs, BadListsFailNamingListAndLine) {
  TempDir dir;
  make_tree(dir);
  const std::string empty = dir.file("empty.txt");
  std::ofstream(empty) << "# nothing\n\n";
  expect_bad_input([&] { expand_inputs(empty); }, {"input list '" + empty + "'", "no inputs"});
  const std::string gone = dir.file("gone.txt");
  std::ofstream(gone) << "data/b.npy\nno_such_dir\n";
  expect_bad_input([&] { expand_inputs(gone); },
                   {"input list '" + gone + "' line 2", "no_such_dir", "does not exist"});
  const std::string nested = dir.file("nested.txt");
  std::ofstream(nested) << "data/list.txt\n";
  expect_bad_input([&] { expand_inputs(nested); }, {"line 1", "cannot be nested"});
  const std::string other = dir.file("other.txt");
  std::ofstream(other) << "data/notes.md\n";
  expect_bad_input([&] { expand_inputs(other); }, {"line 1", "unknown file type '.md'"});
}

TEST(IoInputs, LoadInputDispatchesAndChecksNpyShape) {
  TempDir dir;
  const Shape shape({1, 3, 4, 4});
  const std::string npy = dir.file("x.npy");
  Tensor t(shape);
  for (size_t i = 0; i < t.size(); ++i) t.values()[i] = float(i) * 0.5f;
  write_npy(npy, t);
  EXPECT_EQ(load_input(npy, shape, Preprocess{}).values(), t.values());

  const Shape model({1, 3, 8, 8});
  expect_bad_input([&] { load_input(npy, model, Preprocess{}); },
                   {"npy '" + npy + "'", "shape 1x3x4x4", "model input shape 1x3x8x8"});

  const std::string png = dir.file("x.png");
  ASSERT_TRUE(cv::imwrite(png, cv::Mat(10, 10, CV_8UC3, cv::Scalar(0, 0, 255))));
  Preprocess pp;
  pp.normalize = false;
  const Tensor img = load_input(png, model, pp);
  EXPECT_EQ(img.shape(), model);
  EXPECT_EQ(img.values()[0], 1.0f);  // R of pixel (0, 0)
  EXPECT_EQ(img.values()[1], 0.0f);

  // [C, H, W] (a .npy without N) is given N = 1, and says so.
  const std::string chw = dir.file("chw.npy");
  write_npy(chw, Tensor(Shape({3, 4, 4}), storage_to_nchw(shape, t.values())));
  InputConversions done;
  EXPECT_EQ(load_input(chw, shape, Preprocess{}, &done).values(), t.values());
  EXPECT_TRUE(done.added_n);
  EXPECT_FALSE(done.from_float64);
  expect_bad_input([&] { load_input(chw, Shape({1, 4, 4, 3}), Preprocess{}); },
                   {"npy '" + chw + "'", "shape 3x4x4"});

  const std::string csv = dir.file("x.csv", true);
  expect_bad_input([&] { load_input(csv, model, Preprocess{}); },
                   {"input '" + csv + "'", "unknown file type '.csv'"});
}

}  // namespace
}  // namespace edgeflow
