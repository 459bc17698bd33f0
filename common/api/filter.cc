#include "common/api/filter.h"

#include <cctype>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/api/resource_name.h"
#include "common/status/errors.h"

namespace rmhub::api {
namespace {

absl::Status Bad(absl::string_view what) { return InvalidField("filter", std::string(what)); }

class Lexer {
 public:
  explicit Lexer(absl::string_view text) : text_(text) {}

  bool AtEnd() {
    SkipSpace();
    return pos_ >= text_.size();
  }

  // An identifier: letters, digits, '_', '.', '-', '/'.
  absl::StatusOr<std::string> Word() {
    SkipSpace();
    size_t start = pos_;
    while (pos_ < text_.size() && IsWordChar(text_[pos_])) ++pos_;
    if (start == pos_) return Bad(absl::StrCat("expected a name at position ", start + 1));
    return std::string(text_.substr(start, pos_ - start));
  }

  absl::StatusOr<std::string> Op() {
    SkipSpace();
    static constexpr absl::string_view kOps[] = {"<=", ">=", "!=", "=", "<", ">", ":"};
    for (absl::string_view op : kOps) {
      if (text_.substr(pos_, op.size()) == op) {
        pos_ += op.size();
        return std::string(op);
      }
    }
    return Bad(absl::StrCat("expected an operator at position ", pos_ + 1));
  }

  absl::StatusOr<std::string> Quoted() {
    std::string out;
    ++pos_;  // opening quote
    while (pos_ < text_.size() && text_[pos_] != '"') {
      if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;
      out.push_back(text_[pos_++]);
    }
    if (pos_ >= text_.size()) return Bad("unterminated string");
    ++pos_;
    return out;
  }

  bool PeekQuote() {
    SkipSpace();
    return pos_ < text_.size() && text_[pos_] == '"';
  }

 private:
  static bool IsWordChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-' ||
           c == '/';
  }
  void SkipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  absl::string_view text_;
  size_t pos_ = 0;
};

absl::StatusOr<FilterTerm> ParseTerm(Lexer& lex) {
  FilterTerm term;
  RMHUB_ASSIGN_OR_RETURN(term.field, lex.Word());
  RMHUB_ASSIGN_OR_RETURN(term.op, lex.Op());
  if (lex.PeekQuote()) {
    term.quoted = true;
    RMHUB_ASSIGN_OR_RETURN(term.value, lex.Quoted());
  } else {
    RMHUB_ASSIGN_OR_RETURN(term.value, lex.Word());
  }
  return term;
}

absl::StatusOr<FilterOp> OpOf(absl::string_view text) {
  static constexpr std::pair<absl::string_view, FilterOp> kOps[] = {
      {"=", FilterOp::kEq}, {"!=", FilterOp::kNe}, {"<", FilterOp::kLt}, {"<=", FilterOp::kLe},
      {">", FilterOp::kGt}, {">=", FilterOp::kGe}, {":", FilterOp::kHas}};
  for (const auto& [name, op] : kOps) {
    if (name == text) return op;
  }
  return Bad(absl::StrCat("unknown operator ", text));
}

absl::StatusOr<FilterValue> ConvertValue(const FilterTerm& term, const FilterField& field) {
  switch (field.type) {
    case FilterType::kString:
      return FilterValue(term.value);
    case FilterType::kInt: {
      int64_t v = 0;
      if (!absl::SimpleAtoi(term.value, &v)) return Bad(term.field + " takes a whole number");
      return FilterValue(v);
    }
    case FilterType::kBool:
      if (term.value == "true") return FilterValue(true);
      if (term.value == "false") return FilterValue(false);
      return Bad(term.field + " takes true or false");
    case FilterType::kEnum: {
      auto v = field.enum_value ? field.enum_value(term.value) : absl::StatusOr<int64_t>(0);
      if (!field.enum_value || !v.ok()) {
        return Bad(absl::StrCat("unknown value \"", term.value, "\" for ", term.field));
      }
      return FilterValue(*v);
    }
    case FilterType::kResourceName: {
      auto id = ParseName(term.value, field.collection, "filter");
      if (!id.ok()) {
        return Bad(absl::StrCat(term.field, " takes a name like \"", field.collection, "/1\""));
      }
      return FilterValue(*id);
    }
    case FilterType::kTimestamp: {
      absl::Time t;
      std::string err;
      if (!absl::ParseTime(absl::RFC3339_full, term.value, &t, &err)) {
        return Bad(term.field + " takes a time like \"2026-01-31T08:00:00Z\"");
      }
      return FilterValue(t);
    }
    case FilterType::kDate: {
      absl::CivilDay day;
      if (!absl::ParseCivilTime(term.value, &day) || absl::FormatCivilTime(day) != term.value) {
        return Bad(term.field + " takes a date like \"2026-01-31\"");
      }
      return FilterValue(day);
    }
  }
  return Bad("unsupported field");
}

}  // namespace

