#include "common/api/filter.h"

#include <cctype>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
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

absl::StatusOr<SqlParam> ConvertValue(const FilterTerm& term, const FilterField& field) {
  switch (field.kind) {
    case FilterValueKind::kString:
      return SqlParam(term.value);
    case FilterValueKind::kInt: {
      int64_t v = 0;
      if (!absl::SimpleAtoi(term.value, &v)) return Bad(term.field + " takes a whole number");
      return SqlParam(v);
    }
    case FilterValueKind::kBool:
      if (term.value == "true") return SqlParam(int64_t{1});
      if (term.value == "false") return SqlParam(int64_t{0});
      return Bad(term.field + " takes true or false");
    case FilterValueKind::kEnum: {
      auto v = field.enum_value(term.value);
      if (!v.ok()) return Bad(absl::StrCat("unknown value \"", term.value, "\" for ", term.field));
      return SqlParam(*v);
    }
    case FilterValueKind::kResourceName: {
      auto id = ParseName(term.value, field.collection, "filter");
      if (!id.ok()) {
        return Bad(absl::StrCat(term.field, " takes a name like \"", field.collection, "/1\""));
      }
      return SqlParam(*id);
    }
    case FilterValueKind::kDate: {
      absl::CivilDay day;
      if (!absl::ParseCivilTime(term.value, &day)) {
        return Bad(term.field + " takes a date like \"2026-01-31\"");
      }
      return SqlParam(absl::FormatCivilTime(day));
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

absl::StatusOr<SqlFilter> CompileFilter(absl::string_view text, const FilterSpec& spec) {
  RMHUB_ASSIGN_OR_RETURN(std::vector<FilterTerm> terms, ParseFilter(text));
  SqlFilter out;
  std::vector<std::string> clauses;
  for (const FilterTerm& term : terms) {
    auto field = spec.find(term.field);
    if (field == spec.end()) {
      std::vector<std::string> names;
      for (const auto& [name, unused] : spec) names.push_back(name);
      return Bad(absl::StrCat("unknown field \"", term.field,
                              "\"; filterable: ", absl::StrJoin(names, ", ")));
    }
    auto sql = field->second.sql_by_op.find(term.op);
    if (sql == field->second.sql_by_op.end()) {
      return Bad(absl::StrCat("operator ", term.op, " is not supported on ", term.field));
    }
    RMHUB_ASSIGN_OR_RETURN(SqlParam param, ConvertValue(term, field->second));
    clauses.push_back(sql->second);
    out.params.push_back(std::move(param));
  }
  out.where = absl::StrJoin(clauses, " AND ");
  return out;
}

}  // namespace rmhub::api
