export { errorCodes, type ErrorCode } from './codes.js';
export { StewardError, isStewardError, toStewardError, type StewardErrorOptions } from './steward-error.js';
