/**
 * The wizard webview's entry point: registers the elements and keeps the panel's initial state.
 * Theme-aware through VS Code's CSS variables; usable with the keyboard alone.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import './components/draft-text-field.js';
import { keepInitialState } from './api.js';
import { PredictWizard } from './wizard.js';

keepInitialState();
customElements.define('predict-wizard', PredictWizard);
