export interface Migration {
  /** Strictly increasing, never reused, never edited once released. */
  version: number;
  name: string;
  sql: string;
}
