// For commands that serve until the operator stops them (`start`, `console`): resolves on the
// first SIGINT or SIGTERM, and leaves no handler behind.
export function untilStopped(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
