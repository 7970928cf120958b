/*
 * techsales: technical B2B sales methodology, C interface.
 *
 * Every function returns a techsales_result; out-parameters come last and
 * are written only on success. techsales_last_error_message() explains the
 * last failure on the calling thread. Strings returned as `char *` are the
 * caller's to free with techsales_string_free(); `const char *` results are
 * static. Domain enums are passed as uint32_t codes listed below. Times are
 * Unix seconds, UTC; calendar dates are days since 1970-01-01.
 *
 * Graders, planners and key-account definitions are immutable and may be
 * shared by any number of threads. Customers, key-account deals and
 * technical sales may move between threads but must not be used from two
 * threads at once.
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

/** The grade written for an opportunity that was not graded. */
#define TECHSALES_NO_GRADE 4294967295u
/** How many ratings an opportunity has: one per evaluation factor. */
#define TECHSALES_FACTOR_COUNT 9

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
  TECHSALES_ENUM_KIND_CYCLE_STAGE = 12, /**< Technical-sale stage */
  TECHSALES_ENUM_KIND_CYCLE_STEP = 13, /**< Technical-sale step */
  TECHSALES_ENUM_KIND_CYCLE_DECISION = 14, /**< Client decision */
  TECHSALES_ENUM_KIND_CYCLE_OUTCOME = 15, /**< Technical-sale outcome */
  TECHSALES_ENUM_KIND_KNOWLEDGE_AREA = 16, /**< Knowledge area */
  TECHSALES_ENUM_KIND_VISIT_QUESTION = 17, /**< Visit-planning question */
  TECHSALES_ENUM_KIND_SCOPE = 18, /**< Scope */
  TECHSALES_ENUM_KIND_TECHNICAL_PHASE = 19, /**< Technical evaluation phase */
  TECHSALES_ENUM_KIND_PHASE_RESULT = 20, /**< Phase result */
  TECHSALES_ENUM_KIND_STEP_REQUIREMENT = 21, /**< Step requirement */
  TECHSALES_ENUM_KIND_CYCLE_EVENT_KIND = 22, /**< Technical-sale event */
  TECHSALES_ENUM_KIND_GUIDANCE_ACTION = 23, /**< Guidance action */
  TECHSALES_ENUM_KIND_KEY_ACCOUNT_STAGE = 24, /**< Key-account stage */
  TECHSALES_ENUM_KIND_PROCUREMENT_STEP = 25, /**< Procurement step */
  TECHSALES_ENUM_KIND_KEY_NODE = 26, /**< Key node */
  TECHSALES_ENUM_KIND_BUYING_ROLE = 27, /**< Buying role */
  TECHSALES_ENUM_KIND_INFLUENCE_DEGREE = 28, /**< Degree of influence */
  TECHSALES_ENUM_KIND_ATTITUDE = 29, /**< Attitude */
  TECHSALES_ENUM_KIND_KEY_ACCOUNT_OUTCOME = 30, /**< Key-account outcome */
  TECHSALES_ENUM_KIND_NODE_SOURCE = 31, /**< Key-node source */
  TECHSALES_ENUM_KIND_DIAGNOSIS_VERDICT = 32, /**< Diagnosis verdict */
  TECHSALES_ENUM_KIND_WORK_ITEM = 33, /**< Stage work item */
  TECHSALES_ENUM_KIND_PROBABILITY_FACTOR = 34, /**< Win-probability factor */
  TECHSALES_ENUM_KIND_GRADING_FACTOR = 35, /**< Evaluation factor */
  TECHSALES_ENUM_KIND_EVALUATION_VERDICT = 36, /**< Evaluation verdict */
  TECHSALES_ENUM_KIND_GRADE_ITEM_STATUS = 37, /**< Grading status */
  TECHSALES_ENUM_KIND_EFFORT = 38, /**< Resource effort */
  TECHSALES_ENUM_KIND_HORIZON_UNIT = 39, /**< Time-horizon unit */
  TECHSALES_ENUM_KIND_STAY_REASON = 40, /**< Reason a client stays */
  TECHSALES_ENUM_KIND_POSSIBILITY_SOURCE = 41, /**< Possibility source */
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

/** Technical-sale stage (技术销售阶段). (`techsales_cycle_stage` codes) */
enum {
  TECHSALES_CYCLE_STAGE_RECOGNITION_OF_NEEDS = 0, /**< Recognition of needs / 需求识别 */
  TECHSALES_CYCLE_STAGE_EVALUATING_OPTIONS = 1, /**< Evaluating options / 方案评估 */
  TECHSALES_CYCLE_STAGE_RESOLVING_CONCERNS = 2, /**< Resolving concerns / 疑虑化解 */
  TECHSALES_CYCLE_STAGE_IMPLEMENTATION = 3, /**< Implementation / 实施 */
  TECHSALES_CYCLE_STAGE_EVOLUTION = 4, /**< Evolution (follow-up and verification) / 演进（跟进与验证） */
};

/** Technical-sale step (技术销售步骤). (`techsales_cycle_step` codes) */
enum {
  TECHSALES_CYCLE_STEP_KNOWLEDGE = 0, /**< Knowledge and SWOT / 知识与SWOT分析 */
  TECHSALES_CYCLE_STEP_INVESTMENT_CHECK = 1, /**< Worth-investing check / 投入价值评估 */
  TECHSALES_CYCLE_STEP_VISIT_PLANNING = 2, /**< Visit planning / 拜访计划 */
  TECHSALES_CYCLE_STEP_INTERVIEW = 3, /**< Needs interview / 需求访谈 */
  TECHSALES_CYCLE_STEP_EVALUATION_FRAMEWORK = 4, /**< Evaluation framework agreed with the client / 与客户商定的评估框架 */
  TECHSALES_CYCLE_STEP_JOINT_TEAM = 5, /**< Joint multidisciplinary team / 联合多学科团队 */
  TECHSALES_CYCLE_STEP_TECHNICAL_EVALUATION = 6, /**< Technical evaluation / 技术评估 */
  TECHSALES_CYCLE_STEP_ECONOMIC_EVALUATION = 7, /**< Economic evaluation / 经济评估 */
  TECHSALES_CYCLE_STEP_PRESENTATION = 8, /**< Presentation of results and proposals / 结果与方案陈述 */
  TECHSALES_CYCLE_STEP_RESPONSIBILITIES_AND_GUARANTEES = 9, /**< Responsibilities and guarantees agreed / 双方责任与保证的约定 */
  TECHSALES_CYCLE_STEP_ASSEMBLY = 10, /**< Assembly / 安装 */
  TECHSALES_CYCLE_STEP_ACCOMPANIMENT = 11, /**< Accompaniment / 陪同支持 */
  TECHSALES_CYCLE_STEP_PROBLEM_SOLVING = 12, /**< Problem solving / 问题解决 */
  TECHSALES_CYCLE_STEP_PERFORMANCE_EVALUATION = 13, /**< Performance evaluation / 性能评估 */
  TECHSALES_CYCLE_STEP_ADJUSTMENTS = 14, /**< Adjustments / 调整 */
  TECHSALES_CYCLE_STEP_FOLLOW_UP = 15, /**< Follow-up / 跟进 */
  TECHSALES_CYCLE_STEP_CONDITIONS_VERIFICATION = 16, /**< Verification of agreed conditions / 约定条件核查 */
  TECHSALES_CYCLE_STEP_AFTER_SALES = 17, /**< After-sales service / 售后服务 */
};

/** Client decision (客户决定). (`techsales_cycle_decision` codes) */
enum {
  TECHSALES_CYCLE_DECISION_AGREEMENT = 0, /**< Agreement / 达成协议 */
  TECHSALES_CYCLE_DECISION_NO_AGREEMENT = 1, /**< No agreement / 未达成协议 */
};

/** Technical-sale outcome (技术销售结果). (`techsales_cycle_outcome` codes) */
enum {
  TECHSALES_CYCLE_OUTCOME_PENDING = 0, /**< Pending decision / 待决策 */
  TECHSALES_CYCLE_OUTCOME_AGREEMENT = 1, /**< Agreement / 达成协议 */
  TECHSALES_CYCLE_OUTCOME_NO_AGREEMENT = 2, /**< No agreement (lost) / 未达成协议（丢单） */
  TECHSALES_CYCLE_OUTCOME_CANCELLED = 3, /**< Cancelled during implementation / 实施中取消 */
  TECHSALES_CYCLE_OUTCOME_ABANDONED = 4, /**< Abandoned before the decision / 决策前放弃 */
  TECHSALES_CYCLE_OUTCOME_LOST = 5, /**< Lost before the decision / 决策前丢单 */
  TECHSALES_CYCLE_OUTCOME_RELATIONSHIP_CLOSED = 6, /**< Relationship's cycle closed / 合作循环已结束 */
};

/** Knowledge area (知识领域). (`techsales_knowledge_area` codes) */
enum {
  TECHSALES_KNOWLEDGE_AREA_PRODUCT_SERVICE = 0, /**< Product-service / 产品与服务 */
  TECHSALES_KNOWLEDGE_AREA_ENVIRONMENT = 1, /**< Environment (industry) / 行业环境 */
  TECHSALES_KNOWLEDGE_AREA_OWN_COMPANY = 2, /**< Our company / 本公司 */
  TECHSALES_KNOWLEDGE_AREA_COMPETITION = 3, /**< Competition / 竞争对手 */
  TECHSALES_KNOWLEDGE_AREA_CLIENT = 4, /**< Client / 客户 */
};

