/*
 * A CRM's day through the techsales C interface: classify customers and
 * plan for them, grade opportunities one at a time and as a batch, run a
 * key-account deal with a forced stage change and a diagnosis, start a
 * technical sale, store every state as JSON and load it back, and run the
 * bundled sample portfolio: load it, apply a cycle event inside it, and
 * write its report and charts.
 *
 * Usage: crm_c [PORTFOLIO_JSON]; the report and the SVG are written next
 * to the program (portfolio_report_c.txt, portfolio_c.svg).
 *
 * Every result is checked; the program exits non-zero at the first
 * mismatch. Build (see examples/build.sh):
 *   cc -std=c99 -Iinclude examples/c/crm.c target/debug/libtechsales.a -lpthread -ldl -lm
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "techsales.h"

static int failures = 0;

/* Checks a condition; on failure says where and what, and counts it. */
#define CHECK(cond)                                                          \
  do {                                                                       \
    if (!(cond)) {                                                           \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__,       \
              #cond);                                                        \
      failures++;                                                            \
    }                                                                        \
  } while (0)

/* Checks that a call succeeded; on failure prints the library's message. */
#define OK(call)                                                             \
  do {                                                                       \
    techsales_result r_ = (call);                                            \
    if (r_ != TECHSALES_RESULT_OK) {                                         \
      fprintf(stderr, "%s:%d: %s failed: %u %s\n", __FILE__, __LINE__,       \
              #call, (unsigned)r_, techsales_last_error_message());          \
      exit(1);                                                               \
    }                                                                        \
  } while (0)

static const int64_t T0 = 1767225600; /* 2026-01-01T00:00:00Z */
static const int64_t DAY = 86400;

static void customers(void) {
  static const struct {
    const char *id;
    const char *name;
    double assistance, loyalty;
    uint32_t expected;
  } book[] = {
      {"C-1", "Acme Chemicals", 72.0, 35.0, TECHSALES_CUSTOMER_TYPE_OPPORTUNITY},
      {"C-2", "Bright Metals", 20.0, 80.0, TECHSALES_CUSTOMER_TYPE_LOYAL},
      {"C-3", "Coastal Paper", 85.0, 90.0, TECHSALES_CUSTOMER_TYPE_STRATEGIC},
      {"C-4", "Delta Foods", 10.0, 15.0, TECHSALES_CUSTOMER_TYPE_MARKET_TAKER},
  };
  size_t i;
  techsales_planner *planner = NULL;
  techsales_customer *acme = NULL;
  techsales_customer *copy = NULL;
  techsales_type_movement movement;
  techsales_recommendation recs[12];
  size_t count = 0, len = 0;
  bool worth = false, changed = false;
  uint32_t type = 99;
  const char *label = NULL;
  char *json = NULL, *again = NULL;

  for (i = 0; i < sizeof book / sizeof book[0]; i++) {
    OK(techsales_classify(book[i].assistance, book[i].loyalty, 50.0, 50.0, &type));
    CHECK(type == book[i].expected);
    OK(techsales_enum_label(TECHSALES_ENUM_KIND_CUSTOMER_TYPE, type,
                            TECHSALES_LANGUAGE_ENGLISH, &label));
    printf("customer %s (%s): %s\n", book[i].id, book[i].name, label);
  }
  OK(techsales_enum_label(TECHSALES_ENUM_KIND_CUSTOMER_TYPE,
                          TECHSALES_CUSTOMER_TYPE_OPPORTUNITY,
                          TECHSALES_LANGUAGE_CHINESE, &label));
  CHECK(strcmp(label, "机会型客户") == 0);

  /* Acme gains loyalty: the movement is recorded with its date. */
  OK(techsales_customer_new("C-1", "Acme Chemicals", 72.0, 35.0, 50.0, 50.0, T0, &acme));
  OK(techsales_customer_reclassify(acme, 75.0, 61.0, 50.0, 50.0, T0 + 180 * DAY,
                                   "joint planning started", &changed));
  CHECK(changed);
  OK(techsales_customer_type(acme, &type));
  CHECK(type == TECHSALES_CUSTOMER_TYPE_STRATEGIC);
  OK(techsales_customer_history_len(acme, &len));
  CHECK(len == 1);
  OK(techsales_customer_history_get(acme, 0, &movement));
  CHECK(movement.from == TECHSALES_CUSTOMER_TYPE_OPPORTUNITY);
  CHECK(movement.to == TECHSALES_CUSTOMER_TYPE_STRATEGIC);
  CHECK(movement.at == T0 + 180 * DAY);
  CHECK(techsales_customer_history_get(acme, 1, &movement) == TECHSALES_RESULT_NOT_FOUND);
  printf("reclassified C-1: opportunity -> strategic\n");

  /* A loyal customer is planned actions that raise assistance. */
  {
    techsales_customer *bright = NULL;
    OK(techsales_customer_new("C-2", "Bright Metals", 20.0, 80.0, 50.0, 50.0, T0, &bright));
    OK(techsales_planner_new(NULL, &planner));
    CHECK(techsales_planner_plan(planner, bright, NULL, 0, &count, &worth) ==
          TECHSALES_RESULT_BUFFER_TOO_SMALL);
    CHECK(count > 0 && count <= 12);
    OK(techsales_planner_plan(planner, bright, recs, 12, &count, &worth));
    CHECK(worth);
    for (i = 0; i < count; i++) CHECK(recs[i].axis == TECHSALES_AXIS_ASSISTANCE);
    printf("plan for C-2: %u actions, all raising assistance\n", (unsigned)count);
    OK(techsales_enum_label(TECHSALES_ENUM_KIND_STAY_REASON, recs[0].serves,
                            TECHSALES_LANGUAGE_ENGLISH, &label));
    printf("first action serves: %s\n", label);
    techsales_customer_free(bright);
  }

  /* Stored as JSON and loaded back unchanged. */
  OK(techsales_customer_to_json(acme, &json));
  OK(techsales_customer_from_json(json, &copy));
  OK(techsales_customer_to_json(copy, &again));
  CHECK(strcmp(json, again) == 0);

  techsales_string_free(json);
  techsales_string_free(again);
  techsales_customer_free(copy);
  techsales_customer_free(acme);
  techsales_planner_free(planner);
}

static void grading(void) {
  techsales_grader *grader = NULL;
  techsales_resource_policy policy;
  techsales_batch_summary summary;
  int32_t as_of = 0, q1 = 0, december = 0;
  uint32_t status = 99, grade = 99;
  double score = -1.0;
  char *text = NULL;
  /* Ratings in TECHSALES_GRADING_FACTOR_* order, 0-10. */
  double good[TECHSALES_FACTOR_COUNT] = {7, 7, 7, 7, 7, 7, 4, 7, 7};
  double risky[TECHSALES_FACTOR_COUNT] = {7, 1, 7, 7, 7, 7, 4, 7, 7};
  /* The batch, column by column: good, risky, bad possibility, slipped. */
  enum { N = 4 };
  double columns[TECHSALES_FACTOR_COUNT][N];
  const double *ratings[TECHSALES_FACTOR_COUNT];
  int32_t close_day[N];
  double possibility[N] = {0.75, 0.9, 1.2, 0.4};
  uint32_t statuses[N], grades[N];
  double scores[N];
  size_t f, i;

  OK(techsales_date_from_ymd(2026, 1, 15, &as_of));
  OK(techsales_date_from_ymd(2026, 3, 31, &q1));
  OK(techsales_date_from_ymd(2026, 12, 1, &december));
  OK(techsales_grader_new(NULL, &grader));

  OK(techsales_grader_grade(grader, good, q1, as_of, 0.75, &status, &grade, &score));
  CHECK(status == TECHSALES_GRADE_ITEM_STATUS_GRADED);
  CHECK(grade == TECHSALES_GRADE_A);
  CHECK(fabs(score - 6.7) < 1e-9);
  printf("opportunity graded A, score %.1f\n", score);

  OK(techsales_grader_explain(grader, good, q1, as_of, 0.75, TECHSALES_LANGUAGE_ENGLISH,
                              true, &text));
  CHECK(strstr(text, "Go all out") != NULL);
  techsales_string_free(text);

  /* A CRM without a possibility passes NAN: it is derived from the score. */
  OK(techsales_grader_grade(grader, good, q1, as_of, NAN, &status, &grade, &score));
  CHECK(status == TECHSALES_GRADE_ITEM_STATUS_GRADED && grade == TECHSALES_GRADE_A);
  OK(techsales_grader_explain(grader, good, q1, as_of, NAN, TECHSALES_LANGUAGE_ENGLISH, true,
                              &text));
  CHECK(strstr(text, "derived from the evaluation score") != NULL);
  techsales_string_free(text);
  printf("without a possibility: graded A on the one the score derives\n");
  OK(techsales_grader_policy(grader, TECHSALES_GRADE_A, &policy));
  CHECK(policy.effort == TECHSALES_EFFORT_ALL_OUT && policy.enter_sales_process);
  CHECK(policy.review_every_days == 7);

  /* A stale close date is refused, and the message says why. */
  CHECK(techsales_grader_grade(grader, good, as_of - 1, as_of, 0.75, &status, &grade,
                               &score) == TECHSALES_RESULT_INVALID_ARGUMENT);
  CHECK(strstr(techsales_last_error_message(), "before the as-of date") != NULL);

  for (f = 0; f < TECHSALES_FACTOR_COUNT; f++) {
    columns[f][0] = good[f];
    columns[f][1] = risky[f];
    columns[f][2] = good[f];
    columns[f][3] = good[f];
    ratings[f] = columns[f];
  }
  close_day[0] = q1;
  close_day[1] = q1;
  close_day[2] = q1;
  close_day[3] = december;
  OK(techsales_grader_grade_columns(grader, as_of, ratings, close_day, possibility, N,
                                    statuses, grades, scores, &summary));
  CHECK(statuses[0] == TECHSALES_GRADE_ITEM_STATUS_GRADED && grades[0] == TECHSALES_GRADE_A);
  CHECK(statuses[1] == TECHSALES_GRADE_ITEM_STATUS_GIVE_UP && grades[1] == TECHSALES_NO_GRADE);
  CHECK(statuses[2] == TECHSALES_GRADE_ITEM_STATUS_INVALID_POSSIBILITY);
  CHECK(grades[2] == TECHSALES_NO_GRADE && isnan(scores[2]));
  CHECK(statuses[3] == TECHSALES_GRADE_ITEM_STATUS_GRADED && grades[3] == TECHSALES_GRADE_C);
  CHECK(summary.graded == 2 && summary.failed == 1 && summary.invalid == 1);
  for (i = 0; i < N; i++) {
    const char *key = "-";
    if (grades[i] != TECHSALES_NO_GRADE) {
      OK(techsales_enum_key(TECHSALES_ENUM_KIND_GRADE, grades[i], &key));
    }
    printf("batch item %u: status %u grade %s\n", (unsigned)i, (unsigned)statuses[i], key);
  }
  printf("batch: %u graded, %u failed, %u invalid\n", (unsigned)summary.graded,
         (unsigned)summary.failed, (unsigned)summary.invalid);
  techsales_grader_free(grader);
}

static double probability(const techsales_key_account *deal,
                          const techsales_key_account_definition *def) {
  double p = -1.0;
  OK(techsales_key_account_win_probability(deal, def, &p));
  return p;
}

static uint32_t stage(const techsales_key_account *deal) {
  uint32_t s = 99, outcome = 99;
  bool open = false;
  OK(techsales_key_account_status(deal, &s, &open, &outcome));
  return s;
}

static void key_account(void) {
  techsales_key_account_definition *def = NULL;
  techsales_key_account *deal = NULL, *loaded = NULL;
  const char *me = "li.wei";
  int64_t t = T0;
  uint32_t missing = 0;
  char *text = NULL, *json = NULL, *again = NULL;
  double before, after;

  OK(techsales_key_account_definition_new(NULL, &def));
  OK(techsales_key_account_new(t, &deal));

  /* Development: refused until the opportunity is graded. */
  CHECK(techsales_key_account_advance(deal, def, t += DAY, me) ==
        TECHSALES_RESULT_REFUSED_TRANSITION);
  OK(techsales_key_account_missing_nodes(deal, def, &missing));
  CHECK(missing == 1u << TECHSALES_KEY_NODE_OPPORTUNITY_GRADED);
  OK(techsales_key_account_grade(deal, def, t += DAY, me, TECHSALES_GRADE_A,
                                 "budget approved, closes in Q1"));
  OK(techsales_key_account_advance(deal, def, t += DAY, me));
  CHECK(stage(deal) == TECHSALES_KEY_ACCOUNT_STAGE_SALES_ENTRY);

  /* Sales entry: a coach and the economic, technical and user buyers
     cover both nodes. */
  OK(techsales_key_account_set_contact(deal, def, t += DAY, me, "c1", "Wang",
                                       TECHSALES_BUYING_ROLE_COACH,
                                       TECHSALES_INFLUENCE_DEGREE_MEDIUM, true,
                                       TECHSALES_ATTITUDE_NEUTRAL));
  OK(techsales_key_account_set_contact(deal, def, t += DAY, me, "e1", "Zhao",
                                       TECHSALES_BUYING_ROLE_ECONOMIC_BUYER,
                                       TECHSALES_INFLUENCE_DEGREE_HIGH, true,
                                       TECHSALES_ATTITUDE_SUPPORTIVE));
  OK(techsales_key_account_set_contact(deal, def, t += DAY, me, "t1", "Sun",
                                       TECHSALES_BUYING_ROLE_TECHNICAL_BUYER,
                                       TECHSALES_INFLUENCE_DEGREE_MEDIUM, true,
                                       TECHSALES_ATTITUDE_NEUTRAL));
  OK(techsales_key_account_set_contact(deal, def, t += DAY, me, "u1", "Qian",
                                       TECHSALES_BUYING_ROLE_USER_BUYER,
                                       TECHSALES_INFLUENCE_DEGREE_LOW, true,
                                       TECHSALES_ATTITUDE_SUPPORTIVE));
  OK(techsales_key_account_advance(deal, def, t += DAY, me));
  CHECK(stage(deal) == TECHSALES_KEY_ACCOUNT_STAGE_PROPOSAL);

  /* Proposal: the customer is already bidding; we are behind. */
  before = probability(deal, def);
  OK(techsales_key_account_observe_step(deal, def, t += DAY, me,
                                        TECHSALES_PROCUREMENT_STEP_BIDDING_AND_EVALUATION));
  OK(techsales_key_account_diagnose(deal, def, TECHSALES_LANGUAGE_ENGLISH, true, &text));
  CHECK(strstr(text, "Behind") != NULL);
  printf("diagnosis:\n%s\n", text);
  techsales_string_free(text);

  /* The standards were never influenced: force the move, recorded. */
  OK(techsales_key_account_force_advance(deal, def, t += DAY, me, "tender published early"));
  CHECK(stage(deal) == TECHSALES_KEY_ACCOUNT_STAGE_BIDDING);
  after = probability(deal, def);
  CHECK(fabs(before - 0.4) < 1e-12 && fabs(after - 0.3) < 1e-12);
  OK(techsales_key_account_win_probability_explain(deal, def, TECHSALES_LANGUAGE_ENGLISH,
                                                   true, &text));
  CHECK(strstr(text, "x0.50") != NULL);
  techsales_string_free(text);
  printf("forced into bidding: win probability %.2f -> %.2f\n", before, after);

  /* Stored and loaded back: the journal replays to the same state. */
  OK(techsales_key_account_to_json(deal, &json));
  OK(techsales_key_account_from_json(def, json, &loaded));
  OK(techsales_key_account_to_json(loaded, &again));
  CHECK(strcmp(json, again) == 0);
  CHECK(stage(loaded) == TECHSALES_KEY_ACCOUNT_STAGE_BIDDING);
  printf("key-account deal stored (%u bytes) and loaded back\n", (unsigned)strlen(json));

  techsales_string_free(json);
  techsales_string_free(again);
  techsales_key_account_free(loaded);
  techsales_key_account_free(deal);
  techsales_key_account_definition_free(def);
}

static void technical_sale(void) {
  techsales_cycle *sale = NULL, *loaded = NULL;
  uint32_t missing = 0, stage_code = 99, outcome = 99, iteration = 0;
  char *json = NULL, *again = NULL, *guidance = NULL;
  const char *knowledge =
      "{\"at\":\"2026-01-05T09:00:00Z\",\"actor\":\"ana\",\"event\":"
      "{\"event\":\"knowledge_gathered\",\"areas\":{\"product_service\":\"known\","
      "\"environment\":\"known\",\"own_company\":\"known\",\"competition\":\"known\","
      "\"client\":\"known\"},\"own_swot\":{\"strengths\":[\"s\"],\"weaknesses\":[\"w\"],"
      "\"opportunities\":[\"o\"],\"threats\":[\"t\"]},\"competition_swot\":{\"strengths\":"
      "[\"s\"],\"weaknesses\":[\"w\"],\"opportunities\":[\"o\"],\"threats\":[\"t\"]}}}";

  OK(techsales_cycle_new(TECHSALES_CUSTOMER_TYPE_STRATEGIC, &sale));
  CHECK(techsales_cycle_advance(sale, T0 + 5 * DAY, "ana") ==
        TECHSALES_RESULT_REFUSED_TRANSITION);
  OK(techsales_cycle_apply_json(sale, knowledge));
  OK(techsales_cycle_missing_steps(sale, &missing));
  CHECK(missing == ((1u << TECHSALES_CYCLE_STEP_VISIT_PLANNING) |
                    (1u << TECHSALES_CYCLE_STEP_INTERVIEW)));
  OK(techsales_cycle_guidance(sale, TECHSALES_LANGUAGE_ENGLISH, true, &guidance));
  CHECK(strstr(guidance, "- [ready] Complete a step: Visit planning") != NULL);
  techsales_string_free(guidance);

  OK(techsales_cycle_to_json(sale, &json));
  OK(techsales_cycle_from_json(json, &loaded));
  OK(techsales_cycle_to_json(loaded, &again));
  CHECK(strcmp(json, again) == 0);
  OK(techsales_cycle_status(loaded, &stage_code, &outcome, &iteration));
  CHECK(stage_code == TECHSALES_CYCLE_STAGE_RECOGNITION_OF_NEEDS && iteration == 1);
  printf("technical sale: knowledge recorded, visit planning next\n");

  techsales_string_free(json);
  techsales_string_free(again);
  techsales_cycle_free(loaded);
  techsales_cycle_free(sale);
}

/* Reads a whole file; NULL if it cannot. Free with free(). */
static char *read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  char *text = NULL;
  long size;
  if (f == NULL) return NULL;
  if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
    text = malloc((size_t)size + 1);
    if (text != NULL && fread(text, 1, (size_t)size, f) == (size_t)size) {
      text[size] = '\0';
    } else {
      free(text);
      text = NULL;
    }
  }
  fclose(f);
  return text;
}

