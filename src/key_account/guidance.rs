//! The main work contents of each stage, as a checklist a CRM can show.
//!
//! Each stage of the key-account process has its own work: what to find
//! out, whom to see, what to hand over. A work item may appear in more than
//! one stage (influencing the decision-makers goes on through proposal and
//! bidding). Items have short labels and a longer description, in English
//! and Chinese.

use super::stage::Stage;
use crate::labelled_enum;
use crate::labels::Text;

labelled_enum! {
    /// One item of a stage's main work.
    pub enum WorkItem {
        /// Find leads around the time the customer approves a project.
        SearchLeads = 0, "search_leads" => ("Search for leads", "搜寻客户线索"),
        /// Find out what the customer needs.
        CollectNeeds = 1, "collect_needs" => ("Collect the customer's needs", "收集客户需求"),
        /// Find out the project and procurement schedule.
        CollectSchedule = 2, "collect_schedule" => ("Clarify the project and procurement schedule", "明确项目及采购时间表"),
        /// Find out the budget.
        CollectBudget = 3, "collect_budget" => ("Clarify the budget", "明确预算"),
        /// Find out who else competes for the project.
        AssessCompetition = 4, "assess_competition" => ("Assess the competition", "了解竞争情况"),
        /// Find out how the decision will be made.
        ClarifyDecisionMaking = 5, "clarify_decision_making" => ("Clarify how the decision is made", "明确决策方式"),
        /// Find out what the customer will weigh most when choosing.
        ClarifyPriorities = 6, "clarify_priorities" => ("Clarify the priority evaluation items", "明确优先评估事项"),
        /// Run the opportunity through the evaluation model.
        EvaluateOpportunity = 7, "evaluate_opportunity" => ("Evaluate the opportunity", "评估销售机会"),
        /// Grade the opportunity A-D.
        GradeOpportunity = 8, "grade_opportunity" => ("Grade the opportunity (A-D)", "对机会进行A-D分级"),
        /// Check again what was learned in development.
        ConfirmProjectInformation = 9, "confirm_project_information" => ("Confirm the project information", "确认并分析项目信息"),
        /// Find people inside the account who want us to win.
        FindInsiders = 10, "find_insiders" => ("Find insiders", "寻找内线"),
        /// Map the organisation, the roles and who does what in the purchase.
        MapOrganisation = 11, "map_organisation" => ("Map the customer's organisation and roles", "厘清客户组织结构与角色"),
        /// Work out who carries weight in the decision.
        IdentifyKeyPeople = 12, "identify_key_people" => ("Identify the key people", "识别关键人"),
        /// Build good relationships with the key people and the others involved.
        BuildRelationships = 13, "build_relationships" => ("Build relationships with the key people", "与关键人建立良好关系"),
        /// Show the product or solution working.
        DemonstrateSolution = 14, "demonstrate_solution" => ("Demonstrate the product or solution", "产品与方案演示"),
        /// Invite the customer to our company.
        HostCompanyVisit = 15, "host_company_visit" => ("Host a visit to our company", "邀请客户参观公司"),
        /// Take the customer to a site that already uses our product.
        ArrangeReferenceVisit = 16, "arrange_reference_visit" => ("Arrange a visit to a reference customer", "安排参观样板客户"),
        /// Hand over a written proposal.
        SubmitProposal = 17, "submit_proposal" => ("Submit a proposal", "提交建议书"),
        /// Shape the purchasing standards so that they favour our offer.
        InfluenceStandards = 18, "influence_standards" => ("Influence the procurement standards", "影响客户采购标准"),
        /// Keep working on the main decision-makers.
        InfluenceDecisionMakers = 19, "influence_decision_makers" => ("Keep influencing the main decision-makers", "持续影响主要决策者"),
        /// Write the bid so that it shows our solution fits best.
        WriteBid = 20, "write_bid" => ("Write the bid", "编写标书"),
        /// Analyse the project cost and the expected gross margin.
        AnalyseCostAndMargin = 21, "analyse_cost_and_margin" => ("Analyse cost and expected margin", "分析项目成本与预期毛利"),
        /// Decide the price position of what the bid offers.
        PositionPrice = 22, "position_price" => ("Position the price", "确定价格定位"),
        /// Decide whether unfavourable standards call for withdrawing.
        ReviewWithdrawal = 23, "review_withdrawal" => ("Decide whether to withdraw if the standards are unfavourable", "如采购标准不利，决定是否退出"),
        /// Send our senior executives to see the customer.
        ArrangeExecutiveVisit = 24, "arrange_executive_visit" => ("Arrange an executive visit", "安排高层拜访"),
        /// Negotiate the commercial terms.
        NegotiateTerms = 25, "negotiate_terms" => ("Negotiate the business terms", "进行商务谈判"),
        /// Get the supply contract approved and signed.
        SignContract = 26, "sign_contract" => ("Get the contract approved and signed", "完成合同审批与签订"),
        /// Deliver the project.
        ImplementProject = 27, "implement_project" => ("Implement the project", "实施项目"),
        /// Obtain the customer's acceptance of the project.
        ObtainAcceptance = 28, "obtain_acceptance" => ("Obtain project acceptance", "完成项目验收"),
        /// Turn the project into a lasting partnership.
        BuildLongTermRelationship = 29, "build_long_term_relationship" => ("Build a long-term relationship", "建立长期合作关系"),
    }
}

