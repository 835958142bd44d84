/** Runs before every test file: capture output for the leak scan and fail the file if a secret was logged. */
import { findLeak, installCapture } from './leak-scan';

installCapture();

afterAll(() => {
  const leak = findLeak();
  if (leak !== undefined) throw new Error(`Secret leaked into the logs: ${leak}`);
});