/** Visit-planning question (拜访规划问题). (`techsales_visit_question` codes) */
enum {
  TECHSALES_VISIT_QUESTION_WHAT = 0, /**< What? / 做什么？ */
  TECHSALES_VISIT_QUESTION_WHO = 1, /**< Who? / 找谁？ */
  TECHSALES_VISIT_QUESTION_HOW_MUCH = 2, /**< How much? / 多少？ */
  TECHSALES_VISIT_QUESTION_WHEN = 3, /**< When? / 何时？ */
  TECHSALES_VISIT_QUESTION_WHERE = 4, /**< Where? / 何地？ */
  TECHSALES_VISIT_QUESTION_HOW = 5, /**< How? / 如何做？ */
  TECHSALES_VISIT_QUESTION_WHY = 6, /**< Why? / 为什么？ */
};

/** Scope (范围). (`techsales_scope` codes) */
enum {
  TECHSALES_SCOPE_SHORT_TERM = 0, /**< Short term / 短期 */
  TECHSALES_SCOPE_LONG_TERM = 1, /**< Long term / 长期 */
};

/** Technical evaluation phase (技术评估阶段). (`techsales_technical_phase` codes) */
enum {
  TECHSALES_TECHNICAL_PHASE_LABORATORY = 0, /**< Laboratory / 实验室 */
  TECHSALES_TECHNICAL_PHASE_PILOT_PLANT = 1, /**< Pilot plant / 中试装置 */
  TECHSALES_TECHNICAL_PHASE_PLANT = 2, /**< Plant / 工厂 */
};

/** Phase result (阶段结果). (`techsales_phase_result` codes) */
enum {
  TECHSALES_PHASE_RESULT_PASSED = 0, /**< Passed / 通过 */
  TECHSALES_PHASE_RESULT_FAILED = 1, /**< Failed / 未通过 */
  TECHSALES_PHASE_RESULT_ADJUSTED = 2, /**< Passed with adjustments / 调整后通过 */
};

/** Step requirement (步骤要求). (`techsales_step_requirement` codes) */
enum {
  TECHSALES_STEP_REQUIREMENT_REQUIRED = 0, /**< Required / 必需 */
  TECHSALES_STEP_REQUIREMENT_OPTIONAL = 1, /**< Optional / 可选 */
  TECHSALES_STEP_REQUIREMENT_SKIPPED = 2, /**< Skipped / 跳过 */
};

/** Technical-sale event (技术销售事件). (`techsales_cycle_event_kind` codes) */
enum {
  TECHSALES_CYCLE_EVENT_KIND_KNOWLEDGE_GATHERED = 0, /**< Knowledge gathered / 已掌握相关知识 */
  TECHSALES_CYCLE_EVENT_KIND_INVESTMENT_CHECKED = 1, /**< Worth-investing check made / 已完成投入价值评估 */
  TECHSALES_CYCLE_EVENT_KIND_VISIT_PLANNED = 2, /**< Visit planned / 已制定拜访计划 */
  TECHSALES_CYCLE_EVENT_KIND_INTERVIEW_HELD = 3, /**< Interview held / 已进行需求访谈 */
  TECHSALES_CYCLE_EVENT_KIND_FRAMEWORK_AGREED = 4, /**< Evaluation framework agreed / 已商定评估框架 */
  TECHSALES_CYCLE_EVENT_KIND_JOINT_TEAM_FORMED = 5, /**< Joint team formed / 已组建联合团队 */
  TECHSALES_CYCLE_EVENT_KIND_TECHNICAL_PHASE_RUN = 6, /**< Technical phase run / 已进行技术试验阶段 */
  TECHSALES_CYCLE_EVENT_KIND_ECONOMIC_EVALUATED = 7, /**< Economic evaluation made / 已完成经济评估 */
  TECHSALES_CYCLE_EVENT_KIND_RESPONSIBILITIES_AGREED = 8, /**< Responsibilities and guarantees agreed / 已商定责任与保证 */
  TECHSALES_CYCLE_EVENT_KIND_STEP_COMPLETED = 9, /**< Step completed / 步骤已完成 */
  TECHSALES_CYCLE_EVENT_KIND_OBJECTION_RAISED = 10, /**< Objection raised / 客户提出异议 */
  TECHSALES_CYCLE_EVENT_KIND_OBJECTION_RESOLVED = 11, /**< Objection resolved / 异议已化解 */
  TECHSALES_CYCLE_EVENT_KIND_CLIENT_DECIDED = 12, /**< Client decided / 客户已决策 */
  TECHSALES_CYCLE_EVENT_KIND_DEAL_MODIFIED = 13, /**< Deal modified / 交易已修改 */
  TECHSALES_CYCLE_EVENT_KIND_DEAL_CANCELLED = 14, /**< Deal cancelled / 交易已取消 */
  TECHSALES_CYCLE_EVENT_KIND_LESSON_LEARNED = 15, /**< Lesson learned / 已总结经验 */
  TECHSALES_CYCLE_EVENT_KIND_ADVANCE = 16, /**< Moved to the next stage / 进入下一阶段 */
  TECHSALES_CYCLE_EVENT_KIND_INVESTMENT_OVERRIDDEN = 17, /**< Worth-investing check overridden / 已否决投入价值评估结论 */
  TECHSALES_CYCLE_EVENT_KIND_CRITICAL_SITUATION_NOTED = 18, /**< Critical situation noted / 已记录潜在关键情况 */
  TECHSALES_CYCLE_EVENT_KIND_CYCLE_ENDED = 19, /**< Cycle ended before the decision / 决策前结束循环 */
  TECHSALES_CYCLE_EVENT_KIND_RELATIONSHIP_CLOSED = 20, /**< Relationship's cycle closed / 合作循环已结束 */
  TECHSALES_CYCLE_EVENT_KIND_VARIANT_ADOPTED = 21, /**< Variant adopted for the new iteration / 新一轮采用新的循环变体 */
  TECHSALES_CYCLE_EVENT_KIND_VARIANT_DECLINED = 22, /**< Offered variant declined / 已拒绝提供的循环变体 */
};

/** Guidance action (指导行动). (`techsales_guidance_action` codes) */
enum {
  TECHSALES_GUIDANCE_ACTION_COMPLETE_STEP = 0, /**< Complete a step / 完成步骤 */
  TECHSALES_GUIDANCE_ACTION_RUN_TECHNICAL_PHASE = 1, /**< Run a technical trial phase / 进行技术试验阶段 */
  TECHSALES_GUIDANCE_ACTION_RESOLVE_OBJECTION = 2, /**< Resolve an objection / 化解异议 */
  TECHSALES_GUIDANCE_ACTION_CLIENT_DECISION = 3, /**< Obtain the client's decision / 获取客户决策 */
  TECHSALES_GUIDANCE_ACTION_ADVANCE = 4, /**< Move to the next stage / 进入下一阶段 */
  TECHSALES_GUIDANCE_ACTION_START_NEXT_ITERATION = 5, /**< Start the next iteration / 开始下一轮循环 */
};

/** Key-account stage (大客户销售阶段). (`techsales_key_account_stage` codes) */
enum {
  TECHSALES_KEY_ACCOUNT_STAGE_DEVELOPMENT = 0, /**< Development / 开发阶段 */
  TECHSALES_KEY_ACCOUNT_STAGE_SALES_ENTRY = 1, /**< Sales entry / 销售进入阶段 */
  TECHSALES_KEY_ACCOUNT_STAGE_PROPOSAL = 2, /**< Proposal / 方案阶段 */
  TECHSALES_KEY_ACCOUNT_STAGE_BIDDING = 3, /**< Bidding / 投标阶段 */
  TECHSALES_KEY_ACCOUNT_STAGE_BUSINESS_NEGOTIATION = 4, /**< Business negotiation / 商务谈判阶段 */
  TECHSALES_KEY_ACCOUNT_STAGE_PROJECT_IMPLEMENTATION = 5, /**< Project implementation / 项目实施阶段 */
};

/** Procurement step (客户采购步骤). (`techsales_procurement_step` codes) */
enum {
  TECHSALES_PROCUREMENT_STEP_INTERNAL_DEMAND = 0, /**< Internal demand and project approval / 内部需求与立项 */
  TECHSALES_PROCUREMENT_STEP_SUPPLIER_SCREENING = 1, /**< Preliminary investigation and supplier screening / 初步调研与供应商筛选 */
  TECHSALES_PROCUREMENT_STEP_PROCUREMENT_INDEX = 2, /**< Formulating the procurement index / 制定采购指标 */
  TECHSALES_PROCUREMENT_STEP_BIDDING_AND_EVALUATION = 3, /**< Bidding and bid evaluation / 招标与评标 */
  TECHSALES_PROCUREMENT_STEP_PURCHASE_COMMITMENT = 4, /**< Purchase commitment / 采购承诺 */
  TECHSALES_PROCUREMENT_STEP_INSTALLATION = 5, /**< Installation and implementation / 安装与实施 */
};

