/** A scoring plan or model-table request that cannot become SQL; the message says what to change. */
export class ScriptPlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScriptPlanError';
  }
}
