export {
  algorithms,
  armProbabilities,
  banditFromJson,
  banditToJson,
  choose,
  createBandit,
  estimates,
  update,
  workspaceFor,
  type Algorithm,
  type Bandit,
  type BanditConfig,
  type BanditJson,
  type Choice,
  type Workspace,
} from './bandit.js';
export { contextFeatures, decisionTypes, defaultArms, featureDimension, featureNames, type Arm, type DecisionContext, type DecisionType } from './decision-types.js';
export { newLinearArm, observe, predict, type LinearArm, type LinearArmJson } from './linear-arm.js';
export {
  candidateBeatsLive,
  crossFittedDoublyRobust,
  doublyRobust,
  fitRewardModel,
  ips,
  offPolicyReport,
  snips,
  type LoggedDecision,
  type OffPolicyReport,
  type PolicyEstimate,
  type RewardModel,
  type TargetPolicy,
} from './off-policy.js';
export { pricingFeatureDimension, pricingFeatureNames, pricingFeatures, type PricingContext } from './pricing-features.js';