/** Key node (关键节点). (`techsales_key_node` codes) */
enum {
  TECHSALES_KEY_NODE_OPPORTUNITY_GRADED = 0, /**< Opportunity evaluated and graded / 机会已评估并分级 */
  TECHSALES_KEY_NODE_INSIDERS_FOUND = 1, /**< Insiders found / 已找到内线 */
  TECHSALES_KEY_NODE_KEY_PEOPLE_IDENTIFIED = 2, /**< Key people identified / 已识别关键人 */
  TECHSALES_KEY_NODE_STANDARDS_INFLUENCED = 3, /**< Procurement standards influenced / 已影响客户采购标准 */
  TECHSALES_KEY_NODE_BID_SUBMITTED = 4, /**< Bid submitted or negotiated / 已投标或议标 */
  TECHSALES_KEY_NODE_CONTRACT_APPROVED = 5, /**< Contract approved / 合同已审批 */
  TECHSALES_KEY_NODE_CONTRACT_SIGNED = 6, /**< Contract signed / 合同已签订 */
  TECHSALES_KEY_NODE_PROJECT_ACCEPTED = 7, /**< Project accepted / 项目已验收 */
  TECHSALES_KEY_NODE_PROJECT_COMPLETED = 8, /**< Project completed / 项目已完成 */
};

/** Buying role (采购角色). (`techsales_buying_role` codes) */
enum {
  TECHSALES_BUYING_ROLE_ECONOMIC_BUYER = 0, /**< Economic buyer / 经济决策者 */
  TECHSALES_BUYING_ROLE_TECHNICAL_BUYER = 1, /**< Technical buyer / 技术把关者 */
  TECHSALES_BUYING_ROLE_USER_BUYER = 2, /**< User buyer / 使用者 */
  TECHSALES_BUYING_ROLE_COACH = 3, /**< Coach (insider) / 教练（内线） */
};

/** Degree of influence (影响程度). (`techsales_influence_degree` codes) */
enum {
  TECHSALES_INFLUENCE_DEGREE_LOW = 0, /**< Low influence / 影响力低 */
  TECHSALES_INFLUENCE_DEGREE_MEDIUM = 1, /**< Medium influence / 影响力中等 */
  TECHSALES_INFLUENCE_DEGREE_HIGH = 2, /**< High influence / 影响力高 */
};

/** Attitude (态度). (`techsales_attitude` codes) */
enum {
  TECHSALES_ATTITUDE_UNKNOWN = 0, /**< Unknown / 未知 */
  TECHSALES_ATTITUDE_SUPPORTIVE = 1, /**< Supportive / 支持 */
  TECHSALES_ATTITUDE_NEUTRAL = 2, /**< Neutral / 中立 */
  TECHSALES_ATTITUDE_OPPOSED = 3, /**< Opposed / 反对 */
};

/** Key-account outcome (大客户销售结果). (`techsales_key_account_outcome` codes) */
enum {
  TECHSALES_KEY_ACCOUNT_OUTCOME_WON = 0, /**< Won (booked) / 赢单（已签约） */
  TECHSALES_KEY_ACCOUNT_OUTCOME_LOST = 1, /**< Lost / 丢单 */
  TECHSALES_KEY_ACCOUNT_OUTCOME_WITHDRAWN = 2, /**< Withdrawn / 主动退出 */
};

/** Key-node source (关键节点来源). (`techsales_node_source` codes) */
enum {
  TECHSALES_NODE_SOURCE_HAND = 0, /**< Recorded by hand / 手工记录 */
  TECHSALES_NODE_SOURCE_COVERAGE = 1, /**< Derived from buying-influence coverage / 由采购影响者覆盖情况推导 */
  TECHSALES_NODE_SOURCE_CRM = 2, /**< Reported by the CRM, not verified / 由CRM阶段推断，未经核实 */
};

/** Diagnosis verdict (诊断结论). (`techsales_diagnosis_verdict` codes) */
enum {
  TECHSALES_DIAGNOSIS_VERDICT_ALIGNED = 0, /**< Aligned with the customer / 与客户采购同步 */
  TECHSALES_DIAGNOSIS_VERDICT_BEHIND_CUSTOMER = 1, /**< Behind the customer / 落后于客户采购进程 */
  TECHSALES_DIAGNOSIS_VERDICT_PAST_UNMET_KEY_NODES = 2, /**< Past unmet key nodes / 越过了未达成的关键节点 */
  TECHSALES_DIAGNOSIS_VERDICT_AHEAD_OF_CUSTOMER = 3, /**< Ahead of the customer / 领先于客户采购进程 */
  TECHSALES_DIAGNOSIS_VERDICT_CUSTOMER_STEP_UNKNOWN = 4, /**< Customer's procurement step unknown / 客户采购步骤未知 */
  TECHSALES_DIAGNOSIS_VERDICT_CLOSED = 5, /**< Closed / 已结束 */
  TECHSALES_DIAGNOSIS_VERDICT_NURTURE = 6, /**< In nurture after a failed evaluation / 评估未通过，培育中 */
  TECHSALES_DIAGNOSIS_VERDICT_DELIVERING = 7, /**< Booked, in delivery / 已签约，交付中 */
};

/** Stage work item (阶段工作内容). (`techsales_work_item` codes) */
enum {
  TECHSALES_WORK_ITEM_SEARCH_LEADS = 0, /**< Search for leads / 搜寻客户线索 */
  TECHSALES_WORK_ITEM_COLLECT_NEEDS = 1, /**< Collect the customer's needs / 收集客户需求 */
  TECHSALES_WORK_ITEM_COLLECT_SCHEDULE = 2, /**< Clarify the project and procurement schedule / 明确项目及采购时间表 */
  TECHSALES_WORK_ITEM_COLLECT_BUDGET = 3, /**< Clarify the budget / 明确预算 */
  TECHSALES_WORK_ITEM_ASSESS_COMPETITION = 4, /**< Assess the competition / 了解竞争情况 */
  TECHSALES_WORK_ITEM_CLARIFY_DECISION_MAKING = 5, /**< Clarify how the decision is made / 明确决策方式 */
  TECHSALES_WORK_ITEM_CLARIFY_PRIORITIES = 6, /**< Clarify the priority evaluation items / 明确优先评估事项 */
  TECHSALES_WORK_ITEM_EVALUATE_OPPORTUNITY = 7, /**< Evaluate the opportunity / 评估销售机会 */
  TECHSALES_WORK_ITEM_GRADE_OPPORTUNITY = 8, /**< Grade the opportunity (A-D) / 对机会进行A-D分级 */
  TECHSALES_WORK_ITEM_CONFIRM_PROJECT_INFORMATION = 9, /**< Confirm the project information / 确认并分析项目信息 */
  TECHSALES_WORK_ITEM_FIND_INSIDERS = 10, /**< Find insiders / 寻找内线 */
  TECHSALES_WORK_ITEM_MAP_ORGANISATION = 11, /**< Map the customer's organisation and roles / 厘清客户组织结构与角色 */
  TECHSALES_WORK_ITEM_IDENTIFY_KEY_PEOPLE = 12, /**< Identify the key people / 识别关键人 */
  TECHSALES_WORK_ITEM_BUILD_RELATIONSHIPS = 13, /**< Build relationships with the key people / 与关键人建立良好关系 */
  TECHSALES_WORK_ITEM_DEMONSTRATE_SOLUTION = 14, /**< Demonstrate the product or solution / 产品与方案演示 */
  TECHSALES_WORK_ITEM_HOST_COMPANY_VISIT = 15, /**< Host a visit to our company / 邀请客户参观公司 */
  TECHSALES_WORK_ITEM_ARRANGE_REFERENCE_VISIT = 16, /**< Arrange a visit to a reference customer / 安排参观样板客户 */
  TECHSALES_WORK_ITEM_SUBMIT_PROPOSAL = 17, /**< Submit a proposal / 提交建议书 */
  TECHSALES_WORK_ITEM_INFLUENCE_STANDARDS = 18, /**< Influence the procurement standards / 影响客户采购标准 */
  TECHSALES_WORK_ITEM_INFLUENCE_DECISION_MAKERS = 19, /**< Keep influencing the main decision-makers / 持续影响主要决策者 */
  TECHSALES_WORK_ITEM_WRITE_BID = 20, /**< Write the bid / 编写标书 */
  TECHSALES_WORK_ITEM_ANALYSE_COST_AND_MARGIN = 21, /**< Analyse cost and expected margin / 分析项目成本与预期毛利 */
  TECHSALES_WORK_ITEM_POSITION_PRICE = 22, /**< Position the price / 确定价格定位 */
  TECHSALES_WORK_ITEM_REVIEW_WITHDRAWAL = 23, /**< Decide whether to withdraw if the standards are unfavourable / 如采购标准不利，决定是否退出 */
  TECHSALES_WORK_ITEM_ARRANGE_EXECUTIVE_VISIT = 24, /**< Arrange an executive visit / 安排高层拜访 */
  TECHSALES_WORK_ITEM_NEGOTIATE_TERMS = 25, /**< Negotiate the business terms / 进行商务谈判 */
  TECHSALES_WORK_ITEM_SIGN_CONTRACT = 26, /**< Get the contract approved and signed / 完成合同审批与签订 */
  TECHSALES_WORK_ITEM_IMPLEMENT_PROJECT = 27, /**< Implement the project / 实施项目 */
  TECHSALES_WORK_ITEM_OBTAIN_ACCEPTANCE = 28, /**< Obtain project acceptance / 完成项目验收 */
  TECHSALES_WORK_ITEM_BUILD_LONG_TERM_RELATIONSHIP = 29, /**< Build a long-term relationship / 建立长期合作关系 */
};