impl WorkItem {
    /// What the item involves, in both languages.
    pub fn description(self) -> Text {
        match self {
            WorkItem::SearchLeads => Text { en: "Watch for project information before and after the customer approves a project, so that we hear of it in time.", zh: "在客户立项前后及时掌握可能的项目信息。" },
            WorkItem::CollectNeeds => Text { en: "Learn which problem the project must solve and what the customer expects of a supplier.", zh: "弄清项目要解决的问题以及客户对供应商的期望。" },
            WorkItem::CollectSchedule => Text { en: "Learn when the project runs and when each procurement step is due.", zh: "弄清项目进度以及各采购环节的时间节点。" },
            WorkItem::CollectBudget => Text { en: "Learn how much money is set aside and whether it is secured.", zh: "弄清预算金额以及资金是否落实。" },
            WorkItem::AssessCompetition => Text { en: "Learn which competitors are involved and how their products, prices, solutions and service compare.", zh: "弄清有哪些竞争对手，以及其产品、价格、技术方案和服务的对比情况。" },
            WorkItem::ClarifyDecisionMaking => Text { en: "Learn who takes part in the decision and how it is taken.", zh: "弄清谁参与决策以及决策流程。" },
            WorkItem::ClarifyPriorities => Text { en: "Learn which evaluation items the customer weighs most.", zh: "弄清客户最看重的评估事项。" },
            WorkItem::EvaluateOpportunity => Text { en: "Score project level, funding, technical fit, relationship, reputation and competition in the evaluation model; if it fails, give up or lower the contact level.", zh: "按评估模型考察项目级别、资金、技术要求、客户关系、客户信誉与竞争；未通过则放弃或降低接触级别。" },
            WorkItem::GradeOpportunity => Text { en: "Grade the opportunity A, B, C or D by expected closing time and likelihood, and put resources where the grade says.", zh: "按预计成交时间和成交可能性将机会分为A、B、C、D级，并据此分配资源。" },
            WorkItem::ConfirmProjectInformation => Text { en: "Check and analyse what development found before building on it.", zh: "在此基础上推进之前，核实并分析开发阶段获得的信息。" },
            WorkItem::FindInsiders => Text { en: "Through visits, find people in or around the account who will guide us.", zh: "通过拜访找到愿意指引我们的内部或外部人员。" },
            WorkItem::MapOrganisation => Text { en: "With the insiders' help, draw the purchasing organisation and the part each person plays.", zh: "借助内线梳理采购组织结构及每个人的角色和分工。" },
            WorkItem::IdentifyKeyPeople => Text { en: "Find the economic, technical and user buyers and how much each weighs in the decision.", zh: "找出经济决策者、技术把关者和使用者，并判断各自在决策中的分量。" },
            WorkItem::BuildRelationships => Text { en: "Build good relationships with the key people, and keep good terms with everyone else involved; the goal is to become a candidate supplier.", zh: "与关键人建立良好关系，同时维护好其他相关人员；目标是成为候选供应商。" },
            WorkItem::DemonstrateSolution => Text { en: "Show the product or solution so the customer understands what it does for them.", zh: "演示产品或方案，让客户充分了解其价值。" },
            WorkItem::HostCompanyVisit => Text { en: "Bring the customer to our company to see how we work.", zh: "邀请客户到公司参观，了解我们的实力。" },
            WorkItem::ArrangeReferenceVisit => Text { en: "Let the customer see our product at work with another customer.", zh: "让客户到已使用我们产品的客户现场参观。" },
            WorkItem::SubmitProposal => Text { en: "Hand over a proposal that meets the needs in ways competitors cannot.", zh: "提交能满足客户需求且竞争对手难以做到的建议书。" },
            WorkItem::InfluenceStandards => Text { en: "Get our product's features and technical standards into the purchasing standards; otherwise the next stage becomes a price fight.", zh: "让我们产品的特点和技术标准成为采购标准；否则下一阶段将陷入价格战。" },
            WorkItem::InfluenceDecisionMakers => Text { en: "Keep working on the main decision-makers and key people.", zh: "持续做好主要决策者和关键人的工作。" },
            WorkItem::WriteBid => Text { en: "Write the bid to the tender so that it shows our solution meets the needs best.", zh: "按招标要求编写标书，体现我方方案最能满足客户需求。" },
            WorkItem::AnalyseCostAndMargin => Text { en: "Work out cost and expected gross margin from the competitors, the customer's ranking of suppliers and the tender instructions.", zh: "根据竞争对手、客户对供应商的排序和招标说明分析项目成本与预期毛利。" },
            WorkItem::PositionPrice => Text { en: "Decide the price position of the products and of the project in the bid.", zh: "确定方案中产品和项目的价格定位。" },
            WorkItem::ReviewWithdrawal => Text { en: "If the standards really favour others, consider withdrawing and waiting for the next opportunity.", zh: "若采购标准确实不利，可考虑退出竞争，等待下一次机会。" },
            WorkItem::ArrangeExecutiveVisit => Text { en: "Have our senior executives visit the customer.", zh: "安排公司高层拜访客户。" },
            WorkItem::NegotiateTerms => Text { en: "Negotiate price, terms and responsibilities with the customer.", zh: "与客户就价格、条款和责任进行商务谈判。" },
            WorkItem::SignContract => Text { en: "See the supply contract through approval and signature.", zh: "推动供货合同完成审批并签订。" },
            WorkItem::ImplementProject => Text { en: "Deliver and implement the project successfully.", zh: "顺利交付并实施项目。" },
            WorkItem::ObtainAcceptance => Text { en: "Get the customer to accept the finished project.", zh: "推动客户完成项目验收。" },
            WorkItem::BuildLongTermRelationship => Text { en: "Use the project to build a lasting partnership with the customer.", zh: "借助项目与客户建立长期合作关系。" },
        }
    }
}

