/*
 * techsales: technical B2B sales methodology, C interface.
 *
 * Every function returns a techsales_result; out-parameters come last and
 * are written only on success. techsales_last_error_message() explains the
 * last failure on the calling thread. Strings returned as `char *` are the
 * caller's to free with techsales_string_free(); `const char *` results are
 * static. Domain enums are passed as uint32_t codes listed below. Times are
 * Unix seconds, UTC.
 */

#ifndef TECHSALES_H
#define TECHSALES_H

/* Generated from the techsales crate by cbindgen; do not edit. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TECHSALES_VERSION_MAJOR 0
#define TECHSALES_VERSION_MINOR 1
#define TECHSALES_VERSION_PATCH 0
#define TECHSALES_VERSION "0.1.0"

/** Which domain enum a code belongs to (for techsales_enum_label and friends). (`techsales_enum_kind` codes) */
enum {
  TECHSALES_ENUM_KIND_LANGUAGE = 0, /**< Language */
  TECHSALES_ENUM_KIND_CUSTOMER_TYPE = 1, /**< Customer type */
  TECHSALES_ENUM_KIND_AXIS = 2, /**< Axis */
  TECHSALES_ENUM_KIND_LEVEL = 3, /**< Level */
  TECHSALES_ENUM_KIND_BUYER_BEHAVIOUR = 4, /**< Buyer behaviour */
  TECHSALES_ENUM_KIND_RELATIONSHIP_LEVEL = 5, /**< Relationship level */
  TECHSALES_ENUM_KIND_READINESS_CRITERION = 6, /**< Readiness criterion */
  TECHSALES_ENUM_KIND_WAIT_REASON = 7, /**< Wait-and-see reason */
  TECHSALES_ENUM_KIND_ACTION = 8, /**< Differentiation action */
  TECHSALES_ENUM_KIND_RECOMMENDATION_REASON = 9, /**< Recommendation reason */
  TECHSALES_ENUM_KIND_ACTION_STATUS = 10, /**< Action status */
  TECHSALES_ENUM_KIND_GRADE = 11, /**< Grade */
};

/** Language (语言). (`techsales_language` codes) */
enum {
  TECHSALES_LANGUAGE_ENGLISH = 0, /**< English / 英语 */
  TECHSALES_LANGUAGE_CHINESE = 1, /**< Chinese / 中文 */
};

/** Customer type (客户类型). (`techsales_customer_type` codes) */
enum {
  TECHSALES_CUSTOMER_TYPE_MARKET_TAKER = 0, /**< Market-taker / 市场接受型客户 */
  TECHSALES_CUSTOMER_TYPE_OPPORTUNITY = 1, /**< Opportunity / 机会型客户 */
  TECHSALES_CUSTOMER_TYPE_LOYAL = 2, /**< Loyal / 忠诚型客户 */
  TECHSALES_CUSTOMER_TYPE_STRATEGIC = 3, /**< Loyalty network (strategic) / 忠诚网络（战略型客户） */
};

/** Axis (维度). (`techsales_axis` codes) */
enum {
  TECHSALES_AXIS_ASSISTANCE = 0, /**< Supplier assistance / 供应商协助 */
  TECHSALES_AXIS_LOYALTY = 1, /**< Customer loyalty / 客户忠诚度 */
};

/** Level (水平). (`techsales_level` codes) */
enum {
  TECHSALES_LEVEL_LOW = 0, /**< Low / 低 */
  TECHSALES_LEVEL_HIGH = 1, /**< High / 高 */
};

/** Buyer behaviour (买家行为). (`techsales_buyer_behaviour` codes) */
enum {
  TECHSALES_BUYER_BEHAVIOUR_VERTICAL_MARKET = 0, /**< Vertical-market buyer / 垂直行业型买家 */
  TECHSALES_BUYER_BEHAVIOUR_COMMODITY_BUYER = 1, /**< Commodity buyer / 商品型买家 */
  TECHSALES_BUYER_BEHAVIOUR_CHANGE_AGENT = 2, /**< Change agent / 变革推动型买家 */
};

