//! Guidance: what remains to do in a deal's current stage.

use serde::Serialize;

use super::{
    CycleOpening, Outcome, PhaseResult, Stage, Step, StepRequirement, TechnicalPhase, TechnicalSale,
};
use crate::labelled_enum;
use crate::labels::Text;

labelled_enum! {
    /// The kind of thing that remains to do.
    pub enum GuidanceAction {
        /// Do a step of the current stage.
        CompleteStep = 0, "complete_step" => ("Complete a step", "完成步骤"),
        /// Run a technical trial phase.
        RunTechnicalPhase = 1, "run_technical_phase" => ("Run a technical trial phase", "进行技术试验阶段"),
        /// Resolve an open objection.
        ResolveObjection = 2, "resolve_objection" => ("Resolve an objection", "化解异议"),
        /// Obtain the client's decision.
        ClientDecision = 3, "client_decision" => ("Obtain the client's decision", "获取客户决策"),
        /// Move on to the next stage.
        Advance = 4, "advance" => ("Move to the next stage", "进入下一阶段"),
        /// Start the next iteration at recognition of needs.
        StartNextIteration = 5, "start_next_iteration" => ("Start the next iteration", "开始下一轮循环"),
    }
}

/// One thing that remains to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpenItem {
    /// What kind of thing.
    pub action: GuidanceAction,
    /// The step concerned, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<Step>,
    /// The technical phase to run, for [`GuidanceAction::RunTechnicalPhase`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phase: Option<TechnicalPhase>,
    /// The objection's id, for [`GuidanceAction::ResolveObjection`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub objection: Option<String>,
    /// Whether the stage cannot end without it.
    pub requirement: StepRequirement,
    /// Whether it can be done now (what must come first is done).
    pub ready: bool,
    /// What to do, in both languages.
    pub text: Text,
}

/// What remains to do in a deal, for its current state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Guidance {
    /// The stage the deal is in.
    pub stage: Stage,
    /// The current iteration, from 1.
    pub iteration: u32,
    /// Where the iteration stands.
    pub outcome: Outcome,
    /// What the cycle starts with, from the relationship level, while the
    /// first iteration is in recognition of needs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opening: Option<CycleOpening>,
    /// Whether a negative worth-investing check holds the investment-heavy
    /// steps back (they are listed as not ready until it is overridden).
    pub investment_refused: bool,
    /// The open items, in the order to do them; empty once the cycle ended.
    pub items: Vec<OpenItem>,
}

impl Guidance {
    /// The items that are ready to be done now.
    pub fn ready(&self) -> impl Iterator<Item = &OpenItem> {
        self.items.iter().filter(|i| i.ready)
    }
}

const RESOLVE_OBJECTION: Text = Text {
    en: "Resolve this objection before the client decides.",
    zh: "在客户决策之前化解这一异议。",
};
const CLIENT_DECISION: Text = Text {
    en: "Ask the client to decide: agreement or not.",
    zh: "请客户做出决定：是否达成协议。",
};
const ADVANCE: Text = Text {
    en: "When the required steps are done, move on to the next stage.",
    zh: "必需步骤完成后，进入下一阶段。",
};
const NEXT_ITERATION: Text = Text {
    en: "When follow-up and verification are done, start again at recognition of needs, carrying what was learned.",
    zh: "跟进与验证完成后，带着已积累的经验，从需求识别重新开始。",
};

impl TechnicalSale {
    /// What remains to do in the current stage: the open steps (required and
    /// optional), open objections, and the move that ends the stage.
    pub fn guidance(&self) -> Guidance {
        let mut items = Vec::new();
        if !self.is_closed() {
            for &step in self.stage().steps() {
                let requirement = self.variant().requirement(step);
                if requirement == StepRequirement::Skipped || self.is_done(step) {
                    continue;
                }
                let ready = self.missing_prerequisites(step).is_empty()
                    && !(step.is_investment_heavy() && self.investment_refused());
                if step == Step::TechnicalEvaluation {
                    for phase in self.next_phases() {
                        items.push(OpenItem {
                            action: GuidanceAction::RunTechnicalPhase,
                            step: Some(step),
                            phase: Some(phase),
                            objection: None,
                            requirement,
                            ready,
                            text: phase.guidance(),
                        });
                    }
                } else {
                    items.push(OpenItem {
                        action: GuidanceAction::CompleteStep,
                        step: Some(step),
                        phase: None,
                        objection: None,
                        requirement,
                        ready,
                        text: step.guidance(),
                    });
                }
            }
            let stage_done = self.missing_steps().is_empty();
            let (action, ready, text) = match self.stage() {
                Stage::ResolvingConcerns => {
                    for objection in self.open_objections() {
                        items.push(OpenItem {
                            action: GuidanceAction::ResolveObjection,
                            step: None,
                            phase: None,
                            objection: Some(objection.id.to_owned()),
                            requirement: StepRequirement::Required,
                            ready: true,
                            text: RESOLVE_OBJECTION,
                        });
                    }
                    let clear = self.open_objections().next().is_none();
                    (
                        GuidanceAction::ClientDecision,
                        stage_done && clear,
                        CLIENT_DECISION,
                    )
                }
                Stage::Evolution => (
                    GuidanceAction::StartNextIteration,
                    stage_done,
                    NEXT_ITERATION,
                ),
                _ => (GuidanceAction::Advance, stage_done, ADVANCE),
            };
            items.push(OpenItem {
                action,
                step: None,
                phase: None,
                objection: None,
                requirement: StepRequirement::Required,
                ready,
                text,
            });
        }
        let opening = self
            .opening()
            .filter(|_| self.iteration() == 1 && self.stage() == Stage::RecognitionOfNeeds);
        Guidance {
            stage: self.stage(),
            iteration: self.iteration(),
            outcome: self.outcome(),
            opening,
            investment_refused: self.investment_refused(),
            items,
        }
    }

    /// The phases that move the technical evaluation forward: a first phase
    /// the variant allows, a retry after a failure, or the next phase.
    fn next_phases(&self) -> Vec<TechnicalPhase> {
        match self.technical_runs().last() {
            None => self.allowed_phases(),
            Some(last) if last.result == PhaseResult::Failed => vec![last.phase],
            Some(last) => last.phase.next().into_iter().collect(),
        }
    }
}