/// The main work of `stage`, in the order it is usually done.
pub fn work_items(stage: Stage) -> &'static [WorkItem] {
    use WorkItem::*;
    match stage {
        Stage::Development => &[
            SearchLeads,
            CollectNeeds,
            CollectSchedule,
            CollectBudget,
            AssessCompetition,
            ClarifyDecisionMaking,
            ClarifyPriorities,
            EvaluateOpportunity,
            GradeOpportunity,
        ],
        Stage::SalesEntry => &[
            ConfirmProjectInformation,
            FindInsiders,
            MapOrganisation,
            IdentifyKeyPeople,
            BuildRelationships,
        ],
        Stage::Proposal => &[
            DemonstrateSolution,
            HostCompanyVisit,
            ArrangeReferenceVisit,
            SubmitProposal,
            InfluenceStandards,
            InfluenceDecisionMakers,
        ],
        Stage::Bidding => &[
            WriteBid,
            AnalyseCostAndMargin,
            PositionPrice,
            InfluenceDecisionMakers,
            ReviewWithdrawal,
        ],
        Stage::BusinessNegotiation => &[ArrangeExecutiveVisit, NegotiateTerms, SignContract],
        Stage::ProjectImplementation => &[
            ImplementProject,
            ObtainAcceptance,
            BuildLongTermRelationship,
        ],
    }
}

/// What `stage` is for, in one sentence in both languages.
pub fn stage_goal(stage: Stage) -> Text {
    match stage {
        Stage::Development => Text { en: "Learn enough about the project to decide whether it is an opportunity, and grade it.", zh: "充分了解项目以判断其是否为销售机会，并进行分级。" },
        Stage::SalesEntry => Text { en: "Know the customer's organisation and win the key people: become a candidate supplier.", zh: "了解客户组织并赢得关键人：成为候选供应商。" },
        Stage::Proposal => Text { en: "Shape the customer's procurement standards around what we do best.", zh: "围绕我方优势影响客户的采购标准。" },
        Stage::Bidding => Text { en: "Submit a bid that wins on the standards at a price that pays.", zh: "以合理的价格提交符合标准、能够中标的标书。" },
        Stage::BusinessNegotiation => Text { en: "Turn the customer's choice into a signed contract.", zh: "将客户的选择落实为签订的合同。" },
        Stage::ProjectImplementation => Text { en: "Deliver the project to acceptance and build a long-term relationship.", zh: "交付项目直至验收，并建立长期合作关系。" },
    }
}

/// One line of a stage checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ChecklistItem {
    /// The work item.
    pub item: WorkItem,
    /// Its short label.
    pub label: Text,
    /// What it involves.
    pub description: Text,
}

/// The checklist of `stage`: its work items with labels and descriptions in
/// both languages.
pub fn checklist(stage: Stage) -> impl Iterator<Item = ChecklistItem> {
    work_items(stage).iter().map(|&item| ChecklistItem {
        item,
        label: Text {
            en: crate::labels::Labelled::label_en(&item),
            zh: crate::labels::Labelled::label_zh(&item),
        },
        description: item.description(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stage_has_work_and_every_item_is_used() {
        for &stage in Stage::ALL {
            assert!(!work_items(stage).is_empty(), "{stage}");
            assert!(!stage_goal(stage).en.is_empty());
        }
        for &item in WorkItem::ALL {
            assert!(
                Stage::ALL.iter().any(|&s| work_items(s).contains(&item)),
                "{item} is in no stage"
            );
            assert!(!item.description().zh.is_empty());
        }
    }

    #[test]
    fn development_ends_with_evaluation_and_grading() {
        let dev = work_items(Stage::Development);
        assert_eq!(
            &dev[dev.len() - 2..],
            [WorkItem::EvaluateOpportunity, WorkItem::GradeOpportunity]
        );
    }

    #[test]
    fn checklist_carries_both_languages() {
        let first = checklist(Stage::SalesEntry).nth(1).unwrap();
        assert_eq!(first.item, WorkItem::FindInsiders);
        assert_eq!(first.label.en, "Find insiders");
        assert_eq!(first.label.zh, "寻找内线");
    }
}
