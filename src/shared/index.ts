export { parseAmount, formatAmount, describeValue, U64_MAX, type ParseAmountResult } from './amount.js';
export { isAddress, toAddress, type Address } from './address.js';
export { redact, redactText, redactUrl, isBase58SecretKey, REDACTED, SECRET_KEYS } from './redact.js';
export { createLogger, silentLogger, type Logger, type LoggerOptions } from './log.js';
export { terminalText, terminalBlock, fromTerminalText, neutraliseOutput, markdownText, markdownFence, htmlText } from './untrusted-text.js';
export { currentProcess, pidExists, processLiveness, type ProcessIdentity, type ProcessLiveness } from './process-identity.js';
export { ensurePrivateDir, ensurePrivateFile, writePrivateFile, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './private-files.js';
export { durationMs } from './duration.js';
