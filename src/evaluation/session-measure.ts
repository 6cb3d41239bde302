/**
 * One per-session value a comparison tests: a stable `key` for readers of the JSON, the row's
 * name as printed, and the value (null where the session has none, such as a protocol rate in a
 * session without a risk turn: left out of the sample rather than counted as 0).
 */
export interface SessionMeasure<S> {
  key: string;
  metric: string;
  value: (session: S) => number | null;
}