/** Win-probability factor (赢单概率因素). (`techsales_probability_factor` codes) */
enum {
  TECHSALES_PROBABILITY_FACTOR_STAGE_BASE = 0, /**< Stage base / 阶段基础概率 */
  TECHSALES_PROBABILITY_FACTOR_UNMET_KEY_NODE = 1, /**< Unmet key node / 未达成的关键节点 */
  TECHSALES_PROBABILITY_FACTOR_GRADE = 2, /**< Grade / 机会等级 */
  TECHSALES_PROBABILITY_FACTOR_UNGRADED = 3, /**< Not graded / 未分级 */
  TECHSALES_PROBABILITY_FACTOR_OUTCOME = 4, /**< Outcome / 结果 */
  TECHSALES_PROBABILITY_FACTOR_CRM_STAGE_BASE = 5, /**< CRM stage probability / CRM阶段概率 */
  TECHSALES_PROBABILITY_FACTOR_MET_AFTER_FORCING = 6, /**< Key node met after forcing / 强行推进后才达成的关键节点 */
  TECHSALES_PROBABILITY_FACTOR_INFLUENCE_AGAINST = 7, /**< Buying influence with power against us or not met / 有决定权的采购影响者反对或未接触 */
  TECHSALES_PROBABILITY_FACTOR_AGAINST_POLICY = 8, /**< Against the grade's policy / 违背等级资源策略 */
  TECHSALES_PROBABILITY_FACTOR_ENTRY_STEP = 9, /**< Procurement step when we entered / 我方介入时客户所处采购步骤 */
};

/** Evaluation factor (评估因素). (`techsales_grading_factor` codes) */
enum {
  TECHSALES_GRADING_FACTOR_PROJECT_LEVEL = 0, /**< Project level / 项目级别 */
  TECHSALES_GRADING_FACTOR_CAPITAL_STATUS = 1, /**< Capital status / 资金状况 */
  TECHSALES_GRADING_FACTOR_TECHNICAL_REQUIREMENTS = 2, /**< Technical requirements / 技术要求 */
  TECHSALES_GRADING_FACTOR_CUSTOMER_RELATIONSHIP = 3, /**< Customer relationship / 客户关系 */
  TECHSALES_GRADING_FACTOR_CUSTOMER_REPUTATION = 4, /**< Customer reputation / 客户信誉 */
  TECHSALES_GRADING_FACTOR_COMPETITION_PRODUCTS = 5, /**< Competition: products / 竞争：产品 */
  TECHSALES_GRADING_FACTOR_COMPETITION_PRICES = 6, /**< Competition: prices / 竞争：价格 */
  TECHSALES_GRADING_FACTOR_COMPETITION_TECHNICAL_SOLUTIONS = 7, /**< Competition: technical solutions / 竞争：技术方案 */
  TECHSALES_GRADING_FACTOR_COMPETITION_AFTER_SALES = 8, /**< Competition: after-sales service / 竞争：售后服务 */
};

/** Evaluation verdict (评估结论). (`techsales_evaluation_verdict` codes) */
enum {
  TECHSALES_EVALUATION_VERDICT_PASS = 0, /**< Pass: grade it and move to the next stage / 通过：进行分级并进入下一销售阶段 */
  TECHSALES_EVALUATION_VERDICT_LOWER_CONTACT_LEVEL = 1, /**< Fail: lower the contact level / 未通过：降低接触级别 */
  TECHSALES_EVALUATION_VERDICT_GIVE_UP = 2, /**< Fail: give up / 未通过：放弃 */
  TECHSALES_EVALUATION_VERDICT_NOT_ENOUGH_KNOWN = 3, /**< Not enough known to evaluate / 已知信息不足，无法评估 */
};

/** Grading status (分级状态). (`techsales_grade_item_status` codes) */
enum {
  TECHSALES_GRADE_ITEM_STATUS_GRADED = 0, /**< Passed and graded / 通过评估并已分级 */
  TECHSALES_GRADE_ITEM_STATUS_LOWER_CONTACT_LEVEL = 1, /**< Failed: lower the contact level / 未通过：降低接触级别 */
  TECHSALES_GRADE_ITEM_STATUS_GIVE_UP = 2, /**< Failed: give up / 未通过：放弃 */
  TECHSALES_GRADE_ITEM_STATUS_INVALID_RATING = 3, /**< Invalid rating / 评分无效 */
  TECHSALES_GRADE_ITEM_STATUS_INVALID_POSSIBILITY = 4, /**< Invalid transaction possibility / 成交可能性无效 */
  TECHSALES_GRADE_ITEM_STATUS_CLOSE_DATE_IN_PAST = 5, /**< Expected close date has passed / 预计成交日期已过 */
  TECHSALES_GRADE_ITEM_STATUS_NOT_ENOUGH_KNOWN = 6, /**< Not enough known to evaluate / 已知信息不足，无法评估 */
};

/** Resource effort (资源投入). (`techsales_effort` codes) */
enum {
  TECHSALES_EFFORT_ALL_OUT = 0, /**< Go all out / 全力以赴 */
  TECHSALES_EFFORT_CONTROLLED_TIME = 1, /**< Control the time invested / 控制投入时间 */
  TECHSALES_EFFORT_WATCH = 2, /**< Watch for changes / 关注变化 */
  TECHSALES_EFFORT_LAST = 3, /**< Last in line / 最后考虑 */
};

/** Time-horizon unit (时间范围单位). (`techsales_horizon_unit` codes) */
enum {
  TECHSALES_HORIZON_UNIT_DAYS = 0, /**< days / 天 */
  TECHSALES_HORIZON_UNIT_MONTHS = 1, /**< months / 个月 */
};

/** Reason a client stays (客户留下的原因). (`techsales_stay_reason` codes) */
enum {
  TECHSALES_STAY_REASON_TRUST = 0, /**< Trusts our service / 信任我们的服务 */
  TECHSALES_STAY_REASON_WELL_CARED_FOR = 1, /**< Feels well cared for / 感到被悉心照顾 */
  TECHSALES_STAY_REASON_FAIR_VALUE = 2, /**< Gets fair value for what it pays / 付出与所得公平 */
  TECHSALES_STAY_REASON_EXCEEDED_EXPECTATIONS = 3, /**< Expectations exceeded / 超出期望 */
  TECHSALES_STAY_REASON_EXPERIENCE_QUALITY = 4, /**< Outstanding quality of the whole experience / 整体体验质量卓越 */
};

/** Possibility source (成交可能性来源). (`techsales_possibility_source` codes) */
enum {
  TECHSALES_POSSIBILITY_SOURCE_GIVEN = 0, /**< Given / 给定 */
  TECHSALES_POSSIBILITY_SOURCE_DERIVED = 1, /**< Derived from the evaluation score / 由评估得分推算 */
  TECHSALES_POSSIBILITY_SOURCE_UNKNOWN = 2, /**< Unknown / 未知 */
};


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
 * One technical sale with one customer: its variant, state and journal
 * (opaque).
 */
typedef struct techsales_cycle techsales_cycle;

/**
 * A grader: the evaluation model, the grade table and the resource
 * policies (opaque, shareable).
 */
typedef struct techsales_grader techsales_grader;

/**
 * One key-account deal: its state and journal (opaque).
 */
typedef struct techsales_key_account techsales_key_account;

/**
 * A key-account process definition: stage probabilities, key nodes,
 * forcing penalty, coverage rule, grade factors (opaque, shareable).
 */
typedef struct techsales_key_account_definition techsales_key_account_definition;

/**
 * The differentiation planner and its configuration (opaque, shareable).
 */
typedef struct techsales_planner techsales_planner;

/**
 * A whole book: accounts, deals, cycles and the definitions in use
 * (opaque).
 */
typedef struct techsales_portfolio techsales_portfolio;

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
  /**
   * `TECHSALES_STAY_REASON_*`: the reason a client stays (source 000)
   * the action serves most.
   */
  uint32_t serves;
} techsales_recommendation;

/**
 * What a grade means for resources.
 */
typedef struct techsales_resource_policy {
  /**
   * `TECHSALES_EFFORT_*`.
   */
  uint32_t effort;
  /**
   * Whether to enter the sales process.
   */
  bool enter_sales_process;
  /**
   * Whether to keep up customer maintenance rather than active selling.
   */
  bool maintain_customer;
  /**
   * Days between reviews of the opportunity.
   */
  uint16_t review_every_days;
} techsales_resource_policy;

/**
 * How the items of a batch came out.
 */
typedef struct techsales_batch_summary {
  /**
   * Items that passed evaluation and were graded.
   */
  size_t graded;
  /**
   * Items that failed evaluation (lower the contact level, or give up).
   */
  size_t failed;
  /**
   * Items whose input was refused.
   */
  size_t invalid;
  /**
   * Items with too few ratings known to evaluate
   * (`TECHSALES_GRADE_ITEM_STATUS_NOT_ENOUGH_KNOWN`). The four counts add
   * up to the batch's length.
   */
  size_t not_enough_known;
} techsales_batch_summary;

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
 * pointer stays valid until the next failed call on the same thread. In a
 * thread-local destructor that runs after the library's own, the message is
 * lost and a static text says so.
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
 * Every domain enum as JSON: an array of `{"kind": {...}, "values":
 * [...]}`, where the kind and each value carry `code`, `key`, `en` and
 * `zh`; the kind's code is its `TECHSALES_ENUM_KIND_*`. Free the string
 * with [`super::techsales_string_free`].
 *
 * # Safety
 * `out_json` NULL or writable.
 */
techsales_result techsales_catalogue_json(char **out_json);

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
 * A customer loaded from JSON made by [`techsales_customer_to_json`]; a
 * record whose history does not hold together is refused.
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

