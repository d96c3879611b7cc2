// Stopping a server process a test harness started: SIGTERM, then SIGKILL if it has not exited
// within `graceMs`, so that no test run leaves a daemon behind.

/** @param {import('node:child_process').ChildProcess} child */
export async function stopChild(child, graceMs = 5000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  let timer;
  await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
  clearTimeout(timer);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
