// JSON Lines output (--json): a small object builder that writes valid JSON
// (escaped strings, valid UTF-8, null for non-finite numbers) and a writer
// that puts each record on one line and flushes it at once.
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "edgeflow/error.h"
#include "edgeflow/io.h"

namespace edgeflow {
namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 if invalid.
size_t utf8_sequence_length(const std::string& s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b = byte(i);
  size_t len = 0;
  unsigned char lo = 0x80, hi = 0xbf;  // allowed range of the second byte
  if (b >= 0xc2 && b <= 0xdf) {
    len = 2;
  } else if (b >= 0xe0 && b <= 0xef) {
    len = 3;
    if (b == 0xe0) lo = 0xa0;  // no overlong forms
    if (b == 0xed) hi = 0x9f;  // no surrogates
  } else if (b >= 0xf0 && b <= 0xf4) {
    len = 4;
    if (b == 0xf0) lo = 0x90;
    if (b == 0xf4) hi = 0x8f;  // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < len; ++k)
    if (byte(i + k) < 0x80 || byte(i + k) > 0xbf) return 0;
  return len;
}

template <typename T>
std::string format_number(T value) {
  if (!std::isfinite(value)) return "null";
  char buf[64];
  const std::to_chars_result r = std::to_chars(buf, buf + sizeof buf, value);  // shortest
  EF_ASSERT(r.ec == std::errc());
  return std::string(buf, r.ptr);
}

template <typename T, typename F>
std::string json_array(const std::vector<T>& values, F format) {
  std::string s = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) s += ',';
    s += format(values[i]);
  }
  return s + "]";
}

}  // namespace

std::string json_string(const std::string& s) {
  static const char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const size_t len = utf8_sequence_length(s, i);
      if (len == 0) {
        out += "\\ufffd";
        ++i;
      } else {
        out.append(s, i, len);
        i += len;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else {
          out += char(c);
        }
    }
    ++i;
  }
  return out + "\"";
}

std::string json_number(double value) { return format_number(value); }
std::string json_number(float value) { return format_number(value); }

void JsonObject::add_member(const std::string& key, const std::string& json_value) {
  if (!body_.empty()) body_ += ',';
  body_ += json_string(key);
  body_ += ':';
  body_ += json_value;
}

JsonObject& JsonObject::add_string(const std::string& key, const std::string& value) {
  add_member(key, json_string(value));
  return *this;
}

JsonObject& JsonObject::add_number(const std::string& key, double value) {
  add_member(key, json_number(value));
  return *this;
}

JsonObject& JsonObject::add_number(const std::string& key, float value) {
  add_member(key, json_number(value));
  return *this;
}

JsonObject& JsonObject::add_int(const std::string& key, int64_t value) {
  add_member(key, std::to_string(value));
  return *this;
}

JsonObject& JsonObject::add_bool(const std::string& key, bool value) {
  add_member(key, value ? "true" : "false");
  return *this;
}

JsonObject& JsonObject::add_null(const std::string& key) {
  add_member(key, "null");
  return *this;
}

JsonObject& JsonObject::add_numbers(const std::string& key, const std::vector<double>& values) {
  add_member(key, json_array(values, [](double v) { return json_number(v); }));
  return *this;
}

JsonObject& JsonObject::add_numbers(const std::string& key, const std::vector<float>& values) {
  add_member(key, json_array(values, [](float v) { return json_number(v); }));
  return *this;
}

JsonObject& JsonObject::add_ints(const std::string& key, const std::vector<int64_t>& values) {
  add_member(key, json_array(values, [](int64_t v) { return std::to_string(v); }));
  return *this;
}

JsonObject& JsonObject::add_strings(const std::string& key,
                                    const std::vector<std::string>& values) {
  add_member(key, json_array(values, [](const std::string& v) { return json_string(v); }));
  return *this;
}

JsonObject& JsonObject::add_object(const std::string& key, const JsonObject& value) {
  add_member(key, value.str());
  return *this;
}

JsonObject& JsonObject::add_objects(const std::string& key,
                                    const std::vector<JsonObject>& values) {
  add_member(key, json_array(values, [](const JsonObject& v) { return v.str(); }));
  return *this;
}

std::string JsonObject::str() const { return "{" + body_ + "}"; }

JsonLinesWriter::JsonLinesWriter(const std::string& path)
    : path_(path), file_(std::fopen(path.c_str(), "w")) {
  if (!file_) fail_input("json '" + path + "': cannot open for writing: " + std::strerror(errno));
}

void JsonLinesWriter::write(const JsonObject& obj) {
  EF_ASSERT(file_ != nullptr);
  const std::string line = obj.str() + "\n";
  if (std::fwrite(line.data(), 1, line.size(), file_.get()) != line.size() ||
      std::fflush(file_.get()) != 0)
    fail_input("json '" + path_ + "': cannot write: " + std::strerror(errno));
}

}  // namespace edgeflow
