export { parseAmount, formatAmount, describeValue, U64_MAX, type ParseAmountResult } from './amount.js';
export { isAddress, toAddress, type Address } from './address.js';
export { redact, redactText, redactUrl, isBase58SecretKey, REDACTED, SECRET_KEYS } from './redact.js';
export { createLogger, silentLogger, type Logger, type LoggerOptions } from './log.js';
export {
  terminalText,
  terminalBlock,
  fromTerminalText,
  neutraliseOutput,
  markdownText,
  markdownFence,
  htmlText,
} from './untrusted-text.js';
export { currentProcess, pidExists, processLiveness, type ProcessIdentity, type ProcessLiveness } from './process-identity.js';
export { ensurePrivateDir, ensurePrivateFile, writePrivateFile, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './private-files.js';
export { durationMs } from './duration.js';
// Money (src/shared/money), modelled once (issue #17): a `Price` (exact mantissa × 10^exponent
// with confidence, publish time and trust), one valuation to bigint micro-USD with explicit
// rounding, and the formatters for what a person reads. It lives in src/shared because every
// layer uses it, the pure policy included, and src/shared is the only layer all may import.
//
//   valueMicroUsd(250_000_000_000n, 6, price, 'down')            → 250_000_000_000n (micro-USD)
//   formatUsd(3_261_400_000_000n, 'cents')                         → "$3,261,400.00"
//   formatTokenAmount(-250_000_000_000n, { symbol: 'USDC', decimals: 6 }, { usdMicro }) → "-250,000 USDC ($250,000)"
export { formatPrice, priceFromDecimal, deviationFromOneCentiBps, pow10, type Price } from './money/price.js';
export { valueMicroUsd, MICRO_USD_DECIMALS, type Rounding } from './money/value.js';
export {
  formatUsd,
  formatTokenAmount,
  formatTokenNumber,
  groupDecimalText,
  groupThousands,
  parseUsdMicro,
  shortMint,
  type TokenLabel,
  type UsdStyle,
} from './money/format.js';