/** Relationship level (关系层级). (`techsales_relationship_level` codes) */
enum {
  TECHSALES_RELATIONSHIP_LEVEL_DISCOVERY = 0, /**< Discovery / 发现 */
  TECHSALES_RELATIONSHIP_LEVEL_INITIAL_ENGAGEMENT = 1, /**< Initial engagement / 初步合作 */
  TECHSALES_RELATIONSHIP_LEVEL_MAINTAINING = 2, /**< Maintaining / 维系 */
  TECHSALES_RELATIONSHIP_LEVEL_DEVELOPING = 3, /**< Developing / 发展 */
};

/** Readiness criterion (合作准备度标准). (`techsales_readiness_criterion` codes) */
enum {
  TECHSALES_READINESS_CRITERION_INTEGRATED_OR_COLLABORATING = 0, /**< Vertically integrated or collaborating units / 纵向一体化或业务单元间协作 */
  TECHSALES_READINESS_CRITERION_EARLY_ADOPTER = 1, /**< Early adopter of e-business / 电子商务的早期采用者 */
  TECHSALES_READINESS_CRITERION_CHANGE_LEADERSHIP = 2, /**< Leadership that has led change / 领导层有推动变革的记录 */
  TECHSALES_READINESS_CRITERION_TECHNOLOGY_DIFFERENTIATOR = 3, /**< History of differentiating through technology / 有以技术实现差异化的历史 */
};

/** Wait-and-see reason (观望原因). (`techsales_wait_reason` codes) */
enum {
  TECHSALES_WAIT_REASON_NO_MONEY = 0, /**< No money for it / 缺乏资金 */
  TECHSALES_WAIT_REASON_NO_CUSTOMER_PRESSURE = 1, /**< Its customers do not push it / 其客户没有推动 */
  TECHSALES_WAIT_REASON_NO_COLLABORATIVE_VISION = 2, /**< No collaborative vision / 缺乏协作愿景 */
};

/** Differentiation action (差异化举措). (`techsales_action` codes) */
enum {
  TECHSALES_ACTION_PRODUCT_INNOVATION = 0, /**< Product innovation / 产品创新 */
  TECHSALES_ACTION_CUSTOMER_INFORMATION_INTEGRATION = 1, /**< Customer information service integration / 客户信息服务整合 */
  TECHSALES_ACTION_CUSTOMER_POSSIBILITIES_PORTAL = 2, /**< Customer possibilities portal / 客户可能性门户 */
  TECHSALES_ACTION_MANAGED_PROMOTIONS_AND_AGREEMENTS = 3, /**< Promotions and agreements managed with the client / 与客户共同管理的促销与协议 */
  TECHSALES_ACTION_JOINT_PLANNING_AND_FORECASTING = 4, /**< Joint planning and forecasting with the client / 与客户联合计划与预测 */
  TECHSALES_ACTION_MARKET_SEGMENTATION = 5, /**< Market segmentation / 市场细分 */
  TECHSALES_ACTION_SUPPLY_CHAIN_COLLABORATION = 6, /**< Supply-chain collaboration / 供应链协同 */
  TECHSALES_ACTION_PRODUCT_SERVICE_INFORMATION = 7, /**< Product-service information management / 产品与服务信息管理 */
  TECHSALES_ACTION_PROVIDER_POSSIBILITIES_PORTAL = 8, /**< Provider possibilities portal / 供应商可能性门户 */
  TECHSALES_ACTION_SALES_FORCE_INGENUITY = 9, /**< Sales and assistance force ingenuity / 销售与协助团队的创造力 */
  TECHSALES_ACTION_STRATEGIC_INFORMATION_SOURCES = 10, /**< Strategic sources of information / 战略信息来源 */
  TECHSALES_ACTION_SELLER_SEGMENTATION = 11, /**< Seller segmentation (specialist assistants) / 销售人员细分（专业助理） */
};

