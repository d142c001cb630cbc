/**
 * Every message between the model comparison's host and its webview, declared once and imported by
 * both. Plain JSON shapes only: no vscode, no Node, no DOM. The host computes the whole view
 * (src/lifecycle-host/compare/view.ts); the webview renders it and posts only that it is ready.
 */

/** One cell of the confusion table: rows are model A's label, columns model B's. */
export interface ConfusionCellView {
  readonly count: number;
  /** Both versions gave the same label. */
  readonly agree: boolean;
  /** The cell's share of all rows, e.g. "12.5 %". */
  readonly share: string;
}

export interface ConfusionView {
  readonly labels: readonly string[];
  readonly rows: readonly { readonly label: string; readonly cells: readonly ConfusionCellView[]; readonly total: number }[];
  readonly columnTotals: readonly number[];
}

export interface DifferingRowsView {
  /** Key columns first, then the two versions' predictions (and |A − B| for regressors). */
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Shown instead of an empty table, or under a table that holds only the first rows. */
  readonly note?: string;
}

export interface CompareView {
  readonly title: string;
  /** e.g. "wwi_ml.CustomerPrediction · output PredictedLabel · 1 000 rows of wwi_ml.CustomerTest". */
  readonly subtitle: string;
  readonly modelA: string;
  readonly modelB: string;
  readonly kind: 'classifier' | 'regressor';
  /** e.g. "97.3 %". */
  readonly agreement: string;
  /** e.g. "973 of 1 000 rows give the same label". */
  readonly agreementDetail: string;
  readonly confusion?: ConfusionView;
  readonly errors?: { readonly meanAbs: string; readonly maxAbs: string };
  readonly differing: DifferingRowsView;
}

export type CompareHostMessage = { readonly kind: 'notification'; readonly method: 'state'; readonly params: { readonly view: CompareView } };

export type CompareWebviewMessage = { readonly kind: 'command'; readonly method: 'ready' | 'rendered' };
