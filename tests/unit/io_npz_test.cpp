// read_npz on archives built here: stored and deflated members (numpy.savez
// and savez_compressed), the member it picks, and corrupt archives refused
// naming the file.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "edgeflow/error.h"
#include "edgeflow/io.h"

namespace edgeflow {
namespace {

namespace fs = std::filesystem;

std::string temp_file(const std::string& name) {
  return (fs::temp_directory_path() / (name + "." + std::to_string(::getpid()))).string();
}

// The bytes of `t` as a .npy file.
std::string npy_of(const Tensor& t) {
  const std::string path = temp_file("member.npy");
  write_npy(path, t);
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  fs::remove(path);
  return s.str();
}

void put(std::string& s, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
}

std::string raw_deflate(const std::string& data) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, uLong(data.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = uInt(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = uInt(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// A zip archive of `members` (name, bytes), stored or deflated.
std::string zip_of(const std::vector<std::pair<std::string, std::string>>& members, bool deflated) {
  std::string archive, directory;
  for (const auto& [name, data] : members) {
    const std::string body = deflated ? raw_deflate(data) : data;
    const uint32_t crc = uint32_t(crc32(0L, reinterpret_cast<const Bytef*>(data.data()),
                                        uInt(data.size())));
    const uint64_t offset = archive.size();
    std::string head;
    put(head, 20, 2), put(head, 0, 2), put(head, deflated ? 8 : 0, 2), put(head, 0, 4);
    put(head, crc, 4), put(head, body.size(), 4), put(head, data.size(), 4);
    put(head, name.size(), 2), put(head, 0, 2);
    put(archive, 0x04034b50, 4);
    archive += head + name + body;
    put(directory, 0x02014b50, 4), put(directory, 20, 2);
    directory += head;
    put(directory, 0, 2), put(directory, 0, 2), put(directory, 0, 2), put(directory, 0, 4);
    put(directory, offset, 4);
    directory += name;
  }
  const uint64_t directory_offset = archive.size();
  archive += directory;
  put(archive, 0x06054b50, 4), put(archive, 0, 2), put(archive, 0, 2);
  put(archive, members.size(), 2), put(archive, members.size(), 2);
  put(archive, directory.size(), 4), put(archive, directory_offset, 4), put(archive, 0, 2);
  return archive;
}

std::string write_file(const std::string& name, const std::string& bytes) {
  const std::string path = temp_file(name);
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

std::string error_of(const std::string& path) {
  try {
    read_npz(path);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBadInput);
    return e.what();
  }
  ADD_FAILURE() << "read_npz accepted " << path;
  return "";
}

TEST(IoNpz, StoredAndDeflatedArchivesGiveTheirInputArray) {
  const Shape shape({1, 2, 2, 3});
  Tensor x(shape), y(shape);
  for (size_t i = 0; i < x.size(); ++i) x.values()[i] = float(i) - 4.5f, y.values()[i] = 7.0f;
  for (bool deflated : {false, true}) {
    SCOPED_TRACE(deflated ? "deflated" : "stored");
    const std::string one = write_file("one.npz", zip_of({{"arr_0.npy", npy_of(x)}}, deflated));
    EXPECT_EQ(read_npz(one).values(), x.values());
    const std::string named =
        write_file("named.npz", zip_of({{"other.npy", npy_of(y)}, {"input.npy", npy_of(x)}}, deflated));
    EXPECT_EQ(read_npz(named).values(), x.values());
    const std::string first =
        write_file("first.npz", zip_of({{"arr_1.npy", npy_of(y)}, {"arr_0.npy", npy_of(x)}}, deflated));
    EXPECT_EQ(read_npz(first).values(), x.values());
    for (const std::string& p : {one, named, first}) fs::remove(p);
  }
}

TEST(IoNpz, CorruptAndAmbiguousArchivesAreRefusedNamingTheFile) {
  const Tensor x(Shape({1, 4}), std::vector<float>{1, 2, 3, 4});
  const std::string good = zip_of({{"arr_0.npy", npy_of(x)}}, false);

  const std::string two = write_file("two.npz", zip_of({{"a.npy", npy_of(x)}, {"b.npy", npy_of(x)}}, false));
  EXPECT_NE(error_of(two).find("npz '" + two + "': holds 2 arrays ('a.npy', 'b.npy')"),
            std::string::npos);
  const std::string cut = write_file("cut.npz", good.substr(0, good.size() / 2));
  EXPECT_NE(error_of(cut).find("not a zip archive"), std::string::npos);
  std::string flipped = good;
  flipped[40] ^= 0x55;  // a data byte: the CRC no longer matches
  const std::string bad_crc = write_file("crc.npz", flipped);
  EXPECT_NE(error_of(bad_crc).find("CRC-32 mismatch"), std::string::npos);
  const std::string text = write_file("text.npz", "not a zip at all, but long enough to look");
  EXPECT_NE(error_of(text).find("npz '" + text + "'"), std::string::npos);
  for (const std::string& p : {two, cut, bad_crc, text}) fs::remove(p);
}

}  // namespace
}  // namespace edgeflow