/**
 * A new technical sale at recognition of needs, first iteration, under
 * the built-in variant of a customer type (`TECHSALES_CUSTOMER_TYPE_*`).
 *
 * # Safety
 * `out_cycle` NULL or writable. Free with [`techsales_cycle_free`].
 */
techsales_result techsales_cycle_new(uint32_t customer_type, struct techsales_cycle **out_cycle);

/**
 * A new technical sale under a variant given as JSON (the customer type,
 * every step's requirement, the latest technical phase to start at);
 * a bad variant is refused naming the field.
 *
 * # Safety
 * `variant_json` NULL or NUL-terminated; `out_cycle` NULL or writable.
 */
techsales_result techsales_cycle_new_with_variant(const char *variant_json,
                                                  struct techsales_cycle **out_cycle);

/**
 * Frees a technical sale. NULL is ignored.
 *
 * # Safety
 * `cycle` is NULL or a live handle, not used afterwards.
 */
void techsales_cycle_free(struct techsales_cycle *cycle);

/**
 * Applies any event given as a journal entry in JSON, for example
 * `{"at":"2026-03-01T09:00:00Z","actor":"li","event":{"event":"advance","to":"evaluating_options"}}`.
 * A refusal (`TECHSALES_RESULT_REFUSED_TRANSITION`, the message says why)
 * leaves the sale unchanged.
 *
 * # Safety
 * `cycle` NULL or live; `entry_json` NULL or NUL-terminated.
 */
techsales_result techsales_cycle_apply_json(struct techsales_cycle *cycle,
                                            const char *entry_json);

/**
 * Moves to the next stage (from evolution, to a new iteration at
 * recognition of needs); refused while required steps of the stage are
 * not done (the message names them), and at resolving concerns, which
 * ends with the client's decision instead.
 *
 * # Safety
 * `cycle` NULL or live; `actor` NULL or NUL-terminated.
 */
techsales_result techsales_cycle_advance(struct techsales_cycle *cycle,
                                         int64_t at,
                                         const char *actor);

/**
 * Records a step without an artefact of its own
 * (`TECHSALES_CYCLE_STEP_*`, for example presentation or assembly) as
 * done, with a summary.
 *
 * # Safety
 * `cycle` NULL or live; strings NULL or NUL-terminated.
 */
techsales_result techsales_cycle_complete_step(struct techsales_cycle *cycle,
                                               int64_t at,
                                               const char *actor,
                                               uint32_t step,
                                               const char *summary);

/**
 * Records an objection the client raised (resolving concerns only); `id`
 * must be new.
 *
 * # Safety
 * `cycle` NULL or live; strings NULL or NUL-terminated.
 */
techsales_result techsales_cycle_raise_objection(struct techsales_cycle *cycle,
                                                 int64_t at,
                                                 const char *actor,
                                                 const char *id,
                                                 const char *text);

/**
 * Resolves an open objection; an unknown `id` gives
 * `TECHSALES_RESULT_NOT_FOUND`.
 *
 * # Safety
 * `cycle` NULL or live; strings NULL or NUL-terminated.
 */
techsales_result techsales_cycle_resolve_objection(struct techsales_cycle *cycle,
                                                   int64_t at,
                                                   const char *actor,
                                                   const char *id,
                                                   const char *resolution);

/**
 * Records the client's decision (`TECHSALES_CYCLE_DECISION_*`) at the end
 * of resolving concerns: agreement moves to implementation, no agreement
 * ends the cycle. Refused while required steps or objections are open.
 *
 * # Safety
 * `cycle` NULL or live; `actor` NULL or NUL-terminated.
 */
techsales_result techsales_cycle_decide(struct techsales_cycle *cycle,
                                        int64_t at,
                                        const char *actor,
                                        uint32_t decision);

/**
 * Records a lesson learned; it is kept across iterations.
 *
 * # Safety
 * `cycle` NULL or live; strings NULL or NUL-terminated.
 */
techsales_result techsales_cycle_learn(struct techsales_cycle *cycle,
                                       int64_t at,
                                       const char *actor,
                                       const char *lesson);

/**
 * Cancels the deal during implementation, with a reason; the cycle ends.
 *
 * # Safety
 * `cycle` NULL or live; strings NULL or NUL-terminated.
 */
techsales_result techsales_cycle_cancel(struct techsales_cycle *cycle,
                                        int64_t at,
                                        const char *actor,
                                        const char *reason);

/**
 * Where the sale stands: its stage (`TECHSALES_CYCLE_STAGE_*`; for an
 * ended cycle, the stage it ended in), the outcome of the current
 * iteration (`TECHSALES_CYCLE_OUTCOME_*`) and the iteration number, from 1.
 *
 * # Safety
 * `cycle` NULL or live; out-parameters NULL or writable.
 */
techsales_result techsales_cycle_status(const struct techsales_cycle *cycle,
                                        uint32_t *out_stage,
                                        uint32_t *out_outcome,
                                        uint32_t *out_iteration);

/**
 * The customer type (`TECHSALES_CUSTOMER_TYPE_*`) whose variant the sale
 * runs under.
 *
 * # Safety
 * `cycle` NULL or live; `out_type` NULL or writable.
 */
techsales_result techsales_cycle_customer_type(const struct techsales_cycle *cycle,
                                               uint32_t *out_type);

/**
 * The required steps of the current stage not done yet, as a mask with
 * bit `1 << TECHSALES_CYCLE_STEP_*` set for each.
 *
 * # Safety
 * `cycle` NULL or live; `out_mask` NULL or writable.
 */
techsales_result techsales_cycle_missing_steps(const struct techsales_cycle *cycle,
                                               uint32_t *out_mask);

/**
 * What remains to do in the current stage (open steps, technical phases
 * to run, objections to resolve, and what ends the stage, each marked
 * ready or waiting), as JSON (`as_text` false) or as text in `language`
 * (`as_text` true). Free the string with [`techsales_string_free`].
 *
 * # Safety
 * `cycle` NULL or live; `out_text` NULL or writable.
 */
techsales_result techsales_cycle_guidance(const struct techsales_cycle *cycle,
                                          uint32_t language,
                                          bool as_text,
                                          char **out_text);

/**
 * The sale (variant, state and journal) as JSON, the format the Rust API
 * serialises. Free the string with [`techsales_string_free`].
 *
 * # Safety
 * `cycle` NULL or live; `out_json` NULL or writable.
 */
techsales_result techsales_cycle_to_json(const struct techsales_cycle *cycle, char **out_json);

/**
 * Loads a sale from JSON made by [`techsales_cycle_to_json`]. The journal
 * is replayed under the stored variant and must rebuild exactly the stored
 * state, so a tampered or inconsistent document is refused
 * (`TECHSALES_RESULT_INVALID_JSON`); another format version gives
 * `TECHSALES_RESULT_UNSUPPORTED_VERSION`.
 *
 * # Safety
 * `json` NULL or NUL-terminated; `out_cycle` NULL or writable.
 */
techsales_result techsales_cycle_from_json(const char *json, struct techsales_cycle **out_cycle);

/**
 * Writes 1970-01-01 + `days` as a calendar date.
 *
 * # Safety
 * Out-parameters NULL or writable.
 */
techsales_result techsales_date_to_ymd(int32_t days,
                                       int32_t *out_year,
                                       uint32_t *out_month,
                                       uint32_t *out_day);

/**
 * The number of days from 1970-01-01 to a calendar date (negative before).
 *
 * # Safety
 * `out_days` NULL or writable.
 */
techsales_result techsales_date_from_ymd(int32_t year,
                                         uint32_t month,
                                         uint32_t day,
                                         int32_t *out_days);

/**
 * A grader: the built-in defaults when `json` is NULL, otherwise the
 * grading configuration it holds (missing fields take their defaults).
 *
 * # Safety
 * `json` NULL or NUL-terminated; `out_grader` NULL or writable. Free the
 * handle with [`techsales_grader_free`].
 */
techsales_result techsales_grader_new(const char *json, struct techsales_grader **out_grader);

/**
 * Frees a grader. NULL is ignored.
 *
 * # Safety
 * `grader` is NULL or a live handle, not used afterwards.
 */
void techsales_grader_free(struct techsales_grader *grader);

/**
 * The grader's whole configuration as JSON (the form
 * [`techsales_grader_new`] reads). Free the string with
 * [`techsales_string_free`].
 *
 * # Safety
 * `grader` NULL or live; `out_json` NULL or writable.
 */
techsales_result techsales_grader_to_json(const struct techsales_grader *grader, char **out_json);

/**
 * Evaluates a project's nine ratings: the verdict
 * (`TECHSALES_EVALUATION_VERDICT_*`), the score (0-10) and the knock-outs
 * hit as a mask with bit `1 << TECHSALES_GRADING_FACTOR_*` set for each.
 * A NaN rating is unknown (left out, or scored as the model's neutral
 * value); an infinite or out-of-range rating is refused, naming the factor.
 *
 * # Safety
 * `grader` NULL or live; `ratings` NULL or nine readable doubles;
 * out-parameters NULL or writable.
 */
techsales_result techsales_grader_evaluate(const struct techsales_grader *grader,
                                           const double *ratings,
                                           uint32_t *out_verdict,
                                           double *out_score,
                                           uint32_t *out_knocked_out);

