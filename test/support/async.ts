/** Small promise helpers shared by the tests. */

/** The error `attempt` rejects with; fails the test if it resolves. */
export async function failureOf(attempt: Promise<unknown>): Promise<unknown> {
  try {
    await attempt;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure, got success');
}

/** Resolves when `promise` does, or fails after `ms` (so that a missing event fails fast instead of hanging). */
export async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** What the SDK made of a call that must fail: the error's name, HTTP status and the service's message. */
export async function refusal(
  attempt: Promise<unknown>,
): Promise<{ name: string; status: number | undefined; message: string }> {
  const error = (await failureOf(attempt)) as Error & { $metadata?: { httpStatusCode?: number } };
  return { name: error.name, status: error.$metadata?.httpStatusCode, message: error.message };
}
