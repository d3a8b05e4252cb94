// Structure-aware mutation of any Protobuf message by reflection, for the
// libFuzzer targets' LLVMFuzzerCustomMutator: byte flips rarely get past the
// parser, while one changed field of a parsed model (a dim, a name that now
// collides, a dropped initializer, a copied node) reaches the importer's
// checks. Header-only; used by tests/fuzz only.
//
//   message tree -> every field slot (set or not) -> pick one -> change it:
//     integers: 0, +-1, neighbours, powers of two, extremes; floats: 0, -1,
//     NaN, inf, huge; strings: another string of the tree (collisions,
//     cycles, dangling names), truncated, emptied; repeated: drop, duplicate,
//     swap, append; messages: clear, copy another of the same type.
#pragma once

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/reflection.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace edgeflow::fuzz {

class ProtoMutator {
 public:
  explicit ProtoMutator(uint32_t seed) : rng_(seed) {}

  // Applies one random change to `message`.
  void mutate(google::protobuf::Message* message) {
    slots_.clear();
    strings_.clear();
    messages_.clear();
    collect(message);
    if (slots_.empty()) return;
    const Slot slot = slots_[pick(slots_.size())];
    if (slot.field->is_repeated() && pick(3) == 0)
      mutate_repeated(slot.message, slot.field);
    else
      mutate_slot(slot);
  }

 private:
  using Message = google::protobuf::Message;
  using Field = google::protobuf::FieldDescriptor;

  struct Slot {
    Message* message;
    const Field* field;
    int index;  // element of a repeated field, -1 otherwise
  };

  size_t pick(size_t n) { return n ? std::uniform_int_distribution<size_t>(0, n - 1)(rng_) : 0; }

  void collect(Message* m) {
    messages_.push_back(m);
    const auto* d = m->GetDescriptor();
    const auto* r = m->GetReflection();
    for (int i = 0; i < d->field_count(); ++i) {
      const Field* f = d->field(i);
      if (f->is_repeated()) {
        const int n = r->FieldSize(*m, f);
        slots_.push_back({m, f, -1});  // the field as a whole (append, ...)
        for (int k = 0; k < n; ++k) {
          slots_.push_back({m, f, k});
          if (f->cpp_type() == Field::CPPTYPE_MESSAGE)
            collect(r->MutableRepeatedMessage(m, f, k));
          else if (f->cpp_type() == Field::CPPTYPE_STRING)
            strings_.push_back(r->GetRepeatedString(*m, f, k));
        }
      } else {
        slots_.push_back({m, f, -1});
        if (!r->HasField(*m, f)) continue;
        if (f->cpp_type() == Field::CPPTYPE_MESSAGE) collect(r->MutableMessage(m, f));
        else if (f->cpp_type() == Field::CPPTYPE_STRING) strings_.push_back(r->GetString(*m, f));
      }
    }
  }

  int64_t new_int(int64_t old) {
    static const int64_t kInteresting[] = {0, 1, -1, 2, 3, 4, 7, 8, 16, 255, 1 << 16,
                                           1 << 20, int64_t(1) << 31, int64_t(1) << 32,
                                           std::numeric_limits<int32_t>::max(),
                                           std::numeric_limits<int32_t>::min(),
                                           std::numeric_limits<int64_t>::max(),
                                           std::numeric_limits<int64_t>::min()};
    const uint64_t u = static_cast<uint64_t>(old);  // wraps instead of overflowing
    switch (pick(4)) {
      case 0: return static_cast<int64_t>(u + 1);
      case 1: return static_cast<int64_t>(u - 1);
      case 2: return static_cast<int64_t>(0 - u);
      default: return kInteresting[pick(sizeof kInteresting / sizeof kInteresting[0])];
    }
  }

  double new_float(double old) {
    static const double kInteresting[] = {0.0, -0.0, 1.0, -1.0, 0.5, 1e-30, 1e30, -1e30,
                                          std::numeric_limits<double>::quiet_NaN(),
                                          std::numeric_limits<double>::infinity(),
                                          -std::numeric_limits<double>::infinity()};
    if (pick(3) == 0) return old * 2;
    return kInteresting[pick(sizeof kInteresting / sizeof kInteresting[0])];
  }

  // A double as float; out of float's range it is infinite (a plain cast would
  // be undefined behaviour).
  static float to_float(double d) {
    if (std::isfinite(d) && std::fabs(d) > std::numeric_limits<float>::max())
      return std::copysign(std::numeric_limits<float>::infinity(), static_cast<float>(d > 0 ? 1 : -1));
    return static_cast<float>(d);
  }

  std::string new_string(std::string old) {
    switch (pick(5)) {
      case 0:
      case 1:
        if (!strings_.empty()) return strings_[pick(strings_.size())];
        return old;
      case 2: return old.substr(0, pick(old.size() + 1));
      case 3: return std::string();
      default:
        old.push_back(static_cast<char>('a' + pick(26)));
        return old;
    }
  }

  void mutate_slot(const Slot& s) {
    Message* m = s.message;
    const Field* f = s.field;
    const auto* r = m->GetReflection();
    const bool rep = s.index >= 0;
    if (f->is_repeated() && !rep) return mutate_repeated(m, f);
    switch (f->cpp_type()) {
      case Field::CPPTYPE_INT32: {
        const int32_t v = static_cast<int32_t>(
            new_int(rep ? r->GetRepeatedInt32(*m, f, s.index) : r->GetInt32(*m, f)));
        rep ? r->SetRepeatedInt32(m, f, s.index, v) : r->SetInt32(m, f, v);
        break;
      }
      case Field::CPPTYPE_INT64: {
        const int64_t v = new_int(rep ? r->GetRepeatedInt64(*m, f, s.index) : r->GetInt64(*m, f));
        rep ? r->SetRepeatedInt64(m, f, s.index, v) : r->SetInt64(m, f, v);
        break;
      }
      case Field::CPPTYPE_UINT32: {
        const uint32_t v = static_cast<uint32_t>(
            new_int(rep ? r->GetRepeatedUInt32(*m, f, s.index) : r->GetUInt32(*m, f)));
        rep ? r->SetRepeatedUInt32(m, f, s.index, v) : r->SetUInt32(m, f, v);
        break;
      }
      case Field::CPPTYPE_UINT64: {
        const uint64_t v = static_cast<uint64_t>(new_int(static_cast<int64_t>(
            rep ? r->GetRepeatedUInt64(*m, f, s.index) : r->GetUInt64(*m, f))));
        rep ? r->SetRepeatedUInt64(m, f, s.index, v) : r->SetUInt64(m, f, v);
        break;
      }
      case Field::CPPTYPE_FLOAT: {
        const float v =
            to_float(new_float(rep ? r->GetRepeatedFloat(*m, f, s.index) : r->GetFloat(*m, f)));
        rep ? r->SetRepeatedFloat(m, f, s.index, v) : r->SetFloat(m, f, v);
        break;
      }
      case Field::CPPTYPE_DOUBLE: {
        const double v =
            new_float(rep ? r->GetRepeatedDouble(*m, f, s.index) : r->GetDouble(*m, f));
        rep ? r->SetRepeatedDouble(m, f, s.index, v) : r->SetDouble(m, f, v);
        break;
      }
      case Field::CPPTYPE_BOOL: {
        const bool v = !(rep ? r->GetRepeatedBool(*m, f, s.index) : r->GetBool(*m, f));
        rep ? r->SetRepeatedBool(m, f, s.index, v) : r->SetBool(m, f, v);
        break;
      }
      case Field::CPPTYPE_ENUM: {
        const auto* e = f->enum_type();
        const auto* v = e->value(static_cast<int>(pick(e->value_count())));
        rep ? r->SetRepeatedEnum(m, f, s.index, v) : r->SetEnum(m, f, v);
        break;
      }
      case Field::CPPTYPE_STRING: {
        const std::string v =
            new_string(rep ? r->GetRepeatedString(*m, f, s.index) : r->GetString(*m, f));
        rep ? r->SetRepeatedString(m, f, s.index, v) : r->SetString(m, f, v);
        break;
      }
      case Field::CPPTYPE_MESSAGE: {
        // Pick the copy before touching the field: making a oneof member
        // mutable clears its sibling, and the messages collected under it.
        std::unique_ptr<Message> copy;
        if (pick(2) == 0) {
          std::vector<const Message*> same;
          for (const Message* other : messages_)
            if (other->GetDescriptor() == f->message_type()) same.push_back(other);
          if (!same.empty()) {
            const Message* other = same[pick(same.size())];
            copy.reset(other->New());
            copy->CopyFrom(*other);
          }
        }
        Message* sub = rep ? r->MutableRepeatedMessage(m, f, s.index) : r->MutableMessage(m, f);
        if (copy) sub->CopyFrom(*copy);
        else sub->Clear();
        break;
      }
    }
  }

  void mutate_repeated(Message* m, const Field* f) {
    const auto* r = m->GetReflection();
    const int n = r->FieldSize(*m, f);
    const size_t op = n == 0 ? 3 : pick(4);
    if (op == 0) {  // drop one
      const int k = static_cast<int>(pick(n));
      for (int i = k; i + 1 < n; ++i) r->SwapElements(m, f, i, i + 1);
      r->RemoveLast(m, f);
    } else if (op == 1 && n > 1) {  // swap two (reorders nodes, inputs, dims)
      r->SwapElements(m, f, static_cast<int>(pick(n)), static_cast<int>(pick(n)));
    } else if (op == 2 || op == 1) {  // duplicate one
      const int k = static_cast<int>(pick(n));
      switch (f->cpp_type()) {
        case Field::CPPTYPE_INT32: r->AddInt32(m, f, r->GetRepeatedInt32(*m, f, k)); break;
        case Field::CPPTYPE_INT64: r->AddInt64(m, f, r->GetRepeatedInt64(*m, f, k)); break;
        case Field::CPPTYPE_UINT32: r->AddUInt32(m, f, r->GetRepeatedUInt32(*m, f, k)); break;
        case Field::CPPTYPE_UINT64: r->AddUInt64(m, f, r->GetRepeatedUInt64(*m, f, k)); break;
        case Field::CPPTYPE_FLOAT: r->AddFloat(m, f, r->GetRepeatedFloat(*m, f, k)); break;
        case Field::CPPTYPE_DOUBLE: r->AddDouble(m, f, r->GetRepeatedDouble(*m, f, k)); break;
        case Field::CPPTYPE_BOOL: r->AddBool(m, f, r->GetRepeatedBool(*m, f, k)); break;
        case Field::CPPTYPE_ENUM: r->AddEnum(m, f, r->GetRepeatedEnum(*m, f, k)); break;
        case Field::CPPTYPE_STRING: r->AddString(m, f, r->GetRepeatedString(*m, f, k)); break;
        case Field::CPPTYPE_MESSAGE: {
          std::unique_ptr<Message> copy(r->GetRepeatedMessage(*m, f, k).New());
          copy->CopyFrom(r->GetRepeatedMessage(*m, f, k));
          r->AddMessage(m, f)->CopyFrom(*copy);
          break;
        }
      }
    } else {  // append a fresh element
      switch (f->cpp_type()) {
        case Field::CPPTYPE_INT32: r->AddInt32(m, f, static_cast<int32_t>(new_int(0))); break;
        case Field::CPPTYPE_INT64: r->AddInt64(m, f, new_int(0)); break;
        case Field::CPPTYPE_UINT32: r->AddUInt32(m, f, static_cast<uint32_t>(new_int(0))); break;
        case Field::CPPTYPE_UINT64: r->AddUInt64(m, f, static_cast<uint64_t>(new_int(0))); break;
        case Field::CPPTYPE_FLOAT: r->AddFloat(m, f, to_float(new_float(0))); break;
        case Field::CPPTYPE_DOUBLE: r->AddDouble(m, f, new_float(0)); break;
        case Field::CPPTYPE_BOOL: r->AddBool(m, f, true); break;
        case Field::CPPTYPE_ENUM: r->AddEnum(m, f, f->enum_type()->value(0)); break;
        case Field::CPPTYPE_STRING: r->AddString(m, f, new_string("")); break;
        case Field::CPPTYPE_MESSAGE: r->AddMessage(m, f); break;
      }
    }
  }

  std::mt19937 rng_;
  std::vector<Slot> slots_;
  std::vector<std::string> strings_;
  std::vector<Message*> messages_;
};

}  // namespace edgeflow::fuzz