/* Writes `text` to `dir`/`name`; returns 0 on success. */
static int write_file(const char *dir, const char *name, const char *text) {
  char path[4096];
  FILE *f;
  int ok;
  if (snprintf(path, sizeof path, "%s%s", dir, name) >= (int)sizeof path) return 1;
  f = fopen(path, "wb");
  if (f == NULL) return 1;
  ok = fputs(text, f) >= 0;
  return (fclose(f) == 0 && ok) ? 0 : 1;
}

static void portfolio(const char *path, const char *out_dir) {
  techsales_portfolio *book = NULL;
  char *text = read_file(path), *before = NULL, *after = NULL, *report = NULL, *svg = NULL,
       *cycles = NULL;
  const char *lesson =
      "{\"at\":\"2026-06-30T18:00:00Z\",\"actor\":\"ana\",\"event\":"
      "{\"event\":\"lesson_learned\",\"lesson\":\"bring the lab results to the visit\"}}";
  const char *too_early =
      "{\"at\":\"2026-06-30T18:00:00Z\",\"actor\":\"ana\",\"event\":"
      "{\"event\":\"advance\",\"to\":\"evolution\"}}";
  if (text == NULL) {
    fprintf(stderr, "cannot read %s\n", path);
    exit(1);
  }
  OK(techsales_portfolio_from_json(text, &book));
  free(text);

  /* A refused event leaves the whole document as it was. */
  OK(techsales_portfolio_to_json(book, &before));
  CHECK(techsales_portfolio_apply_cycle_event(book, "TS-001", too_early) ==
        TECHSALES_RESULT_REFUSED_TRANSITION);
  OK(techsales_portfolio_to_json(book, &after));
  CHECK(strcmp(before, after) == 0);
  techsales_string_free(after);
  OK(techsales_portfolio_apply_cycle_event(book, "TS-001", lesson));
  OK(techsales_portfolio_to_json(book, &after));
  CHECK(strcmp(before, after) != 0);

  OK(techsales_portfolio_analytics_json(book, "cycles", &cycles));
  CHECK(strstr(cycles, "\"open_objections\"") != NULL);
  OK(techsales_portfolio_report(book, TECHSALES_LANGUAGE_ENGLISH, &report));
  CHECK(strstr(report, "== Technical-sale cycles") != NULL);
  OK(techsales_portfolio_svg(book, &svg));
  CHECK(strncmp(svg, "<svg", 4) == 0);
  CHECK(write_file(out_dir, "portfolio_report_c.txt", report) == 0);
  CHECK(write_file(out_dir, "portfolio_c.svg", svg) == 0);
  printf("portfolio: lesson recorded in TS-001, report and chart written\n");

  techsales_string_free(before);
  techsales_string_free(after);
  techsales_string_free(cycles);
  techsales_string_free(report);
  techsales_string_free(svg);
  techsales_portfolio_free(book);
}

