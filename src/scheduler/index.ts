export { createScheduler, type Scheduler, type SchedulerOptions, type ScheduledAgent, type TickOutcome } from './scheduler.js';