/** Recommendation reason (推荐理由). (`techsales_recommendation_reason` codes) */
enum {
  TECHSALES_RECOMMENDATION_REASON_RAISE_LOYALTY = 0, /**< Raises the loyalty the customer lacks / 提升客户所缺乏的忠诚度 */
  TECHSALES_RECOMMENDATION_REASON_RAISE_ASSISTANCE = 1, /**< Raises the assistance the customer lacks / 提升客户所缺乏的协助 */
  TECHSALES_RECOMMENDATION_REASON_SUSTAIN_NETWORK = 2, /**< Keeps the customer in the loyalty network / 维持客户在忠诚网络中 */
};

/** Action status (举措状态). (`techsales_action_status` codes) */
enum {
  TECHSALES_ACTION_STATUS_IN_PROGRESS = 0, /**< In progress / 进行中 */
  TECHSALES_ACTION_STATUS_COMPLETED = 1, /**< Completed / 已完成 */
  TECHSALES_ACTION_STATUS_ABANDONED = 2, /**< Abandoned / 已放弃 */
};

/** Grade (等级). (`techsales_grade` codes) */
enum {
  TECHSALES_GRADE_A = 0, /**< A / A级 */
  TECHSALES_GRADE_B = 1, /**< B / B级 */
  TECHSALES_GRADE_C = 2, /**< C / C级 */
  TECHSALES_GRADE_D = 3, /**< D / D级 */
};


/**
 * The lowest valid score.
 */
#define SCORE_MIN 0.0

/**
 * The highest valid score.
 */
#define SCORE_MAX 100.0

/**
 * The outcome of every call. Codes are explicit and never reused.
 */
enum techsales_result
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  /**
   * Success.
   */
  TECHSALES_RESULT_OK = 0,
  /**
   * A required pointer parameter was NULL.
   */
  TECHSALES_RESULT_NULL_PARAMETER = 1,
  /**
   * A parameter had a value outside what it accepts (NaN, out of range,
   * empty, a time that cannot be represented).
   */
  TECHSALES_RESULT_INVALID_ARGUMENT = 2,
  /**
   * An enum code that names no value of its enum.
   */
  TECHSALES_RESULT_INVALID_ENUM_VALUE = 3,
  /**
   * A string that is not valid UTF-8.
   */
  TECHSALES_RESULT_INVALID_UTF8 = 4,
  /**
   * Text that is not valid JSON for what was expected.
   */
  TECHSALES_RESULT_INVALID_JSON = 5,
  /**
   * A state machine refused the event; the state is unchanged.
   */
  TECHSALES_RESULT_REFUSED_TRANSITION = 6,
  /**
   * A definition or configuration was refused.
   */
  TECHSALES_RESULT_CONFIG_ERROR = 7,
  /**
   * The caller's buffer is too small; the needed size was written.
   */
  TECHSALES_RESULT_BUFFER_TOO_SMALL = 8,
  /**
   * The library panicked; the handle involved should be freed.
   */
  TECHSALES_RESULT_PANIC = 9,
  /**
   * An index or id names nothing.
   */
  TECHSALES_RESULT_NOT_FOUND = 10,
  /**
   * A document's format version is not one this library reads.
   */
  TECHSALES_RESULT_UNSUPPORTED_VERSION = 11,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum techsales_result techsales_result;
#else
typedef uint32_t techsales_result;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * A customer record with its type history (opaque).
 */
typedef struct techsales_customer techsales_customer;

/**
 * The differentiation planner and its configuration (opaque, shareable).
 */
typedef struct techsales_planner techsales_planner;

/**
 * A change of customer type.
 */
typedef struct techsales_type_movement {
  /**
   * `TECHSALES_CUSTOMER_TYPE_*` before.
   */
  uint32_t from;
  /**
   * `TECHSALES_CUSTOMER_TYPE_*` after.
   */
  uint32_t to;
  /**
   * When, in Unix seconds (UTC).
   */
  int64_t at;
} techsales_type_movement;

/**
 * One recommended differentiation action.
 */
typedef struct techsales_recommendation {
  /**
   * `TECHSALES_ACTION_*`.
   */
  uint32_t action;
  /**
   * `TECHSALES_AXIS_*` it raises.
   */
  uint32_t axis;
  /**
   * Expected points added to that axis.
   */
  double expected_effect;
  /**
   * `TECHSALES_RECOMMENDATION_REASON_*`.
   */
  uint32_t reason;
} techsales_recommendation;

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/**
 * The library version, for example `"0.1.0"`. The string is static.
 */
