/**
 * Runs `work` over `count` tasks with at most `concurrency` in flight. The first failure
 * stops new tasks from starting and is rethrown once the in-flight ones settle, so a
 * judge that never answers ends the run instead of failing every remaining task.
 */
export async function runPool(
  count: number,
  concurrency: number,
  work: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < count) {
      const index = next++;
      try {
        await work(index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, worker));
  if (failure) throw failure.error;
}