absl::StatusOr<std::vector<FilterTerm>> ParseFilter(absl::string_view text) {
  std::vector<FilterTerm> terms;
  if (text.size() > 2000) return Bad("is longer than 2000 characters");
  Lexer lex(text);
  while (!lex.AtEnd()) {
    if (!terms.empty()) {
      RMHUB_ASSIGN_OR_RETURN(std::string conj, lex.Word());
      if (conj != "AND") return Bad("terms may only be joined by AND");
    }
    RMHUB_ASSIGN_OR_RETURN(FilterTerm term, ParseTerm(lex));
    terms.push_back(std::move(term));
  }
  return terms;
}

absl::string_view FilterOpText(FilterOp op) {
  switch (op) {
    case FilterOp::kEq:
      return "=";
    case FilterOp::kNe:
      return "!=";
    case FilterOp::kLt:
      return "<";
    case FilterOp::kLe:
      return "<=";
    case FilterOp::kGt:
      return ">";
    case FilterOp::kGe:
      return ">=";
    case FilterOp::kHas:
      return ":";
  }
  return "?";
}

FilterSchema::FilterSchema(std::initializer_list<FilterField> fields) {
  for (const FilterField& f : fields) fields_.emplace(f.name, f);
}

const FilterField* FilterSchema::Find(absl::string_view name) const {
  auto it = fields_.find(name);
  return it == fields_.end() ? nullptr : &it->second;
}

std::string FilterSchema::Names() const {
  std::vector<absl::string_view> names;
  for (const auto& [name, unused] : fields_) names.push_back(name);
  return absl::StrJoin(names, ", ");
}

bool FilterExpr::Mentions(absl::string_view field) const {
  for (const FilterCondition& c : conditions) {
    if (c.field == field) return true;
  }
  return false;
}

FilterExpr& FilterExpr::Add(std::string field, FilterType type, FilterOp op, FilterValue value) {
  conditions.push_back({std::move(field), type, op, std::move(value)});
  return *this;
}

absl::StatusOr<FilterExpr> ParseFilterExpr(absl::string_view text, const FilterSchema& schema) {
  RMHUB_ASSIGN_OR_RETURN(std::vector<FilterTerm> terms, ParseFilter(text));
  FilterExpr expr;
  for (const FilterTerm& term : terms) {
    const FilterField* field = schema.Find(term.field);
    if (field == nullptr) {
      return Bad(absl::StrCat("unknown field \"", term.field, "\"; filterable: ", schema.Names()));
    }
    RMHUB_ASSIGN_OR_RETURN(FilterOp op, OpOf(term.op));
    if (field->ops.count(op) == 0) {
      return Bad(absl::StrCat("operator ", term.op, " is not supported on ", term.field));
    }
    RMHUB_ASSIGN_OR_RETURN(FilterValue value, ConvertValue(term, *field));
    expr.Add(field->name, field->type, op, std::move(value));
  }
  return expr;
}

}  // namespace rmhub::api