const char *techsales_version(void);

/**
 * A static description of a result code; unknown codes get a description
 * that says so. Never NULL.
 */
const char *techsales_result_message(uint32_t result);

/**
 * The message of the last failed call on this thread ("" if none). The
 * pointer stays valid until the next failed call on the same thread.
 */
const char *techsales_last_error_message(void);

/**
 * Frees a string returned by this library. NULL is ignored.
 *
 * # Safety
 * `s` is NULL or a string returned by this library and not yet freed.
 */
void techsales_string_free(char *s);

/**
 * The label of a domain enum value in a language; the string is static.
 *
 * `kind` is a `TECHSALES_ENUM_KIND_*` code, `code` a value of that enum,
 * `language` a `TECHSALES_LANGUAGE_*` code.
 *
 * # Safety
 * `out_label` is NULL or writable.
 */
techsales_result techsales_enum_label(uint32_t kind,
                                      uint32_t code,
                                      uint32_t language,
                                      const char **out_label);

/**
 * The stable `snake_case` key of a domain enum value (as used in JSON);
 * the string is static.
 *
 * # Safety
 * `out_key` is NULL or writable.
 */
techsales_result techsales_enum_key(uint32_t kind, uint32_t code, const char **out_key);

/**
 * The code of the domain enum value with this key.
 *
 * # Safety
 * `key` is NULL or a NUL-terminated string; `out_code` is NULL or writable.
 */
techsales_result techsales_enum_from_key(uint32_t kind, const char *key, uint32_t *out_code);

/**
 * Classifies scores (0-100 each) against per-axis thresholds, writing a
 * `TECHSALES_CUSTOMER_TYPE_*` code.
 *
 * # Safety
 * `out_type` is NULL or writable.
 */
techsales_result techsales_classify(double assistance,
                                    double loyalty,
                                    double threshold_assistance,
                                    double threshold_loyalty,
                                    uint32_t *out_type);

/**
 * A new customer classified from scores at `at` (Unix seconds, UTC).
 *
 * # Safety
 * `id` and `name` are NULL or NUL-terminated; `out_customer` is NULL or
 * writable. Free the handle with [`techsales_customer_free`].
 */
techsales_result techsales_customer_new(const char *id,
                                        const char *name,
                                        double assistance,
                                        double loyalty,
                                        double threshold_assistance,
                                        double threshold_loyalty,
                                        int64_t at,
                                        struct techsales_customer **out_customer);

/**
 * A new customer of a known type (`TECHSALES_CUSTOMER_TYPE_*`).
 *
 * # Safety
 * As [`techsales_customer_new`].
 */
techsales_result techsales_customer_new_with_type(const char *id,
                                                  const char *name,
                                                  uint32_t customer_type,
                                                  int64_t at,
                                                  struct techsales_customer **out_customer);

/**
 * Frees a customer. NULL is ignored.
 *
 * # Safety
 * `customer` is NULL or a live handle, not used afterwards.
 */
void techsales_customer_free(struct techsales_customer *customer);

/**
 * Reclassifies from new scores at `at`; writes whether the type changed
 * (a movement is then recorded with `reason`, which may be NULL).
 *
 * # Safety
 * `customer` is NULL or a live handle; `reason` NULL or NUL-terminated;
 * `out_changed` NULL or writable.
 */
techsales_result techsales_customer_reclassify(struct techsales_customer *customer,
                                               double assistance,
                                               double loyalty,
                                               double threshold_assistance,
                                               double threshold_loyalty,
                                               int64_t at,
                                               const char *reason,
                                               bool *out_changed);

/**
 * The customer's current type (`TECHSALES_CUSTOMER_TYPE_*`).
 *
 * # Safety
 * `customer` NULL or live; `out_type` NULL or writable.
 */
techsales_result techsales_customer_type(const struct techsales_customer *customer,
                                         uint32_t *out_type);

