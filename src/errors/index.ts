export {
  errorCodes,
  errorFamilies,
  errorKind,
  errorDocs,
  type ErrorCode,
  type ErrorContexts,
  type ErrorFact,
  type ErrorFacts,
  type ErrorFamily,
  type ErrorKind,
} from './codes.js';
export { StewardError, isStewardError, toStewardError, type StewardErrorOptions } from './steward-error.js';
