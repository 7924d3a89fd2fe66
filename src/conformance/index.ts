/**
 * ocppkit/conformance: the OCPP 2.0.1 part 6 test cases as a test tool. `runCsms` plays the charging
 * station against a CSMS (TC_*_CSMS); the case model, config, triggers and reports are direction-agnostic.
 */
export {
  allFeatures,
  Block,
  type BlockLetter,
  type CaseResult,
  type ConformanceCase,
  type CsCase,
  type CsmsCase,
  Direction,
  Feature,
  type FrameLog,
  Outcome,
} from "./case.js";
export { CaseTest, type CaseTestOptions } from "./case-test.js";
export { csmsCases } from "./cases/index.js";
export { type ConformanceConfig, defaultConfig, exampleConfigText, type IdToken, parseConfigText, resolveConfig } from "./config.js";
export { type Answer, CsTest, PhysicalAction, type StationCall, type StationLink } from "./cs/cs-test.js";
export { csCases } from "./cs/index.js";
export { type CsRunOptions, runCs } from "./cs/playing-csms.js";
export { type ExpectedCsmsBehaviour, expectedCsmsBehaviour } from "./csms-behaviour.js";
export {
  type ClientCertificate,
  type Credentials,
  CsmsTest,
  type ExpectedCall,
  type IncomingCall,
  type StationMemory,
  type StationState,
  type UpgradedConnection,
} from "./csms-test.js";
export { ConformanceError, type ConformanceErrorCode } from "./errors.js";
export { CheckFailure, StepError } from "./failures.js";
export { type CsmsRunOptions, runCase, runCsms } from "./playing-station.js";
export { exitCodeOf, junitXml, resultEvent, resultLines, type Summary, summarize, summaryLines, type Tally } from "./report.js";
export { notApplicable, type RunOptions, runCases, runOn, type Side, selectCases } from "./runner.js";
export * as states from "./states.js";
export {
  commandTrigger,
  httpTrigger,
  NeedsActionError,
  noTrigger,
  promptTrigger,
  type Trigger,
  type TriggerRequest,
  triggerOption,
} from "./triggers.js";