/**
 * The number of type movements in the customer's history.
 *
 * # Safety
 * `customer` NULL or live; `out_len` NULL or writable.
 */
techsales_result techsales_customer_history_len(const struct techsales_customer *customer,
                                                size_t *out_len);

/**
 * Movement `index` (0 = oldest) of the customer's history.
 *
 * # Safety
 * `customer` NULL or live; `out_movement` NULL or writable.
 */
techsales_result techsales_customer_history_get(const struct techsales_customer *customer,
                                                size_t index,
                                                struct techsales_type_movement *out_movement);

/**
 * Sets the buyer profile: behaviour (`TECHSALES_BUYER_BEHAVIOUR_*`) and
 * relationship level (`TECHSALES_RELATIONSHIP_LEVEL_*`).
 *
 * # Safety
 * `customer` NULL or live.
 */
techsales_result techsales_customer_set_profile(struct techsales_customer *customer,
                                                uint32_t buyer_behaviour,
                                                uint32_t relationship_level);

/**
 * Sets readiness for the loyalty network: `criteria_mask` has bit
 * `1 << TECHSALES_READINESS_CRITERION_*` for each criterion met,
 * `wait_reasons_mask` bit `1 << TECHSALES_WAIT_REASON_*` for each reason.
 *
 * # Safety
 * `customer` NULL or live.
 */
techsales_result techsales_customer_set_readiness(struct techsales_customer *customer,
                                                  uint32_t criteria_mask,
                                                  uint32_t wait_reasons_mask);

/**
 * The customer as JSON (the same format the Rust API serialises). Free
 * the string with [`techsales_string_free`].
 *
 * # Safety
 * `customer` NULL or live; `out_json` NULL or writable.
 */
techsales_result techsales_customer_to_json(const struct techsales_customer *customer,
                                            char **out_json);

/**
 * A customer loaded from JSON made by [`techsales_customer_to_json`].
 *
 * # Safety
 * `json` NULL or NUL-terminated; `out_customer` NULL or writable.
 */
techsales_result techsales_customer_from_json(const char *json,
                                              struct techsales_customer **out_customer);

/**
 * A planner: the built-in defaults when `config_json` is NULL, otherwise
 * the configuration it holds (missing fields take their defaults).
 *
 * # Safety
 * `config_json` NULL or NUL-terminated; `out_planner` NULL or writable.
 * Free with [`techsales_planner_free`].
 */
techsales_result techsales_planner_new(const char *config_json,
                                       struct techsales_planner **out_planner);

/**
 * Frees a planner. NULL is ignored.
 *
 * # Safety
 * `planner` is NULL or a live handle, not used afterwards.
 */
void techsales_planner_free(struct techsales_planner *planner);

/**
 * The differentiation plan for a customer. Writes up to `capacity`
 * recommendations, most valuable first, into `out_recommendations`, their
 * total count into `out_count`, and whether the account is worth investing
 * in now into `out_worth_investing` (when false, the count is 0; the
 * reasons are in the plan's JSON). If `capacity` is too small, nothing is
 * written but `out_count` and the result is `TECHSALES_RESULT_BUFFER_TOO_SMALL`.
 * `out_recommendations` may be NULL when `capacity` is 0.
 *
 * # Safety
 * Handles NULL or live; `out_recommendations` NULL or writable for
 * `capacity` items; the other out-parameters NULL or writable.
 */
techsales_result techsales_planner_plan(const struct techsales_planner *planner,
                                        const struct techsales_customer *customer,
                                        struct techsales_recommendation *out_recommendations,
                                        size_t capacity,
                                        size_t *out_count,
                                        bool *out_worth_investing);

/**
 * The differentiation plan for a customer as JSON, with the readiness
 * assessment when the account is not worth investing in now. Free the
 * string with [`techsales_string_free`].
 *
 * # Safety
 * Handles NULL or live; `out_json` NULL or writable.
 */
techsales_result techsales_planner_plan_json(const struct techsales_planner *planner,
                                             const struct techsales_customer *customer,
                                             char **out_json);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* TECHSALES_H */
