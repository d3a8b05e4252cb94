// A small JSON reader for the records EdgeFlow itself writes (--resume reads
// a previous --json file back): objects, arrays, strings, numbers, true,
// false and null, strictly as RFC 8259 has them.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace edgeflow {

class JsonValue {
 public:
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };

  Kind kind() const { return kind_; }
  bool is_object() const { return kind_ == Kind::kObject; }

  // The member `key` of an object, or null if absent or not an object.
  const JsonValue* get(const std::string& key) const;
  // Typed views of this value; nullopt when it has another kind.
  std::optional<bool> as_bool() const;
  std::optional<double> as_number() const;
  std::optional<std::string> as_string() const;
  const std::vector<JsonValue>& items() const { return items_; }  // an array's elements

  // Typed members of an object (nullopt when absent or of another kind).
  std::optional<bool> get_bool(const std::string& key) const;
  std::optional<double> get_number(const std::string& key) const;
  std::optional<std::string> get_string(const std::string& key) const;

 private:
  friend class JsonParser;
  Kind kind_ = Kind::kNull;
  bool bool_ = false;
  double number_ = 0;
  std::string string_;
  std::vector<JsonValue> items_;
  std::map<std::string, JsonValue> members_;
};

// Parses one JSON text (surrounding whitespace allowed); nullopt if it is not
// valid JSON or nests deeper than 64 levels.
std::optional<JsonValue> parse_json(const std::string& text);

}  // namespace edgeflow