/**
 * Evaluates and grades one opportunity as of `as_of_day`: writes its
 * status (`TECHSALES_GRADE_ITEM_STATUS_*`: graded, or failed evaluation),
 * its grade (`TECHSALES_GRADE_*`, or [`TECHSALES_NO_GRADE`] when it failed
 * evaluation) and its evaluation score (0-10).
 *
 * A NaN rating is unknown. A NaN `possibility` is none given: it is
 * derived from the evaluation score by the grader's curve. Input the batch
 * would mark with an error status (an infinite or out-of-range rating, an
 * infinite or out-of-range possibility, a close date before `as_of_day`
 * where the table refuses it) is refused here with
 * `TECHSALES_RESULT_INVALID_ARGUMENT` and a message that names it.
 *
 * # Safety
 * `grader` NULL or live; `ratings` NULL or nine readable doubles;
 * out-parameters NULL or writable.
 */
techsales_result techsales_grader_grade(const struct techsales_grader *grader,
                                        const double *ratings,
                                        int32_t expected_close_day,
                                        int32_t as_of_day,
                                        double possibility,
                                        uint32_t *out_status,
                                        uint32_t *out_grade,
                                        double *out_score);

/**
 * Grades one opportunity and explains every step (each factor's
 * contribution, the knock-outs, the verdict, each band of the table and
 * the resource policy), as JSON (`as_text` false) or as text in `language`
 * (`as_text` true). Refuses what [`techsales_grader_grade`] refuses. Free
 * the string with [`techsales_string_free`].
 *
 * # Safety
 * As [`techsales_grader_grade`]; `out_text` NULL or writable.
 */
techsales_result techsales_grader_explain(const struct techsales_grader *grader,
                                          const double *ratings,
                                          int32_t expected_close_day,
                                          int32_t as_of_day,
                                          double possibility,
                                          uint32_t language,
                                          bool as_text,
                                          char **out_text);

/**
 * The resource policy of a grade (`TECHSALES_GRADE_*`).
 *
 * # Safety
 * `grader` NULL or live; `out_policy` NULL or writable.
 */
techsales_result techsales_grader_policy(const struct techsales_grader *grader,
                                         uint32_t grade,
                                         struct techsales_resource_policy *out_policy);

/**
 * Grades `n` opportunities given as columns, as of `as_of_day`, into the
 * caller's arrays, without allocating.
 *
 * - `ratings`: nine column pointers, in `TECHSALES_GRADING_FACTOR_*`
 *   order, each to `n` doubles;
 * - `close_day`: `n` expected close dates, days since the Unix epoch
 *   (dates beyond the calendar's range, about 262,000 years away, count
 *   as the farthest date it has);
 * - `possibility`: `n` transaction possibilities (0-1; NaN where none is
 *   given, derived from the evaluation score by the grader's curve);
 * - `out_status`: `n` `TECHSALES_GRADE_ITEM_STATUS_*` codes: graded,
 *   failed evaluation, or an error status for that item alone (invalid
 *   rating, invalid possibility, close date in the past);
 * - `out_grade`: `n` `TECHSALES_GRADE_*` codes, [`TECHSALES_NO_GRADE`]
 *   for items not graded;
 * - `out_score`: `n` evaluation scores (0-10), NaN for refused items;
 * - `out_summary`: the counts of graded, failed and invalid items.
 *
 * Each item's result is what [`techsales_grader_grade`] gives for it.
 * Column pointers may be NULL only when `n` is 0. The output arrays must
 * not overlap the inputs or each other (refused with
 * `TECHSALES_RESULT_INVALID_ARGUMENT`). Nothing is written unless the
 * call succeeds.
 *
 * # Safety
 * `grader` NULL or live; `ratings` NULL or nine readable pointers; every
 * non-NULL column holds `n` values; out-parameters NULL or writable.
 */
techsales_result techsales_grader_grade_columns(const struct techsales_grader *grader,
                                                int32_t as_of_day,
                                                const double *const *ratings,
                                                const int32_t *close_day,
                                                const double *possibility,
                                                size_t n,
                                                uint32_t *out_status,
                                                uint32_t *out_grade,
                                                double *out_score,
                                                struct techsales_batch_summary *out_summary);

/**
 * [`techsales_grader_grade_columns`] on `threads` threads: 0 uses every
 * core, 1 only the calling thread, any other number (up to
 * [`TECHSALES_MAX_THREADS`]) a pool of that many; more is refused with
 * `TECHSALES_RESULT_INVALID_ARGUMENT`. Batches of up to 32,768 items stay
 * on the calling thread. The results are the same for every thread
 * count, bit for bit.
 *
 * # Safety
 * As for [`techsales_grader_grade_columns`].
 */
techsales_result techsales_grader_grade_columns_threads(const struct techsales_grader *grader,
                                                        int32_t as_of_day,
                                                        const double *const *ratings,
                                                        const int32_t *close_day,
                                                        const double *possibility,
                                                        size_t n,
                                                        uint32_t threads,
                                                        uint32_t *out_status,
                                                        uint32_t *out_grade,
                                                        double *out_score,
                                                        struct techsales_batch_summary *out_summary);

/**
 * Learns a grading configuration from `n` closed deals given as columns,
 * starting from `grader`'s configuration ("define it, refine it, tune
 * it"): the nine factor weights, the pass threshold and the score ->
 * possibility curve, with cross-validated figures for the learned and the
 * current model.
 *
 * - `ratings`: nine column pointers, in `TECHSALES_GRADING_FACTOR_*`
 *   order, each to `n` doubles (NaN where unknown), as for
 *   [`techsales_grader_grade_columns`]; a deal with an infinite or
 *   out-of-range rating is left out and listed in the report;
 * - `outcome`: `n` doubles, 1 won, 0 lost, 2 withdrawn (anything else,
 *   NaN included, refuses the call, naming the first such item);
 * - `options_json`: the learning options as JSON (`folds`, `l2`,
 *   `min_deals`, `bands`, `withdrawn_as_lost`); NULL for the defaults;
 * - `language`: `TECHSALES_LANGUAGE_*` of `out_report_text`;
 * - `out_config_json`: the learned grading configuration, which
 *   [`techsales_grader_new`] reads;
 * - `out_report_json`, `out_report_text`: the figures, as JSON and as
 *   text.
 *
 * Too few usable deals, or only one outcome, is refused with
 * `TECHSALES_RESULT_INVALID_ARGUMENT` and a message saying so. Nothing is
 * written unless the call succeeds; free each string with
 * [`techsales_string_free`].
 *
 * # Safety
 * `grader` NULL or live; `ratings` NULL or nine readable pointers; every
 * non-NULL column holds `n` values; `options_json` NULL or
 * NUL-terminated; out-parameters NULL or writable.
 */
techsales_result techsales_grader_learn(const struct techsales_grader *grader,
                                        const double *const *ratings,
                                        const double *outcome,
                                        size_t n,
                                        const char *options_json,
                                        uint32_t language,
                                        char **out_config_json,
                                        char **out_report_json,
                                        char **out_report_text);

/**
 * A definition: the built-in defaults when `json` is NULL, otherwise the
 * definition it holds.
 *
 * # Safety
 * `json` NULL or NUL-terminated; `out_definition` NULL or writable.
 */
techsales_result techsales_key_account_definition_new(const char *json,
                                                      struct techsales_key_account_definition **out_definition);

/**
 * Frees a definition. NULL is ignored.
 *
 * # Safety
 * `definition` is NULL or a live handle, not used afterwards.
 */
void techsales_key_account_definition_free(struct techsales_key_account_definition *definition);

/**
 * A new deal in the development stage, opened at `opened_at`.
 *
 * # Safety
 * `out_deal` NULL or writable. Free with [`techsales_key_account_free`].
 */
techsales_result techsales_key_account_new(int64_t opened_at,
                                           struct techsales_key_account **out_deal);

/**
 * Frees a deal. NULL is ignored.
 *
 * # Safety
 * `deal` is NULL or a live handle, not used afterwards.
 */
void techsales_key_account_free(struct techsales_key_account *deal);

/**
 * Applies any event given as a journal entry in JSON, for example
 * `{"at":"2026-03-01T09:00:00Z","actor":"li","event":{"type":"advanced"}}`.
 * A refusal leaves the deal unchanged.
 *
 * This is the C ABI's way to every event of the lifecycle that has no
 * function of its own (the `type`, then its fields):
 * - `grade_set_by_hand` (`grade`, `reason`): a grade without an
 *   evaluation, marked as set by hand;
 * - `regraded` (`grade`, `evidence`): a new evaluation passed, which also
 *   ends a nurture;
 * - `nurtured` (`evidence`, `review_on`): the evaluation failed; the deal
 *   is kept warm at a lower contact level;
 * - `booked` (`booked_on`, optional `amount_minor`): the contract is
 *   signed, the deal is won;
 * - `delivery_cancelled` (`reason`): a booked deal's delivery stops;
 * - `lost` and `withdrawn` (`reason`): `reason` is
 *   `{"key":"price","note":"..","competitor":".."}`, its key from the
 *   definition's list (`competitor` for a reason that names one);
 * - `amount_changed` (`from_minor`, `to_minor`), `close_date_changed`
 *   (`from`, `to`), `possibility_changed` (`from`, `to`) and
 *   `owner_changed` (`owner`): the deal's history;
 * - `forecast_category_set` (`category` or none, `reason`): the
 *   salesperson's forecast category;
 * - `stage_reported` (`stage`, `crm_stage`, optional `probability` and
 *   `completed`): the stage a CRM reports, its earlier key nodes recorded
 *   as reported by the CRM.
 *
 * # Safety
 * Handles NULL or live; `entry_json` NULL or NUL-terminated.
 */
