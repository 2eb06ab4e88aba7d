export { openStore, durableTransaction, latestSchemaVersion, type Store, type Db, type OpenStoreOptions } from './store.js';
export { migrations, type Migration } from './migrations/index.js';
export { getSetting, setSetting } from './settings.js';
export { actionStates, spendingStates, unsettledStates, unsignedInFlightStates, type ActionState } from './action-states.js';
export { installId } from './install-id.js';
export { closeCrashLeftovers, type CrashLeftovers } from './crash-leftovers.js';
export { statement } from './statements.js';
export { isPaused, setPaused, pauseState, type PauseState } from './pause-flag.js';
export { forkCacheStore } from './fork-cache-store.js';
