// A CRM's day through the techsales C interface from C++, with the RAII
// wrapper in techsales.hpp: classify customers and plan for them, grade
// opportunities one at a time and as a batch, run a key-account deal with a
// forced stage change and a diagnosis, store states as JSON and load them
// back, and run the bundled sample portfolio: load it, apply a cycle event
// inside it, and write its report (text and HTML) and charts next to the
// program. Usage: crm_cpp [PORTFOLIO_JSON]. Every result is checked; any
// mismatch exits non-zero.
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "techsales.hpp"

namespace {

int failures = 0;

void expect(bool ok, const char *what, int line) {
  if (!ok) {
    std::cerr << "crm.cpp:" << line << ": check failed: " << what << "\n";
    ++failures;
  }
}
#define CHECK(cond) expect((cond), #cond, __LINE__)

constexpr int64_t T0 = 1767225600;  // 2026-01-01T00:00:00Z
constexpr int64_t DAY = 86400;

bool contains(const std::string &text, const char *part) {
  return text.find(part) != std::string::npos;
}

int32_t day(int32_t y, uint32_t m, uint32_t d) {
  int32_t days = 0;
  techsales::check(techsales_date_from_ymd(y, m, d, &days), "date");
  return days;
}

void customers() {
  struct Row {
    const char *id;
    double assistance, loyalty;
    uint32_t expected;
  };
  const Row book[] = {
      {"C-1", 72, 35, TECHSALES_CUSTOMER_TYPE_OPPORTUNITY},
      {"C-2", 20, 80, TECHSALES_CUSTOMER_TYPE_LOYAL},
      {"C-3", 85, 90, TECHSALES_CUSTOMER_TYPE_STRATEGIC},
      {"C-4", 10, 15, TECHSALES_CUSTOMER_TYPE_MARKET_TAKER},
  };
  for (const Row &row : book) {
    uint32_t type = 99;
    techsales::check(techsales_classify(row.assistance, row.loyalty, 50, 50, &type), "classify");
    CHECK(type == row.expected);
    const char *key = nullptr;
    techsales::check(techsales_enum_key(TECHSALES_ENUM_KIND_CUSTOMER_TYPE, type, &key), "key");
    std::cout << "customer " << row.id << ": " << key << "\n";
  }

  auto acme = techsales::make<techsales::customer>(
      [](techsales_customer **out) {
        return techsales_customer_new("C-1", "Acme Chemicals", 72, 35, 50, 50, T0, out);
      },
      "customer_new");
  bool changed = false;
  techsales::check(techsales_customer_reclassify(acme.get(), 75, 61, 50, 50, T0 + 180 * DAY,
                                                 "joint planning started", &changed),
                   "reclassify");
  CHECK(changed);
  techsales_type_movement movement{};
  techsales::check(techsales_customer_history_get(acme.get(), 0, &movement), "history");
  CHECK(movement.from == TECHSALES_CUSTOMER_TYPE_OPPORTUNITY);
  CHECK(movement.to == TECHSALES_CUSTOMER_TYPE_STRATEGIC);

  auto planner = techsales::make<techsales::planner>(
      [](techsales_planner **out) { return techsales_planner_new(nullptr, out); }, "planner");
  auto bright = techsales::make<techsales::customer>(
      [](techsales_customer **out) {
        return techsales_customer_new("C-2", "Bright Metals", 20, 80, 50, 50, T0, out);
      },
      "customer_new");
  std::array<techsales_recommendation, 12> recs{};
  size_t count = 0;
  bool worth = false;
  techsales::check(techsales_planner_plan(planner.get(), bright.get(), recs.data(), recs.size(),
                                          &count, &worth),
                   "plan");
  CHECK(worth && count > 0);
  for (size_t i = 0; i < count; ++i) CHECK(recs[i].axis == TECHSALES_AXIS_ASSISTANCE);
  std::cout << "plan for C-2: " << count << " actions\n";
  const char *serves = nullptr;
  techsales::check(techsales_enum_label(TECHSALES_ENUM_KIND_STAY_REASON, recs[0].serves,
                                        TECHSALES_LANGUAGE_ENGLISH, &serves),
                   "enum_label");
  std::cout << "first action serves: " << serves << "\n";

  // Stored as JSON and loaded back unchanged.
  std::string json = techsales::text(
      [&](char **out) { return techsales_customer_to_json(acme.get(), out); }, "to_json");
  auto copy = techsales::make<techsales::customer>(
      [&](techsales_customer **out) { return techsales_customer_from_json(json.c_str(), out); },
      "from_json");
  CHECK(json == techsales::text(
                    [&](char **out) { return techsales_customer_to_json(copy.get(), out); },
                    "to_json"));
}

void grading() {
  auto grader = techsales::make<techsales::grader>(
      [](techsales_grader **out) { return techsales_grader_new(nullptr, out); }, "grader");
  const int32_t as_of = day(2026, 1, 15), q1 = day(2026, 3, 31);
  const std::array<double, TECHSALES_FACTOR_COUNT> good{7, 7, 7, 7, 7, 7, 4, 7, 7};

  uint32_t status = 99, grade = 99;
  double score = -1;
  techsales::check(techsales_grader_grade(grader.get(), good.data(), q1, as_of, 0.75, &status,
                                          &grade, &score),
                   "grade");
  CHECK(status == TECHSALES_GRADE_ITEM_STATUS_GRADED && grade == TECHSALES_GRADE_A);
  std::cout << "opportunity graded A\n";
  std::string explanation = techsales::text(
      [&](char **out) {
        return techsales_grader_explain(grader.get(), good.data(), q1, as_of, 0.75,
                                        TECHSALES_LANGUAGE_CHINESE, true, out);
      },
      "explain");
  CHECK(contains(explanation, "全力以赴"));

  // A batch of n generated items, column by column.
  const size_t n = 1000;
  std::vector<std::vector<double>> columns(TECHSALES_FACTOR_COUNT, std::vector<double>(n));
  std::vector<int32_t> close(n);
  std::vector<double> possibility(n);
  for (size_t i = 0; i < n; ++i) {
    for (size_t f = 0; f < TECHSALES_FACTOR_COUNT; ++f) columns[f][i] = double((i * 7 + f) % 11);
    close[i] = as_of + int32_t(i % 400);
    possibility[i] = double(i % 101) / 100.0;
  }
  close[3] = as_of - 1;  // stale: refused for this item alone
  std::array<const double *, TECHSALES_FACTOR_COUNT> ratings{};
  for (size_t f = 0; f < TECHSALES_FACTOR_COUNT; ++f) ratings[f] = columns[f].data();
  std::vector<uint32_t> statuses(n), grades(n);
  std::vector<double> scores(n);
  techsales_batch_summary summary{};
  techsales::check(techsales_grader_grade_columns(grader.get(), as_of, ratings.data(),
                                                  close.data(), possibility.data(), n,
                                                  statuses.data(), grades.data(), scores.data(),
                                                  &summary),
                   "grade_columns");
  CHECK(summary.graded + summary.failed + summary.invalid + summary.not_enough_known == n);
  CHECK(statuses[3] == TECHSALES_GRADE_ITEM_STATUS_CLOSE_DATE_IN_PAST);
  // Every item agrees with grading it alone.
  for (size_t i = 0; i < n; ++i) {
    std::array<double, TECHSALES_FACTOR_COUNT> row{};
    for (size_t f = 0; f < TECHSALES_FACTOR_COUNT; ++f) row[f] = columns[f][i];
    techsales_result r = techsales_grader_grade(grader.get(), row.data(), close[i], as_of,
                                                possibility[i], &status, &grade, &score);
    if (statuses[i] >= TECHSALES_GRADE_ITEM_STATUS_INVALID_RATING) {
      CHECK(r == TECHSALES_RESULT_INVALID_ARGUMENT);
    } else {
      CHECK(r == TECHSALES_RESULT_OK && status == statuses[i] && grade == grades[i] &&
            score == scores[i]);
    }
  }
  std::cout << "batch of " << n << ": " << summary.graded << " graded, " << summary.failed
            << " failed, " << summary.invalid << " invalid\n";
}

void key_account() {
  auto def = techsales::make<techsales::definition>(
      [](techsales_key_account_definition **out) {
        return techsales_key_account_definition_new(nullptr, out);
      },
      "definition");
  auto deal = techsales::make<techsales::deal>(
      [](techsales_key_account **out) { return techsales_key_account_new(T0, out); }, "deal");
  int64_t t = T0;
  const char *me = "li.wei";
  auto stage = [&](const techsales_key_account *d) {
    uint32_t s = 99, outcome = 99;
    bool open = false;
    techsales::check(techsales_key_account_status(d, &s, &open, &outcome), "status");
    return s;
  };
  auto probability = [&]() {
    double p = -1;
    techsales::check(techsales_key_account_win_probability(deal.get(), def.get(), &p), "p");
    return p;
  };

  try {
    techsales::check(techsales_key_account_advance(deal.get(), def.get(), t += DAY, me),
                     "advance");
    CHECK(false);
  } catch (const techsales::error &e) {
    CHECK(e.code() == TECHSALES_RESULT_REFUSED_TRANSITION);
    CHECK(contains(e.what(), "opportunity_graded"));
  }
  techsales::check(techsales_key_account_grade(deal.get(), def.get(), t += DAY, me,
                                               TECHSALES_GRADE_A, "budget approved"),
                   "grade");
  techsales::check(techsales_key_account_advance(deal.get(), def.get(), t += DAY, me), "advance");
  techsales::check(techsales_key_account_set_contact(
                       deal.get(), def.get(), t += DAY, me, "c1", "Wang",
                       TECHSALES_BUYING_ROLE_COACH, TECHSALES_INFLUENCE_DEGREE_MEDIUM, true,
                       TECHSALES_ATTITUDE_NEUTRAL),
                   "contact");
  techsales::check(techsales_key_account_set_contact(
                       deal.get(), def.get(), t += DAY, me, "e1", "Zhao",
                       TECHSALES_BUYING_ROLE_ECONOMIC_BUYER, TECHSALES_INFLUENCE_DEGREE_HIGH,
                       true, TECHSALES_ATTITUDE_SUPPORTIVE),
                   "contact");
  techsales::check(techsales_key_account_set_contact(
                       deal.get(), def.get(), t += DAY, me, "t1", "Sun",
                       TECHSALES_BUYING_ROLE_TECHNICAL_BUYER, TECHSALES_INFLUENCE_DEGREE_MEDIUM,
                       true, TECHSALES_ATTITUDE_NEUTRAL),
                   "contact");
  techsales::check(techsales_key_account_set_contact(
                       deal.get(), def.get(), t += DAY, me, "u1", "Qian",
                       TECHSALES_BUYING_ROLE_USER_BUYER, TECHSALES_INFLUENCE_DEGREE_LOW, true,
                       TECHSALES_ATTITUDE_SUPPORTIVE),
                   "contact");
  techsales::check(techsales_key_account_advance(deal.get(), def.get(), t += DAY, me), "advance");
  CHECK(stage(deal.get()) == TECHSALES_KEY_ACCOUNT_STAGE_PROPOSAL);

  const double before = probability();
  techsales::check(
      techsales_key_account_observe_step(deal.get(), def.get(), t += DAY, me,
                                         TECHSALES_PROCUREMENT_STEP_BIDDING_AND_EVALUATION),
      "observe");
  std::string diagnosis = techsales::text(
      [&](char **out) {
        return techsales_key_account_diagnose(deal.get(), def.get(), TECHSALES_LANGUAGE_ENGLISH,
                                              false, out);
      },
      "diagnose");
  CHECK(contains(diagnosis, "behind_customer"));
  techsales::check(techsales_key_account_force_advance(deal.get(), def.get(), t += DAY, me,
                                                       "tender published early"),
                   "force");
  CHECK(stage(deal.get()) == TECHSALES_KEY_ACCOUNT_STAGE_BIDDING);
  const double after = probability();
  CHECK(std::fabs(before - 0.4) < 1e-12 && std::fabs(after - 0.3) < 1e-12);
  std::cout << "forced into bidding: " << before << " -> " << after << "\n";

  std::string json = techsales::text(
      [&](char **out) { return techsales_key_account_to_json(deal.get(), out); }, "to_json");
  auto loaded = techsales::make<techsales::deal>(
      [&](techsales_key_account **out) {
        return techsales_key_account_from_json(def.get(), json.c_str(), out);
      },
      "from_json");
  CHECK(json == techsales::text(
                    [&](char **out) { return techsales_key_account_to_json(loaded.get(), out); },
                    "to_json"));
  // A tampered document is refused.
  std::string tampered = json;
  tampered.replace(tampered.find("\"bidding\""), 9, "\"proposal\"");
  techsales_key_account *bad = nullptr;
  CHECK(techsales_key_account_from_json(def.get(), tampered.c_str(), &bad) ==
        TECHSALES_RESULT_INVALID_JSON);
  CHECK(bad == nullptr);
  std::cout << "key-account deal stored and loaded back\n";
}

std::string read_file(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const std::string &path, const std::string &text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  CHECK(static_cast<bool>(out));
}

void book(const std::string &path, const std::string &out_dir) {
  const std::string text = read_file(path);
  auto p = techsales::make<techsales::portfolio>(
      [&](techsales_portfolio **out) { return techsales_portfolio_from_json(text.c_str(), out); },
      "portfolio_from_json");
  auto to_json = [&] {
    return techsales::text([&](char **out) { return techsales_portfolio_to_json(p.get(), out); },
                           "portfolio_to_json");
  };
  const std::string before = to_json();
  const char *too_early =
      R"({"at":"2026-06-30T18:00:00Z","actor":"ana","event":{"event":"advance","to":"evolution"}})";
  CHECK(techsales_portfolio_apply_cycle_event(p.get(), "TS-001", too_early) ==
        TECHSALES_RESULT_REFUSED_TRANSITION);
  CHECK(to_json() == before);
  const char *lesson =
      R"({"at":"2026-06-30T18:00:00Z","actor":"ana","event":{"event":"lesson_learned","lesson":"bring the lab results"}})";
  techsales::check(techsales_portfolio_apply_cycle_event(p.get(), "TS-001", lesson),
                   "apply_cycle_event");
  CHECK(to_json() != before);

  const std::string report = techsales::text(
      [&](char **out) { return techsales_portfolio_report(p.get(), TECHSALES_LANGUAGE_ENGLISH, out); },
      "portfolio_report");
  CHECK(contains(report, "== Technical-sale cycles"));
  const std::string html = techsales::text(
      [&](char **out) { return techsales_portfolio_html(p.get(), TECHSALES_LANGUAGE_CHINESE, out); },
      "portfolio_html");
  CHECK(contains(html, "技术销售周期"));
  const std::string svg = techsales::text(
      [&](char **out) { return techsales_portfolio_svg(p.get(), out); }, "portfolio_svg");
  CHECK(svg.rfind("<svg", 0) == 0);
  write_file(out_dir + "portfolio_report_cpp.txt", report);
  write_file(out_dir + "portfolio_cpp.html", html);
  write_file(out_dir + "portfolio_cpp.svg", svg);
  std::cout << "portfolio: lesson recorded in TS-001, reports and chart written\n";
}

}  // namespace

int main(int argc, char **argv) {
  try {
    CHECK(std::strcmp(techsales_version(), TECHSALES_VERSION) == 0);
    customers();
    grading();
    key_account();
    const std::string program = argc > 0 ? argv[0] : "";
    const std::string out_dir = program.substr(0, program.rfind('/') + 1);
    book(argc > 1 ? argv[1] : "examples/data/portfolio.json", out_dir);
  } catch (const techsales::error &e) {
    std::cerr << "unexpected error " << e.code() << ": " << e.what() << "\n";
    return 1;
  } catch (const std::runtime_error &e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  if (failures != 0) {
    std::cerr << failures << " check(s) failed\n";
    return 1;
  }
  std::cout << "all checks passed\n";
  return 0;
}