techsales_result techsales_key_account_apply_json(struct techsales_key_account *deal,
                                                  const struct techsales_key_account_definition *definition,
                                                  const char *entry_json);

/**
 * Records a key node (`TECHSALES_KEY_NODE_*`) as met, with evidence. For
 * the grading node use [`techsales_key_account_grade`].
 *
 * # Safety
 * Handles NULL or live; strings NULL or NUL-terminated.
 */
techsales_result techsales_key_account_meet_node(struct techsales_key_account *deal,
                                                 const struct techsales_key_account_definition *definition,
                                                 int64_t at,
                                                 const char *actor,
                                                 uint32_t node,
                                                 const char *evidence);

/**
 * Records the opportunity's grade (`TECHSALES_GRADE_*`): meets the
 * "opportunity evaluated and graded" node the first time, regrades after.
 *
 * # Safety
 * Handles NULL or live; strings NULL or NUL-terminated.
 */
techsales_result techsales_key_account_grade(struct techsales_key_account *deal,
                                             const struct techsales_key_account_definition *definition,
                                             int64_t at,
                                             const char *actor,
                                             uint32_t grade,
                                             const char *evidence);

/**
 * Moves to the next stage; refused (`TECHSALES_RESULT_REFUSED_TRANSITION`,
 * the message names the missing key nodes) unless every required key node
 * is met.
 *
 * # Safety
 * Handles NULL or live; `actor` NULL or NUL-terminated.
 */
techsales_result techsales_key_account_advance(struct techsales_key_account *deal,
                                               const struct techsales_key_account_definition *definition,
                                               int64_t at,
                                               const char *actor);

/**
 * Moves to the next stage although key nodes are missing; the forcing is
 * recorded with the actor and reason, and each missing node cuts the win
 * probability.
 *
 * # Safety
 * Handles NULL or live; strings NULL or NUL-terminated.
 */
techsales_result techsales_key_account_force_advance(struct techsales_key_account *deal,
                                                     const struct techsales_key_account_definition *definition,
                                                     int64_t at,
                                                     const char *actor,
                                                     const char *reason);

/**
 * Records the customer's procurement step (`TECHSALES_PROCUREMENT_STEP_*`).
 *
 * # Safety
 * Handles NULL or live; `actor` NULL or NUL-terminated.
 */
techsales_result techsales_key_account_observe_step(struct techsales_key_account *deal,
                                                    const struct techsales_key_account_definition *definition,
                                                    int64_t at,
                                                    const char *actor,
                                                    uint32_t step);

/**
 * Adds or updates a buying influence: `role` is `TECHSALES_BUYING_ROLE_*`,
 * `influence` `TECHSALES_INFLUENCE_DEGREE_*`, `attitude`
 * `TECHSALES_ATTITUDE_*`.
 *
 * # Safety
 * Handles NULL or live; strings NULL or NUL-terminated.
 */
techsales_result techsales_key_account_set_contact(struct techsales_key_account *deal,
                                                   const struct techsales_key_account_definition *definition,
                                                   int64_t at,
                                                   const char *actor,
                                                   const char *id,
                                                   const char *name,
                                                   uint32_t role,
                                                   uint32_t influence,
                                                   bool met,
                                                   uint32_t attitude);

/**
 * Closes the deal: `outcome` is `TECHSALES_KEY_ACCOUNT_OUTCOME_*`. Won books
 * the signed contract on the day of `at` (accepted from business
 * negotiation on, once `contract_signed` is met; the booked amount is the
 * opportunity's); lost and withdrawn need a reason key from the
 * definition's list (`reason` may be NULL for won). Booking with an amount,
 * a note or a competitor goes through `techsales_key_account_apply_json`.
 *
 * # Safety
 * Handles NULL or live; strings NULL or NUL-terminated.
 */
techsales_result techsales_key_account_close(struct techsales_key_account *deal,
                                             const struct techsales_key_account_definition *definition,
                                             int64_t at,
                                             const char *actor,
                                             uint32_t outcome,
                                             const char *reason);

/**
 * The deal's stage (`TECHSALES_KEY_ACCOUNT_STAGE_*`), whether it is still open, and
 * its outcome (`TECHSALES_KEY_ACCOUNT_OUTCOME_*`, meaningful only when closed).
 *
 * # Safety
 * `deal` NULL or live; out-parameters NULL or writable.
 */
techsales_result techsales_key_account_status(const struct techsales_key_account *deal,
                                              uint32_t *out_stage,
                                              bool *out_open,
                                              uint32_t *out_outcome);

/**
 * The key nodes still missing to leave the current stage, as a mask with
 * bit `1 << TECHSALES_KEY_NODE_*` set for each.
 *
 * # Safety
 * Handles NULL or live; `out_mask` NULL or writable.
 */
techsales_result techsales_key_account_missing_nodes(const struct techsales_key_account *deal,
                                                     const struct techsales_key_account_definition *definition,
                                                     uint32_t *out_mask);

/**
 * The win probability (0-1).
 *
 * # Safety
 * Handles NULL or live; `out_probability` NULL or writable.
 */
techsales_result techsales_key_account_win_probability(const struct techsales_key_account *deal,
                                                       const struct techsales_key_account_definition *definition,
                                                       double *out_probability);

/**
 * The win probability with every factor behind it, as JSON (`explain`
 * false) or as text in `language` (`explain` true). Free the string with
 * [`techsales_string_free`].
 *
 * # Safety
 * Handles NULL or live; `out_text` NULL or writable.
 */
techsales_result techsales_key_account_win_probability_explain(const struct techsales_key_account *deal,
                                                               const struct techsales_key_account_definition *definition,
                                                               uint32_t language,
                                                               bool as_text,
                                                               char **out_text);

/**
 * The diagnosis (alignment with the customer's procurement step, missing
 * work, next actions) as JSON (`as_text` false) or as a report in
 * `language` (`as_text` true). Free the string with
 * [`techsales_string_free`].
 *
 * # Safety
 * Handles NULL or live; `out_text` NULL or writable.
 */
techsales_result techsales_key_account_diagnose(const struct techsales_key_account *deal,
                                                const struct techsales_key_account_definition *definition,
                                                uint32_t language,
                                                bool as_text,
                                                char **out_text);

/**
 * The deal (state and journal) as JSON, the format the Rust API
 * serialises. Free the string with [`techsales_string_free`].
 *
 * # Safety
 * `deal` NULL or live; `out_json` NULL or writable.
 */
techsales_result techsales_key_account_to_json(const struct techsales_key_account *deal,
                                               char **out_json);

/**
 * Loads a deal from JSON made by [`techsales_key_account_to_json`]. The
 * journal is replayed under `definition` and must rebuild exactly the
 * stored state, so a tampered or inconsistent document is refused.
 *
 * # Safety
 * `definition` NULL or live; `json` NULL or NUL-terminated; `out_deal`
 * NULL or writable.
 */
techsales_result techsales_key_account_from_json(const struct techsales_key_account_definition *definition,
                                                 const char *json,
                                                 struct techsales_key_account **out_deal);

/**
 * Loads a portfolio from its JSON document. Every journal (key-account
 * and technical-sale) must replay to its stored state and every reference
 * must resolve, else `TECHSALES_RESULT_INVALID_JSON` says what does not
 * hold; another format version gives
 * `TECHSALES_RESULT_UNSUPPORTED_VERSION`, invalid definitions
 * `TECHSALES_RESULT_CONFIG_ERROR`.
 *
 * # Safety
 * `json` NULL or NUL-terminated; `out_portfolio` NULL or writable. Free
 * the handle with [`techsales_portfolio_free`].
 */
techsales_result techsales_portfolio_from_json(const char *json,
                                               struct techsales_portfolio **out_portfolio);

/**
 * Loads a portfolio from the JSON document in the file at `path` (UTF-8),
 * read as it is parsed, without holding the whole text: each deal is
 * checked as it arrives, and the text is held to the same limits as
 * [`techsales_portfolio_from_json`]. Results as for
 * [`techsales_portfolio_from_json`]; a file that cannot be opened or read
 * gives `TECHSALES_RESULT_INVALID_ARGUMENT`.
 *
 * # Safety
 * `path` NULL or NUL-terminated; `out_portfolio` NULL or writable. Free
 * the handle with [`techsales_portfolio_free`].
 */
techsales_result techsales_portfolio_from_file(const char *path,
                                               struct techsales_portfolio **out_portfolio);

/**
 * Imports a CRM export in CSV through its column mapping (JSON). Rows that
 * cannot be imported do not stop the import: `out_import_json` receives
 * `{"rows":N,"imported":N,"rejected":["line 4: ..."],"warnings":[...]}`.
 * A mapping that is refused gives `TECHSALES_RESULT_CONFIG_ERROR` (or
 * `TECHSALES_RESULT_INVALID_JSON` when it is not JSON); a file that cannot
 * be read at all, `TECHSALES_RESULT_INVALID_ARGUMENT`.
 *
 * # Safety
 * `csv` and `mapping_json` NULL or NUL-terminated; out-parameters NULL or
 * writable. Free the handle with [`techsales_portfolio_free`] and the
 * string with [`techsales_string_free`].
 */
techsales_result techsales_portfolio_import_csv(const char *csv,
                                                const char *mapping_json,
                                                struct techsales_portfolio **out_portfolio,
                                                char **out_import_json);

