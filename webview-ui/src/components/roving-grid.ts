/**
 * A table of controls as one Tab stop, as VS Code's own lists are: Tab enters the grid at its active
 * control and leaves it at the next control after the grid; ↑/↓ move to the same column of the row
 * above or below (unless a dropdown is open), ←/→ to the previous or next control of the row (in a
 * text field only when the caret is at its start or end). Space or typing opens a dropdown.
 * Used on the tbody of page 2's input and output tables.
 */
const CONTROLS = 'vscode-single-select, draft-text-field, vscode-button';

/** The grid's controls by row (rows without controls, such as warning lines, are left out). */
function cells(body: HTMLElement): HTMLElement[][] {
  return [...body.querySelectorAll<HTMLElement>(':scope > tr')].map((tr) => [...tr.querySelectorAll<HTMLElement>(CONTROLS)]).filter((r) => r.length > 0);
}

function active(body: HTMLElement, grid: HTMLElement[][]): [number, number] {
  const r = Math.min(Number(body.dataset['row'] ?? 0), grid.length - 1);
  const c = Math.min(Number(body.dataset['col'] ?? 0), (grid[r]?.length ?? 1) - 1);
  return [Math.max(r, 0), Math.max(c, 0)];
}

function setActive(body: HTMLElement, r: number, c: number): void {
  body.dataset['row'] = String(r);
  body.dataset['col'] = String(c);
  syncTabStops(body);
}

/** Gives the active control tabindex 0 and every other control -1 (after each render). */
export function syncTabStops(body: HTMLElement): void {
  const grid = cells(body);
  const [r, c] = active(body, grid);
  grid.forEach((row, i) => row.forEach((el, j) => (el.tabIndex = i === r && j === c ? 0 : -1)));
}

function locate(grid: HTMLElement[][], path: readonly EventTarget[]): [number, number] | undefined {
  for (let i = 0; i < grid.length; i++) {
    const j = grid[i]!.findIndex((el) => path.includes(el));
    if (j >= 0) return [i, j];
  }
  return undefined;
}

/** A control got focus (a click, or Tab into the grid): it becomes the grid's Tab stop. */
export function onGridFocus(e: FocusEvent): void {
  const body = e.currentTarget as HTMLElement;
  const at = locate(cells(body), e.composedPath());
  if (at && (String(at[0]) !== body.dataset['row'] || String(at[1]) !== body.dataset['col'])) setActive(body, at[0], at[1]);
}

/** Arrow keys between controls; listen in the capture phase, before the controls handle them. */
export function onGridKey(e: KeyboardEvent): void {
  if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
  const body = e.currentTarget as HTMLElement;
  const grid = cells(body);
  const path = e.composedPath();
  const at = locate(grid, path);
  if (!at) return;
  const [i, j] = at;
  const el = grid[i]![j]!;
  const open = (el as HTMLElement & { open?: boolean }).open === true;
  const input = el.tagName === 'DRAFT-TEXT-FIELD' && path[0] instanceof HTMLInputElement ? path[0] : undefined;
  let r = i;
  let c = j;
  switch (e.key) {
    case 'ArrowUp':
    case 'ArrowDown':
      if (open) return;
      r = Math.min(Math.max(i + (e.key === 'ArrowDown' ? 1 : -1), 0), grid.length - 1);
      c = Math.min(j, grid[r]!.length - 1);
      break;
    case 'ArrowLeft':
      if (open || (input && (input.selectionStart !== 0 || input.selectionEnd !== 0))) return;
      c = Math.max(j - 1, 0);
      break;
    case 'ArrowRight':
      if (open || (input && (input.selectionStart !== input.value.length || input.selectionEnd !== input.value.length))) return;
      c = Math.min(j + 1, grid[i]!.length - 1);
      break;
    default:
      return;
  }
  e.preventDefault();
  e.stopPropagation();
  if (r === i && c === j) return;
  setActive(body, r, c);
  grid[r]![c]!.focus();
}
