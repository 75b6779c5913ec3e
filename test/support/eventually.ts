/**
 * Waits for a condition by re-checking it until it holds or the deadline passes, then fails
 * with the last reason. For state owned by another process that offers no signal to wait on.
 */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 15000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `condition not met within ${timeoutMs} ms: ${lastError instanceof Error ? lastError.message : String(lastError)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