static void bad_input(void) {
  uint32_t type = 99;
  /* NULL and out-of-range codes are errors with a message, never a crash. */
  CHECK(techsales_classify(50, 50, 50, 50, NULL) == TECHSALES_RESULT_NULL_PARAMETER);
  CHECK(strstr(techsales_last_error_message(), "out_type") != NULL);
  CHECK(techsales_cycle_new(42, NULL) == TECHSALES_RESULT_NULL_PARAMETER);
  {
    techsales_cycle *sale = NULL;
    CHECK(techsales_cycle_new(42, &sale) == TECHSALES_RESULT_INVALID_ENUM_VALUE);
    CHECK(sale == NULL);
  }
  CHECK(techsales_classify(NAN, 50, 50, 50, &type) == TECHSALES_RESULT_INVALID_ARGUMENT);
  CHECK(type == 99);
  techsales_customer_free(NULL);
  techsales_string_free(NULL);
}

int main(int argc, char **argv) {
  /* The outputs go next to the program. */
  char out_dir[4096] = "";
  const char *slash = argc > 0 ? strrchr(argv[0], '/') : NULL;
  if (slash != NULL && (size_t)(slash - argv[0] + 1) < sizeof out_dir) {
    memcpy(out_dir, argv[0], (size_t)(slash - argv[0] + 1));
    out_dir[slash - argv[0] + 1] = '\0';
  }
  CHECK(strcmp(techsales_version(), TECHSALES_VERSION) == 0);
  customers();
  grading();
  key_account();
  technical_sale();
  portfolio(argc > 1 ? argv[1] : "examples/data/portfolio.json", out_dir);
  bad_input();
  if (failures != 0) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("all checks passed\n");
  return 0;
}
