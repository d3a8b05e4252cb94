// .npz files: a zip archive of .npy files (numpy.savez stores them, with
// zip64 sizes; savez_compressed deflates them). The central directory gives
// each member's name, method, sizes and local header; a member is checked
// against the archive's size before it is read, inflated into a buffer of its
// declared size and checked against its CRC-32.
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "edgeflow/error.h"
#include "edgeflow/io.h"

namespace edgeflow {
namespace {

constexpr uint32_t kEndOfDirectory = 0x06054b50;
constexpr uint32_t kDirectoryEntry = 0x02014b50;
constexpr uint32_t kLocalHeader = 0x04034b50;
constexpr uint64_t kMaxMemberBytes = uint64_t(1) << 32;  // 4 GiB: far above any input

[[noreturn]] void fail_npz(const std::string& path, const std::string& what) {
  fail_input("npz '" + path + "': " + what);
}

// Little-endian reads from the archive bytes, bounds checked.
class Bytes {
 public:
  Bytes(const std::string& path, const std::string& data) : path_(path), data_(data) {}
  uint64_t le(uint64_t at, int n) const {
    if (at > data_.size() || data_.size() - at < uint64_t(n)) fail_npz(path_, "truncated archive");
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(data_[at + i]);
    return v;
  }
  std::string text(uint64_t at, uint64_t n) const {
    if (at > data_.size() || data_.size() - at < n) fail_npz(path_, "truncated archive");
    return data_.substr(at, n);
  }
  size_t size() const { return data_.size(); }

 private:
  const std::string& path_;
  const std::string& data_;
};

struct Member {
  std::string name;
  int method = 0;
  uint32_t crc = 0;
  uint64_t compressed = 0, size = 0, local_offset = 0;
};

// The members listed in the central directory.
std::vector<Member> read_directory(const std::string& path, const Bytes& b) {
  // The end record is the last 22 bytes, or before a comment of up to 64 KiB.
  if (b.size() < 22) fail_npz(path, "not a zip archive (too short)");
  uint64_t end = b.size() - 22;
  const uint64_t lowest = end > 65535 ? end - 65535 : 0;
  while (b.le(end, 4) != kEndOfDirectory) {
    if (end == lowest) fail_npz(path, "not a zip archive (no end of central directory)");
    --end;
  }
  const uint64_t count = b.le(end + 10, 2);
  uint64_t at = b.le(end + 16, 4);
  std::vector<Member> members;
  for (uint64_t k = 0; k < count; ++k) {
    if (b.le(at, 4) != kDirectoryEntry) fail_npz(path, "corrupt central directory");
    Member m;
    m.method = static_cast<int>(b.le(at + 10, 2));
    m.crc = static_cast<uint32_t>(b.le(at + 16, 4));
    m.compressed = b.le(at + 20, 4);
    m.size = b.le(at + 24, 4);
    const uint64_t name_len = b.le(at + 28, 2), extra_len = b.le(at + 30, 2);
    const uint64_t comment_len = b.le(at + 32, 2);
    m.local_offset = b.le(at + 42, 4);
    m.name = b.text(at + 46, name_len);
    // Zip64: the 32-bit fields at their maximum are in the extra field, in
    // the order size, compressed size, offset.
    for (uint64_t e = at + 46 + name_len; e + 4 <= at + 46 + name_len + extra_len;) {
      const uint64_t id = b.le(e, 2), len = b.le(e + 2, 2);
      if (id == 1) {
        uint64_t f = e + 4;
        for (uint64_t* field : {&m.size, &m.compressed, &m.local_offset})
          if (*field == 0xFFFFFFFFu && f + 8 <= e + 4 + len) *field = b.le(f, 8), f += 8;
      }
      e += 4 + len;
    }
    members.push_back(m);
    at += 46 + name_len + extra_len + comment_len;
  }
  return members;
}

std::string member_bytes(const std::string& path, const Bytes& b, const Member& m) {
  // Deflate expands at most about 1032:1.
  if (m.size > kMaxMemberBytes || m.compressed > b.size() ||
      (m.method == 8 && m.size > 1100 * m.compressed + 4096))
    fail_npz(path, "member '" + m.name + "' declares " + std::to_string(m.size) +
                       " bytes, more than the archive can hold");
  if (b.le(m.local_offset, 4) != kLocalHeader) fail_npz(path, "corrupt local header");
  const uint64_t data = m.local_offset + 30 + b.le(m.local_offset + 26, 2) +
                        b.le(m.local_offset + 28, 2);
  const std::string raw = b.text(data, m.compressed);
  std::string out;
  if (m.method == 0) {
    if (m.compressed != m.size) fail_npz(path, "member '" + m.name + "': sizes disagree");
    out = raw;
  } else if (m.method == 8) {
    out.assign(m.size, '\0');
    z_stream z{};
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK) fail_npz(path, "zlib: cannot start inflating");
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
    z.avail_in = static_cast<uInt>(raw.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    const int rc = inflate(&z, Z_FINISH);
    const uint64_t produced = z.total_out;
    inflateEnd(&z);
    if (rc != Z_STREAM_END || produced != m.size)
      fail_npz(path, "member '" + m.name + "': corrupt deflate data");
  } else {
    fail_npz(path, "member '" + m.name + "': compression method " + std::to_string(m.method) +
                       " is not supported (stored or deflate)");
  }
  const uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(out.data()), uInt(out.size()));
  if (static_cast<uint32_t>(crc) != m.crc)
    fail_npz(path, "member '" + m.name + "': CRC-32 mismatch (corrupt archive)");
  return out;
}

}  // namespace

bool is_npz_path(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".npz";
}

Tensor read_npz(const std::string& path, bool* cast_from_float64) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail_npz(path, std::string("cannot open: ") + std::strerror(errno));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string data = buffer.str();
  const Bytes b(path, data);
  const std::vector<Member> members = read_directory(path, b);
  if (members.empty()) fail_npz(path, "holds no arrays");
  const Member* pick = members.size() == 1 ? &members[0] : nullptr;
  for (const char* name : {"input.npy", "arr_0.npy"})
    for (const Member& m : members)
      if (!pick && m.name == name) pick = &m;
  if (!pick) {
    std::string names;
    for (const Member& m : members) names += (names.empty() ? "'" : ", '") + m.name + "'";
    fail_npz(path, "holds " + std::to_string(members.size()) + " arrays (" + names +
                       "); name the input 'input' or pass it first");
  }
  return parse_npy_bytes(path + ":" + pick->name, member_bytes(path, b, *pick),
                         cast_from_float64);
}

}  // namespace edgeflow