/**
 * Imports a CRM export with the files beside it: `accounts_csv`,
 * `contacts_csv` and `products_csv` are each NULL or the file the mapping
 * declares in `accounts`, `contacts` or `products`. A file the mapping
 * declares but that is NULL, or one given that it does not declare, gives
 * `TECHSALES_RESULT_INVALID_ARGUMENT` naming it. Otherwise as
 * [`techsales_portfolio_import_csv`]; with a contacts file the summary
 * also holds `"contact_rows":N,"contacts_imported":N`, and refused rows of
 * the other files are named by their file (`"contacts line 3: ..."`).
 *
 * # Safety
 * `csv` and `mapping_json` NULL or NUL-terminated; `accounts_csv`,
 * `contacts_csv` and `products_csv` NULL (absent) or NUL-terminated;
 * out-parameters NULL or writable. Free the handle with
 * [`techsales_portfolio_free`] and the string with
 * [`techsales_string_free`].
 */
techsales_result techsales_portfolio_import_csv_files(const char *csv,
                                                      const char *accounts_csv,
                                                      const char *contacts_csv,
                                                      const char *products_csv,
                                                      const char *mapping_json,
                                                      struct techsales_portfolio **out_portfolio,
                                                      char **out_import_json);

/**
 * Frees a portfolio. NULL is ignored.
 *
 * # Safety
 * `portfolio` is NULL or a live handle, not used afterwards.
 */
void techsales_portfolio_free(struct techsales_portfolio *portfolio);

/**
 * The portfolio as its JSON document (compact), which
 * [`techsales_portfolio_from_json`] loads back unchanged. Free the string
 * with [`techsales_string_free`].
 *
 * # Safety
 * `portfolio` NULL or live; `out_json` NULL or writable.
 */
techsales_result techsales_portfolio_to_json(const struct techsales_portfolio *portfolio,
                                             char **out_json);

/**
 * Adds an account (JSON: the customer record and its actions), or
 * replaces the account with the same id.
 *
 * # Safety
 * `portfolio` NULL or live; `account_json` NULL or NUL-terminated.
 */
techsales_result techsales_portfolio_put_account(struct techsales_portfolio *portfolio,
                                                 const char *account_json);

/**
 * Adds a key-account deal (JSON: an opportunity record with its process
 * state and journal), or replaces the deal with the same id.
 *
 * # Safety
 * `portfolio` NULL or live; `opportunity_json` NULL or NUL-terminated.
 */
techsales_result techsales_portfolio_put_opportunity(struct techsales_portfolio *portfolio,
                                                     const char *opportunity_json);

/**
 * Adds a technical-sale cycle (JSON: a cycle record with its sale), or
 * replaces the cycle with the same id.
 *
 * # Safety
 * `portfolio` NULL or live; `cycle_json` NULL or NUL-terminated.
 */
techsales_result techsales_portfolio_put_cycle(struct techsales_portfolio *portfolio,
                                               const char *cycle_json);

/**
 * Applies a key-account event, given as a journal entry in JSON, to the
 * deal `opportunity_id`, under the portfolio's process definition. Every
 * event of the lifecycle goes this way (see
 * `techsales_key_account_apply_json` for the list), for example
 * `{"at":"2026-03-01T09:00:00Z","actor":"li","event":{"type":"close_date_changed","from":"2026-06-30","to":"2026-09-30"}}`.
 *
 * # Safety
 * `portfolio` NULL or live; strings NULL or NUL-terminated.
 */
techsales_result techsales_portfolio_apply_deal_event(struct techsales_portfolio *portfolio,
                                                      const char *opportunity_id,
                                                      const char *entry_json);

/**
 * Applies a technical-sale event, given as a journal entry in JSON, to the
 * cycle `cycle_id`.
 *
 * # Safety
 * `portfolio` NULL or live; strings NULL or NUL-terminated.
 */
techsales_result techsales_portfolio_apply_cycle_event(struct techsales_portfolio *portfolio,
                                                       const char *cycle_id,
                                                       const char *entry_json);

/**
 * Sets account `account_id`'s type (`TECHSALES_CUSTOMER_TYPE_*`) at `at`
 * (Unix seconds) with a reason (NULL for none); its running cycles under
 * another type's variant are offered the new type's variant for their
 * next iteration. Writes whether the type changed.
 *
 * # Safety
 * `portfolio` NULL or live; strings NULL or NUL-terminated; `out_changed`
 * NULL or writable.
 */
techsales_result techsales_portfolio_set_account_type(struct techsales_portfolio *portfolio,
                                                      const char *account_id,
                                                      uint32_t customer_type,
                                                      int64_t at,
                                                      const char *reason,
                                                      bool *out_changed);

/**
 * One analytic of the portfolio as JSON, by name:
 *
 * - `pipeline`, `stage_flows`, `stage_durations`, `stalled`,
 *   `actions_in_progress`, `calibration`, `cycles`;
 * - `quadrant`: over the report's window, the 182 days before the as-of
 *   date;
 * - `top_deals`: the ids of the report's top deals by weighted amount
 *   (five, largest first);
 * - `forecast`: every open, nurtured or booked deal by forecast category,
 *   in total and per close month;
 * - `bookings`: booked deals by booking month and delivery status, and
 *   the win rate;
 * - `win_loss`: the ended deals by reason, by the stage they ended in, by
 *   customer type and by grade;
 * - `slipped_deals`: every deal whose expected close date moved, with
 *   each change;
 * - `amount_changes`: every recorded amount change, oldest first;
 * - `probability_trend`: for every deal, `{"id":..,"trend":[[time,
 *   probability],..]}`, its win probability after each journal entry.
 *
 * Another name gives `TECHSALES_RESULT_NOT_FOUND`. Free the string with
 * [`techsales_string_free`].
 *
 * # Safety
 * `portfolio` NULL or live; `name` NULL or NUL-terminated; `out_json` NULL
 * or writable.
 */
techsales_result techsales_portfolio_analytics_json(const struct techsales_portfolio *portfolio,
                                                    const char *name,
                                                    char **out_json);

/**
 * [`techsales_portfolio_analytics_json`] on `threads` threads: 0 uses
 * every core, 1 only the calling thread, any other number (up to
 * [`TECHSALES_MAX_THREADS`]) a pool of that many; more is refused with
 * `TECHSALES_RESULT_INVALID_ARGUMENT`. The analytics that go over every
 * deal (`pipeline`, `stage_flows`, `stage_durations`) share books of more
 * than 8,192 deals among the threads; the JSON is the same for every
 * thread count, byte for byte.
 *
 * # Safety
 * As for [`techsales_portfolio_analytics_json`].
 */
techsales_result techsales_portfolio_analytics_json_threads(const struct techsales_portfolio *portfolio,
                                                            const char *name,
                                                            uint32_t threads,
                                                            char **out_json);

/**
 * The win probability of deal `opportunity_id` after each entry of its
 * journal, under the portfolio's process definition, as JSON:
 * `[["2026-03-01T09:00:00Z",0.1],..]`, oldest first. An unknown deal gives
 * `TECHSALES_RESULT_NOT_FOUND`. Free the string with
 * [`techsales_string_free`].
 *
 * # Safety
 * `portfolio` NULL or live; `opportunity_id` NULL or NUL-terminated;
 * `out_json` NULL or writable.
 */
techsales_result techsales_portfolio_probability_trend_json(const struct techsales_portfolio *portfolio,
                                                            const char *opportunity_id,
                                                            char **out_json);

/**
 * The portfolio's report as text, with the default options, in `language`
 * (`TECHSALES_LANGUAGE_*`, as [`techsales_portfolio_html`] takes it): the
 * Rust API's `render_report_in`, byte for byte (in English,
 * `render_report`). Free the string with [`techsales_string_free`].
 *
 * # Safety
 * `portfolio` NULL or live; `out_text` NULL or writable.
 */
techsales_result techsales_portfolio_report(const struct techsales_portfolio *portfolio,
                                            uint32_t language,
                                            char **out_text);

/**
 * The portfolio's HTML report (one self-contained page with its charts
 * inline), with the default options, in `language`
 * (`TECHSALES_LANGUAGE_*`): the Rust API's `render_html`, byte for byte.
 * Free the string with [`techsales_string_free`].
 *
 * # Safety
 * `portfolio` NULL or live; `out_html` NULL or writable.
 */
techsales_result techsales_portfolio_html(const struct techsales_portfolio *portfolio,
                                          uint32_t language,
                                          char **out_html);

/**
 * The portfolio's charts as one SVG document. Free the string with
 * [`techsales_string_free`].
 *
 * # Safety
 * `portfolio` NULL or live; `out_svg` NULL or writable.
 */
techsales_result techsales_portfolio_svg(const struct techsales_portfolio *portfolio,
                                         char **out_svg);

/**
 * The differentiation actions applied to account `account_id`, oldest
 * first, as JSON; an unknown account gives `TECHSALES_RESULT_NOT_FOUND`.
 * Free the string with [`techsales_string_free`].
 *
 * # Safety
 * `portfolio` NULL or live; `account_id` NULL or NUL-terminated;
 * `out_json` NULL or writable.
 */
techsales_result techsales_portfolio_action_log_json(const struct techsales_portfolio *portfolio,
                                                     const char *account_id,
                                                     char **out_json);

/**
 * The checklist of a key-account stage (`TECHSALES_KEY_ACCOUNT_STAGE_*`):
 * its work items with labels and descriptions in both languages, as JSON.
 * Free the string with [`techsales_string_free`].
 *
 * # Safety
 * `out_json` NULL or writable.
 */
techsales_result techsales_key_account_stage_checklist_json(uint32_t stage, char **out_json);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* TECHSALES_H */
