// A recursive-descent JSON parser: one pass over the text, no exceptions;
// any deviation from the grammar makes the whole text invalid.
#include "cli/json_value.h"

#include <cstdlib>

namespace edgeflow {

class JsonParser {
 public:
  explicit JsonParser(const std::string& text) : s_(text) {}

  bool parse_document(JsonValue* out) {
    skip_space();
    if (!parse_value(out, 0)) return false;
    skip_space();
    return i_ == s_.size();
  }

 private:
  static constexpr int kMaxDepth = 64;

  void skip_space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r'))
      ++i_;
  }

  bool literal(const char* word) {
    size_t k = 0;
    for (; word[k]; ++k)
      if (i_ + k >= s_.size() || s_[i_ + k] != word[k]) return false;
    i_ += k;
    return true;
  }

  bool parse_value(JsonValue* v, int depth) {
    if (depth > kMaxDepth || i_ >= s_.size()) return false;
    const char c = s_[i_];
    if (c == '{') return parse_object(v, depth);
    if (c == '[') return parse_array(v, depth);
    if (c == '"') {
      v->kind_ = JsonValue::Kind::kString;
      return parse_string(&v->string_);
    }
    if (c == 't' || c == 'f') {
      v->kind_ = JsonValue::Kind::kBool;
      v->bool_ = c == 't';
      return literal(c == 't' ? "true" : "false");
    }
    if (c == 'n') {
      v->kind_ = JsonValue::Kind::kNull;
      return literal("null");
    }
    return parse_number(v);
  }

  bool parse_object(JsonValue* v, int depth) {
    v->kind_ = JsonValue::Kind::kObject;
    ++i_;  // '{'
    skip_space();
    if (i_ < s_.size() && s_[i_] == '}') return ++i_, true;
    for (;;) {
      skip_space();
      std::string key;
      if (i_ >= s_.size() || s_[i_] != '"' || !parse_string(&key)) return false;
      skip_space();
      if (i_ >= s_.size() || s_[i_++] != ':') return false;
      skip_space();
      JsonValue member;
      if (!parse_value(&member, depth + 1)) return false;
      v->members_[key] = std::move(member);
      skip_space();
      if (i_ >= s_.size()) return false;
      if (s_[i_] == '}') return ++i_, true;
      if (s_[i_++] != ',') return false;
    }
  }

  bool parse_array(JsonValue* v, int depth) {
    v->kind_ = JsonValue::Kind::kArray;
    ++i_;  // '['
    skip_space();
    if (i_ < s_.size() && s_[i_] == ']') return ++i_, true;
    for (;;) {
      skip_space();
      JsonValue item;
      if (!parse_value(&item, depth + 1)) return false;
      v->items_.push_back(std::move(item));
      skip_space();
      if (i_ >= s_.size()) return false;
      if (s_[i_] == ']') return ++i_, true;
      if (s_[i_++] != ',') return false;
    }
  }

  static void append_utf8(unsigned cp, std::string* out) {
    if (cp < 0x80) {
      *out += char(cp);
    } else if (cp < 0x800) {
      *out += char(0xc0 | (cp >> 6));
      *out += char(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      *out += char(0xe0 | (cp >> 12));
      *out += char(0x80 | ((cp >> 6) & 0x3f));
      *out += char(0x80 | (cp & 0x3f));
    } else {
      *out += char(0xf0 | (cp >> 18));
      *out += char(0x80 | ((cp >> 12) & 0x3f));
      *out += char(0x80 | ((cp >> 6) & 0x3f));
      *out += char(0x80 | (cp & 0x3f));
    }
  }

  bool hex4(unsigned* cp) {
    if (i_ + 4 > s_.size()) return false;
    unsigned v = 0;
    for (int k = 0; k < 4; ++k) {
      const char h = s_[i_++];
      v <<= 4;
      if (h >= '0' && h <= '9')
        v |= unsigned(h - '0');
      else if (h >= 'a' && h <= 'f')
        v |= unsigned(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F')
        v |= unsigned(h - 'A' + 10);
      else
        return false;
    }
    *cp = v;
    return true;
  }

  bool parse_string(std::string* out) {
    ++i_;  // opening quote
    while (i_ < s_.size()) {
      const unsigned char c = static_cast<unsigned char>(s_[i_++]);
      if (c == '"') return true;
      if (c < 0x20) return false;
      if (c != '\\') {
        *out += char(c);
        continue;
      }
      if (i_ >= s_.size()) return false;
      const char e = s_[i_++];
      switch (e) {
        case '"':
          *out += '"';
          break;
        case '\\':
          *out += '\\';
          break;
        case '/':
          *out += '/';
          break;
        case 'b':
          *out += '\b';
          break;
        case 'f':
          *out += '\f';
          break;
        case 'n':
          *out += '\n';
          break;
        case 'r':
          *out += '\r';
          break;
        case 't':
          *out += '\t';
          break;
        case 'u': {
          unsigned cp = 0;
          if (!hex4(&cp)) return false;
          if (cp >= 0xd800 && cp <= 0xdbff) {  // a surrogate pair
            unsigned lo = 0;
            if (i_ + 2 > s_.size() || s_[i_] != '\\' || s_[i_ + 1] != 'u') return false;
            i_ += 2;
            if (!hex4(&lo) || lo < 0xdc00 || lo > 0xdfff) return false;
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          } else if (cp >= 0xdc00 && cp <= 0xdfff) {
            return false;
          }
          append_utf8(cp, out);
          break;
        }
        default:
          return false;
      }
    }
    return false;  // no closing quote
  }

  bool digits() {
    const size_t start = i_;
    while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
    return i_ > start;
  }

  bool parse_number(JsonValue* v) {
    const size_t start = i_;
    if (i_ < s_.size() && s_[i_] == '-') ++i_;
    if (i_ < s_.size() && s_[i_] == '0') {
      ++i_;
    } else if (!digits()) {
      return false;
    }
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      if (!digits()) return false;
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      if (!digits()) return false;
    }
    v->kind_ = JsonValue::Kind::kNumber;
    v->number_ = std::strtod(s_.substr(start, i_ - start).c_str(), nullptr);
    return true;
  }

  const std::string& s_;
  size_t i_ = 0;
};

const JsonValue* JsonValue::get(const std::string& key) const {
  if (kind_ != Kind::kObject) return nullptr;
  const auto it = members_.find(key);
  return it == members_.end() ? nullptr : &it->second;
}

std::optional<bool> JsonValue::as_bool() const {
  if (kind_ != Kind::kBool) return std::nullopt;
  return bool_;
}

std::optional<double> JsonValue::as_number() const {
  if (kind_ != Kind::kNumber) return std::nullopt;
  return number_;
}

std::optional<std::string> JsonValue::as_string() const {
  if (kind_ != Kind::kString) return std::nullopt;
  return string_;
}

std::optional<bool> JsonValue::get_bool(const std::string& key) const {
  const JsonValue* v = get(key);
  return v ? v->as_bool() : std::nullopt;
}

std::optional<double> JsonValue::get_number(const std::string& key) const {
  const JsonValue* v = get(key);
  return v ? v->as_number() : std::nullopt;
}

std::optional<std::string> JsonValue::get_string(const std::string& key) const {
  const JsonValue* v = get(key);
  return v ? v->as_string() : std::nullopt;
}

std::optional<JsonValue> parse_json(const std::string& text) {
  JsonValue v;
  JsonParser parser(text);
  if (!parser.parse_document(&v)) return std::nullopt;
  return v;
}

}  // namespace edgeflow
