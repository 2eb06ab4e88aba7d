export { loadConfig, inspectConfig, type StewardConfig, type LoadedFile, type ConfigReport } from './load.js';
export { validateYaml, type ValidationResult } from './validate-yaml.js';
export { formatProblem, formatPath, type ConfigProblem } from './problems.js';
export { fieldPosition } from './field-position.js';
export { readTextFile, decodeUtf8, type DecodedText } from './read-text-file.js';
export { agentSchema, agentModes, agentTasks, type AgentConfig, type AgentModelConfig } from './schemas/agent.js';
export { policySchema, actionKinds, type PolicyConfig, type PolicyTokenEntry } from './schemas/policy.js';
export { decimalString, percentString, address, tokenSymbol, durationString, durationMs } from './schemas/common.js';
export { loadEnv, resolveSettings, type Settings, ENV_VARS } from './env.js';
